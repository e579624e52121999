// Building a report cube from a store's scan on two threads: the scan reads
// and decodes records on the calling thread while a second thread folds the
// previous ones into the cube (each is about half the work of a build).
#pragma once

#include <functional>

#include "collector/store/store.hpp"
#include "common/report/usage_cube.hpp"

namespace codepulse::collector {

// Runs `scan` (which hands each fact to the UsageScan it is given, e.g. a
// store's follow_usage or read_usage) and folds every fact into `cube`. The
// scan stops when the UsageScan returns false, which it does once `stop`
// says so. `cube` is complete when this returns.
Status build_cube_from(report::UsageCube& cube, const std::function<Status(const UsageScan&)>& scan,
                       const std::function<bool()>& stop);

}  // namespace codepulse::collector

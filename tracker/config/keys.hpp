// The tracker's configuration keys (keys.cpp), in the order `config show`
// prints; the engine that reads them is common/config/config.hpp.
#pragma once

#include "common/config/config.hpp"

namespace codepulse::tracker {

const ConfigKeys& tracker_config_keys();
inline constexpr const char* kTrackerProgram = "codepulse-tracker";

}  // namespace codepulse::tracker

// The privacy floor (docs/ACCESS.md): for a caller who may not see
// individuals, the rows of a report that stand for fewer than
// min_group_size distinct people are merged into one "(others)" row at
// their level — merged, never dropped, so every total stays exact.
#pragma once

#include <cstddef>

#include "common/report/report.hpp"
#include "common/result.hpp"

namespace codepulse::report {

// The start of the error of a filtered report whose whole selection stands
// for fewer people than the floor.
inline constexpr const char* kBelowFloor = "below the privacy floor";

// `root`'s tree has `levels` levels of the report and one more below them:
// the authors of each leaf (report engine's hidden level), which this
// removes after counting distinct people (an author no person claims
// counts as one). At every level, the children standing for fewer than `k`
// people fold into one "(others)" leaf; when that leaf would itself stand
// for fewer than `k`, the smallest kept children join it until it does or
// none is left. `filtered`: the report has filters, and a selection of
// fewer than `k` people is refused (kBelowFloor).
Status apply_privacy_floor(ReportNode& root, size_t levels, size_t k, const PeopleTimeline* people,
                           bool filtered);

}  // namespace codepulse::report

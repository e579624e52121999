// The report flags both programs accept, turned into the engine's
// parameters (common/report/report.hpp parses and checks them).
#pragma once

#include <string>
#include <vector>

#include "common/report/report.hpp"
#include "tracker/cli/args.hpp"

namespace codepulse::tracker {

std::vector<FlagSpec> report_flags();
// --group-by, --metric, --where..., --top, --since, --until, --tz,
// --granularity, --format -> a checked ReportRequest.
Result<report::ReportRequest> parse_report_args(const Args& args);

}  // namespace codepulse::tracker

// The report flags both programs accept, turned into the engine's
// parameters (common/report/report.hpp parses and checks them).
#pragma once

#include <string>
#include <vector>

#include "common/cli/args.hpp"
#include "common/report/report.hpp"

namespace codepulse {

// The collector's reports also take the outcome flags (--outcomes, --links,
// --leverage-weights) and name the outcome dimensions and metrics.
enum class ReportFlavour { kUsage, kOutcomes };
std::vector<FlagSpec> report_flags(ReportFlavour flavour = ReportFlavour::kUsage);
// --group-by, --metric, --where..., --top, --since, --until, --tz,
// --granularity, --format, --cost (and the outcome flags) -> a checked
// ReportRequest.
// A usage-only program refuses outcome dimensions and metrics, saying where
// they are.
Result<report::ReportRequest> parse_report_args(const Args& args,
                                                ReportFlavour flavour = ReportFlavour::kUsage);

}  // namespace codepulse

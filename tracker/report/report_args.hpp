// The report options both programs accept (--group-by, --since, --until,
// --tz, --format), parsed into a ReportQuery.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"
#include "tracker/cli/args.hpp"
#include "tracker/report/usage_report.hpp"

namespace codepulse::tracker {

std::vector<FlagSpec> report_flags();
// Fills `q` and `format` (table, json or csv) from parsed flags.
Status parse_report_args(const Args& args, ReportQuery& q, std::string& format);
// The report in `format`.
std::string render_report(const Report& report, const std::string& format);

}  // namespace codepulse::tracker

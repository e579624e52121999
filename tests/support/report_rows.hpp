// The tracker's report as rows keyed "<first>|<second>" (two dimensions),
// ccusage's daily JSON in the same shape, and a check of one row: for the
// tests that compare totals per day, model or assistant.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "tests/support/test_support.hpp"

namespace codepulse::test {

// `codepulse-tracker report --group-by <group_by> --format csv` of `state`.
std::map<std::string, DayModelRow> tracker_report_rows(const std::string& state,
                                                       const std::string& group_by = "date,model");
// `ccusage [<source>] daily --json [--breakdown]`: rows keyed "YYYY-MM-DD|model";
// cost_cents set from each model's cost. Throws on another shape.
std::map<std::string, DayModelRow> parse_ccusage_daily(const std::string& json);
// CHECKs one row's request count and token buckets (a missing row fails).
void check_report_row(const std::map<std::string, DayModelRow>& rows, const std::string& key,
                      int64_t requests, int64_t input, int64_t output, int64_t cache_create,
                      int64_t cache_read);

}  // namespace codepulse::test

// What the table, JSON and CSV renderers share: the order of a node's
// children and the text of ratios, hours, seconds, optional amounts and
// leverage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/report/report.hpp"

namespace codepulse::report {

// Children in report order: by the chosen metric (descending), else dates by
// key and everything else by cost; "(others)" last.
std::vector<const ReportNode*> ordered(const Report& r, const ReportNode& n, size_t level);

// "0.1234"
std::string ratio_text(double v);
// Milliseconds as hours, "1.50"; "null" without a value.
std::string hours_text(std::optional<double> ms);
// Milliseconds as seconds to the millisecond, "5400.250" (a percentile between
// two durations rounded half away from zero to a millisecond); "null" without.
std::string seconds_text(std::optional<double> ms);
// The percentile p of a copy of `v` (leverage.hpp).
std::optional<double> pct(std::vector<int64_t> v, double p);
// ratio_text, or "null".
std::string optional_ratio(std::optional<double> v);
// Dollars (format_usd), or "null".
std::string optional_usd(std::optional<int64_t> nanos);
// The nano-dollars as an integer, or "null".
std::string optional_nanos(std::optional<int64_t> nanos);
// The leverage score on cost basis `b`, "4.13", or "null" without spend.
std::string leverage_text(const Metrics& m, const LeverageWeights& w, CostBasis b);

}  // namespace codepulse::report

// The leverage score (docs/METRICS.md): what the spend bought, as weighted
// activity per dollar. Shown next to its inputs so anyone can check it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/report/report.hpp"
#include "common/result.hpp"

namespace codepulse::report {

struct LeverageInputs {
  int64_t lines_added = 0, lines_removed = 0, refactoring = 0, skills = 0, mcp = 0;
  int64_t cost_nanos = 0;
};

// Σ(activity × weight).
double leverage_activity(const LeverageInputs& in, const LeverageWeights& w);
// Σ(activity × weight) / cost in dollars; nullopt without spend.
std::optional<double> leverage_score(const LeverageInputs& in, const LeverageWeights& w);

// "lines_added=1,lines_removed=0.875,refactoring=0.75,skills=1,mcp=0.875":
// any subset, the rest keep their defaults. Weights are 0 to 1000.
Result<LeverageWeights> parse_leverage_weights(std::string_view text);
std::string format_leverage_weights(const LeverageWeights& w);

// The percentile p (0 to 100) of `values` by linear interpolation between
// the nearest ranks (p 50 of an even count: the mean of the middle two);
// nullopt when empty. `values` is sorted in place.
std::optional<double> percentile(std::vector<int64_t>& values, double p);

}  // namespace codepulse::report

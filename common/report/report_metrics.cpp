// The usage ratios of a report node, and the value each metric sorts by
// (docs/ATTRIBUTION.md); outcome_metrics.cpp has the outcome ratios.
#include <vector>

#include "common/report/leverage.hpp"
#include "common/report/report.hpp"

namespace codepulse::report {

double Metrics::cache_hit_ratio() const {
  const int64_t denominator = input + cache_create + cache_read;
  return denominator > 0 ? static_cast<double>(cache_read) / static_cast<double>(denominator) : 0.0;
}

std::optional<int64_t> Metrics::known_cost(CostBasis b) const {
  if (all_unpriced()) return std::nullopt;
  return cost(b);
}

std::optional<int64_t> Metrics::cost_per_session_nanos(CostBasis b) const {
  if (all_unpriced()) return std::nullopt;
  return sessions > 0 ? cost(b) / sessions : 0;
}

std::optional<int64_t> Metrics::cost_per_active_day_nanos(CostBasis b) const {
  if (all_unpriced()) return std::nullopt;
  return active_days > 0 ? cost(b) / active_days : 0;
}

int64_t Metrics::sort_value(Metric m, const LeverageWeights& w, CostBasis b) const {
  switch (m) {
    case Metric::kInput:
      return input;
    case Metric::kOutput:
      return output;
    case Metric::kCacheCreate:
      return cache_create;
    case Metric::kCacheRead:
      return cache_read;
    case Metric::kTotalTokens:
      return total_tokens();
    case Metric::kCostUsd:
      return known_cost(b).value_or(INT64_MIN);
    case Metric::kRecords:
      return records;
    case Metric::kCacheHitRatio:
      return static_cast<int64_t>(cache_hit_ratio() * 1e9);
    case Metric::kCostPerSession:
      return cost_per_session_nanos(b).value_or(INT64_MIN);
    case Metric::kCostPerActiveDay:
      return cost_per_active_day_nanos(b).value_or(INT64_MIN);
    case Metric::kEffectiveCostUsd:
      return known_cost(CostBasis::kEffective).value_or(INT64_MIN);
    case Metric::kEffectiveCostPerCommit:
      return cost_per_commit_nanos(CostBasis::kEffective).value_or(INT64_MIN);
    case Metric::kEffectiveCostPerMergedPr:
      return cost_per_merged_pr_nanos(CostBasis::kEffective).value_or(INT64_MIN);
    case Metric::kEffectiveLeverage: {
      const auto l = leverage(w, CostBasis::kEffective);
      return l ? static_cast<int64_t>(*l * 1e6) : INT64_MIN;
    }
    case Metric::kCommits:
      return outcomes.commits;
    case Metric::kMergedPrs:
      return outcomes.merged_prs;
    case Metric::kCostPerCommit:
      return cost_per_commit_nanos(b).value_or(INT64_MIN);
    case Metric::kCostPerMergedPr:
      return cost_per_merged_pr_nanos(b).value_or(INT64_MIN);
    case Metric::kPrCycleTimeHours:
    case Metric::kPrCycleTimeHoursP75: {
      std::vector<int64_t> v = outcomes.cycle_ms;
      const auto p = percentile(v, m == Metric::kPrCycleTimeHours ? 50 : 75);
      return p ? static_cast<int64_t>(*p) : INT64_MIN;
    }
    case Metric::kReworkRate: {
      const auto r = rework_rate();
      return r ? static_cast<int64_t>(*r * 1e9) : INT64_MIN;
    }
    case Metric::kLeverage: {
      const auto l = leverage(w, b);
      return l ? static_cast<int64_t>(*l * 1e6) : INT64_MIN;
    }
    case Metric::kAiLineShare: {
      const auto r = ai_line_share();
      return r ? static_cast<int64_t>(*r * 1e9) : INT64_MIN;
    }
    case Metric::kCostPerAcceptedAiLine:
      return cost_per_accepted_ai_line_nanos(b).value_or(INT64_MIN);
  }
  return 0;
}

}  // namespace codepulse::report

// The outcome ratios of a report node (docs/METRICS.md).
#include <cmath>

#include "common/report/leverage.hpp"
#include "common/report/report.hpp"

namespace codepulse::report {
namespace {

std::optional<double> ratio(int64_t num, int64_t den) {
  if (den <= 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

std::optional<int64_t> Metrics::cost_per_commit_nanos(CostBasis b) const {
  if (outcomes.commits <= 0 || all_unpriced()) return std::nullopt;
  return cost(b) / outcomes.commits;
}

std::optional<int64_t> Metrics::cost_per_merged_pr_nanos(CostBasis b) const {
  if (outcomes.merged_prs <= 0 || all_unpriced()) return std::nullopt;
  return cost(b) / outcomes.merged_prs;
}

std::optional<double> Metrics::rework_rate() const {
  return ratio(outcomes.reworked_lines, outcomes.lines_added);
}

std::optional<int64_t> Metrics::reworked_cost_nanos(CostBasis b) const {
  const auto rate = rework_rate();
  if (!rate || all_unpriced()) return std::nullopt;
  return static_cast<int64_t>(std::llround(static_cast<double>(cost(b)) * *rate));
}

std::optional<double> Metrics::ai_rework_rate() const {
  return ratio(outcomes.ai_reworked_lines, outcomes.ai_lines_added);
}

std::optional<double> Metrics::other_rework_rate() const {
  return ratio(outcomes.reworked_lines - outcomes.ai_reworked_lines,
               outcomes.lines_added - outcomes.ai_lines_added);
}

std::optional<double> Metrics::ai_line_share() const {
  return ratio(outcomes.ai_written_lines, outcomes.scored_lines_added);
}

std::optional<int64_t> Metrics::cost_per_accepted_ai_line_nanos(CostBasis b) const {
  if (outcomes.accepted_ai_lines <= 0 || all_unpriced()) return std::nullopt;
  return cost(b) / outcomes.accepted_ai_lines;
}

std::optional<double> Metrics::ai_survival(int m) const {
  return ratio(outcomes.ai_lines_alive[m], outcomes.ai_lines_measured[m]);
}

std::optional<double> Metrics::other_survival(int m) const {
  return ratio(outcomes.other_lines_alive[m], outcomes.other_lines_measured[m]);
}

std::optional<int64_t> Metrics::cost_per_alive_ai_line_nanos(int m, CostBasis b) const {
  if (outcomes.ai_lines_alive[m] <= 0 || all_unpriced()) return std::nullopt;
  return cost(b) / outcomes.ai_lines_alive[m];
}

std::optional<double> Metrics::line_rework_rate_ai() const {
  return ratio(outcomes.line_reworked_ai, outcomes.line_rework_ai_base);
}

std::optional<double> Metrics::line_rework_rate_other() const {
  return ratio(outcomes.line_reworked_other, outcomes.line_rework_other_base);
}

std::optional<double> Metrics::ai_duplication_share() const {
  return ratio(outcomes.ai_blocks_repeated, outcomes.ai_blocks);
}

std::optional<double> Metrics::other_duplication_share() const {
  return ratio(outcomes.other_blocks_repeated, outcomes.other_blocks);
}

std::optional<double> Metrics::leverage(const LeverageWeights& w, CostBasis b) const {
  LeverageInputs in;
  in.lines_added = outcomes.lines_added;
  in.lines_removed = outcomes.lines_removed;
  in.refactoring = outcomes.refactoring_lines;
  in.skills = skill_calls;
  in.mcp = mcp_calls;
  in.cost_nanos = cost(b);  // none when every record is unpriced: no score
  return leverage_score(in, w);
}

}  // namespace codepulse::report

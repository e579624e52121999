// The columns of a report node, in order: the one list the JSON writer (the
// keys of a row and of the totals) and the CSV writer (its header and cells)
// both follow, so CSV carries every field JSON carries (docs/API.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/report/render_internal.hpp"

namespace codepulse::report {

// Calls cell(name, value) for every column of a node with metrics `m` in a
// report asked with `q`: the usage columns, then the outcome ones when `q`
// wants outcomes. A value is an int64_t (a count), a bool, or a std::string
// holding a JSON number's text or "null" (no value).
template <class Cell>
void for_each_column(const Metrics& m, const ReportQuery& q, Cell&& cell) {
  const CostBasis b = q.cost_basis;
  const auto org = m.known_cost(CostBasis::kOrg), list = m.known_cost(CostBasis::kList);
  const auto effective = m.known_cost(CostBasis::kEffective);
  constexpr CostBasis e = CostBasis::kEffective;
  auto money = [&cell](const char* usd, const char* nanos, std::optional<int64_t> v) {
    cell(usd, optional_usd(v));
    cell(nanos, optional_nanos(v));
  };
  cell("input", m.input);
  cell("output", m.output);
  cell("cache_create", m.cache_create);
  cell("cache_read", m.cache_read);
  cell("total_tokens", m.total_tokens());
  // A node whose every record is unpriced has no cost: null, never 0.
  cell("cost_usd", optional_usd(org));
  cell("list_cost_usd", optional_usd(list));
  cell("effective_cost_usd", optional_usd(effective));
  cell("cost_nanos", optional_nanos(org));
  cell("list_cost_nanos", optional_nanos(list));
  cell("effective_cost_nanos", optional_nanos(effective));
  cell("cost_complete", m.cost_complete());
  cell("unpriced_records", m.unpriced_records);
  cell("records", m.records);
  cell("cache_hit_ratio", ratio_text(m.cache_hit_ratio()));
  cell("sessions", m.sessions);
  cell("active_days", m.active_days);
  money("cost_per_session", "cost_per_session_nanos", m.cost_per_session_nanos(b));
  money("cost_per_active_day", "cost_per_active_day_nanos", m.cost_per_active_day_nanos(b));
  if (!q.wants_outcomes()) return;
  const Outcomes& o = m.outcomes;
  // Hours to 2 decimals and seconds to the millisecond of one percentile.
  auto duration = [&cell](const char* hours, const char* seconds, const std::vector<int64_t>& ms,
                          double p) {
    const auto v = pct(ms, p);
    cell(hours, hours_text(v));
    cell(seconds, seconds_text(v));
  };
  cell("commits", o.commits);
  cell("ai_commits", o.ai_commits);
  cell("ai_unknown_commits", o.ai_unknown_commits);
  cell("lines_added", o.lines_added);
  cell("lines_removed", o.lines_removed);
  cell("reworked_lines", o.reworked_lines);
  cell("refactoring_lines", o.refactoring_lines);
  cell("rework_rate", optional_ratio(m.rework_rate()));
  cell("rework_rate_ai", optional_ratio(m.ai_rework_rate()));
  cell("rework_rate_other", optional_ratio(m.other_rework_rate()));
  money("reworked_cost_usd", "reworked_cost_nanos", m.reworked_cost_nanos(b));
  cell("scored_lines_added", o.scored_lines_added);
  cell("ai_written_lines", o.ai_written_lines);
  cell("ai_line_share", optional_ratio(m.ai_line_share()));
  cell("accepted_ai_lines", o.accepted_ai_lines);
  money("cost_per_accepted_ai_line", "cost_per_accepted_ai_line_nanos",
        m.cost_per_accepted_ai_line_nanos(b));
  cell("ai_lines_alive_21d", o.ai_lines_alive[0]);
  cell("ai_survival_21d", optional_ratio(m.ai_survival(0)));
  cell("other_survival_21d", optional_ratio(m.other_survival(0)));
  money("cost_per_ai_line_alive_21d", "cost_per_ai_line_alive_21d_nanos",
        m.cost_per_alive_ai_line_nanos(0, b));
  cell("ai_lines_alive_90d", o.ai_lines_alive[1]);
  cell("ai_survival_90d", optional_ratio(m.ai_survival(1)));
  cell("other_survival_90d", optional_ratio(m.other_survival(1)));
  money("cost_per_ai_line_alive_90d", "cost_per_ai_line_alive_90d_nanos",
        m.cost_per_alive_ai_line_nanos(1, b));
  cell("line_rework_rate_ai", optional_ratio(m.line_rework_rate_ai()));
  cell("line_rework_rate_other", optional_ratio(m.line_rework_rate_other()));
  cell("ai_blocks", o.ai_blocks);
  cell("ai_duplication_share", optional_ratio(m.ai_duplication_share()));
  cell("other_blocks", o.other_blocks);
  cell("other_duplication_share", optional_ratio(m.other_duplication_share()));
  cell("prs", o.prs);
  cell("merged_prs", o.merged_prs);
  money("cost_per_commit", "cost_per_commit_nanos", m.cost_per_commit_nanos(b));
  money("cost_per_merged_pr", "cost_per_merged_pr_nanos", m.cost_per_merged_pr_nanos(b));
  money("effective_cost_per_commit", "effective_cost_per_commit_nanos", m.cost_per_commit_nanos(e));
  money("effective_cost_per_merged_pr", "effective_cost_per_merged_pr_nanos",
        m.cost_per_merged_pr_nanos(e));
  duration("pr_cycle_time_hours", "pr_cycle_time_seconds", o.cycle_ms, 50);
  duration("pr_cycle_time_hours_p75", "pr_cycle_time_seconds_p75", o.cycle_ms, 75);
  duration("coding_hours", "coding_seconds", o.coding_ms, 50);
  duration("coding_hours_p75", "coding_seconds_p75", o.coding_ms, 75);
  duration("pickup_hours", "pickup_seconds", o.pickup_ms, 50);
  duration("pickup_hours_p75", "pickup_seconds_p75", o.pickup_ms, 75);
  duration("review_hours", "review_seconds", o.review_ms, 50);
  duration("review_hours_p75", "review_seconds_p75", o.review_ms, 75);
  cell("skill_calls", m.skill_calls);
  cell("mcp_calls", m.mcp_calls);
  cell("leverage", leverage_text(m, q.weights, b));
  cell("effective_leverage", leverage_text(m, q.weights, e));
}

// The names for_each_column gives for `q`, in order.
std::vector<std::string> column_names(const ReportQuery& q);

}  // namespace codepulse::report

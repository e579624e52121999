// The JSON report: the query, the totals and the tree of rows, every node with
// its usage metrics (and outcomes when the query asks for them).
#include "common/json_writer.hpp"
#include "common/pricing/usd.hpp"
#include "common/report/leverage.hpp"
#include "common/report/render_internal.hpp"
#include "common/report/session_links.hpp"

namespace codepulse::report {
namespace {

void write_outcomes(JsonWriter& w, const Metrics& m, const LeverageWeights& weights) {
  const Outcomes& o = m.outcomes;
  w.field("commits", o.commits)
      .field("ai_commits", o.ai_commits)
      .field("lines_added", o.lines_added)
      .field("lines_removed", o.lines_removed)
      .field("reworked_lines", o.reworked_lines)
      .field("refactoring_lines", o.refactoring_lines);
  w.key("rework_rate").raw_number(optional_ratio(m.rework_rate()));
  w.key("rework_rate_ai").raw_number(optional_ratio(m.ai_rework_rate()));
  w.key("rework_rate_other").raw_number(optional_ratio(m.other_rework_rate()));
  w.key("reworked_cost_usd").raw_number(optional_usd(m.reworked_cost_nanos()));
  w.field("prs", o.prs).field("merged_prs", o.merged_prs);
  w.key("cost_per_commit").raw_number(optional_usd(m.cost_per_commit_nanos()));
  w.key("cost_per_merged_pr").raw_number(optional_usd(m.cost_per_merged_pr_nanos()));
  w.key("pr_cycle_time_hours").raw_number(hours_text(pct(o.cycle_ms, 50)));
  w.key("pr_cycle_time_hours_p75").raw_number(hours_text(pct(o.cycle_ms, 75)));
  w.key("coding_hours").raw_number(hours_text(pct(o.coding_ms, 50)));
  w.key("coding_hours_p75").raw_number(hours_text(pct(o.coding_ms, 75)));
  w.key("pickup_hours").raw_number(hours_text(pct(o.pickup_ms, 50)));
  w.key("pickup_hours_p75").raw_number(hours_text(pct(o.pickup_ms, 75)));
  w.key("review_hours").raw_number(hours_text(pct(o.review_ms, 50)));
  w.key("review_hours_p75").raw_number(hours_text(pct(o.review_ms, 75)));
  w.field("skill_calls", m.skill_calls).field("mcp_calls", m.mcp_calls);
  w.key("leverage").raw_number(leverage_text(m, weights));
}

void write_metrics(JsonWriter& w, const Metrics& m) {
  w.field("input", m.input)
      .field("output", m.output)
      .field("cache_create", m.cache_create)
      .field("cache_read", m.cache_read)
      .field("total_tokens", m.total_tokens());
  w.key("cost_usd").raw_number(format_usd(m.cost_nanos));
  w.field("records", m.records);
  w.key("cache_hit_ratio").raw_number(ratio_text(m.cache_hit_ratio()));
  w.field("sessions", m.sessions);
  w.field("active_days", m.active_days);
  w.key("cost_per_session").raw_number(format_usd(m.cost_per_session_nanos()));
  w.key("cost_per_active_day").raw_number(format_usd(m.cost_per_active_day_nanos()));
  if (m.unpriced_records > 0) w.field("unpriced_records", m.unpriced_records);
}

void write_node(JsonWriter& w, const Report& r, const ReportNode& n, size_t level) {
  w.begin_object();
  w.field("key", n.key);
  write_metrics(w, n.metrics);
  if (r.query.wants_outcomes()) write_outcomes(w, n.metrics, r.query.weights);
  if (n.others) w.field("others", true);
  if (!n.children.empty()) {
    w.key("children").begin_array();
    for (const ReportNode* c : ordered(r, n, level + 1))
      write_node(w, r, *c, level + 1);
    w.end_array();
  }
  w.end_object();
}

}  // namespace

std::string render_json(const Report& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("group_by").begin_array();
  for (Dimension d : r.query.group_by)
    w.value(dimension_name(d));
  w.end_array();
  if (r.query.sort_by) w.field("metric", metric_name(*r.query.sort_by));
  w.field("granularity", granularity_name(r.query.granularity));
  if (r.query.wants_outcomes()) {
    w.field("links", link_level_name(r.query.links));
    w.field("leverage_weights", format_leverage_weights(r.query.weights));
  }
  w.key("totals").begin_object();
  write_metrics(w, r.root.metrics);
  if (r.query.wants_outcomes()) write_outcomes(w, r.root.metrics, r.query.weights);
  w.end_object();
  w.key("rows").begin_array();
  for (const ReportNode* c : ordered(r, r.root, 0))
    write_node(w, r, *c, 0);
  w.end_array();
  w.end_object();
  out.push_back('\n');
  return out;
}

}  // namespace codepulse::report

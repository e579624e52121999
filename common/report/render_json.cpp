// The JSON report: the query, the totals, the unpriced models and the tree of
// rows, every node with its usage metrics (and outcomes when the query asks
// for them). Money comes twice: rounded dollars and exact integer nano-dollars
// (`*_nanos`); durations as hours to 2 decimals and seconds to the millisecond.
#include "common/json_writer.hpp"
#include "common/pricing/usd.hpp"
#include "common/report/leverage.hpp"
#include "common/report/render_internal.hpp"
#include "common/report/report_cut.hpp"
#include "common/report/session_links.hpp"

namespace codepulse::report {
namespace {

// "<usd_key>": dollars and "<nanos_key>": nano-dollars, both null without a value.
void write_money(JsonWriter& w, const char* usd_key, const char* nanos_key,
                 std::optional<int64_t> nanos) {
  w.key(usd_key).raw_number(optional_usd(nanos));
  w.key(nanos_key).raw_number(optional_nanos(nanos));
}

// "<name>_hours" and "<name>_seconds" of the percentile p of `ms`, with the
// suffix ("_p75") after the unit.
void write_duration(JsonWriter& w, const std::string& name, const std::vector<int64_t>& ms,
                    double p, const char* suffix = "") {
  const auto v = pct(ms, p);
  w.key(name + "_hours" + suffix).raw_number(hours_text(v));
  w.key(name + "_seconds" + suffix).raw_number(seconds_text(v));
}

void write_outcomes(JsonWriter& w, const Metrics& m, const ReportQuery& q) {
  const Outcomes& o = m.outcomes;
  const CostBasis b = q.cost_basis;
  w.field("commits", o.commits)
      .field("ai_commits", o.ai_commits)
      .field("lines_added", o.lines_added)
      .field("lines_removed", o.lines_removed)
      .field("reworked_lines", o.reworked_lines)
      .field("refactoring_lines", o.refactoring_lines);
  w.key("rework_rate").raw_number(optional_ratio(m.rework_rate()));
  w.key("rework_rate_ai").raw_number(optional_ratio(m.ai_rework_rate()));
  w.key("rework_rate_other").raw_number(optional_ratio(m.other_rework_rate()));
  write_money(w, "reworked_cost_usd", "reworked_cost_nanos", m.reworked_cost_nanos(b));
  w.field("prs", o.prs).field("merged_prs", o.merged_prs);
  write_money(w, "cost_per_commit", "cost_per_commit_nanos", m.cost_per_commit_nanos(b));
  write_money(w, "cost_per_merged_pr", "cost_per_merged_pr_nanos", m.cost_per_merged_pr_nanos(b));
  write_duration(w, "pr_cycle_time", o.cycle_ms, 50);
  write_duration(w, "pr_cycle_time", o.cycle_ms, 75, "_p75");
  write_duration(w, "coding", o.coding_ms, 50);
  write_duration(w, "coding", o.coding_ms, 75, "_p75");
  write_duration(w, "pickup", o.pickup_ms, 50);
  write_duration(w, "pickup", o.pickup_ms, 75, "_p75");
  write_duration(w, "review", o.review_ms, 50);
  write_duration(w, "review", o.review_ms, 75, "_p75");
  w.field("skill_calls", m.skill_calls).field("mcp_calls", m.mcp_calls);
  w.key("leverage").raw_number(leverage_text(m, q.weights, b));
}

void write_metrics(JsonWriter& w, const Metrics& m, CostBasis basis) {
  w.field("input", m.input)
      .field("output", m.output)
      .field("cache_create", m.cache_create)
      .field("cache_read", m.cache_read)
      .field("total_tokens", m.total_tokens());
  // A node whose every record is unpriced has no cost: null, never 0.
  const auto org = m.known_cost(CostBasis::kOrg), list = m.known_cost(CostBasis::kList);
  w.key("cost_usd").raw_number(optional_usd(org));
  w.key("list_cost_usd").raw_number(optional_usd(list));
  w.key("cost_nanos").raw_number(optional_nanos(org));
  w.key("list_cost_nanos").raw_number(optional_nanos(list));
  w.field("cost_complete", m.cost_complete());
  w.field("unpriced_records", m.unpriced_records);
  w.field("records", m.records);
  w.key("cache_hit_ratio").raw_number(ratio_text(m.cache_hit_ratio()));
  w.field("sessions", m.sessions);
  w.field("active_days", m.active_days);
  write_money(w, "cost_per_session", "cost_per_session_nanos", m.cost_per_session_nanos(basis));
  write_money(w, "cost_per_active_day", "cost_per_active_day_nanos",
              m.cost_per_active_day_nanos(basis));
}

void write_node(JsonWriter& w, const Report& r, const ReportNode& n, size_t level) {
  w.begin_object();
  w.field("key", n.key);
  write_metrics(w, n.metrics, r.query.cost_basis);
  if (r.query.wants_outcomes()) write_outcomes(w, n.metrics, r.query);
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
  // Room for every node at once: a big report is not copied as it grows
  // (pages reserved and never written cost nothing).
  const size_t per_node = r.query.wants_outcomes() ? 2048 : 768;
  out.reserve((count_nodes(r.root) + 1) * per_node + 4096);
  JsonWriter w(out);
  w.begin_object();
  w.key("group_by").begin_array();
  for (Dimension d : r.query.group_by)
    w.value(dimension_name(d));
  w.end_array();
  if (r.query.sort_by) w.field("metric", metric_name(*r.query.sort_by));
  w.field("granularity", granularity_name(r.query.granularity));
  w.field("cost_basis", cost_basis_name(r.query.cost_basis));
  if (r.query.wants_outcomes()) {
    w.field("links", link_level_name(r.query.links));
    w.field("leverage_weights", format_leverage_weights(r.query.weights));
  }
  w.key("totals").begin_object();
  write_metrics(w, r.root.metrics, r.query.cost_basis);
  if (r.query.wants_outcomes()) write_outcomes(w, r.root.metrics, r.query);
  w.end_object();
  w.key("unpriced").begin_array();
  for (const UnpricedModel& u : r.unpriced) {
    w.begin_object();
    w.field("model", u.model).field("requests", u.requests).field("tokens", u.tokens);
    w.end_object();
  }
  w.end_array();
  w.key("rows").begin_array();
  for (const ReportNode* c : ordered(r, r.root, 0))
    write_node(w, r, *c, 0);
  w.end_array();
  w.end_object();
  out.push_back('\n');
  return out;
}

}  // namespace codepulse::report

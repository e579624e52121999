// The JSON report: the query, the totals, the unpriced models and the tree of
// rows, every node with its usage metrics (and outcomes when the query asks
// for them). Money comes twice: rounded dollars and exact integer nano-dollars
// (`*_nanos`); durations as hours to 2 decimals and seconds to the millisecond.
#include <string>
#include <type_traits>

#include "common/json_writer.hpp"
#include "common/report/leverage.hpp"
#include "common/report/render_internal.hpp"
#include "common/report/report_columns.hpp"
#include "common/report/report_cut.hpp"
#include "common/report/session_links.hpp"

namespace codepulse::report {
namespace {

// Every column of a node (report_columns.hpp): counts and flags as JSON
// values, the rest as the number's text or null.
void write_columns(JsonWriter& w, const Metrics& m, const ReportQuery& q) {
  for_each_column(m, q, [&w](const char* name, const auto& v) {
    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>)
      w.key(name).raw_number(v);
    else
      w.field(name, v);
  });
}

void write_node(JsonWriter& w, const Report& r, const ReportNode& n, size_t level) {
  w.begin_object();
  w.field("key", n.key);
  write_columns(w, n.metrics, r.query);
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
  write_columns(w, r.root.metrics, r.query);
  w.end_object();
  w.key("unpriced").begin_array();
  for (const UnpricedModel& u : r.unpriced) {
    w.begin_object();
    w.field("model", u.model).field("requests", u.requests).field("tokens", u.tokens);
    w.end_object();
  }
  w.end_array();
  w.key("idle_seats").begin_array();
  for (const IdleSeat& s : r.idle_seats) {
    w.begin_object();
    w.field("seat_id", s.seat_id).field("plan", s.plan).field("assistant", s.assistant);
    w.field("assignee", s.assignee).field("month", s.month);
    w.key("charge_usd").raw_number(optional_usd(s.charge_nanos));
    w.field("charge_nanos", s.charge_nanos);
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

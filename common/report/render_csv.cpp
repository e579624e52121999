// The CSV report: one row per leaf with every level's key, for spreadsheets.
// Money as dollars and exact nano-dollars; a leaf whose every record is
// unpriced has empty costs, with its unpriced_records beside them.
#include <string>
#include <string_view>
#include <vector>

#include "common/report/render_internal.hpp"

namespace codepulse::report {
namespace {

// The outcome columns of CSV, after the usage ones.
constexpr const char* kOutcomeCsvHeader =
    ",commits,ai_commits,lines_added,lines_removed,reworked_lines,refactoring_lines,rework_rate,"
    "merged_prs,cost_per_commit,cost_per_commit_nanos,cost_per_merged_pr,cost_per_merged_pr_nanos,"
    "pr_cycle_time_hours,pr_cycle_time_seconds,pr_cycle_time_hours_p75,pr_cycle_time_seconds_p75,"
    "skill_calls,mcp_calls,leverage";

// JSON's "null" as an empty cell.
std::string blank(const std::string& v) {
  return v == "null" ? std::string() : v;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void csv_rows(const Report& r, const ReportNode& n, std::vector<std::string>& path,
              std::string& out) {
  if (n.children.empty()) {
    for (size_t i = 0; i < r.query.group_by.size(); ++i)
      out += (i < path.size() ? csv_field(path[i]) : std::string()) + ",";
    const Metrics& m = n.metrics;
    const CostBasis b = r.query.cost_basis;
    const auto org = m.known_cost(CostBasis::kOrg), list = m.known_cost(CostBasis::kList);
    out += std::to_string(m.input) + "," + std::to_string(m.output) + "," +
           std::to_string(m.cache_create) + "," + std::to_string(m.cache_read) + "," +
           std::to_string(m.total_tokens()) + "," + blank(optional_usd(org)) + "," +
           blank(optional_usd(list)) + "," + blank(optional_nanos(org)) + "," +
           blank(optional_nanos(list)) + "," + std::to_string(m.unpriced_records) + "," +
           std::to_string(m.records) + "," + ratio_text(m.cache_hit_ratio()) + "," +
           std::to_string(m.sessions) + "," + std::to_string(m.active_days);
    if (r.query.wants_outcomes()) {
      const Outcomes& o = m.outcomes;
      for (int64_t v : {o.commits, o.ai_commits, o.lines_added, o.lines_removed, o.reworked_lines,
                        o.refactoring_lines})
        out += "," + std::to_string(v);
      const auto per_commit = m.cost_per_commit_nanos(b), per_pr = m.cost_per_merged_pr_nanos(b);
      const auto median = pct(o.cycle_ms, 50), p75 = pct(o.cycle_ms, 75);
      out += "," + blank(optional_ratio(m.rework_rate())) + "," + std::to_string(o.merged_prs) +
             "," + blank(optional_usd(per_commit)) + "," + blank(optional_nanos(per_commit)) + "," +
             blank(optional_usd(per_pr)) + "," + blank(optional_nanos(per_pr)) + "," +
             blank(hours_text(median)) + "," + blank(seconds_text(median)) + "," +
             blank(hours_text(p75)) + "," + blank(seconds_text(p75)) + "," +
             std::to_string(m.skill_calls) + "," + std::to_string(m.mcp_calls) + "," +
             blank(leverage_text(m, r.query.weights, b));
    }
    out += "\n";
    return;
  }
  for (const ReportNode* c : ordered(r, n, path.size())) {
    path.push_back(c->key);
    csv_rows(r, *c, path, out);
    path.pop_back();
  }
}

}  // namespace

std::string render_csv(const Report& r) {
  std::string out;
  for (Dimension d : r.query.group_by)
    out += std::string(dimension_name(d)) + ",";
  out +=
      "input,output,cache_create,cache_read,total_tokens,cost_usd,list_cost_usd,cost_nanos,"
      "list_cost_nanos,unpriced_records,records,cache_hit_ratio,sessions,active_days";
  if (r.query.wants_outcomes()) out += kOutcomeCsvHeader;
  out += "\n";
  std::vector<std::string> path;
  csv_rows(r, r.root, path, out);
  return out;
}

}  // namespace codepulse::report

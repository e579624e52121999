// Rendering a Report: an indented table for people, a JSON tree for programs
// (the collector's GET /v1/report sends the same), flat CSV for spreadsheets.
#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <unordered_map>

#include "common/json_writer.hpp"
#include "common/pricing.hpp"
#include "common/report/leverage.hpp"
#include "common/report/report.hpp"

namespace codepulse::report {

const ReportNode& ReportChildren::at(std::string_view key) const {
  for (const ReportNode& n : nodes_)
    if (n.key == key) return n;
  throw std::out_of_range("no report node '" + std::string(key) + "'");
}

ReportNode& ReportChildren::at(std::string_view key) {
  for (ReportNode& n : nodes_)
    if (n.key == key) return n;
  throw std::out_of_range("no report node '" + std::string(key) + "'");
}

size_t ReportChildren::count(std::string_view key) const {
  return static_cast<size_t>(std::count_if(nodes_.begin(), nodes_.end(),
                                           [key](const ReportNode& n) { return n.key == key; }));
}

namespace {

struct Named {
  Dimension d;
  const char* name;
};
constexpr Named kDims[] = {{Dimension::kModel, "model"},   {Dimension::kRepo, "repo"},
                           {Dimension::kFile, "file"},     {Dimension::kAuthor, "author"},
                           {Dimension::kTask, "task"},     {Dimension::kEpic, "epic"},
                           {Dimension::kDate, "date"},     {Dimension::kSession, "session"},
                           {Dimension::kBranch, "branch"}, {Dimension::kCommit, "commit"},
                           {Dimension::kPr, "pr"}};

// Children in report order: by the chosen metric (descending), else dates by
// key and everything else by cost; "(others)" last.
std::vector<const ReportNode*> ordered(const Report& r, const ReportNode& n, size_t level) {
  std::vector<const ReportNode*> v;
  v.reserve(n.children.size());
  for (const ReportNode& c : n.children)
    v.push_back(&c);
  const bool by_key = !r.query.sort_by && level < r.query.group_by.size() &&
                      r.query.group_by[level] == Dimension::kDate;
  const Metric m = r.query.sort_by.value_or(Metric::kCostUsd);
  // Each child's value once (a percentile sorts a copy of its durations).
  std::unordered_map<const ReportNode*, int64_t> value;
  if (!by_key)
    for (const ReportNode* c : v)
      value.emplace(c, c->metrics.sort_value(m, r.query.weights));
  std::stable_sort(v.begin(), v.end(), [&](const ReportNode* a, const ReportNode* b) {
    if (a->others != b->others) return b->others;
    if (by_key) return a->key < b->key;
    const int64_t va = value.at(a), vb = value.at(b);
    if (va != vb) return va > vb;
    if (a->metrics.total_tokens() != b->metrics.total_tokens())
      return a->metrics.total_tokens() > b->metrics.total_tokens();
    return a->key < b->key;
  });
  return v;
}

std::string ratio_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

const char* link_name(ReportQuery::Links l) {
  switch (l) {
    case ReportQuery::Links::kExact:
      return "exact";
    case ReportQuery::Links::kStrong:
      return "strong";
    case ReportQuery::Links::kWeak:
      return "weak";
  }
  return "?";
}

// The outcome columns of CSV, after the usage ones.
constexpr const char* kOutcomeCsvHeader =
    ",commits,ai_commits,lines_added,lines_removed,reworked_lines,refactoring_lines,rework_rate,"
    "merged_prs,cost_per_commit,cost_per_merged_pr,pr_cycle_time_hours,pr_cycle_time_hours_p75,"
    "skill_calls,mcp_calls,leverage";

std::string hours_text(std::optional<double> ms) {
  if (!ms) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *ms / 3'600'000.0);
  return buf;
}

std::optional<double> pct(std::vector<int64_t> v, double p) {
  return percentile(v, p);
}

std::string optional_ratio(std::optional<double> v) {
  return v ? ratio_text(*v) : "null";
}

std::string optional_usd(std::optional<int64_t> nanos) {
  return nanos ? format_usd(*nanos) : "null";
}

std::string leverage_text(const Metrics& m, const LeverageWeights& w) {
  const auto l = m.leverage(w);
  if (!l) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *l);
  return buf;
}

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
    out += std::to_string(m.input) + "," + std::to_string(m.output) + "," +
           std::to_string(m.cache_create) + "," + std::to_string(m.cache_read) + "," +
           std::to_string(m.total_tokens()) + "," + format_usd(m.cost_nanos) + "," +
           std::to_string(m.records) + "," + ratio_text(m.cache_hit_ratio()) + "," +
           std::to_string(m.sessions) + "," + std::to_string(m.active_days);
    if (r.query.wants_outcomes()) {
      const Outcomes& o = m.outcomes;
      auto blank = [](const std::string& v) { return v == "null" ? std::string() : v; };
      for (int64_t v : {o.commits, o.ai_commits, o.lines_added, o.lines_removed, o.reworked_lines,
                        o.refactoring_lines})
        out += "," + std::to_string(v);
      out += "," + blank(optional_ratio(m.rework_rate())) + "," + std::to_string(o.merged_prs) +
             "," + blank(optional_usd(m.cost_per_commit_nanos())) + "," +
             blank(optional_usd(m.cost_per_merged_pr_nanos())) + "," +
             blank(hours_text(pct(o.cycle_ms, 50))) + "," + blank(hours_text(pct(o.cycle_ms, 75))) +
             "," + std::to_string(m.skill_calls) + "," + std::to_string(m.mcp_calls) + "," +
             blank(leverage_text(m, r.query.weights));
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

std::string usd_cents(int64_t nanos) {
  std::string s = format_usd(nanos, 2);
  const size_t dot = s.find('.');
  const bool neg = !s.empty() && s[0] == '-';
  const int64_t whole = std::stoll(s.substr(neg ? 1 : 0, dot - (neg ? 1 : 0)));
  std::string out = neg ? "-$" : "$";
  out += with_thousands(whole);
  out.append(s, dot, std::string::npos);
  return out;
}

size_t display_width(std::string_view s) {
  size_t w = 0;
  for (unsigned char c : s)
    w += (c & 0xC0) != 0x80;  // count UTF-8 lead bytes only
  return w;
}

}  // namespace

double Metrics::cache_hit_ratio() const {
  const int64_t denominator = input + cache_create + cache_read;
  return denominator > 0 ? static_cast<double>(cache_read) / static_cast<double>(denominator) : 0.0;
}

int64_t Metrics::cost_per_session_nanos() const {
  return sessions > 0 ? cost_nanos / sessions : 0;
}

int64_t Metrics::cost_per_active_day_nanos() const {
  return active_days > 0 ? cost_nanos / active_days : 0;
}

int64_t Metrics::sort_value(Metric m, const LeverageWeights& w) const {
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
      return cost_nanos;
    case Metric::kRecords:
      return records;
    case Metric::kCacheHitRatio:
      return static_cast<int64_t>(cache_hit_ratio() * 1e9);
    case Metric::kCostPerSession:
      return cost_per_session_nanos();
    case Metric::kCostPerActiveDay:
      return cost_per_active_day_nanos();
    case Metric::kCommits:
      return outcomes.commits;
    case Metric::kMergedPrs:
      return outcomes.merged_prs;
    case Metric::kCostPerCommit:
      return cost_per_commit_nanos().value_or(INT64_MIN);
    case Metric::kCostPerMergedPr:
      return cost_per_merged_pr_nanos().value_or(INT64_MIN);
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
      const auto l = leverage(w);
      return l ? static_cast<int64_t>(*l * 1e6) : INT64_MIN;
    }
  }
  return 0;
}

const char* dimension_name(Dimension d) {
  for (const auto& n : kDims)
    if (n.d == d) return n.name;
  return "?";
}

std::string with_thousands(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[i]);
    if ((n - i - 1) % 3 == 0 && i + 1 < n) out.push_back(',');
  }
  if (v < 0) out.insert(out.begin(), '-');
  return out;
}

std::string render(const Report& r, std::string_view format) {
  if (format == "json") return render_json(r);
  if (format == "csv") return render_csv(r);
  return render_table(r);
}

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
    w.field("links", link_name(r.query.links));
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

std::string render_csv(const Report& r) {
  std::string out;
  for (Dimension d : r.query.group_by)
    out += std::string(dimension_name(d)) + ",";
  out +=
      "input,output,cache_create,cache_read,total_tokens,cost_usd,records,cache_hit_ratio,"
      "sessions,active_days";
  if (r.query.wants_outcomes()) out += kOutcomeCsvHeader;
  out += "\n";
  std::vector<std::string> path;
  csv_rows(r, r.root, path, out);
  return out;
}

std::string render_table(const Report& r) {
  struct Line {
    std::string label;
    const Metrics* m;
  };
  std::vector<Line> lines;
  auto visit = [&](auto&& self, const ReportNode& n, size_t level) -> void {
    for (const ReportNode* c : ordered(r, n, level)) {
      lines.push_back({std::string(level * 2, ' ') + c->key, &c->metrics});
      if (level + 1 < r.query.group_by.size()) self(self, *c, level + 1);
    }
  };
  visit(visit, r.root, 0);
  std::string header;
  for (size_t i = 0; i < r.query.group_by.size(); ++i) {
    if (i) header += " > ";
    header += dimension_name(r.query.group_by[i]);
  }
  const bool outcomes = r.query.wants_outcomes();
  std::vector<std::string> cols =
      outcomes ? std::vector<std::string>{"Cost",        "Commits", "AI commits", "+Lines",
                                          "-Lines",      "Rework",  "Merged PRs", "Cycle h",
                                          "Cost/commit", "Leverage"}
               : std::vector<std::string>{"Records",    "Input",        "Output", "Cache create",
                                          "Cache read", "Total tokens", "Cost"};
  // A derived metric chosen with --metric gets its own column.
  const std::optional<Metric> extra = !outcomes && r.query.sort_by &&
                                              (*r.query.sort_by == Metric::kCacheHitRatio ||
                                               *r.query.sort_by == Metric::kCostPerSession ||
                                               *r.query.sort_by == Metric::kCostPerActiveDay)
                                          ? r.query.sort_by
                                          : std::nullopt;
  if (extra)
    cols.push_back(*extra == Metric::kCacheHitRatio    ? "Cache hit"
                   : *extra == Metric::kCostPerSession ? "Per session"
                                                       : "Per active day");
  auto outcome_cells = [&](const Metrics& m) {
    const Outcomes& o = m.outcomes;
    auto or_dash = [](const std::string& v) { return v == "null" ? std::string("-") : v; };
    std::string rework = "-";
    if (const auto rate = m.rework_rate()) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%.1f%%", *rate * 100);
      rework = buf;
    }
    const auto per_commit = m.cost_per_commit_nanos();
    return std::vector<std::string>{usd_cents(m.cost_nanos),
                                    with_thousands(o.commits),
                                    with_thousands(o.ai_commits),
                                    with_thousands(o.lines_added),
                                    with_thousands(o.lines_removed),
                                    rework,
                                    with_thousands(o.merged_prs),
                                    or_dash(hours_text(pct(o.cycle_ms, 50))),
                                    per_commit ? usd_cents(*per_commit) : "-",
                                    or_dash(leverage_text(m, r.query.weights))};
  };
  auto cells = [&](const Metrics& m) {
    if (outcomes) return outcome_cells(m);
    std::vector<std::string> c = {with_thousands(m.records),    with_thousands(m.input),
                                  with_thousands(m.output),     with_thousands(m.cache_create),
                                  with_thousands(m.cache_read), with_thousands(m.total_tokens()),
                                  usd_cents(m.cost_nanos)};
    if (extra) {
      if (*extra == Metric::kCacheHitRatio) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%.1f%%", m.cache_hit_ratio() * 100);
        c.push_back(buf);
      } else {
        c.push_back(usd_cents(*extra == Metric::kCostPerSession ? m.cost_per_session_nanos()
                                                                : m.cost_per_active_day_nanos()));
      }
    }
    return c;
  };
  size_t label_w = std::max<size_t>(display_width(header), 5);
  std::vector<size_t> widths(cols.size());
  for (size_t i = 0; i < cols.size(); ++i)
    widths[i] = cols[i].size();
  auto measure = [&](const std::string& label, const Metrics& m) {
    label_w = std::max(label_w, display_width(label));
    auto cs = cells(m);
    for (size_t i = 0; i < cs.size(); ++i)
      widths[i] = std::max(widths[i], cs[i].size());
  };
  for (const auto& l : lines)
    measure(l.label, *l.m);
  measure("TOTAL", r.root.metrics);
  std::string out;
  auto row = [&](const std::string& label, const std::vector<std::string>& cs) {
    out += label + std::string(label_w - std::min(label_w, display_width(label)), ' ');
    for (size_t i = 0; i < cs.size(); ++i)
      out += "  " + std::string(widths[i] - cs[i].size(), ' ') + cs[i];
    out += "\n";
  };
  row(header, cols);
  size_t total_w = label_w;
  for (size_t w : widths)
    total_w += w + 2;
  std::string rule;
  for (size_t i = 0; i < total_w; ++i)
    rule += "\u2500";
  rule += '\n';
  out += rule;
  for (const auto& l : lines)
    row(l.label, cells(*l.m));
  out += rule;
  row("TOTAL", cells(r.root.metrics));
  if (r.root.metrics.unpriced_records > 0) {
    out += '\n';
    out += with_thousands(r.root.metrics.unpriced_records);
    out += " records use a model without a known price; their cost is not included.\n";
  }
  return out;
}

}  // namespace codepulse::report

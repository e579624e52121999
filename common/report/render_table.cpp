// The table report: an indented tree for people, with aligned columns, money
// in cents on the chosen cost basis and counts with thousands separators. A
// node without any priced record shows "unpriced", one partly priced a "*";
// the unpriced models are listed below the total. Keys and model names are
// shown through terminal_text (output_sinks.hpp).
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/pricing/usd.hpp"
#include "common/report/output_sinks.hpp"
#include "common/report/render_internal.hpp"

namespace codepulse::report {
namespace {

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

// A money cell: "unpriced" when every record of the node is, "-" without a
// value for another reason (no commits), "*" after a partly priced amount.
std::string money_cell(const Metrics& m, std::optional<int64_t> nanos, bool& partial) {
  if (m.all_unpriced()) return "unpriced";
  if (!nanos) return "-";
  if (m.cost_complete()) return usd_cents(*nanos);
  partial = true;
  return usd_cents(*nanos) + "*";
}

// "3 requests of model M unpriced (12,345 tokens)"
std::string unpriced_line(int64_t requests, const std::string& model, int64_t tokens) {
  return counted(requests, "request") + " of model " + terminal_text(model) + " unpriced (" +
         counted(tokens, "token") + ")";
}

size_t display_width(std::string_view s) {
  size_t w = 0;
  for (unsigned char c : s)
    w += (c & 0xC0) != 0x80;  // count UTF-8 lead bytes only
  return w;
}

}  // namespace

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

std::string counted(int64_t n, std::string_view noun, std::string_view plural) {
  std::string out = with_thousands(n) + " ";
  if (n == 1) return out.append(noun);
  if (plural.empty()) return out.append(noun).append("s");
  return out.append(plural);
}

std::string render_table(const Report& r) {
  struct Line {
    std::string label;
    const Metrics* m;
  };
  std::vector<Line> lines;
  auto visit = [&](auto&& self, const ReportNode& n, size_t level) -> void {
    for (const ReportNode* c : ordered(r, n, level)) {
      lines.push_back({std::string(level * 2, ' ') + terminal_text(c->key), &c->metrics});
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
  const CostBasis basis = r.query.cost_basis;
  const std::string cost_col = basis == CostBasis::kList        ? "List cost"
                               : basis == CostBasis::kEffective ? "Effective cost"
                                                                : "Cost";
  bool partial = false;  // a partly priced amount was shown
  std::vector<std::string> cols =
      outcomes ? std::vector<std::string>{cost_col,      "Commits", "AI commits", "+Lines",
                                          "-Lines",      "Rework",  "Merged PRs", "Cycle h",
                                          "Cost/commit", "Leverage"}
               : std::vector<std::string>{"Records",    "Input",        "Output", "Cache create",
                                          "Cache read", "Total tokens", cost_col};
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
    std::string leverage = or_dash(leverage_text(m, r.query.weights, basis));
    if (m.all_unpriced())
      leverage = "unpriced";
    else if (leverage != "-" && !m.cost_complete())
      leverage += "*";
    const std::string per_commit =
        o.commits > 0 ? money_cell(m, m.cost_per_commit_nanos(basis), partial) : "-";
    return std::vector<std::string>{money_cell(m, m.known_cost(basis), partial),
                                    with_thousands(o.commits),
                                    with_thousands(o.ai_commits),
                                    with_thousands(o.lines_added),
                                    with_thousands(o.lines_removed),
                                    rework,
                                    with_thousands(o.merged_prs),
                                    or_dash(hours_text(pct(o.cycle_ms, 50))),
                                    per_commit,
                                    leverage};
  };
  auto cells = [&](const Metrics& m) {
    if (outcomes) return outcome_cells(m);
    std::vector<std::string> c = {with_thousands(m.records),
                                  with_thousands(m.input),
                                  with_thousands(m.output),
                                  with_thousands(m.cache_create),
                                  with_thousands(m.cache_read),
                                  with_thousands(m.total_tokens()),
                                  money_cell(m, m.known_cost(basis), partial)};
    if (extra) {
      if (*extra == Metric::kCacheHitRatio) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%.1f%%", m.cache_hit_ratio() * 100);
        c.push_back(buf);
      } else {
        c.push_back(money_cell(m,
                               *extra == Metric::kCostPerSession
                                   ? m.cost_per_session_nanos(basis)
                                   : m.cost_per_active_day_nanos(basis),
                               partial));
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
  const int64_t unpriced = r.root.metrics.unpriced_records;
  if (unpriced > 0) {
    out += '\n';
    if (partial)
      out += "* partly priced: the " +
             std::string(basis == CostBasis::kList        ? "list cost"
                         : basis == CostBasis::kEffective ? "effective cost"
                                                          : "cost") +
             " (and what is computed from it) leaves out the unpriced requests below.\n";
    int64_t listed = 0;
    for (const UnpricedModel& u : r.unpriced) {
      out += unpriced_line(u.requests, u.model, u.tokens) + "\n";
      listed += u.requests;
    }
    if (listed < unpriced)  // a report made without the per-model list
      out += with_thousands(unpriced - listed) + " more requests unpriced\n";
  }
  if (!r.idle_seats.empty()) {
    out += '\n';
    for (const IdleSeat& s : r.idle_seats)
      out += "idle seat " + terminal_text(s.plan) + " of " + terminal_text(s.assignee) + " (" +
             terminal_text(s.assistant) + ") in " + s.month + ": " + usd_cents(s.charge_nanos) +
             " with no usage to spread over\n";
  }
  return out;
}

}  // namespace codepulse::report

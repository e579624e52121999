// Rendering a Report: an indented table for people, a JSON tree for programs
// (the collector's GET /v1/report sends the same), flat CSV for spreadsheets.
// Here: the choice of format and what the three share.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "common/pricing/usd.hpp"
#include "common/report/leverage.hpp"
#include "common/report/render_internal.hpp"

namespace codepulse::report {

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
      value.emplace(c, c->metrics.sort_value(m, r.query.weights, r.query.cost_basis));
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

std::string hours_text(std::optional<double> ms) {
  if (!ms) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *ms / 3'600'000.0);
  return buf;
}

std::string seconds_text(std::optional<double> ms) {
  if (!ms) return "null";
  const long long whole = std::llround(*ms);
  const long long magnitude = whole < 0 ? -whole : whole;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%lld.%03lld", whole < 0 ? "-" : "", magnitude / 1000,
                magnitude % 1000);
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

std::string optional_nanos(std::optional<int64_t> nanos) {
  return nanos ? std::to_string(*nanos) : "null";
}

std::string leverage_text(const Metrics& m, const LeverageWeights& w, CostBasis b) {
  const auto l = m.leverage(w, b);
  if (!l) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *l);
  return buf;
}

std::string render(const Report& r, std::string_view format) {
  if (format == "json") return render_json(r);
  if (format == "csv") return render_csv(r);
  return render_table(r);
}

}  // namespace codepulse::report

// The reconcile gap alert source (reconcile_gap.hpp).
#include "collector/alert/reconcile_gap.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "common/checked_sum.hpp"
#include "common/json_writer.hpp"
#include "common/pricing/usd.hpp"

namespace codepulse::collector {
namespace {

constexpr size_t kTopExplanations = 3;

int64_t magnitude(int64_t v) {
  return v == INT64_MIN ? INT64_MAX : (v < 0 ? -v : v);
}

std::string usd(int64_t nanos) {
  return (nanos < 0 ? "-$" : "$") + format_usd(magnitude(nanos), 2);
}

std::string percent_text(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", p);
  return buf;
}

}  // namespace

std::string GapThreshold::key() const {
  std::string out;
  if (nanos) out = "usd=" + format_usd(*nanos, 2);
  if (percent) out += (out.empty() ? "" : ",") + std::string("pct=") + std::to_string(*percent);
  return out;
}

std::optional<double> ProviderGap::percent() const {
  if (provider_nanos == 0) return std::nullopt;
  return 100.0 * static_cast<double>(magnitude(gap_nanos)) /
         static_cast<double>(magnitude(provider_nanos));
}

std::vector<ProviderGap> provider_gaps(const Reconciliation& r) {
  std::vector<ProviderGap> out;
  for (const char* provider : {"anthropic", "openai"}) {
    ProviderGap g{r.month, provider, 0, 0, 0, 0, {}};
    std::map<std::string, int64_t> why;
    bool fits = true;
    for (const ReconcileRow& row : r.rows) {
      if (row.provider != provider || !row.cost_diff_nanos || !row.provider_cost_nanos) continue;
      fits &= add_checked(g.provider_nanos, *row.provider_cost_nanos);
      fits &= add_checked(g.codepulse_nanos, row.codepulse_cost_nanos.value_or(0));
      fits &= add_checked(g.gap_nanos, *row.cost_diff_nanos);
      ++g.rows;
      for (const std::string& e : row.explanations)
        fits &= add_checked(why[e], magnitude(*row.cost_diff_nanos));
    }
    if (!fits || g.rows == 0) continue;
    for (const auto& [text, nanos] : why)
      if (nanos > 0) g.explanations.emplace_back(text, nanos);
    std::stable_sort(g.explanations.begin(), g.explanations.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    out.push_back(std::move(g));
  }
  return out;
}

bool gap_passes(const ProviderGap& g, const GapThreshold& t) {
  if (!t.any() || g.gap_nanos == 0) return false;
  if (t.nanos && magnitude(g.gap_nanos) < *t.nanos) return false;
  if (t.percent) {
    const auto p = g.percent();
    if (p && *p < static_cast<double>(*t.percent)) return false;
  }
  return true;
}

AlertMessage gap_alert(const ProviderGap& g, const GapThreshold& t, int64_t now_ms) {
  AlertMessage a;
  a.dedupe_key = "reconcile_gap:" + g.month + ":" + g.provider + ":" + t.key();
  a.source = "reconcile_gap";
  const auto p = g.percent();
  a.title = "codepulse: " + g.provider + " " + g.month + " differs from codepulse by " +
            usd(magnitude(g.gap_nanos)) + (p ? " (" + percent_text(*p) + ")" : std::string());
  a.text = g.provider + " billed " + usd(g.provider_nanos) + " for " + g.month +
           "; codepulse counts " + usd(g.codepulse_nanos) + " for the same days and models (" +
           (g.gap_nanos > 0 ? "the provider is higher" : "codepulse is higher") +
           "). Threshold: " + t.key() + ".";
  const size_t top = std::min(kTopExplanations, g.explanations.size());
  if (top > 0) a.text += "\nTop explanations:";
  for (size_t i = 0; i < top; ++i)
    a.text += "\n- " + g.explanations[i].first + " (" + usd(g.explanations[i].second) + ")";
  a.text += "\nSee: codepulse-collector reconcile --month " + g.month;
  JsonWriter w(a.details);
  w.begin_object()
      .field("month", g.month)
      .field("provider", g.provider)
      .key("provider_cost_usd")
      .raw_number(format_usd(g.provider_nanos))
      .key("codepulse_cost_usd")
      .raw_number(format_usd(g.codepulse_nanos))
      .key("gap_usd")
      .raw_number(format_usd(g.gap_nanos));
  w.key("gap_percent");
  if (p)
    w.raw_number(percent_text(*p).substr(0, percent_text(*p).size() - 1));
  else
    w.null();
  w.key("threshold_usd");
  if (t.nanos)
    w.raw_number(format_usd(*t.nanos));
  else
    w.null();
  w.field("threshold_percent", t.percent);
  w.key("explanations").begin_array();
  for (size_t i = 0; i < top; ++i)
    w.begin_object()
        .field("text", g.explanations[i].first)
        .key("usd")
        .raw_number(format_usd(g.explanations[i].second))
        .end_object();
  w.end_array().end_object();
  a.created_ms = now_ms;
  return a;
}

Result<std::vector<AlertMessage>> reconcile_gap_alerts(Store& store, const GapThreshold& t,
                                                       int64_t now_ms) {
  std::vector<AlertMessage> out;
  if (!t.any()) return out;
  const std::string this_month = day_of_ms(now_ms).substr(0, 7);
  const std::string last_month = previous_day(this_month + "-01").substr(0, 7);
  for (const std::string& month : {last_month, this_month}) {
    auto r = reconcile_month(store, month);
    if (!r) return make_error("reconcile " + month + ": " + r.error().message);
    for (const ProviderGap& g : provider_gaps(*r))
      if (gap_passes(g, t)) out.push_back(gap_alert(g, t, now_ms));
  }
  return out;
}

void watch_reconcile_gaps(AlertDispatcher& d, Store& store, const GapThreshold& t,
                          int64_t interval_ms) {
  d.add_source(
      "reconcile gap",
      [&store, t](int64_t now_ms) { return reconcile_gap_alerts(store, t, now_ms); }, interval_ms);
}

}  // namespace codepulse::collector

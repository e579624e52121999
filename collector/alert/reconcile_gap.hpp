// The reconcile gap alert (docs/ALERTS.md, issue 24's alert hook): the
// month's reconciliation (collector/report/reconcile.hpp) summed per
// provider, and an alert when the gap between the provider's cost and
// codepulse's passes the configured threshold: once per month, provider and
// threshold (the dedupe key holds the three).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/alert/alert_dispatcher.hpp"
#include "collector/report/reconcile.hpp"
#include "collector/store/alert_rows.hpp"

namespace codepulse::collector {

// reconcile_gap_alert_usd and reconcile_gap_alert_percent: a gap passes
// when it is at least each threshold that is set (both set: both).
struct GapThreshold {
  std::optional<int64_t> nanos;    // of the absolute gap, in nano-dollars
  std::optional<int64_t> percent;  // of the absolute gap against the provider's cost
  bool any() const { return nanos || percent; }
  std::string key() const;  // "usd=100" / "pct=10" / "usd=100,pct=10"
};

// One provider's month: the sums of the rows whose cost is known on both
// sides, and the known explanations weighted by the gap of their rows.
struct ProviderGap {
  std::string month, provider;
  int64_t provider_nanos = 0, codepulse_nanos = 0, gap_nanos = 0;  // gap: provider - codepulse
  int64_t rows = 0;
  std::vector<std::pair<std::string, int64_t>> explanations;  // by absolute gap, largest first
  // The gap in percent of the provider's cost; nullopt when that is 0.
  std::optional<double> percent() const;
};

// Per provider of `r` (anthropic, openai), in that order.
std::vector<ProviderGap> provider_gaps(const Reconciliation& r);
bool gap_passes(const ProviderGap& g, const GapThreshold& t);

// The alert about `g` (the top three explanations in its text).
AlertMessage gap_alert(const ProviderGap& g, const GapThreshold& t, int64_t now_ms);

// The alerts of the current and the previous UTC month of `now_ms`, each
// month reconciled once with reconcile_month.
Result<std::vector<AlertMessage>> reconcile_gap_alerts(Store& store, const GapThreshold& t,
                                                       int64_t now_ms);

// Adds the check to `d`: every `interval_ms` (and when asked, e.g. after
// a poll of the providers) the alerts of reconcile_gap_alerts are enqueued.
void watch_reconcile_gaps(AlertDispatcher& d, Store& store, const GapThreshold& t,
                          int64_t interval_ms);

}  // namespace codepulse::collector

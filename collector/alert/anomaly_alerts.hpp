// The anomaly alert source (docs/ANOMALIES.md): on a timer, the anomalies of
// yesterday and today (UTC) through the alert outbox, each once: its dedupe
// key is "anomaly:" + kind + subject + day.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "collector/alert/alert_dispatcher.hpp"
#include "collector/report/anomaly_rules.hpp"
#include "collector/store/alert_rows.hpp"

namespace codepulse::collector {

// The alert about `a`: its explanation as the text, its figures as details.
AlertMessage anomaly_alert(const Anomaly& a, int64_t now_ms);

// The alerts of the anomalies from the start of yesterday (UTC) to `now_ms`,
// priced with the store's pricing in force unless `pricer` is given.
Result<std::vector<AlertMessage>> anomaly_alerts(Store& store, const AnomalyOptions& o,
                                                 int64_t now_ms,
                                                 std::shared_ptr<const Pricer> pricer = nullptr);

// Adds the check to `d`: every `interval_ms` the alerts of anomaly_alerts
// are enqueued (an alert already in the outbox is not enqueued again).
void watch_anomalies(AlertDispatcher& d, Store& store, const AnomalyOptions& o,
                     int64_t interval_ms);

}  // namespace codepulse::collector

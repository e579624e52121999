// The anomaly alert source (anomaly_alerts.hpp).
#include "collector/alert/anomaly_alerts.hpp"

#include "collector/report/anomaly_report.hpp"
#include "common/json_writer.hpp"

namespace codepulse::collector {

AlertMessage anomaly_alert(const Anomaly& a, int64_t now_ms) {
  AlertMessage m;
  m.dedupe_key = "anomaly:" + a.dedupe_key();
  m.source = "anomaly";
  m.title = "codepulse anomaly: " + a.kind + " (" + a.subject + ", " + a.day + ")";
  m.text = a.explanation + "\nSee: codepulse-collector anomalies --since " + a.day;
  // The figures as render_anomalies gives them.
  const std::string json = render_anomalies({a}, "json");
  const size_t open = json.find('[') + 1, close = json.rfind(']');
  m.details = json.substr(open, close - open);
  m.created_ms = now_ms;
  return m;
}

Result<std::vector<AlertMessage>> anomaly_alerts(Store& store, const AnomalyOptions& o,
                                                 int64_t now_ms,
                                                 std::shared_ptr<const Pricer> pricer) {
  constexpr int64_t kDayMs = 86'400'000;
  const int64_t today = now_ms >= 0 ? now_ms / kDayMs : (now_ms - kDayMs + 1) / kDayMs;
  auto found = store_anomalies(store, (today - 1) * kDayMs, now_ms, o, std::move(pricer));
  if (!found) return found.error();
  std::vector<AlertMessage> out;
  for (const Anomaly& a : *found)
    out.push_back(anomaly_alert(a, now_ms));
  return out;
}

void watch_anomalies(AlertDispatcher& d, Store& store, const AnomalyOptions& o,
                     int64_t interval_ms) {
  d.add_source(
      "anomalies", [&store, o](int64_t now_ms) { return anomaly_alerts(store, o, now_ms); },
      interval_ms);
}

}  // namespace codepulse::collector

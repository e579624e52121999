#include "collector/serve/health_view.hpp"

#include "common/json_writer.hpp"

namespace codepulse::collector {

std::string health_json(const HealthInputs& in, const Metrics& metrics) {
  int64_t recent = 0;
  for (const auto& d : in.devices)
    recent += in.now_ms - d.last_received_ms <= in.recent_ms;
  std::string body;
  JsonWriter w(body);
  w.begin_object();
  w.field("now_ms", in.now_ms).field("recent_window_ms", in.recent_ms);
  w.field("devices_total", static_cast<int64_t>(in.devices.size()));
  w.field("devices_recent", recent);
  w.field("records_stored", in.records_stored);
  w.field("ingest_queue_depth", static_cast<uint64_t>(in.ingest_queue_depth));
  w.key("tracker_queue_backlog").null();
  w.field("tracker_queue_backlog_note",
          "trackers do not send their local queue size yet; see a laptop's backlog with "
          "`codepulse-tracker queue show`");
  struct Refusal {
    const char* name;
    BatchOutcome outcome;
  };
  static constexpr Refusal kRefusals[] = {
      {"malformed", BatchOutcome::kBad},           {"unauthorized", BatchOutcome::kUnauthorized},
      {"forbidden", BatchOutcome::kForbidden},     {"too_large", BatchOutcome::kTooLarge},
      {"unsupported", BatchOutcome::kUnsupported}, {"rate_limited", BatchOutcome::kRateLimited},
      {"store_error", BatchOutcome::kStoreError}};
  w.key("refused_batches_since_start").begin_object();
  for (const auto& r : kRefusals)
    w.field(r.name, metrics.batches(r.outcome));
  w.end_object();
  w.key("devices").begin_array();
  for (const auto& d : in.devices) {
    w.begin_object()
        .field("author", d.author)
        .field("device_id", d.device_id)
        .field("tracker_version", d.tracker_version)
        .field("first_received_ms", d.first_received_ms)
        .field("last_received_ms", d.last_received_ms)
        .field("batches", d.batches)
        .field("records_sent", d.records_sent)
        .field("records_new", d.records_new)
        .field("records_rejected", d.records_rejected)
        .field("batches_with_rejections", d.batches_with_rejections)
        .end_object();
  }
  w.end_array();
  w.end_object();
  return body;
}

}  // namespace codepulse::collector

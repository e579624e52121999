#include "collector/serve/health_routes.hpp"

#include "collector/ingest/budget_metrics.hpp"
#include "collector/serve/health_view.hpp"
#include "common/json_writer.hpp"
#include "common/time.hpp"
#include "common/version.hpp"

namespace codepulse::collector {
namespace {

constexpr size_t kHealthDevices = 5000;  // devices listed by GET /v1/health

}  // namespace

HttpReply health(ViewerAccess& viewers, Store& store, const Metrics& metrics,
                 const IngestQueue& queue, const RouteRequest& request) {
  auto who = viewers.identify(web_request(request), true);
  if (auto* r = std::get_if<HttpReply>(&who)) return std::move(*r);
  // Every device and its author: an organisation-wide view.
  if (auto refused =
          refuse_partial_scope(viewers.access(std::get<Viewer>(who)), "the trackers' health"))
    return std::move(*refused);
  HealthInputs in;
  auto devices = store.device_activity(kHealthDevices);
  if (!devices)
    return {503, error_json(503, "cannot read the batches: " + devices.error().message), 1};
  in.devices = std::move(devices).value();
  in.now_ms = now_utc_ms();
  auto count = store.record_count();
  in.records_stored = count ? *count : -1;
  in.ingest_queue_depth = queue.depth();
  return {200, health_json(in, metrics)};
}

HttpReply healthz(Store& store) {
  auto count = store.record_count();
  if (!count) return {503, error_json(503, "store unavailable: " + count.error().message)};
  std::string body;
  JsonWriter w(body);
  w.begin_object()
      .field("status", "ok")
      .field("version", kVersion)
      .field("records", *count)
      .end_object();
  return {200, body};
}

std::string metrics_text(Store& store, const Metrics& metrics, const IngestQueue& queue,
                         const ReportRunner& reports, const BudgetBoard& budgets) {
  auto size = store.size_bytes();
  auto count = store.record_count();
  std::string out = metrics.render(size ? *size : -1, count ? *count : -1, queue.depth());
  const CubeStats cube = reports.stats();
  auto gauge = [&out](const char* name, const char* help, int64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name +
           " " + std::to_string(value) + "\n";
  };
  gauge("codepulse_report_cube_ready", "1 once the in-memory report cube is built.",
        cube.ready ? 1 : 0);
  gauge("codepulse_report_cube_records", "Usage records folded into the report cube.",
        cube.records);
  gauge("codepulse_report_cube_groups", "Groups (turn, quarter hour, dimensions) in the cube.",
        cube.groups);
  gauge("codepulse_report_cube_bytes", "Approximate memory of the report cube.", cube.memory_bytes);
  gauge("codepulse_unpriced_records",
        "Records no price covers at their time (their cost counts as 0), from the report cube.",
        cube.unpriced_records);
  gauge("codepulse_unpriced_models",
        "Models with unpriced records (prices unpriced names them), from the report cube.",
        cube.unpriced_models);
  gauge("codepulse_report_cube_build_ms", "Time the cube took to build at start.", cube.build_ms);
  gauge("codepulse_report_cube_repricing", "1 while a cube is built with changed prices.",
        cube.repricing ? 1 : 0);
  gauge("codepulse_report_cube_reprices", "Cubes re-priced and swapped in since start.",
        cube.reprices);
  gauge("codepulse_report_cube_reprice_ms", "Time the last re-priced cube took to build.",
        cube.reprice_ms);
  if (const auto a = reports.analytics_stats()) {
    gauge("codepulse_analytics_ready",
          "1 once ClickHouse was compared with the store after start (reports answer from it).",
          a->ready ? 1 : 0);
    gauge("codepulse_analytics_reachable", "1 when the last request to ClickHouse succeeded.",
          a->reachable ? 1 : 0);
    gauge("codepulse_analytics_generation", "The pricing generation of the rows sent.",
          a->generation);
    gauge("codepulse_analytics_rows_sent", "Rows sent to ClickHouse since start.", a->rows_sent);
    gauge("codepulse_analytics_pending_records", "Committed records not yet sent to ClickHouse.",
          a->pending_records);
    gauge("codepulse_analytics_pending_days",
          "UTC days to compare and send again (ClickHouse was down, or records left the store).",
          a->pending_days);
    gauge("codepulse_analytics_heals", "Comparisons of every day with the store since start.",
          a->heals);
    gauge("codepulse_analytics_days_healed", "Days found different and sent again since start.",
          a->days_healed);
    gauge("codepulse_analytics_last_heal_ms", "Time the last comparison of every day took.",
          a->last_heal_ms);
    gauge("codepulse_analytics_rollups", "Days rolled up for reports since start.", a->rollups);
    gauge("codepulse_analytics_dirty_days",
          "Days reports read from their records: changed since their last rollup.", a->dirty_days);
    gauge("codepulse_analytics_rollups_mended",
          "Days whose rollup was found to differ from their records, since start.",
          a->rollups_mended);
    gauge("codepulse_analytics_report_answers", "Reports answered from ClickHouse since start.",
          reports.analytics_answers());
    gauge("codepulse_analytics_store_answers",
          "Reports ClickHouse's groups could not answer (files, outcomes, re-pricing), answered "
          "from the store since start.",
          reports.store_answers());
  }
  out += budget_metrics_text(budgets.snapshot().get());
  return out;
}

}  // namespace codepulse::collector

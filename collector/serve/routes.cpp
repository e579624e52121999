#include "collector/serve/routes.hpp"

#include "collector/ingest/batch_endpoint.hpp"

namespace codepulse::collector {

const Router& collector_router() {
  static const Router router({
      {.method = "POST",
       .path = "/v1/batches",
       .access = Access::kTrackerToken,
       .body_limit = 0,  // streamed under the batch limit (IngestLimits)
       .handler = Handler::kBatches,
       .summary = "a tracker's batch of usage records and commits (zstd or plain JSON)"},
      {.method = "GET",
       .path = "/v1/report",
       .access = Access::kReader,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kReport,
       .summary = "a report tree, as 'codepulse-collector report' gives it (?group_by=...)"},
      {.method = "GET",
       .path = "/v1/reconcile",
       .access = Access::kReader,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kReconcile,
       .summary = "a month against the providers' imported usage and cost (?month=YYYY-MM, "
                  "format=json|csv), as 'codepulse-collector reconcile' gives it"},
      {.method = "GET",
       .path = "/v1/statement",
       .access = Access::kReader,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kStatement,
       .summary = "the monthly statement for finance (?month=YYYY-MM, format=json|csv), as "
                  "'codepulse-collector statement' gives it"},
      {.method = "GET",
       .path = "/v1/waste",
       .access = Access::kReader,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kWaste,
       .summary = "the waste ledger per rule and in total, as 'codepulse-collector waste' gives "
                  "it (/v1/report's parameters, format=json|csv)"},
      {.method = "GET",
       .path = "/v1/anomalies",
       .access = Access::kReader,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kAnomalies,
       .summary = "anomalies, each explained, as 'codepulse-collector anomalies' gives them "
                  "(?since=...&until=...&format=json|csv)"},
      {.method = "GET",
       .path = "/v1/whoami",
       .any_method = true,
       .access = Access::kAnyToken,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kWhoami,
       .summary = "the author and role of the caller (codepulse-tracker doctor)"},
      {.method = "POST",
       .path = "/v1/session",
       .any_method = true,
       .access = Access::kLoginToken,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kSession,
       .summary = "dashboard login: a session cookie and its CSRF value"},
      {.method = "GET",
       .path = "/v1/session",
       .any_method = true,
       .access = Access::kReader,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kSession,
       .summary = "who is logged in, and the session's CSRF value"},
      {.method = "DELETE",
       .path = "/v1/session",
       .any_method = true,
       .access = Access::kSessionCsrf,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kSession,
       .summary = "dashboard logout"},
      {.method = "GET",
       .path = "/v1/health",
       .access = Access::kReader,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kHealth,
       .summary = "trackers by device, batches refused, the ingest queue"},
      {.method = "POST",
       .path = "/v1/webhooks/jira",
       .access = Access::kWebhookSecret,
       .body_limit = kWebhookBodyLimit,
       .handler = Handler::kJiraWebhook,
       .summary =
           "Jira Cloud issue events: each task's epic, type and status (needs jira_secret_file)"},
      {.method = "POST",
       .path = "/v1/webhooks/github",
       .access = Access::kWebhookSecret,
       .body_limit = kWebhookBodyLimit,
       .handler = Handler::kGithubWebhook,
       .summary = "GitHub pushes, pull requests and reviews (needs github_secret_file)"},
      {.method = "POST",
       .path = "/v1/webhooks/bitbucket",
       .access = Access::kWebhookSecret,
       .body_limit = kWebhookBodyLimit,
       .handler = Handler::kBitbucketWebhook,
       .summary = "Bitbucket Cloud pushes and pull requests (needs bitbucket_secret_file)"},
      {.method = "GET",
       .path = "/v1/prices",
       .access = Access::kAnyToken,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kPrices,
       .summary = "the price book in force, with its digest as ETag (trackers price with it)"},
      {.method = "GET",
       .path = "/v1/generation",
       .access = Access::kAnyToken,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kGeneration,
       .summary = "the store generation (new after a restore) and the backup's time, for trackers"},
      {.method = "GET",
       .path = "/v1/admin/prices",
       .access = Access::kAdmin,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kAdminPrices,
       .summary = "the book's revision and digest, the overrides, every family's rates now"},
      {.method = "GET",
       .path = "/v1/admin/prices/history",
       .access = Access::kAdmin,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kAdminPriceHistory,
       .summary = "every book import and override change, with who and when"},
      {.method = "GET",
       .path = "/v1/admin/prices/unpriced",
       .access = Access::kAdmin,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kAdminUnpriced,
       .summary = "models seen without a price, with requests and tokens (?since=&until=)"},
      {.method = "POST",
       .path = "/v1/admin/prices/book",
       .access = Access::kAdmin,
       .body_limit = kPriceBookBodyLimit,
       .handler = Handler::kAdminImportBook,
       .summary = "import a price book (JSON): validated, stored, every report re-priced"},
      {.method = "POST",
       .path = "/v1/admin/prices/overrides",
       .access = Access::kAdmin,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kAdminAddOverride,
       .summary = "add an organisation rate override (JSON); every report re-priced"},
      {.method = "DELETE",
       .path = "/v1/admin/prices/overrides/",
       .prefix = true,
       .access = Access::kAdmin,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kAdminRemoveOverride,
       .summary = "remove override ID (kept in the history); every report re-priced"},
      {.method = "GET",
       .path = "/v1/admin/seats",
       .access = Access::kAdmin,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kAdminSeats,
       .summary = "every seat: plan, assistant, assignee, monthly price, dates"},
      {.method = "POST",
       .path = "/v1/admin/seats",
       .access = Access::kAdmin,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kAdminAddSeat,
       .summary = "add a seat (JSON); overlaps of one assignee and plan refused"},
      {.method = "POST",
       .path = "/v1/admin/seats/",
       .prefix = true,
       .access = Access::kAdmin,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kAdminEndSeat,
       .summary = "POST /v1/admin/seats/ID/end {\"end\": DAY}: the last day seat ID is held"},
      {.method = "DELETE",
       .path = "/v1/admin/seats/",
       .prefix = true,
       .access = Access::kAdmin,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kAdminRemoveSeat,
       .summary = "delete seat ID (entered by mistake)"},
      {.method = "GET",
       .path = "/v1/admin/export/focus",
       .access = Access::kAdmin,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kAdminExportFocus,
       .summary = "a month of AI assistant spend as a FinOps FOCUS 1.2 CSV (?month=YYYY-MM)"},
      {.method = "GET",
       .path = "/",
       .access = Access::kAnyone,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kDashboard,
       .summary = "the web dashboard"},
      {.method = "GET",
       .path = "/assets/",
       .prefix = true,
       .access = Access::kAnyone,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kDashboard,
       .summary = "the dashboard's scripts, styles and images"},
      {.method = "GET",
       .path = "/healthz",
       .access = Access::kAnyone,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kHealthz,
       .summary = "liveness: status, version and records stored"},
      {.method = "GET",
       .path = "/metrics",
       .access = Access::kAnyone,
       .body_limit = kSmallBodyLimit,
       .handler = Handler::kMetrics,
       .summary = "Prometheus metrics: requests, batches, records, latency, queues, store"},
  });
  return router;
}

HttpReply refusal(const RouteMatch& match) {
  HttpReply reply;
  if (match.kind == RouteMatch::Kind::kWrongMethod) {
    reply = {405, error_json(405, "use " + match.allowed + " for " + match.label)};
  } else {
    reply = {404,
             error_json(404,
                        "no such endpoint; the collector serves the dashboard at /, "
                        "POST /v1/batches, GET /v1/report, GET /v1/reconcile, GET /v1/statement, "
                        "GET /v1/waste, GET /v1/anomalies, "
                        "GET /v1/whoami, "
                        "/v1/session, GET /v1/health, GET /v1/prices, GET /v1/generation, "
                        "/v1/admin/prices, /v1/admin/seats, "
                        "POST /v1/webhooks/jira, "
                        "/v1/webhooks/github and /v1/webhooks/bitbucket, GET /healthz and "
                        "GET /metrics")};
  }
  reply.close = true;
  return reply;
}

size_t body_limit(const RouteMatch& match) {
  return match.route ? match.route->body_limit : kSmallBodyLimit;
}

HttpReply body_too_large(const std::string& label, size_t limit) {
  HttpReply reply{413,
                  error_json(413, limit == kSmallBodyLimit ? label + " takes no request body"
                                                           : "the body is over the limit of " +
                                                                 std::to_string(limit) + " bytes")};
  reply.close = true;
  return reply;
}

}  // namespace codepulse::collector

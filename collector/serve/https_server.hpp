// The collector's HTTPS server: TLS 1.2+ (AEAD suites), keep-alive, timeouts
// against slow clients, connection slots shared fairly (connection_slots.hpp),
// backoff after failed authentication (auth_throttle.hpp), graceful
// shutdown on SIGTERM/SIGINT, and the log file reopened on SIGHUP.
// Routes: the table in routes.hpp (batches, reports, sessions, the dashboard,
// webhooks, health and metrics; `serve --help` lists it), answered by the
// *_routes.cpp handlers. Boost.Beast stays inside https_server.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "collector/analytics/clickhouse_client.hpp"
#include "collector/ingest/batch_endpoint.hpp"
#include "collector/report/delivery_settings.hpp"
#include "collector/serve/oidc_settings.hpp"
#include "collector/store/store.hpp"
#include "common/log/logger.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

// ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 only.
inline constexpr const char* kAeadCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

struct ServerOptions {
  std::string listen = "127.0.0.1:8443";             // HOST:PORT; port 0 picks a free port
  std::string tls_cert;                              // PEM chain file
  std::string tls_key;                               // PEM private key file
  int threads = 0;                                   // network threads; 0 = one per core
  int64_t header_timeout_ms = 10'000;                // TLS handshake, or a request header
  int64_t body_timeout_ms = 60'000;                  // a whole request body
  int64_t idle_timeout_ms = 75'000;                  // keep-alive wait for the next request
  int64_t unauthenticated_idle_timeout_ms = 10'000;  // the same before an authenticated request
  int64_t shutdown_grace_ms = 30'000;                // in-flight requests get this long
  size_t max_connections = 1024;
  size_t max_connections_per_address = 32;  // unauthenticated ones from one client address
  size_t reserved_connections = 64;         // slots unauthenticated connections cannot hold
  // TLS 1.2 suites (OpenSSL syntax); TLS 1.3's are all AEAD.
  std::string tls12_ciphers = kAeadCiphers;
  // The dashboard's origin, e.g. https://codepulse.example.org:8443; empty:
  // https://NAME:PORT for each name of the certificate and the listen port.
  std::string public_url;
  size_t min_group_size = 0;            // the privacy floor (docs/ACCESS.md); 0: off
  size_t report_max_nodes = 200'000;    // GET /v1/report: larger trees get a 422
  size_t export_max_nodes = 2'000'000;  // GET /v1/admin/export/focus: the month's report
  // Reports from ClickHouse instead of the in-memory cube (docs/CLICKHOUSE.md).
  std::optional<analytics::ClickHouseTarget> analytics_store;
  report::LeverageWeights leverage_weights;  // reports' leverage score
  std::string jira_webhook_secret;           // empty: POST /v1/webhooks/jira is off
  std::string jira_epic_link_field = "customfield_10014";
  std::string jira_story_points_field = "customfield_10016";
  std::string github_webhook_secret;     // empty: POST /v1/webhooks/github is off
  std::string bitbucket_webhook_secret;  // empty: POST /v1/webhooks/bitbucket is off
  DeliverySettings delivery;             // deployments, incidents (docs/DELIVERY.md)
  IngestLimits limits;
  OidcSettings oidc;                   // single sign-on for the dashboard; off without an issuer
  int64_t budget_refresh_ms = 60'000;  // budgets' state for batches and /metrics (BudgetRefresher)
  size_t budget_metrics_top = 10;      // repositories and models /metrics names; the rest "other"
};

class HttpsServer {
 public:
  // Loads the certificate and key, binds and listens (nothing is served yet).
  static Result<std::unique_ptr<HttpsServer>> create(const ServerOptions& options, Store& store,
                                                     Logger& log);
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  uint16_t port() const;
  // Serves until SIGTERM, SIGINT or stop(); then stops accepting, finishes the
  // requests in flight (up to shutdown_grace_ms), stores every accepted
  // batch, and returns.
  void run();
  // Thread-safe; begins the same graceful shutdown.
  void stop();
  // Runs on a network thread after each SIGHUP, once the log file is
  // reopened. Set before run().
  void on_hangup(std::function<void()> handler);

  class Impl;

 private:
  explicit HttpsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace codepulse::collector

// `serve` settings: the declarative key table (server_keys.cpp) and the
// translation into ServerOptions.
#pragma once

#include "collector/alert/alert_receivers.hpp"
#include "collector/alert/anomaly_alerts.hpp"
#include "collector/alert/budget_alerts.hpp"
#include "collector/alert/digest_alerts.hpp"
#include "collector/alert/reconcile_gap.hpp"
#include "collector/providers/provider_poller.hpp"
#include "collector/serve/https_server.hpp"
#include "common/config/config.hpp"

namespace codepulse::collector {

const ConfigKeys& server_config_keys();
// Requires db, tls_cert and tls_key.
Result<ServerOptions> server_options(const Config& c);
// The providers' pollers (anthropic_*, openai_*, provider_*); a provider is
// polled when its admin key file is set.
Result<ProviderOptions> provider_options(const Config& c);

// The alert receivers and sources (alert_*, reconcile_gap_*, anomaly_*, digest_*,
// org_tz): docs/ALERTS.md.
struct AlertOptions {
  AlertSettings settings;
  GapThreshold gap;
  int64_t gap_check_ms = 3'600'000;
  int64_t budget_check_ms = 300'000;  // budget threshold crossings (budget_alerts.hpp)
  AnomalyOptions anomalies;
  int64_t anomaly_check_ms = 3'600'000;  // 0: no anomaly alerts
  std::optional<DigestSchedule> digest;  // digest_weekday, digest_hour, org_tz; none: off
};
Result<AlertOptions> alert_options(const Config& c);

}  // namespace codepulse::collector

// Every configuration key of `codepulse-collector serve`: a TOML file
// (--config) may set any of them; each is also a flag.
#include <algorithm>

#include "collector/analytics/clickhouse_client.hpp"
#include "collector/ingest/commit_message_facts.hpp"
#include "collector/report/delivery_report.hpp"
#include "collector/serve/dashboard_origins.hpp"
#include "collector/serve/server_config.hpp"
#include "collector/store/seat_rows.hpp"
#include "common/log/log_keys.hpp"
#include "common/report/access_scope.hpp"
#include "common/report/leverage.hpp"
#include "common/secret_file.hpp"
#include "common/text_controls.hpp"

namespace codepulse::collector {

const ConfigKeys& server_config_keys() {
  using T = ConfigType;
  static const ConfigKeys keys = {
      {.name = "listen",
       .type = T::kString,
       .default_value = "127.0.0.1:8443",
       .help = "address to serve HTTPS on, HOST:PORT or [IPv6]:PORT; port 0 picks a free one"},
      {.name = "db",
       .type = T::kPath,
       .default_value = "",
       .help = "the database: a SQLite file, or postgresql://USER@HOST:PORT/DB (password in "
               "~/.pgpass or PGPASSWORD, never here)"},
      {.name = "tls_cert",
       .type = T::kPath,
       .default_value = "",
       .help = "TLS certificate chain (PEM); 'codepulse-collector cert create' makes one to try"},
      {.name = "tls_key", .type = T::kPath, .default_value = "", .help = "TLS private key (PEM)"},
      {.name = "threads",
       .type = T::kInt,
       .default_value = "0",
       .help = "network threads; 0 = one per core (the store has its own writer thread)",
       .min = 0,
       .max = 256},
      {.name = "max_body_bytes",
       .type = T::kBytes,
       .default_value = "16MiB",
       .help = "largest compressed batch accepted",
       .min = 1024,
       .max = int64_t{1} << 31},
      {.name = "max_decompressed_bytes",
       .type = T::kBytes,
       .default_value = "64MiB",
       .help = "largest batch after decompression (zstd bombs stop here)",
       .min = 1024,
       .max = int64_t{1} << 32},
      {.name = "max_records",
       .type = T::kInt,
       .default_value = "100000",
       .help = "most records in one batch",
       .min = 1,
       .max = 10'000'000},
      {.name = "rate_limit",
       .type = T::kInt,
       .default_value = "50",
       .help = "batches per second each token may send; 0 = no limit",
       .min = 0,
       .max = 1'000'000},
      {.name = "rate_burst",
       .type = T::kInt,
       .default_value = "200",
       .help = "batches a token may send at once before the rate limit applies",
       .min = 1,
       .max = 1'000'000},
      {.name = "header_timeout",
       .type = T::kDuration,
       .default_value = "10s",
       .help = "time for the TLS handshake and for a request header",
       .min = 100,
       .max = 3'600'000},
      {.name = "body_timeout",
       .type = T::kDuration,
       .default_value = "60s",
       .help = "time for a whole request body (slow clients are cut off)",
       .min = 100,
       .max = 3'600'000},
      {.name = "idle_timeout",
       .type = T::kDuration,
       .default_value = "75s",
       .help = "keep-alive: how long an idle connection waits for its next request",
       .min = 100,
       .max = 3'600'000},
      {.name = "unauthenticated_idle_timeout",
       .type = T::kDuration,
       .default_value = "10s",
       .help = "keep-alive wait of a connection that has not yet carried an authenticated "
               "request",
       .min = 100,
       .max = 3'600'000},
      {.name = "shutdown_grace",
       .type = T::kDuration,
       .default_value = "30s",
       .help = "on SIGTERM, how long requests in flight may take to finish",
       .min = 0,
       .max = 3'600'000},
      {.name = "max_connections",
       .type = T::kInt,
       .default_value = "1024",
       .help = "open connections at most; more are closed at once",
       .min = 1,
       .max = 1'000'000},
      {.name = "max_connections_per_address",
       .type = T::kInt,
       .default_value = "32",
       .help = "unauthenticated connections one client address may hold; more are closed at "
               "once (authenticated ones do not count, so trackers behind one NAT are fine)",
       .min = 1,
       .max = 1'000'000},
      {.name = "reserved_connections",
       .type = T::kInt,
       .default_value = "64",
       .help = "connection slots unauthenticated connections cannot hold (at most a quarter "
               "of max_connections); a new connection takes the slot of the one idle longest",
       .min = 0,
       .max = 1'000'000},
      {.name = "tls12_ciphers",
       .type = T::kString,
       .default_value = kAeadCiphers,
       .help = "TLS 1.2 cipher suites, OpenSSL syntax (TLS 1.3 suites are all AEAD); the "
               "default: ECDHE with AES-GCM or ChaCha20-Poly1305 only"},
      {.name = "public_url",
       .type = T::kString,
       .default_value = "",
       .help = "the dashboard's URL as browsers see it (https://HOST[:PORT]); logins and "
               "session changes must come from its origin. Empty: https://NAME:PORT for each "
               "name of the certificate and the listen port"},
      {.name = "report_max_nodes",
       .type = T::kInt,
       .default_value = "200000",
       .help = "GET /v1/report and each report of GET /v1/waste: one returning more nodes gets "
               "a 422 (use top or filters); 200,000 nodes is a JSON reply of about 100 MiB",
       .min = 1,
       .max = 1'000'000'000},
      {.name = "analytics",
       .type = T::kString,
       .default_value = "",
       .help = "clickhouse://[USER@]HOST[:PORT][/DB][?cluster=NAME&shard=HOST:PORT...]: answer "
               "reports from this ClickHouse (the collector keeps it equal to the store) instead "
               "of an in-memory cube; with a cluster, over Distributed tables on its shards; "
               "empty: the cube (docs/CLICKHOUSE.md)"},
      {.name = "analytics_password_file",
       .type = T::kPath,
       .default_value = "",
       .help = "a file holding the ClickHouse user's password (read at start)"},
      {.name = "export_max_nodes",
       .type = T::kInt,
       .default_value = "2000000",
       .help = "GET /v1/admin/export/focus: a month whose report (day, assistant, model, repo, "
               "branch, author, task, epic) has more nodes gets a 422; its CSV rows are the "
               "report's leaves",
       .min = 1,
       .max = 1'000'000'000},
      {.name = "min_group_size",
       .type = T::kInt,
       .default_value = "0",
       .help = "privacy floor: for viewers scoped beyond themselves, report rows of fewer than "
               "this many people merge into (others) (0: off; docs/ACCESS.md)",
       .min = 0,
       .max = 1000},
      {.name = "leverage_weights",
       .type = T::kString,
       .default_value = "lines_added=1,lines_removed=0.875,refactoring=0.75,skills=1,mcp=0.875",
       .help = "weights of the leverage score in reports (docs/METRICS.md)"},
      {.name = "jira_secret_file",
       .type = T::kPath,
       .default_value = "",
       .help = "file (mode 0600) holding the secret Jira webhooks send in their URL (?secret=); "
               "empty = POST /v1/webhooks/jira is off"},
      {.name = "github_secret_file",
       .type = T::kPath,
       .default_value = "",
       .help = "file (mode 0600) holding the secret of the GitHub webhook (it signs each body: "
               "X-Hub-Signature-256); empty = POST /v1/webhooks/github is off"},
      {.name = "bitbucket_secret_file",
       .type = T::kPath,
       .default_value = "",
       .help = "file (mode 0600) holding the secret of the Bitbucket Cloud webhook (it signs "
               "each body: X-Hub-Signature); empty = POST /v1/webhooks/bitbucket is off"},
      {.name = "delivery_secret_file",
       .type = T::kPath,
       .default_value = "",
       .help = "file (mode 0600) holding the secret deployments and incidents are signed with "
               "(X-Codepulse-Signature); empty = POST /v1/deployments and /v1/incidents are off "
               "(docs/DELIVERY.md)"},
      {.name = "production_environments",
       .type = T::kString,
       .default_value = "production",
       .help = "comma-separated deployment environments that are production (besides those "
               "GitHub marks production_environment)"},
      {.name = "hotfix_branch_patterns",
       .type = T::kString,
       .default_value = "hotfix/*,hotfix-*",
       .help = "comma-separated branch globs (* and ?): a deployed commit on such a branch is a "
               "hotfix, failing the deployment before it"},
      {.name = "hotfix_message_patterns",
       .type = T::kString,
       .default_value = "^hotfix\\b,\\[hotfix\\]",
       .help = "comma-separated regular expressions (no case): a pushed commit whose message "
               "matches is a hotfix (read when the push arrives; the message is not kept)"},
      {.name = "hotfix_labels",
       .type = T::kString,
       .default_value = "hotfix",
       .help = "comma-separated pull request labels (no case): a merged pull request with one "
               "ships a hotfix, failing the deployment before the one that ships it"},
      {.name = "bitbucket_deploy_statuses",
       .type = T::kString,
       .default_value = "production=deploy.*prod",
       .help = "comma-separated ENVIRONMENT=PATTERN (regular expressions, no case): a Bitbucket "
               "build status whose name or key matches is a deployment of its commit to "
               "ENVIRONMENT (read when the status arrives)"},
      {.name = "count_merge_commits",
       .type = T::kBool,
       .default_value = "false",
       .help = "count merge commits in the delivery metrics' commits and lead times (reports: "
               "merge_commits=count)"},
      {.name = "oidc_issuer",
       .type = T::kString,
       .default_value = "",
       .help = "single sign-on: the OpenID provider's issuer URL (https://...; its "
               "/.well-known/openid-configuration is read); empty = off (docs/SSO.md)"},
      {.name = "oidc_client_id",
       .type = T::kString,
       .default_value = "",
       .help = "single sign-on: this collector's client id at the provider"},
      {.name = "oidc_client_secret_file",
       .type = T::kPath,
       .default_value = "",
       .help = "file (mode 0600) holding the client secret; empty = a public client (PKCE only)"},
      {.name = "oidc_redirect_url",
       .type = T::kString,
       .default_value = "",
       .help = "single sign-on: https://HOST[:PORT]/v1/sso/callback, as registered at the "
               "provider"},
      {.name = "oidc_ca_file",
       .type = T::kPath,
       .default_value = "",
       .help = "CA certificates (PEM) the provider is checked against; empty = the system's"},
      {.name = "oidc_scopes",
       .type = T::kStringList,
       .default_value = "openid,email,profile",
       .help = "scopes asked for (openid and an email claim are required; add groups where the "
               "provider needs it)",
       .value_name = "SCOPES"},
      {.name = "oidc_groups_claim",
       .type = T::kString,
       .default_value = "groups",
       .help = "the ID token claim listing the user's groups"},
      {.name = "oidc_admin_groups",
       .type = T::kStringList,
       .default_value = "",
       .help = "groups whose members get the admin role",
       .value_name = "GROUPS"},
      {.name = "oidc_finance_groups",
       .type = T::kStringList,
       .default_value = "",
       .help = "groups whose members get the finance role (others: viewer)",
       .value_name = "GROUPS"},
      {.name = "oidc_scope_groups",
       .type = T::kStringList,
       .default_value = "",
       .help = "a viewer's scope of access by group, GROUP=SCOPE each (SCOPE: org, team:NAME, "
               "group:NAME or org:NAME; the first group the user is in; none: self)",
       .value_name = "MAPPINGS"},
      {.name = "oidc_clock_skew",
       .type = T::kDuration,
       .default_value = "60s",
       .help = "how far the provider's clock may be off (the ID token's exp and iat)",
       .min = 0,
       .max = 600'000},
      {.name = "oidc_session",
       .type = T::kDuration,
       .default_value = "8h",
       .help = "how long a single sign-on session lasts after login",
       .min = 60'000,
       .max = 30LL * 24 * 3'600'000},
      {.name = "jira_epic_link_field",
       .type = T::kString,
       .default_value = "customfield_10014",
       .help = "the Epic Link custom field, used when an issue has no epic as its parent"},
      {.name = "jira_story_points_field",
       .type = T::kString,
       .default_value = "customfield_10016",
       .help = "the custom field holding an issue's story points (task classes, "
               "docs/DELIVERY.md); empty = none read"},
      {.name = "anthropic_admin_key_file",
       .type = T::kPath,
       .default_value = "",
       .help = "file (mode 0600) holding an Anthropic Admin API key (sk-ant-admin...): the "
               "collector polls the organisation's usage, cost and Claude Code reports for "
               "reconcile; empty = not polled"},
      {.name = "anthropic_base_url",
       .type = T::kString,
       .default_value = "https://api.anthropic.com",
       .help = "where Anthropic's Admin API is (https only)"},
      {.name = "anthropic_poll_minutes",
       .type = T::kInt,
       .default_value = "60",
       .help = "minutes between two polls of Anthropic's reports",
       .min = 1,
       .max = 10'080},
      {.name = "openai_admin_key_file",
       .type = T::kPath,
       .default_value = "",
       .help = "file (mode 0600) holding an OpenAI admin key: the collector polls the "
               "organisation's usage (completions) and costs for reconcile; empty = not polled"},
      {.name = "openai_base_url",
       .type = T::kString,
       .default_value = "https://api.openai.com",
       .help = "where OpenAI's organization API is (https only)"},
      {.name = "openai_poll_minutes",
       .type = T::kInt,
       .default_value = "60",
       .help = "minutes between two polls of OpenAI's usage and costs",
       .min = 1,
       .max = 10'080},
      {.name = "provider_ca_file",
       .type = T::kPath,
       .default_value = "",
       .help = "CA certificates (PEM) the providers' APIs are checked against; empty = the "
               "system's"},
      {.name = "provider_history_days",
       .type = T::kInt,
       .default_value = "31",
       .help = "how many days back the first poll of a provider's report starts",
       .min = 1,
       .max = 366},
      {.name = "alert_slack_url_file",
       .type = T::kPath,
       .default_value = "",
       .help = "file (mode 0600) holding a Slack incoming webhook URL alerts are posted to "
               "(docs/ALERTS.md); empty = no Slack receiver"},
      {.name = "alert_teams_url_file",
       .type = T::kPath,
       .default_value = "",
       .help = "file (mode 0600) holding a Microsoft Teams incoming (or Workflows) webhook URL "
               "alerts are posted to; empty = no Teams receiver"},
      {.name = "alert_webhook_url",
       .type = T::kString,
       .default_value = "",
       .help = "an HTTPS URL alerts are posted to as JSON signed with HMAC-SHA256 "
               "(X-Codepulse-Signature, docs/ALERTS.md); empty = none"},
      {.name = "alert_webhook_secret_file",
       .type = T::kPath,
       .default_value = "",
       .help = "file (mode 0600) holding the secret that signs alert_webhook_url's bodies "
               "(32 to 256 characters)"},
      {.name = "alert_ca_file",
       .type = T::kPath,
       .default_value = "",
       .help = "CA certificates (PEM) the alert receivers are checked against; empty = the "
               "system's"},
      {.name = "alert_timeout",
       .type = T::kDuration,
       .default_value = "10s",
       .help = "how long each step of a request to an alert receiver may take (a receiver "
               "that never answers is retried)",
       .min = 10,
       .max = 120'000},
      {.name = "alert_retry_base",
       .type = T::kDuration,
       .default_value = "30s",
       .help = "the wait after an alert's first failed delivery; doubled after each (with "
               "jitter)",
       .min = 1,
       .max = 3'600'000},
      {.name = "alert_retry_max",
       .type = T::kDuration,
       .default_value = "1h",
       .help = "the longest wait between two attempts of one alert",
       .min = 1,
       .max = 86'400'000},
      {.name = "alert_max_attempts",
       .type = T::kInt,
       .default_value = "10",
       .help = "attempts of one alert to one receiver before it is marked failed",
       .min = 1,
       .max = 100},
      {.name = "alert_poll",
       .type = T::kDuration,
       .default_value = "5s",
       .help = "how often the alert outbox is looked at for alerts due (another collector's "
               "included)",
       .min = 10,
       .max = 3'600'000},
      {.name = "reconcile_gap_alert_usd",
       .type = T::kString,
       .default_value = "",
       .help = "alert once per month and provider when the provider's cost and codepulse's "
               "differ by at least this many dollars (reconcile); empty = off"},
      {.name = "reconcile_gap_alert_percent",
       .type = T::kInt,
       .default_value = "0",
       .help = "alert when the gap is at least this percent of the provider's cost (with "
               "reconcile_gap_alert_usd: both must be passed); 0 = off",
       .min = 0,
       .max = 1000},
      {.name = "reconcile_gap_check_minutes",
       .type = T::kInt,
       .default_value = "60",
       .help = "minutes between two checks of this and last month's reconcile gap (also "
               "checked after each poll of the providers)",
       .min = 1,
       .max = 10'080},
      {.name = "budget_refresh",
       .type = T::kDuration,
       .default_value = "60s",
       .help = "how often the budgets' state (spend, forecast, state) is worked out for batch "
               "acknowledgements, GET /v1/budgets and /metrics (docs/BUDGETS.md)",
       .min = 1000,
       .max = 86'400'000},
      {.name = "budget_check_minutes",
       .type = T::kInt,
       .default_value = "5",
       .help = "minutes between two checks of the budgets for threshold crossings to alert "
               "(with alert receivers set)",
       .min = 1,
       .max = 1440},
      {.name = "budget_metrics_top",
       .type = T::kInt,
       .default_value = "10",
       .help = "repositories and models /metrics shows this month's spend of; the rest are "
               "summed as other",
       .min = 1,
       .max = 100},
      {.name = "anomaly_check_minutes",
       .type = T::kInt,
       .default_value = "60",
       .help = "minutes between two looks for anomalies of yesterday and today, each alerted "
               "once when an alert receiver is set (docs/ANOMALIES.md); 0 = off",
       .min = 0,
       .max = 10'080},
      {.name = "anomaly_k",
       .type = T::kInt,
       .default_value = "3",
       .help = "an author's day or session is an anomaly above this many times their trailing "
               "median",
       .min = 2,
       .max = 1000},
      {.name = "anomaly_burst_per_minute",
       .type = T::kInt,
       .default_value = "30",
       .help = "more requests than this from one session within 60 seconds is a burst",
       .min = 1,
       .max = 100'000},
      {.name = "org_tz",
       .type = T::kString,
       .default_value = "UTC",
       .help = "the organisation's time zone (IANA, e.g. Europe/Berlin): the weeks of the weekly "
               "digest and the hour it is sent at"},
      {.name = "digest_weekday",
       .type = T::kEnum,
       .default_value = "monday",
       .help = "the weekday the weekly digest of the week before is sent on (with an alert "
               "receiver set; docs/ALERTS.md); off = no digest",
       .choices = {"off", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                   "sunday"}},
      {.name = "digest_hour",
       .type = T::kInt,
       .default_value = "9",
       .help = "the hour (0 to 23, in org_tz) the weekly digest is sent from",
       .min = 0,
       .max = 23},
      log_level_key(),
      log_file_key(),
  };
  return keys;
}

namespace {

// The secret the setting `key` names, or "" when it names no file.
Status load_secret(const Config& c, const std::string& key, std::string& secret) {
  const std::string file = c.str(key);
  if (file.empty()) return {};
  auto read = read_secret_file(key, file, 16, 256, " (e.g. openssl rand -hex 32)");
  if (!read) return read.error();
  secret = std::move(read).value();
  return {};
}

Result<OidcSettings> oidc_settings(const Config& c) {
  OidcSettings o;
  // The mappings are checked whether or not single sign-on is on, so a
  // mistake is found when it is made, not on the day SSO is switched on.
  for (const std::string& m : c.list("oidc_scope_groups")) {
    const size_t eq = m.rfind('=');
    if (eq == std::string::npos || eq == 0)
      return make_error("oidc_scope_groups: '" + replace_control_characters(m) +
                        "': expected GROUP=SCOPE, e.g. eng-api=team:api");
    auto scope = report::parse_access_scope(std::string_view(m).substr(eq + 1));
    if (!scope)
      return make_error("oidc_scope_groups: '" + replace_control_characters(m) +
                        "': " + scope.error().message);
    if (scope->kind == report::AccessScope::Kind::kSelf)
      return make_error("oidc_scope_groups: '" + replace_control_characters(m) +
                        "': a group cannot map to one person's usage; leave it out (unmapped "
                        "viewers see their own usage)");
    o.scope_groups.emplace_back(m.substr(0, eq), scope->text());
  }
  o.issuer = c.str("oidc_issuer");
  if (o.issuer.empty()) return o;
  o.client_id = c.str("oidc_client_id");
  o.redirect_url = c.str("oidc_redirect_url");
  o.ca_file = c.str("oidc_ca_file");
  o.scopes = c.list("oidc_scopes");
  o.groups_claim = c.str("oidc_groups_claim");
  o.admin_groups = c.list("oidc_admin_groups");
  o.finance_groups = c.list("oidc_finance_groups");
  o.clock_skew_ms = c.num("oidc_clock_skew");
  o.session_ms = c.num("oidc_session");
  if (o.issuer.rfind("https://", 0) != 0)
    return make_error("oidc_issuer must be an https:// URL, got '" +
                      replace_control_characters(o.issuer) + "'");
  if (o.client_id.empty()) return make_error("oidc_issuer is set: set oidc_client_id too");
  if (o.redirect_url.rfind("https://", 0) != 0)
    return make_error(
        "oidc_issuer is set: set oidc_redirect_url to https://HOST[:PORT]/v1/sso/callback");
  if (std::find(o.scopes.begin(), o.scopes.end(), "openid") == o.scopes.end())
    return make_error("oidc_scopes must include openid");
  if (o.groups_claim.empty()) return make_error("oidc_groups_claim must not be empty");
  if (!c.str("oidc_client_secret_file").empty()) {
    auto read = read_secret_file("oidc_client_secret_file", c.str("oidc_client_secret_file"), 8,
                                 1024, " (the client secret the provider gave)");
    if (!read) return read.error();
    o.client_secret = std::move(read).value();
  }
  return o;
}

}  // namespace

Result<ServerOptions> server_options(const Config& c) {
  ServerOptions o;
  o.listen = c.str("listen");
  o.tls_cert = c.str("tls_cert");
  o.tls_key = c.str("tls_key");
  if (o.tls_cert.empty() || o.tls_key.empty())
    return make_error(
        "serve needs --tls-cert FILE and --tls-key FILE (or tls_cert and tls_key in the config "
        "file); 'codepulse-collector cert create --dir DIR' makes a pair to try it out");
  if (c.str("db").empty()) return make_error("serve needs --db PATH (or db in the config file)");
  o.threads = static_cast<int>(c.num("threads"));
  o.header_timeout_ms = c.num("header_timeout");
  o.body_timeout_ms = c.num("body_timeout");
  o.idle_timeout_ms = c.num("idle_timeout");
  o.unauthenticated_idle_timeout_ms = c.num("unauthenticated_idle_timeout");
  o.shutdown_grace_ms = c.num("shutdown_grace");
  o.max_connections = static_cast<size_t>(c.num("max_connections"));
  o.max_connections_per_address = static_cast<size_t>(c.num("max_connections_per_address"));
  o.reserved_connections = static_cast<size_t>(c.num("reserved_connections"));
  o.tls12_ciphers = c.str("tls12_ciphers");
  o.public_url = c.str("public_url");
  if (!o.public_url.empty()) {
    if (auto origin = origin_of_url(o.public_url); !origin) return origin.error();
  }
  o.report_max_nodes = static_cast<size_t>(c.num("report_max_nodes"));
  o.export_max_nodes = static_cast<size_t>(c.num("export_max_nodes"));
  if (!c.str("analytics").empty()) {
    auto target = analytics::parse_clickhouse_url(c.str("analytics"));
    if (!target) return make_error("analytics: " + target.error().message);
    if (const std::string file = c.str("analytics_password_file"); !file.empty()) {
      auto password = read_secret_file("analytics_password_file", file, 1, 1024, "");
      if (!password) return password.error();
      target->password = std::move(password).value();
    }
    o.analytics_store = std::move(target).value();
  } else if (!c.str("analytics_password_file").empty()) {
    return make_error("analytics_password_file is set without analytics (a clickhouse:// URL)");
  }
  o.min_group_size = static_cast<size_t>(c.num("min_group_size"));
  o.budget_refresh_ms = c.num("budget_refresh");
  o.budget_metrics_top = static_cast<size_t>(c.num("budget_metrics_top"));
  o.jira_epic_link_field = c.str("jira_epic_link_field");
  o.jira_story_points_field = c.str("jira_story_points_field");
  auto weights = report::parse_leverage_weights(c.str("leverage_weights"));
  if (!weights) return weights.error();
  o.leverage_weights = *weights;
  for (auto [key, secret] : {std::pair{"jira_secret_file", &o.jira_webhook_secret},
                             std::pair{"github_secret_file", &o.github_webhook_secret},
                             std::pair{"bitbucket_secret_file", &o.bitbucket_webhook_secret}}) {
    if (auto s = load_secret(c, key, *secret); !s) return s.error();
  }
  if (auto s = load_secret(c, "delivery_secret_file", o.delivery.secret); !s) return s.error();
  o.delivery.production_environments = c.str("production_environments");
  o.delivery.hotfix_branch_patterns = c.str("hotfix_branch_patterns");
  o.delivery.hotfix_message_patterns = c.str("hotfix_message_patterns");
  o.delivery.hotfix_labels = c.str("hotfix_labels");
  o.delivery.bitbucket_deploy_statuses = c.str("bitbucket_deploy_statuses");
  o.delivery.count_merge_commits = c.flag("count_merge_commits");
  if (auto globs = parse_branch_globs(o.delivery.hotfix_branch_patterns); !globs)
    return make_error("hotfix_branch_patterns: " + globs.error().message);
  if (auto rules = parse_message_rules(o.delivery.hotfix_message_patterns); !rules)
    return make_error("hotfix_message_patterns: " + rules.error().message);
  if (auto rules = parse_deploy_status_rules(o.delivery.bitbucket_deploy_statuses); !rules)
    return make_error("bitbucket_deploy_statuses: " + rules.error().message);
  auto oidc = oidc_settings(c);
  if (!oidc) return oidc.error();
  o.oidc = std::move(oidc).value();
  o.limits.max_body_bytes = static_cast<size_t>(c.num("max_body_bytes"));
  o.limits.max_decompressed_bytes = static_cast<size_t>(c.num("max_decompressed_bytes"));
  o.limits.max_records = static_cast<size_t>(c.num("max_records"));
  o.limits.rate_per_s = static_cast<double>(c.num("rate_limit"));
  o.limits.burst = static_cast<double>(c.num("rate_burst"));
  return o;
}

Result<ProviderOptions> provider_options(const Config& c) {
  ProviderOptions o;
  for (auto [name, settings] :
       {std::pair{"anthropic", &o.anthropic}, std::pair{"openai", &o.openai}}) {
    const std::string prefix = name;
    if (!c.is_set(prefix + "_admin_key_file")) continue;
    *settings = ProviderSettings{c.str(prefix + "_admin_key_file"), c.str(prefix + "_base_url"),
                                 c.num(prefix + "_poll_minutes") * 60'000};
  }
  o.ca_file = c.str("provider_ca_file");
  o.history_days = c.num("provider_history_days");
  return o;
}

Result<AlertOptions> alert_options(const Config& c) {
  AlertOptions o;
  AlertSettings& s = o.settings;
  s.slack_url_file = c.str("alert_slack_url_file");
  s.teams_url_file = c.str("alert_teams_url_file");
  s.webhook_url = c.str("alert_webhook_url");
  s.webhook_secret_file = c.str("alert_webhook_secret_file");
  s.ca_file = c.str("alert_ca_file");
  s.timeout_ms = c.num("alert_timeout");
  s.retry_base_ms = c.num("alert_retry_base");
  s.retry_max_ms = std::max(c.num("alert_retry_max"), s.retry_base_ms);
  s.max_attempts = c.num("alert_max_attempts");
  s.poll_ms = c.num("alert_poll");
  if (const std::string usd = c.str("reconcile_gap_alert_usd"); !usd.empty()) {
    auto nanos = parse_seat_price(usd);
    if (!nanos || *nanos == 0)
      return make_error(
          "reconcile_gap_alert_usd: expected dollars above 0 like 100 or 12.50 "
          "(at most $1,000,000), got '" +
          replace_control_characters(usd) + "'");
    o.gap.nanos = *nanos;
  }
  if (const int64_t pct = c.num("reconcile_gap_alert_percent"); pct > 0) o.gap.percent = pct;
  o.gap_check_ms = c.num("reconcile_gap_check_minutes") * 60'000;
  o.budget_check_ms = c.num("budget_check_minutes") * 60'000;
  o.anomaly_check_ms = c.num("anomaly_check_minutes") * 60'000;
  o.anomalies.k = c.num("anomaly_k");
  o.anomalies.burst_per_minute = c.num("anomaly_burst_per_minute");
  if (const std::string day = c.str("digest_weekday"); day != "off") {
    DigestSchedule d;
    d.weekday = parse_weekday(day).value_or(0);
    d.hour = static_cast<int>(c.num("digest_hour"));
    auto tz = TimeZone::load(c.str("org_tz"));
    if (!tz) return make_error("org_tz: " + tz.error().message);
    d.tz = std::move(tz).value();
    d.options.anomalies = o.anomalies;
    o.digest = std::move(d);
  }
  if (o.gap.any() && !s.any())
    return make_error(
        "reconcile_gap_alert_usd or reconcile_gap_alert_percent is set but no alert receiver is: "
        "set alert_slack_url_file, alert_teams_url_file or alert_webhook_url");
  return o;
}

}  // namespace codepulse::collector

// Every configuration key of `codepulse-collector serve`: a TOML file
// (--config) may set any of them; each is also a flag.
#include "collector/serve/dashboard_origins.hpp"
#include "collector/serve/server_config.hpp"
#include "common/log/log_keys.hpp"
#include "common/report/leverage.hpp"
#include "common/secret_file.hpp"

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
       .default_value = "2000000",
       .help = "GET /v1/report: a report returning more nodes gets a 422 (use top or filters)",
       .min = 1,
       .max = 1'000'000'000},
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
      {.name = "jira_epic_link_field",
       .type = T::kString,
       .default_value = "customfield_10014",
       .help = "the Epic Link custom field, used when an issue has no epic as its parent"},
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
  o.jira_epic_link_field = c.str("jira_epic_link_field");
  auto weights = report::parse_leverage_weights(c.str("leverage_weights"));
  if (!weights) return weights.error();
  o.leverage_weights = *weights;
  for (auto [key, secret] : {std::pair{"jira_secret_file", &o.jira_webhook_secret},
                             std::pair{"github_secret_file", &o.github_webhook_secret},
                             std::pair{"bitbucket_secret_file", &o.bitbucket_webhook_secret}}) {
    if (auto s = load_secret(c, key, *secret); !s) return s.error();
  }
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

}  // namespace codepulse::collector

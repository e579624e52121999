// codepulse-collector serve: the HTTPS ingest server, until SIGTERM/SIGINT;
// SIGHUP reopens the log file and reloads log_level.
#include <csignal>
#include <cstdio>

#include "collector/cli/commands.hpp"
#include "collector/serve/hangup_reload.hpp"
#include "collector/serve/routes.hpp"
#include "collector/serve/server_config.hpp"
#include "common/cli/args.hpp"
#include "common/environment.hpp"

namespace codepulse::collector {

int run_serve_command(const std::vector<std::string>& argv) {
  std::vector<FlagSpec> specs = {
      {"config", true, false, "configuration file (TOML) with any of the keys below", "FILE"},
      {"print-config", false, false, "print the settings in effect as TOML and exit", "VALUE"},
      {"help", false, false, "show this help", "VALUE"}};
  for (auto& f : config_flags(server_config_keys()))
    specs.push_back(std::move(f));
  // A SIGHUP before the server listens (store migrations can take a while)
  // is ignored, not fatal; the server handles the later ones.
  std::signal(SIGHUP, SIG_IGN);
  auto args = Args::parse(argv, specs);
  if (!args) return fail(args.error().message, kExitUsage);
  if (args->has("help")) {
    std::string endpoints = render_routes(collector_router().routes());
    endpoints.pop_back();  // format_help adds the blank line before "Options:"
    std::puts(
        format_help("Usage: codepulse-collector serve --db PATH|URI --tls-cert FILE --tls-key FILE "
                    "[--listen HOST:PORT] [OPTIONS]\n\n"
                    "Serves the endpoints below over HTTPS until SIGTERM or SIGINT, then finishes "
                    "the\nrequests in flight and exits. SIGHUP reopens log_file (after logrotate "
                    "moved it)\nand applies a changed log_level; other settings need a "
                    "restart.\n\n"
                    "Endpoints (method, path, who may call it, what it is):\n" +
                        endpoints,
                    specs)
            .c_str());
    return kExitOk;
  }
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  auto overrides = config_overrides(*args, server_config_keys());
  if (!overrides) return fail(overrides.error().message, kExitUsage);
  const Environment env = Environment::from_process();
  auto load = [file = args->get("config"), overrides = *overrides, env] {
    return Config::load(file, overrides, env, server_config_keys(), "codepulse-collector serve");
  };
  auto config = load();
  if (!config) return fail(config.error().message, kExitUsage);
  if (args->has("print-config")) {
    std::fputs(config->render().c_str(), stdout);
    return kExitOk;
  }
  auto options = server_options(*config);
  if (!options) return fail(options.error().message, kExitUsage);
  auto level = parse_log_level(config->str("log_level"));
  if (!level) return fail(level.error().message, kExitUsage);
  auto log = Logger::open(config->str("log_file"), *level, 600);
  if (!log) return fail(log.error().message);
  auto store = open_store(config->str("db"));
  if (!store) return fail(store.error().message);
  auto providers = provider_options(*config);
  if (!providers) return fail(providers.error().message, kExitUsage);
  std::unique_ptr<ProviderPoller> poller;
  if (providers->any()) {
    auto made = ProviderPoller::create(**store, *providers, *log);
    if (!made) return fail(made.error().message, kExitUsage);
    poller = std::move(made).value();
  }
  auto alerts = alert_options(*config);
  if (!alerts) return fail(alerts.error().message, kExitUsage);
  std::unique_ptr<AlertDispatcher> dispatcher;
  if (alerts->settings.any()) {
    auto receivers = load_receivers(alerts->settings);
    if (!receivers) return fail(receivers.error().message, kExitUsage);
    dispatcher = std::make_unique<AlertDispatcher>(**store, std::move(receivers).value(),
                                                   alerts->settings, *log);
    watch_budgets(*dispatcher, **store, alerts->budget_check_ms);
    if (alerts->gap.any()) {
      watch_reconcile_gaps(*dispatcher, **store, alerts->gap, alerts->gap_check_ms);
      if (poller) poller->set_on_polled([d = dispatcher.get()] { d->request_check(); });
    }
    if (alerts->anomaly_check_ms > 0)
      watch_anomalies(*dispatcher, **store, alerts->anomalies, alerts->anomaly_check_ms);
    if (alerts->digest) watch_digests(*dispatcher, **store, *alerts->digest, kDigestCheckMs);
  }
  auto server = HttpsServer::create(*options, **store, *log);
  if (!server) return fail(server.error().message);
  (*server)->on_hangup(HangupReload(load, *config, *log));
  if (poller) poller->start();
  if (dispatcher) dispatcher->start();
  (*server)->run();
  if (poller) poller->stop();
  if (dispatcher) dispatcher->stop();
  return kExitOk;
}

}  // namespace codepulse::collector

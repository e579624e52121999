// codepulse-collector alerts list | test: the alert outbox's state, and a
// test alert sent to one configured receiver (docs/ALERTS.md).
#include <cstdio>

#include "collector/alert/alert_dispatcher.hpp"
#include "collector/cli/cli_table.hpp"
#include "collector/cli/commands.hpp"
#include "collector/cli/prices_cli.hpp"
#include "collector/serve/server_config.hpp"
#include "common/environment.hpp"
#include "common/json_writer.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

const char* kAlertsUsage =
    "Usage: codepulse-collector alerts list --db PATH|URI [--format table|json] [--limit N]\n"
    "       codepulse-collector alerts test --receiver NAME [--config FILE] [OPTIONS]\n"
    "\n"
    "Alerts (docs/ALERTS.md) are enqueued in the store's outbox once per dedupe key and\n"
    "receiver, and `serve` delivers them with retries.\n"
    "\n"
    "  list  the outbox, newest first: state, attempts, the last error\n"
    "  test  send a test alert to a receiver of the serve configuration now";

std::string when(int64_t ms) {
  return ms > 0 ? format_iso8601_utc_ms(ms) : "-";
}

std::string list_json(const std::vector<AlertDelivery>& rows) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const AlertDelivery& d : rows)
    w.begin_object()
        .field("dedupe_key", d.alert.dedupe_key)
        .field("receiver", d.receiver)
        .field("state", alert_state_name(d.state))
        .field("source", d.alert.source)
        .field("title", d.alert.title)
        .field("created_at", format_iso8601_utc_ms(d.alert.created_ms))
        .field("attempts", d.attempts)
        .field("next_attempt_at",
               d.state == AlertState::kPending ? format_iso8601_utc_ms(d.next_attempt_ms) : "")
        .field("finished_at", d.finished_ms > 0 ? format_iso8601_utc_ms(d.finished_ms) : "")
        .field("last_status", d.last_status)
        .field("last_error", d.last_error)
        .end_object();
  w.end_array();
  return out;
}

int list(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto o = open_store_command(
      argv, {{"limit", true, false, "show at most N rows (default 100)", "N"}},
      "Usage: codepulse-collector alerts list --db PATH|URI [--format table|json] [--limit N]\n\n"
      "The alert outbox, newest alert first: one row per alert and receiver with its\n"
      "state (pending, delivered, failed), attempts, the next attempt or when it ended,\n"
      "and the last error.",
      0, "", true, code);
  if (!o) return code;
  int64_t limit = 100;
  if (auto l = o->args.get("limit")) {
    try {
      limit = std::stoll(*l);
    } catch (...) {
      limit = 0;
    }
    if (limit < 1 || limit > 100'000)
      return fail("--limit must be a number from 1 to 100000", kExitUsage);
  }
  auto rows = o->store->list_alerts(static_cast<size_t>(limit));
  if (!rows) return fail("cannot read the alert outbox: " + rows.error().message);
  if (o->json) {
    print_out(list_json(*rows));
    return kExitOk;
  }
  std::vector<std::vector<std::string>> table = {
      {"CREATED", "RECEIVER", "STATE", "ATTEMPTS", "NEXT OR ENDED", "KEY", "LAST ERROR"}};
  for (const AlertDelivery& d : *rows)
    table.push_back({when(d.alert.created_ms), d.receiver, alert_state_name(d.state),
                     std::to_string(d.attempts),
                     when(d.state == AlertState::kPending ? d.next_attempt_ms : d.finished_ms),
                     d.alert.dedupe_key, d.last_error.empty() ? "-" : d.last_error});
  print_out(render_text_table(table));
  return kExitOk;
}

int test(const std::vector<std::string>& argv) {
  std::vector<FlagSpec> specs = {
      {"receiver", true, false, "the receiver: slack, teams or webhook", "NAME"},
      {"config", true, false, "the serve configuration file (TOML) naming the receivers", "FILE"},
      {"help", false, false, "show this help", "VALUE"}};
  for (auto& f : config_flags(server_config_keys()))
    specs.push_back(std::move(f));
  auto args = parse_command(
      kProgram, argv, specs,
      "Usage: codepulse-collector alerts test --receiver NAME [--config FILE] [OPTIONS]\n\n"
      "Sends one test alert to a receiver the serve configuration names (alert_slack_url_file,\n"
      "alert_teams_url_file, alert_webhook_url), now and once, without the outbox, and\n"
      "says what the receiver answered. Exit code 0 when it took the alert.");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto name = args->get("receiver");
  if (!name) return fail("--receiver NAME is required (see --help)", kExitUsage);
  auto overrides = config_overrides(*args, server_config_keys());
  if (!overrides) return fail(overrides.error().message, kExitUsage);
  auto config = Config::load(args->get("config"), *overrides, Environment::from_process(),
                             server_config_keys(), "codepulse-collector serve");
  if (!config) return fail(config.error().message, kExitUsage);
  auto options = alert_options(*config);
  if (!options) return fail(options.error().message, kExitUsage);
  auto receivers = load_receivers(options->settings);
  if (!receivers) return fail(receivers.error().message, kExitUsage);
  const AlertReceiver* receiver = nullptr;
  std::string names;
  for (const AlertReceiver& r : *receivers) {
    names += (names.empty() ? "" : ", ") + r.name;
    if (r.name == *name) receiver = &r;
  }
  if (!receiver)
    return fail("no alert receiver '" + *name + "' is configured" +
                    (names.empty() ? std::string(" (none is)") : " (configured: " + names + ")"),
                kExitUsage);
  const int64_t now = now_utc_ms();
  AlertMessage a;
  a.dedupe_key = "test:" + receiver->name + ":" + std::to_string(now);
  a.source = "test";
  a.title = "codepulse: a test alert";
  a.text = "This is a test of the alert receiver '" + receiver->name +
           "' (codepulse-collector alerts test).";
  a.details = "{}";
  a.created_ms = now;
  const AlertAttempt attempt = send_alert(*receiver, a, now, options->settings.timeout_ms);
  if (attempt.kind != AlertAttempt::kDelivered)
    return fail("test alert not delivered: " + attempt.error);
  print_out("test alert delivered to " + receiver->display() + " (" +
            std::to_string(attempt.status) + ")");
  return kExitOk;
}

}  // namespace

int run_alerts_command(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub.empty() || sub == "--help" || sub == "help") {
    std::puts(kAlertsUsage);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "list") return list(rest);
  if (sub == "test") return test(rest);
  return fail("unknown alerts command '" + sub + "' (use list or test)", kExitUsage);
}

}  // namespace codepulse::collector

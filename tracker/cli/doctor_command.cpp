// codepulse-tracker doctor: one line per check, from this machine's folders
// to the collector's answer; exit 1 when any check fails.
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "common/record/assistant.hpp"
#include "common/time.hpp"
#include "tracker/cli/commands.hpp"
#include "tracker/cli/options.hpp"
#include "tracker/discover/claude_dirs.hpp"
#include "tracker/discover/sources.hpp"
#include "tracker/ship/collector_url.hpp"
#include "tracker/ship/token_file.hpp"

namespace codepulse::tracker {
namespace {

class Checks {
 public:
  void add(const std::string& name, bool ok, const std::string& detail) {
    std::printf("%-4s  %-11s %s\n", ok ? "ok" : "FAIL", name.c_str(), detail.c_str());
    failed_ = failed_ || !ok;
  }
  void skip(const std::string& name, const std::string& why) {
    std::printf("%-4s  %-11s %s\n", "-", name.c_str(), why.c_str());
  }
  bool failed() const { return failed_; }

 private:
  bool failed_ = false;
};

// "Sun, 22 Nov 2026 13:15:01 GMT" -> Unix seconds.
std::optional<int64_t> parse_http_date(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

std::string json_string(const std::string& body, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view v;
  if (parser.parse(body).get(doc) || doc[key].get_string().get(v)) return "";
  return std::string(v);
}

}  // namespace

int run_doctor_command(const Environment& env, const std::vector<std::string>& argv) {
  const auto specs = with_config_flags({{"help", false, false, "show this help"}});
  const auto args =
      parse_command(kProgram, argv, specs,
                    "Usage: codepulse-tracker doctor [OPTIONS]\n\nChecks the Claude Code "
                    "folders, the state folder, the configuration and the way to the "
                    "collector (DNS, TCP, TLS, token, clock), one line per check.");
  if (!args) return args.exit_code();
  Checks checks;
  auto config = load_config(*args, env);
  if (!config) {
    checks.add("config", false, config.error().message);
    return kExitFailure;
  }
  const auto file = config_file(*args, env);
  checks.add("config", true, file ? *file : "no configuration file; built-in defaults and flags");

  // The other assistants' logs first: a laptop with only Codex is fine.
  SourceSelection selection;
  selection.assistants = config->list("assistants");
  auto sources = Sources::find(env, selection, config->list("assistant_dirs"));
  size_t other_logs = 0;
  if (!sources) {
    checks.add("assistants", false, sources.error().message);
  } else {
    std::vector<Problem> problems;
    const std::vector<SourceFile> logs = sources->list(problems);
    other_logs = logs.size();
    std::string found;
    for (std::string_view a : kAssistants) {
      if (a == kClaudeCode || !selection.wants(a)) continue;
      size_t n = 0;
      for (const SourceFile& f : logs)
        n += f.assistant == a;
      found += (found.empty() ? "" : ", ") + std::string(a) + " " + std::to_string(n);
    }
    checks.add(
        "assistant-logs", problems.empty(),
        "logs of the other assistants: " + found +
            (problems.empty() ? ""
                              : "; " + problems.front().path + ": " + problems.front().message));
  }

  auto dirs = find_projects_dirs(env, config->list("claude_dirs"));
  if (!selection.wants(kClaudeCode)) {
    checks.skip("claude-logs", "claude-code is not in `assistants`");
  } else if ((!dirs || dirs->empty()) && other_logs > 0) {
    checks.skip("claude-logs", dirs ? "no Claude Code projects folder (the other assistants' "
                                      "logs are read)"
                                    : dirs.error().message);
  } else if (!dirs || dirs->empty()) {
    checks.add("claude-logs", false,
               dirs ? "no Claude Code projects folder found (looked in CLAUDE_CONFIG_DIR, "
                      "~/.config/claude, ~/.claude); set claude_dirs"
                    : dirs.error().message);
  } else {
    std::string list;
    for (const auto& d : *dirs)
      list += (list.empty() ? "" : ", ") + d;
    const Listing found = list_transcripts(*dirs);
    checks.add("claude-logs", found.problems.empty(),
               std::to_string(found.files.size()) + " transcripts in " + list +
                   (found.problems.empty() ? "" : "; " + found.problems.front().message));
  }

  const std::string state = config->str("state_dir");
  struct stat st {};
  if (::stat(state.c_str(), &st) != 0) {
    checks.add("state", true, state + " does not exist yet (made on the first scan or run)");
  } else if ((st.st_mode & 077) != 0) {
    checks.add("state", false, state + " is open to other users; run: chmod 700 " + state);
  } else if (::access(state.c_str(), W_OK) != 0) {
    checks.add("state", false, state + " is not writable");
  } else {
    checks.add("state", true, state + " (private, writable)");
  }

  auto ship = ship_options(*config);
  if (!ship) {
    checks.add("collector", false, ship.error().message);
    return kExitFailure;
  }
  if (!*ship) {
    checks.skip("collector", "not configured: records stay in the local queue");
    return checks.failed() ? kExitFailure : kExitOk;
  }
  const ShipOptions& o = **ship;
  checks.add("collector", true, "https://" + o.endpoint.display() + o.endpoint.base_path);
  auto token = read_token_file(o.token_file);
  checks.add("token-file", static_cast<bool>(token),
             token ? o.token_file + " (private)" : token.error().message);
  const auto timeout = std::chrono::milliseconds(std::min<int64_t>(o.timeout_ms, 10'000));
  bool reachable = true;
  for (const ProbeStep& step : probe_connection(o.endpoint, o.tls, timeout)) {
    checks.add(step.name, step.ok, step.detail);
    reachable = reachable && step.ok;
  }
  if (!reachable) {
    checks.skip("health", "skipped: the collector cannot be reached");
    return kExitFailure;
  }
  HttpRequest health;
  health.method = "GET";
  health.target = "/healthz";
  auto h = send_blocking(o.endpoint, o.tls, timeout, health);
  const int64_t local_s = now_utc_ms() / 1000;
  if (!h) {
    checks.add("health", false, h.error().message);
  } else {
    checks.add("health", h->status == 200,
               "GET /healthz: " + std::to_string(h->status) + " " + h->body.substr(0, 200));
    if (auto remote = parse_http_date(h->date)) {
      const int64_t skew = local_s - *remote;
      checks.add("clock", std::llabs(skew) <= 60,
                 "this machine is " + std::to_string(skew) +
                     " s ahead of the collector (records more than a day ahead are refused)");
    } else {
      checks.skip("clock", "the collector sent no Date header");
    }
  }
  if (token) {
    HttpRequest who;
    who.method = "GET";
    who.target = "/v1/whoami";
    who.headers = {{"Authorization", "Bearer " + *token}};
    auto w = send_blocking(o.endpoint, o.tls, timeout, who);
    if (!w) {
      checks.add("token", false, w.error().message);
    } else if (w->status == 200) {
      const std::string role = json_string(w->body, "role");
      checks.add("token", role == "tracker" || role == "admin",
                 "accepted: records are stored for " + json_string(w->body, "author") + " (" +
                     role + " token)");
    } else {
      checks.add(
          "token", false,
          "refused with " + std::to_string(w->status) + ": " + json_string(w->body, "error"));
    }
  }
  return checks.failed() ? kExitFailure : kExitOk;
}

}  // namespace codepulse::tracker

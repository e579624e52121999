#include "tracker/cli/options.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/record/assistant.hpp"
#include "tracker/discover/claude_dirs.hpp"
#include "tracker/discover/sources.hpp"
#include "tracker/git/git_config.hpp"
#include "tracker/queue/line_key.hpp"
#include "tracker/queue/local_store.hpp"

namespace codepulse::tracker {
namespace {

Result<std::string> read_secret_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return make_error("cannot read key file " + path);
  if ((st.st_mode & 077) != 0)
    return make_error("key file " + path + " is readable by others; run: chmod 600 " + path);
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string key = ss.str();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r'))
    key.pop_back();
  if (key.size() < 16) return make_error("key file " + path + " holds fewer than 16 bytes");
  return key;
}

}  // namespace

std::vector<FlagSpec> with_config_flags(std::vector<FlagSpec> own) {
  std::vector<FlagSpec> all = std::move(own);
  all.push_back({"config", true, false, "configuration file (TOML)", "FILE"});
  for (auto& f : config_flags(tracker_config_keys()))
    all.push_back(std::move(f));
  return all;
}

std::optional<std::string> config_file(const Args& args, const Environment& env) {
  if (auto f = args.get("config")) return f;
  const std::string base = env.xdg_config_home ? *env.xdg_config_home : env.home + "/.config";
  const std::string def = base + "/codepulse/tracker.toml";
  struct stat st {};
  if (::stat(def.c_str(), &st) == 0) return def;
  return std::nullopt;
}

Result<Config> load_config(const Args& args, const Environment& env) {
  auto overrides = config_overrides(args, tracker_config_keys());
  if (!overrides) return overrides.error();
  return Config::load(config_file(args, env), *overrides, env, tracker_config_keys(),
                      kTrackerProgram);
}

Result<PriceBookChoice> load_prices(const Config& c) {
  return choose_price_book(c.is_set("prices_file") ? c.str("prices_file") : std::string(),
                           c.str("state_dir"));
}

Result<std::shared_ptr<const Pricer>> load_pricer(const Config& c) {
  auto choice = load_prices(c);
  if (!choice) return choice.error();
  if (!choice->warning.empty())
    std::fprintf(stderr, "codepulse-tracker: warning: %s\n", choice->warning.c_str());
  return std::make_shared<const Pricer>(choice->book);
}

Result<ScanOptions> scan_options(const Config& c, const Environment& env) {
  auto o = scan_settings(c, env);
  if (!o) return o;
  if (o->sources_selection.wants(kClaudeCode)) {
    auto dirs = find_projects_dirs(env, c.list("claude_dirs"));
    if (!dirs) return dirs.error();
    o->projects_dirs = *dirs;
  }
  return o;
}

Result<ScanOptions> scan_settings(const Config& c, const Environment& env) {
  ScanOptions o;
  if (c.is_set("author")) {
    o.strip.author = c.str("author");
  } else if (auto email = read_git_user_email(
                 env.home, env.xdg_config_home.value_or(env.home + "/.config"))) {
    o.strip.author = *email;
  }
  if (c.is_set("hash_key_file")) {
    auto key = read_secret_file(c.str("hash_key_file"));
    if (!key) return key.error();
    o.strip.hash_key = *key;
  }
  o.limits.max_line_bytes = static_cast<size_t>(c.num("max_line_bytes"));
  o.remember_repos = c.flag("git_metadata");
  o.parallel = c.flag("parallel_scan");
  o.sources_selection.assistants = c.list("assistants");
  auto sources = Sources::find(env, o.sources_selection, c.list("assistant_dirs"));
  if (!sources) return sources.error();
  o.sources = std::move(sources).value();
  return o;
}

GitScanOptions git_scan_options(const Config& c, const ScanOptions& scan) {
  GitScanOptions g;
  g.enabled = c.flag("git_metadata");
  g.history_days = c.num("git_history_days");
  g.rework_window_days = c.num("rework_window_days");
  g.fix_blame_days = c.num("fix_blame_days");
  g.include = c.list("git_include");
  g.exclude = c.list("git_exclude");
  g.interval_ms = c.num("git_scan_interval");
  g.hash_key = scan.strip.hash_key;
  g.line_key = scan.line_key;
  g.line_days = c.num("line_provenance_days");
  // The configured author, else each repository's user.email (else the
  // global one, which the records carry).
  if (c.is_set("author")) {
    g.identities.push_back(c.str("author"));
  } else {
    g.repo_user_email = true;
    g.global_user_email = scan.strip.author;
  }
  return g;
}

std::string line_provenance_key(const Config& c, const std::string& state_dir) {
  if (!c.flag("line_provenance") || !c.flag("git_metadata")) return {};
  const Status ready = LocalStore::prepare_state_dir(state_dir);
  auto key = ready ? load_line_key(state_dir) : Result<std::string>(ready.error());
  if (key) return *key;
  std::fprintf(stderr,
               "codepulse-tracker: warning: line provenance off (AI lines of commits are not "
               "counted): %s\n",
               key.error().message.c_str());
  return {};
}

Result<DaemonOptions> daemon_options(const Config& c, const Environment& env) {
  DaemonOptions d;
  d.state_dir = c.str("state_dir");
  d.explicit_dirs = c.list("claude_dirs");
  // Folders that do not exist yet are watched for, so only the settings here.
  auto scan = scan_settings(c, env);
  if (!scan) return scan.error();
  d.scan = *scan;
  if (d.scan.sources_selection.wants(kClaudeCode))
    d.claude_roots = candidate_projects_dirs(env, d.explicit_dirs);
  d.watch_roots = d.claude_roots;
  for (const SourceRoot& r : d.scan.sources.roots())
    d.watch_roots.push_back(r.path);
  d.scan.commit_every_bytes = 32 << 20;  // a killed daemon redoes at most this much
  d.scan.line_key = line_provenance_key(c, d.state_dir);
  d.scan.line_days = c.num("line_provenance_days");
  d.git = git_scan_options(c, d.scan);
  const std::string mode = c.str("watcher");
  d.watch.mode = mode == "inotify" ? WatchOptions::Mode::kInotify
                 : mode == "poll"  ? WatchOptions::Mode::kPoll
                                   : WatchOptions::Mode::kAuto;
  d.watch.debounce_ms = c.num("debounce");
  d.watch.poll_interval_ms = c.num("poll_interval");
  d.queue_max_bytes = c.num("queue_max_bytes");
  d.retention_days = c.num("retention_days");
  auto ship = ship_options(c);
  if (!ship) return ship.error();
  d.ship = std::move(ship).value();
  return d;
}

Result<std::optional<ShipOptions>> ship_options(const Config& c) {
  std::optional<ShipOptions> out;
  if (!c.is_set("collector")) {
    for (const char* key : {"token_file", "ca_file", "collector_pin_sha256"})
      if (c.is_set(key))
        return make_error(std::string(key) +
                          " is set but collector is not: set collector = "
                          "\"https://HOST:PORT\" to ship records");
    return out;
  }
  auto endpoint = parse_collector_url(c.str("collector"));
  if (!endpoint) return endpoint.error();
  if (!c.is_set("token_file"))
    return make_error(
        "collector is set but token_file is not: the collector needs a token "
        "('codepulse-collector token create' makes one)");
  ShipOptions o;
  o.endpoint = *endpoint;
  o.tls.ca_file = c.str("ca_file");
  o.tls.pin_sha256 = c.str("collector_pin_sha256");
  o.token_file = c.str("token_file");
  o.batch_max_records = static_cast<size_t>(c.num("batch_max_records"));
  o.batch_max_age_ms = c.num("batch_max_age");
  o.backoff_max_ms = c.num("ship_backoff_max");
  o.backoff_first_ms = std::min<int64_t>(1000, o.backoff_max_ms);
  o.timeout_ms = c.num("ship_timeout");
  o.state_dir = c.str("state_dir");
  out = std::move(o);
  return out;
}

}  // namespace codepulse::tracker

// The tracker's configuration: defaults, the TOML file, command-line
// overrides, every error message form, and `config show` output.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "tests/support/test_support.hpp"
#include "tracker/config/keys.hpp"

namespace codepulse::tracker {
namespace {

using codepulse::test::TempDir;
using codepulse::test::write_file;

Environment test_env() {
  Environment env;
  env.home = "/home/ada";
  env.xdg_state_home = "/var/state";
  return env;
}

Config must_load(const std::optional<std::string>& file,
                 const std::vector<ConfigOverride>& overrides = {}) {
  auto c = Config::load(file, overrides, test_env(), tracker_config_keys(), kTrackerProgram);
  INFO((c ? std::string() : c.error().message));
  REQUIRE(c.ok());
  return *c;
}

std::string load_error(const std::optional<std::string>& file,
                       const std::vector<ConfigOverride>& overrides = {}) {
  auto c = Config::load(file, overrides, test_env(), tracker_config_keys(), kTrackerProgram);
  REQUIRE_FALSE(c.ok());
  return c.error().message;
}

// Writes `content` as config.toml in `dir` and returns its path.
std::string config_file(const TempDir& dir, const std::string& content) {
  const std::string path = dir / "config.toml";
  write_file(path, content);
  return path;
}

Result<Args> parse_args(const std::vector<std::string>& argv) {
  return Args::parse(argv, config_flags(tracker_config_keys()));
}

}  // namespace

TEST_CASE("defaults come from the key table and the environment", "[config]") {
  const Config c = must_load(std::nullopt);
  REQUIRE(c.values().size() == tracker_config_keys().size());
  for (const auto& [key, value] : c.values())
    CHECK(value.source == "default");
  CHECK(c.list("claude_dirs").empty());
  CHECK_FALSE(c.is_set("claude_dirs"));
  CHECK(c.str("state_dir") == "/var/state/codepulse");
  CHECK_FALSE(c.is_set("author"));
  CHECK_FALSE(c.is_set("hash_key_file"));
  CHECK_FALSE(c.is_set("prices_file"));
  CHECK(c.num("max_line_bytes") == 64 * 1024 * 1024);
  CHECK(c.str("watcher") == "auto");
  CHECK(c.num("debounce") == 200);
  CHECK(c.num("poll_interval") == 2000);
  CHECK(c.num("queue_max_bytes") == 256 * 1024 * 1024);
  CHECK(c.num("retention_days") == 90);
  CHECK(c.str("log_level") == "info");
  CHECK_FALSE(c.is_set("log_file"));
  CHECK(c.num("log_rate_limit") == 60);
}

TEST_CASE("file values carry the file and line they came from", "[config]") {
  TempDir dir;
  const std::string path = config_file(dir,
                                       "# tracker settings\n"
                                       "debounce = \"1s\"\n"
                                       "\n"
                                       "retention_days = 30\n"
                                       "author = \"ada@example.com\"\n"
                                       "queue_max_bytes = \"64 MB\"\n");
  const Config c = must_load(path);
  CHECK(c.num("debounce") == 1000);
  CHECK(c.values().at("debounce").source == path + ":2");
  CHECK(c.num("retention_days") == 30);
  CHECK(c.values().at("retention_days").source == path + ":4");
  CHECK(c.str("author") == "ada@example.com");
  CHECK(c.values().at("author").source == path + ":5");
  CHECK(c.num("queue_max_bytes") == 64'000'000);
  CHECK(c.values().at("log_level").source == "default");
}

TEST_CASE("an unknown key names the file, the line and the known keys", "[config]") {
  TempDir dir;
  const std::string path = config_file(dir, "debounce = 100\nfrobnicate = true\n");
  const std::string e = load_error(path);
  CHECK(
      e.starts_with(path + ":2: unknown key 'frobnicate' (known keys: claude_dirs, assistants, "));
  CHECK(e.ends_with("log_file, log_rate_limit)"));
}

TEST_CASE("a misspelt key suggests the nearest one", "[config]") {
  TempDir dir;
  CHECK(load_error(config_file(dir, "debounse = 100\n")) ==
        dir / "config.toml:1: unknown key 'debounse' (did you mean 'debounce'?)");
  CHECK(load_error(config_file(dir, "\nstate = \"/tmp/x\"\n")) ==
        dir / "config.toml:2: unknown key 'state' (did you mean 'state_dir'?)");
}

TEST_CASE("a wrong type or out-of-range value names the file, line and key", "[config]") {
  TempDir dir;
  const std::string p = dir / "config.toml";
  CHECK(load_error(config_file(dir, "debounce = \"fast\"\n")) ==
        p + ":1: key 'debounce': expected a duration like 200ms or 2s (0ms to 10s), got \"fast\"");
  CHECK(load_error(config_file(dir, "\n\nretention_days = 5000\n")) ==
        p + ":3: key 'retention_days': expected an integer (1 to 3650), got 5000");
  CHECK(load_error(config_file(dir, "retention_days = \"90\"\n")) ==
        p + ":1: key 'retention_days': expected an integer (1 to 3650), got \"90\"");
  CHECK(load_error(config_file(dir, "queue_max_bytes = 1000\n")) ==
        p + ":1: key 'queue_max_bytes': expected a size like 256MiB, 64MB or 1048576 (at least "
            "1MiB), got 1000");
  CHECK(load_error(config_file(dir, "author = 42\n")) ==
        p + ":1: key 'author': expected a string, got 42");
  CHECK(load_error(config_file(dir, "claude_dirs = [1, 2]\n"))
            .starts_with(p + ":1: key 'claude_dirs': expected a list of strings"));
}

TEST_CASE("a TOML syntax error names the file, line and column", "[config]") {
  TempDir dir;
  const std::string p = config_file(dir, "debounce = 100\nlog_level = \"info\n");
  const std::string e = load_error(p);
  INFO(e);
  CHECK(e.starts_with(p + ":2:"));
  const size_t col_end = e.find(':', p.size() + 3);
  REQUIRE(col_end != std::string::npos);
  CHECK(std::stoi(e.substr(p.size() + 3, col_end - p.size() - 3)) > 0);
  CHECK(e.size() > col_end + 2);  // toml++'s description follows
}

TEST_CASE("a named config file that does not exist is an error", "[config]") {
  TempDir dir;
  CHECK(load_error(dir / "missing.toml") ==
        "cannot read config file " + dir / "missing.toml" + ": No such file or directory");
  CHECK(load_error(dir.path()) == "config file " + dir.path() + " is not a regular file");
}

TEST_CASE("sections and nested tables are rejected", "[config]") {
  TempDir dir;
  const std::string p = dir / "config.toml";
  CHECK(load_error(config_file(dir, "debounce = 100\n[watch]\npoll_interval = \"1s\"\n")) ==
        p + ":2: 'watch' is a table; the configuration is flat: top-level 'key = value' lines "
            "only, no [sections]");
  CHECK(load_error(config_file(dir, "log = { level = \"info\" }\n"))
            .starts_with(p + ":1: 'log' is a table"));
  CHECK(load_error(config_file(dir, "[[dirs]]\npath = \"x\"\n"))
            .starts_with(p + ":1: 'dirs' is a table"));
}

TEST_CASE("every problem in a file is reported, in file order", "[config]") {
  TempDir dir;
  const std::string p = config_file(dir, "watcher = \"fs\"\nauthor = \"a\"\nbogus_key = 1\n");
  CHECK(
      load_error(p) ==
      p + ":1: key 'watcher': expected one of auto, inotify, poll, got \"fs\"\n" + p +
          ":3: unknown key 'bogus_key' (known keys: claude_dirs, assistants, assistant_dirs, "
          "state_dir, author, hash_key_file, prices_file, max_line_bytes, parallel_scan, watcher, "
          "debounce, poll_interval, queue_max_bytes, retention_days, collector, "
          "ca_file, token_file, collector_pin_sha256, batch_max_records, batch_max_age, "
          "ship_backoff_max, ship_timeout, git_metadata, git_history_days, "
          "fix_blame_days, rework_window_days, line_provenance, line_provenance_days, git_include, "
          "git_exclude, "
          "git_scan_interval, log_level, "
          "log_file, log_rate_limit)");
}

TEST_CASE("the command line beats the file, and a key's own flag beats --set", "[config]") {
  TempDir dir;
  const std::string p =
      config_file(dir, "debounce = 100\npoll_interval = \"5s\"\nwatcher = \"poll\"\n");
  auto args = parse_args({"--set", "debounce=300", "--set", "poll_interval=1s", "--debounce",
                          "400ms", "--retention-days", "7"});
  REQUIRE(args.ok());
  auto overrides = config_overrides(*args, tracker_config_keys());
  REQUIRE(overrides.ok());
  const Config c = must_load(p, *overrides);
  CHECK(c.num("debounce") == 400);
  CHECK(c.values().at("debounce").source == "--debounce");
  CHECK(c.num("poll_interval") == 1000);
  CHECK(c.values().at("poll_interval").source == "--set");
  CHECK(c.str("watcher") == "poll");
  CHECK(c.values().at("watcher").source == p + ":3");
  CHECK(c.num("retention_days") == 7);
  CHECK(c.values().at("retention_days").source == "--retention-days");
  CHECK(c.render().find("config file < --set KEY=VALUE < --KEY VALUE") != std::string::npos);
}

TEST_CASE("overrides are validated with the flag as their location", "[config]") {
  CHECK(load_error(std::nullopt, {{"debounce", "fast", "--debounce"}}) ==
        "--debounce: key 'debounce': expected a duration like 200ms or 2s (0ms to 10s), got "
        "\"fast\"");
  CHECK(load_error(std::nullopt, {{"debounse", "1", "--set"}}) ==
        "--set: unknown key 'debounse' (did you mean 'debounce'?)");
  CHECK(load_error(std::nullopt, {{"log_level", "loud", "--set"}}) ==
        "--set: key 'log_level': expected one of error, warn, info, debug, got \"loud\"");

  auto args = parse_args({"--set", "debounce"});
  REQUIRE(args.ok());
  auto overrides = config_overrides(*args, tracker_config_keys());
  REQUIRE_FALSE(overrides.ok());
  CHECK(overrides.error().message == "--set: expected KEY=VALUE, got 'debounce'");
}

TEST_CASE("sizes parse to bytes and durations to milliseconds", "[config]") {
  const Environment env = test_env();
  const ConfigKey bytes{.name = "b", .type = ConfigType::kBytes, .min = 0};
  const ConfigKey duration{.name = "d", .type = ConfigType::kDuration, .min = 0};
  const std::vector<std::pair<std::string, int64_t>> sizes = {{"0", 0},
                                                              {"1048576", 1048576},
                                                              {"512B", 512},
                                                              {"4k", 4096},
                                                              {"4KiB", 4096},
                                                              {"4KB", 4000},
                                                              {"256MiB", 256 << 20},
                                                              {"256M", 256 << 20},
                                                              {"64 MB", 64'000'000},
                                                              {"1G", 1 << 30},
                                                              {"2gib", int64_t{2} << 30},
                                                              {"3GB", 3'000'000'000},
                                                              {"1T", int64_t{1} << 40},
                                                              {" 7 ", 7}};
  for (const auto& [text, want] : sizes) {
    INFO(text);
    auto v = canonical_config_value(bytes, text, env);
    REQUIRE(v.ok());
    CHECK(*v == std::to_string(want));
  }
  const std::vector<std::pair<std::string, int64_t>> durations = {
      {"0", 0},       {"250", 250},     {"200ms", 200},  {"2s", 2000},
      {"5m", 300000}, {"5min", 300000}, {"1h", 3600000}, {"10 S", 10000}};
  for (const auto& [text, want] : durations) {
    INFO(text);
    auto v = canonical_config_value(duration, text, env);
    REQUIRE(v.ok());
    CHECK(*v == std::to_string(want));
  }
  for (const std::string bad :
       {"", "MiB", "-1", "1.5G", "1 X", "12 34", "99999999999999999999", "9000000000000000000G"}) {
    INFO(bad);
    CHECK_FALSE(canonical_config_value(bytes, bad, env).ok());
  }
  for (const std::string bad : {"", "fast", "-5ms", "1d", "2 s s", "1.5s"}) {
    INFO(bad);
    CHECK_FALSE(canonical_config_value(duration, bad, env).ok());
  }
}

TEST_CASE("render() output loads back as TOML with the same values", "[config]") {
  TempDir dir;
  const std::string p = config_file(dir,
                                    "claude_dirs = [\"/a/b\", \"/c \\\"quoted\\\" d\"]\n"
                                    "author = \"ada \\\\ lovelace\"\n"
                                    "max_line_bytes = \"1MiB\"\n");
  const Config c = must_load(p, {{"log_file", "~/log.txt", "--log-file"}});
  const std::string shown = c.render();
  INFO(shown);
  CHECK(shown.find("\ndebounce = 200  # ms, from default\n") != std::string::npos);
  CHECK(shown.find("\nmax_line_bytes = 1048576  # bytes, from " + p + ":3\n") != std::string::npos);
  CHECK(shown.find("\nlog_file = \"/home/ada/log.txt\"  # from --log-file\n") != std::string::npos);
  CHECK(shown.find("# wait this long after a change before reading it\n") != std::string::npos);

  const std::string again = config_file(dir, shown);
  const Config back = must_load(again);
  for (const auto& [key, value] : c.values()) {
    INFO(key);
    CHECK(back.values().at(key).text == value.text);
  }
  CHECK(back.list("claude_dirs") == std::vector<std::string>{"/a/b", "/c \"quoted\" d"});
  CHECK(back.str("author") == "ada \\ lovelace");
}

TEST_CASE("enum keys take only their choices", "[config]") {
  for (const std::string w : {"auto", "inotify", "poll"})
    CHECK(must_load(std::nullopt, {{"watcher", w, "--watcher"}}).str("watcher") == w);
  for (const std::string l : {"error", "warn", "info", "debug"})
    CHECK(must_load(std::nullopt, {{"log_level", l, "--log-level"}}).str("log_level") == l);
  CHECK(load_error(std::nullopt, {{"watcher", "Poll", "--watcher"}}) ==
        "--watcher: key 'watcher': expected one of auto, inotify, poll, got \"Poll\"");
}

TEST_CASE("list values come from a TOML array or repeated flags", "[config]") {
  TempDir dir;
  const Config from_file = must_load(config_file(dir, "claude_dirs = [\"/x/.claude\", \"/y\"]\n"));
  CHECK(from_file.list("claude_dirs") == std::vector<std::string>{"/x/.claude", "/y"});
  CHECK(from_file.is_set("claude_dirs"));

  auto args = parse_args({"--claude-dir", "/a", "--claude-dir", "/b,/c"});
  REQUIRE(args.ok());
  auto overrides = config_overrides(*args, tracker_config_keys());
  REQUIRE(overrides.ok());
  const Config from_flags = must_load(std::nullopt, *overrides);
  CHECK(from_flags.list("claude_dirs") == std::vector<std::string>{"/a", "/b", "/c"});
  CHECK(from_flags.values().at("claude_dirs").source == "--claude-dir");

  CHECK(must_load(std::nullopt, {{"claude_dirs", "", "--set"}}).list("claude_dirs").empty());
  CHECK(load_error(config_file(dir, "claude_dirs = [\"/a,b\"]\n"))
            .find("key 'claude_dirs': expected a list of strings without commas") !=
        std::string::npos);
}

TEST_CASE("paths expand ~ to the home folder", "[config]") {
  TempDir dir;
  const Config c = must_load(config_file(dir, "state_dir = \"~/state\"\nlog_file = \"~\"\n"),
                             {{"prices_file", "rel/prices.json", "--prices"}});
  CHECK(c.str("state_dir") == "/home/ada/state");
  CHECK(c.str("log_file") == "/home/ada");
  CHECK(c.str("prices_file") == "rel/prices.json");
}

TEST_CASE("integers and booleans are checked strictly", "[config]") {
  const Environment env = test_env();
  const ConfigKey n{.name = "n", .type = ConfigType::kInt, .min = -5, .max = 5};
  CHECK(*canonical_config_value(n, "-5", env) == "-5");
  CHECK(*canonical_config_value(n, "5", env) == "5");
  CHECK_FALSE(canonical_config_value(n, "6", env).ok());
  CHECK_FALSE(canonical_config_value(n, "1k", env).ok());
  const ConfigKey b{.name = "b", .type = ConfigType::kBool};
  CHECK(*canonical_config_value(b, "true", env) == "true");
  CHECK(*canonical_config_value(b, "false", env) == "false");
  CHECK(canonical_config_value(b, "yes", env).error().message ==
        "expected true or false, got \"yes\"");
}

TEST_CASE("config_flags has --set and one flag per key", "[config]") {
  const auto flags = config_flags(tracker_config_keys());
  REQUIRE(flags.size() == tracker_config_keys().size() + 1);
  CHECK(flags[0].name == "set");
  auto has = [&](const std::string& name) {
    for (const auto& f : flags)
      if (f.name == name) return true;
    return false;
  };
  for (const std::string f :
       {"claude-dir", "state", "author", "hash-key-file", "prices", "max-line-bytes", "watcher",
        "debounce", "poll-interval", "queue-max-bytes", "retention-days", "log-level", "log-file",
        "log-rate-limit"})
    CHECK(has(f));
  CHECK_FALSE(parse_args({"--debounce-ms", "3"}).ok());
}

}  // namespace codepulse::tracker

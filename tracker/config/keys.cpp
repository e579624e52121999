// Every configuration key of the tracker: its type, default, range and help.
// Adding a key here adds it to the file format, the command line and `config show`.
#include "tracker/config/config.hpp"

namespace codepulse::tracker {

const std::vector<ConfigKey>& tracker_config_keys() {
  using T = ConfigType;
  static const std::vector<ConfigKey> keys = {
      {.name = "claude_dirs",
       .type = T::kStringList,
       .default_value = "",
       .help = "Claude Code config folders or transcript folders to read; empty = discover "
               "(CLAUDE_CONFIG_DIR, ~/.config/claude, ~/.claude)",
       .flag = "claude-dir"},
      {.name = "state_dir",
       .type = T::kPath,
       .default_value = "",  // Config::load fills in Environment::default_state_dir()
       .help = "state folder holding the local store ($XDG_STATE_HOME/codepulse or "
               "~/.local/state/codepulse)",
       .flag = "state"},
      {.name = "author",
       .type = T::kString,
       .default_value = "",
       .help = "identity on the records; empty = git user.email"},
      {.name = "hash_key_file",
       .type = T::kPath,
       .default_value = "",
       .help = "HMAC key file (mode 600): store file paths and branches as keyed hashes; "
               "empty = store them plain"},
      {.name = "prices_file",
       .type = T::kPath,
       .default_value = "",
       .help = "price table JSON overriding the built-in one; empty = built-in",
       .flag = "prices"},
      {.name = "max_line_bytes",
       .type = T::kBytes,
       .default_value = "64MiB",
       .help = "skip longer transcript lines, reporting them",
       .min = 1024,
       .max = int64_t{1} << 31},
      {.name = "watcher",
       .type = T::kEnum,
       .default_value = "auto",
       .help = "how changes are noticed; auto = inotify, falling back to polling",
       .choices = {"auto", "inotify", "poll"}},
      {.name = "debounce",
       .type = T::kDuration,
       .default_value = "200ms",
       .help = "wait this long after a change before reading it",
       .min = 0,
       .max = 10'000},
      {.name = "poll_interval",
       .type = T::kDuration,
       .default_value = "2s",
       .help = "how often the polling watcher looks for changes",
       .min = 100,
       .max = 3'600'000},
      {.name = "queue_max_bytes",
       .type = T::kBytes,
       .default_value = "256MiB",
       .help = "size bound of the local store; when full, the oldest shipped records go first",
       .min = int64_t{1} << 20},
      {.name = "retention_days",
       .type = T::kInt,
       .default_value = "90",
       .help = "keep shipped records this many days for local reports",
       .min = 1,
       .max = 3650},
      {.name = "log_level",
       .type = T::kEnum,
       .default_value = "info",
       .help = "least severe log messages written",
       .choices = {"error", "warn", "info", "debug"}},
      {.name = "log_file",
       .type = T::kPath,
       .default_value = "",
       .help = "log file; empty = stderr"},
      {.name = "log_rate_limit",
       .type = T::kInt,
       .default_value = "60",
       .help = "most log lines per minute for each kind of message",
       .min = 1,
       .max = 100'000},
  };
  return keys;
}

}  // namespace codepulse::tracker

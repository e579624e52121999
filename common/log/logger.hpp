// The daemon's log: leveled, one line per event, to stderr or a file, with a
// per-kind rate limit so a broken log file cannot flood the disk. Safe to
// call from several threads (the collector's server logs from each);
// reopen() (on SIGHUP) lets logrotate move the file away without a line lost.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/c_handles.hpp"
#include "common/result.hpp"

namespace codepulse {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

Result<LogLevel> parse_log_level(std::string_view text);

class Logger {
 public:
  // path empty: stderr. per_minute: lines per message kind per minute.
  static Result<Logger> open(const std::string& path, LogLevel level, int64_t per_minute);

  // `kind` groups messages for rate limiting (e.g. "malformed:<file>").
  void log(LogLevel level, std::string_view kind, std::string_view message);
  void error(std::string_view kind, std::string_view m) { log(LogLevel::kError, kind, m); }
  void warn(std::string_view kind, std::string_view m) { log(LogLevel::kWarn, kind, m); }
  void info(std::string_view kind, std::string_view m) { log(LogLevel::kInfo, kind, m); }
  void debug(std::string_view kind, std::string_view m) { log(LogLevel::kDebug, kind, m); }
  LogLevel level() const { return shared_->level.load(std::memory_order_relaxed); }
  void set_level(LogLevel level) { shared_->level.store(level, std::memory_order_relaxed); }
  int64_t suppressed() const { return suppressed_total_; }
  // Opens the log file's path again (after logrotate renamed it) and writes
  // to the new file from the next line on; every line goes whole to the old
  // file or to the new one. Nothing to do for stderr. On an error the old
  // file stays in use.
  Status reopen();
  const std::string& path() const { return path_; }

 private:
  struct Window {
    int64_t start_ms = 0;
    int64_t count = 0;
    int64_t suppressed = 0;
  };
  void write_line(LogLevel level, std::string_view message);
  // Behind a pointer so the Logger stays movable: log() is thread-safe, and
  // set_level() may run beside it.
  struct Shared {
    std::mutex mu;
    std::atomic<LogLevel> level{LogLevel::kInfo};
  };
  std::unique_ptr<Shared> shared_ = std::make_unique<Shared>();
  std::string path_;  // "": stderr
  UniqueFd fd_;       // -1: stderr
  int64_t per_minute_ = 60;
  std::map<std::string, Window, std::less<>> windows_;
  int64_t suppressed_total_ = 0;
};

}  // namespace codepulse

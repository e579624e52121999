#include "common/log/logger.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/enum_names.hpp"
#include "common/time.hpp"

namespace codepulse {
namespace {

constexpr EnumName<LogLevel> kLevelNames[] = {{LogLevel::kError, "error"},
                                              {LogLevel::kWarn, "warn"},
                                              {LogLevel::kInfo, "info"},
                                              {LogLevel::kDebug, "debug"}};

int open_log_file(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

}  // namespace

Result<LogLevel> parse_log_level(std::string_view t) {
  if (auto level = value_named(kLevelNames, t)) return *level;
  return make_error("log level must be error, warn, info or debug, not '" + std::string(t) + "'");
}

Result<Logger> Logger::open(const std::string& path, LogLevel level, int64_t per_minute) {
  Logger l;
  l.set_level(level);
  l.per_minute_ = per_minute > 0 ? per_minute : 1;
  l.path_ = path;
  if (!path.empty()) {
    l.fd_.reset(open_log_file(path));
    if (!l.fd_.valid())
      return make_error("cannot open log file " + path + ": " + std::strerror(errno));
  }
  return l;
}

Status Logger::reopen() {
  if (path_.empty()) return {};
  UniqueFd fresh(open_log_file(path_));
  if (!fresh.valid())
    return make_error("cannot open log file " + path_ + " again: " + std::strerror(errno));
  std::lock_guard lock(shared_->mu);  // a line being written finishes in the old file
  fd_ = std::move(fresh);
  return {};
}

void Logger::write_line(LogLevel level, std::string_view message) {
  std::string line = format_iso8601_utc_ms(now_utc_ms());
  line += ' ';
  line += name_of(kLevelNames, level);
  line += ' ';
  for (char c : message)
    line.push_back(c == '\n' ? ' ' : c);  // one line per event
  line += '\n';
  const int fd = fd_.valid() ? fd_.get() : 2;
  size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = ::write(fd, line.data() + off, line.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the log itself failing must not stop the daemon
    off += static_cast<size_t>(n);
  }
}

void Logger::log(LogLevel level, std::string_view kind, std::string_view message) {
  if (level > this->level()) return;
  std::lock_guard lock(shared_->mu);
  const int64_t now = now_utc_ms();
  auto it = windows_.find(kind);
  if (it == windows_.end()) it = windows_.emplace(std::string(kind), Window{now, 0, 0}).first;
  Window& w = it->second;
  if (now - w.start_ms >= 60'000) {
    if (w.suppressed > 0)
      write_line(LogLevel::kWarn, "suppressed " + std::to_string(w.suppressed) +
                                      " messages of kind '" + std::string(kind) +
                                      "' in the last minute");
    w = Window{now, 0, 0};
  }
  if (w.count >= per_minute_) {
    ++w.suppressed;
    ++suppressed_total_;
    return;
  }
  ++w.count;
  write_line(level, message);
}

}  // namespace codepulse

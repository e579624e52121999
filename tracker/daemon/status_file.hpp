// The daemon's view of itself, written atomically to <state>/status.json after
// every round, read by `codepulse-tracker status`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "tracker/ship/price_book_file.hpp"
#include "tracker/ship/ship_status.hpp"

namespace codepulse::tracker {

struct DaemonStatus {
  int64_t pid = 0;
  int64_t started_ms = 0;
  std::string watcher;       // "inotify" or "poll"
  std::string watcher_note;  // why polling was chosen, if it was
  int64_t watched_folders = 0;
  int64_t files = 0;  // transcripts known
  int64_t rounds = 0;
  int64_t last_round_ms = 0;
  int64_t records_new = 0;      // since start
  int64_t malformed_lines = 0;  // since start
  int64_t evicted_unshipped = 0;
  std::string last_error;
  int64_t last_error_ms = 0;
  std::optional<ShipStatus> ship;  // when a collector is configured
  PriceBookStatus prices;          // the price book in force
};

Status write_status(const std::string& state_dir, const DaemonStatus& s);
Result<DaemonStatus> read_status(const std::string& state_dir);

}  // namespace codepulse::tracker

// queue: the laptop's line provenance store (migration 8, docs/PROVENANCE.md):
// the keyed fingerprints of the lines assistants wrote, with the session,
// request and time of the write. Nothing here is ever queued or shipped; the
// git scan reads it to count a commit's AI-written lines, and only those
// counts travel. Works on any connection to tracker.db.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "common/sqlite.hpp"

namespace codepulse::tracker {

// One tool call's written lines.
struct LineWrite {
  std::string_view call_id, session_id, request_id;
  int64_t written_ms = 0;
  const std::vector<int64_t>* prints = nullptr;  // keyed fingerprints, any order
};

struct LineWriter {
  int64_t writes = 0, first_ms = 0, last_ms = 0;
  std::string session_id, request_id;
};

struct LineStoreStats {
  int64_t prints = 0, calls = 0;
};

class LineStore {
 public:
  explicit LineStore(sql::Database& db) : db_(db) {}

  // Adds the call's lines once: false when the call was taken before (a log
  // read again, a subagent's progress copy), which adds nothing.
  Result<bool> add(const LineWrite& write);
  // How many times the assistants wrote the line before `at_ms` (0: never,
  // or first only after it).
  Result<int64_t> writes_before(int64_t print, int64_t at_ms);
  // The line's writes and last writer, or nullopt.
  Result<std::optional<LineWriter>> writer(int64_t print);
  // Drops lines last written before cutoff_ms and calls taken before it, then
  // the least recently written lines beyond `max_prints`; returns how many
  // lines went.
  Result<int64_t> expire(int64_t cutoff_ms, int64_t max_prints);
  Result<LineStoreStats> stats();

 private:
  sql::Database& db_;
  // Prepared on first use.
  std::optional<sql::Statement> insert_call_, add_print_, select_print_;
};

}  // namespace codepulse::tracker

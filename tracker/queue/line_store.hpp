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

// The lines of calls taken but not yet written, held in memory so that they
// meet the table in print order, each print once (a cold scan writes
// hundreds of thousands of lines: in arrival order every one lands on a
// random page of the table). Those of the file being read are "staged" (a
// file that may still be undone has its savepoint open by then); those of
// files done are "kept" until written.
class LineStore {
 public:
  explicit LineStore(sql::Database& db) : db_(db) {}

  // Takes the call once (its row is written now, in the file's savepoint
  // when it has one) and stages its lines: false when the call was taken
  // before (a log read again, a subagent's progress copy), which adds nothing.
  Result<bool> add(const LineWrite& write);
  // The file's part was kept (its savepoint, if any, released): its lines
  // are kept, and written once kMaxHeld are held. Call outside any savepoint.
  Status keep_staged();
  // The file's part was undone: its lines are forgotten.
  void drop_staged();
  // The transaction was rolled back: every line held is forgotten.
  void drop_all();
  // Writes every kept line (before the transaction commits).
  Status write_kept();
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
  struct Held {
    int64_t print, first_ms, last_ms;
    int64_t writes;
    size_t writer;  // into writers_
  };
  struct Writer {
    std::string session_id, request_id;
  };
  static constexpr size_t kMaxHeld = 1 << 16;

  sql::Database& db_;
  std::vector<Held> held_;  // kept first, then staged
  std::vector<Writer> writers_;
  size_t kept_ = 0, kept_writers_ = 0;
  // Prepared on first use.
  std::optional<sql::Statement> insert_call_, add_print_, select_print_;
};

}  // namespace codepulse::tracker

// queue: the tracker's local SQLite store. Usage records, tail offsets and
// pending tool results are written in the same transaction, so a crash can
// neither lose nor duplicate a record. It is also the outbound queue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>

#include "common/record.hpp"
#include "common/result.hpp"
#include "common/sqlite.hpp"
#include "tracker/parse/line_parser.hpp"

namespace codepulse::tracker {

struct FileState {
  std::string path;
  int64_t dev = 0, ino = 0, size = 0, mtime_ns = 0;
  int64_t offset = 0;     // bytes consumed: always just after a newline
  int64_t head_len = 0;   // bytes covered by head_hash
  int64_t head_hash = 0;  // FNV-1a of the first head_len bytes
  std::string turn_id;    // prompt uuid in force at offset
  int64_t lines = 0, malformed_lines = 0;
  std::string last_error;
};

enum class UpsertOutcome { kInserted, kReplaced, kKept };

class LocalStore {
 public:
  // Creates state_dir (0700) and tracker.db (0600) when missing; migrates.
  static Result<LocalStore> open(const std::string& state_dir);

  Status begin();
  Status commit();
  void rollback();
  // One file's work inside the open transaction, undone alone on a read error.
  Status savepoint();
  Status release_savepoint();
  Status rollback_to_savepoint();

  Result<std::optional<FileState>> file_state(const std::string& path);
  Result<std::optional<FileState>> file_by_identity(int64_t dev, int64_t ino);
  Status save_file_state(const FileState& state);
  Status rename_file(const std::string& from, const std::string& to);

  // Applies the dedupe rule (claude-code-format.md §3.4 and ccusage's
  // sidechain fallback) against everything stored so far.
  Result<UpsertOutcome> upsert(const UsageRecord& record);
  // ccusage's rule for two copies of one request: a main-session copy beats a
  // sidechain replay; then the larger token total; then the one with speed.
  static bool candidate_wins(bool existing_sidechain, int64_t existing_total, bool existing_fast,
                             const UsageRecord& candidate);
  // Lines added/removed or a commit sha for a tool call seen earlier.
  Status apply_tool_result(const ToolResultLine& result);
  Status load_pending_tools(PendingTools& out);

  Result<int64_t> record_count();
  const std::string& db_path() const { return db_.path(); }
  sql::Database& database() { return db_; }

 private:
  explicit LocalStore(sql::Database db) : db_(std::move(db)) {}
  Status prepare_all();
  Status migrate();
  Status insert_tools(const UsageRecord& r, int64_t record_id, bool& any_new);
  Status apply_result(std::string_view tool_use_id, int64_t added, int64_t removed,
                      std::string_view commit_sha);
  bool certainly_new(const UsageRecord& r) const;
  void remember_new(const UsageRecord& r);
  void bind_record(sql::Statement& st, const UsageRecord& r);

  sql::Database db_;
  bool in_txn_ = false;
  // While a store that started empty fills up (a first scan), keys and
  // message ids inserted so far are remembered by hash, so a request never
  // seen needs no lookup. A hash match only means "look it up".
  bool fresh_ = false;
  std::unordered_set<uint64_t> new_keys_, new_messages_;
  sql::Statement select_file_, select_file_identity_, upsert_file_, rename_file_;
  sql::Statement select_key_, select_message_, insert_record_, replace_record_, bump_revision_;
  sql::Statement insert_tool_, insert_pending_, select_pending_, delete_pending_, apply_result_;
};

}  // namespace codepulse::tracker

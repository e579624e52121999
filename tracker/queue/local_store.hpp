// queue: the tracker's local SQLite store. Usage records, tail offsets and
// pending tool results are written in the same transaction, so a crash can
// neither lose nor duplicate a record. It is also the outbound queue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/hash_row_index.hpp"
#include "common/hashing.hpp"
#include "common/record/tool_result.hpp"
#include "common/record/usage_record.hpp"
#include "common/result.hpp"
#include "common/sqlite.hpp"
#include "proto/wire_batch.hpp"

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
  bool oversized_open = false;  // offset is inside an oversized line (reported)
};

enum class UpsertOutcome { kInserted, kReplaced, kKept };

struct QueueStats {
  int64_t records = 0;
  int64_t unshipped = 0;
  std::optional<int64_t> oldest_unshipped_ms;
  int64_t used_bytes = 0;  // pages in use, not free pages of the file
  int64_t evicted_shipped = 0, evicted_unshipped = 0, expired = 0;
  int64_t quarantined = 0;  // records whose current revision the collector refused
};

// A record revision the collector refused, and why.
struct QuarantineEntry {
  int64_t record_id = 0;  // local row id
  int64_t revision = 0;
  std::string record_uid;
  std::string batch_id;
  int http_status = 0;  // 0: the collector accepted the batch but rejected this record
  std::string reason;
  int64_t at_ms = 0;
};

struct BoundsOutcome {
  int64_t expired = 0;            // shipped records past retention
  int64_t evicted_shipped = 0;    // removed to stay under the byte bound
  int64_t evicted_unshipped = 0;  // removed to stay under the byte bound: data lost
};

class LocalStore {
 public:
  // Creates state_dir (0700) and tracker.db (0600) when missing; migrates.
  // `writer`: the one process that writes (scan, run; they hold tracker.lock).
  // Readers (report, status, queue) open without changing the schema.
  static Result<LocalStore> open(const std::string& state_dir, bool writer = true);
  // Creates the state folder (0700) and its parents when missing.
  static Status prepare_state_dir(const std::string& state_dir);
  // As open(), after an integrity check: a corrupt database is moved aside
  // (tracker.db.corrupt-<time>, named in `moved_to`) and a new one is made; the
  // logs that still exist are then read again from the start.
  static Result<LocalStore> open_recovering(const std::string& state_dir, std::string& moved_to);

  // Transactions (local_store.cpp).
  Status begin();
  Status commit();
  void rollback();
  // One file's work inside the open transaction, undone alone on a read error.
  Status savepoint();
  Status release_savepoint();
  Status rollback_to_savepoint();
  // An empty store is filled without lookup indexes (lookups go through
  // memory); this builds them. Called at the end of a scan, and on its own
  // when the in-memory lookup grows large.
  Status end_bulk_load();
  Result<std::string> device_id();

  // File cursors (file_cursors.cpp).
  Result<std::optional<FileState>> file_state(const std::string& path);
  Result<std::optional<FileState>> file_by_identity(int64_t dev, int64_t ino);
  Status save_file_state(const FileState& state);
  Status rename_file(const std::string& from, const std::string& to);
  // Every file read so far, by path: what it was when last read. A scan of
  // every file compares each with a stat() first and skips the unchanged
  // ones without opening them (one query instead of one per file).
  struct FileIdentity {
    int64_t dev = 0, ino = 0, size = 0, mtime_ns = 0;
  };
  Result<std::unordered_map<std::string, FileIdentity>> file_identities();
  // Per file: malformed lines seen so far.
  Result<std::vector<std::pair<std::string, int64_t>>> files_with_problems();

  // The record table (record_table.cpp).
  // Applies the dedupe rule (claude-code-format.md §3.4 and ccusage's
  // sidechain fallback) against everything stored so far.
  Result<UpsertOutcome> upsert(const UsageRecord& record);
  // ccusage's rule for two copies of one request: a main-session copy beats a
  // sidechain replay; then the larger token total; then the one with speed.
  static bool candidate_wins(bool existing_sidechain, int64_t existing_total, bool existing_fast,
                             const UsageRecord& candidate);
  static bool candidate_wins(bool existing_sidechain, int64_t existing_total, bool existing_fast,
                             bool sidechain, int64_t total, bool fast);
  // Lines added/removed or a commit sha for a tool call stored earlier.
  Status apply_tool_result(const ToolResultLine& result);
  Status load_pending_tools(PendingTools& out);

  // The outbox (outbox.cpp).
  Result<QueueStats> queue_stats();
  // The oldest records whose current revision is neither shipped nor
  // quarantined; `ids` (when given) receives their local row ids, in order.
  Result<std::vector<proto::WireRecord>> unshipped(size_t limit,
                                                   std::vector<int64_t>* ids = nullptr);
  // After the collector's 2xx: the revisions sent. A record changed since (a
  // higher revision) stays unshipped; a row id reused by another record
  // (the sent one was evicted meanwhile) is not touched.
  struct Sent {
    int64_t id = 0, revision = 0;
    std::string uid;
  };
  Status mark_shipped(const std::vector<Sent>& sent);
  // Revisions the collector refused: not sent again until released.
  Status quarantine(const std::vector<QuarantineEntry>& entries);
  // The newest quarantined revisions still current (record_id not filled).
  Result<std::vector<QuarantineEntry>> quarantined(size_t limit);
  // Puts every quarantined record back in the queue; returns how many.
  Result<int64_t> release_quarantine();

  // The bounds (queue_bounds.cpp). Keeps the store under max_bytes: shipped
  // records older than retention_cutoff_ms go first, then the oldest shipped
  // ones, and only then the oldest unshipped ones. Every removal is counted
  // (tracker_meta).
  Result<BoundsOutcome> enforce_bounds(int64_t max_bytes, int64_t retention_cutoff_ms);

  const std::string& db_path() const { return db_.path(); }
  sql::Database& database() { return db_; }

 private:
  struct Existing {
    int64_t id = 0;
    bool sidechain = false;
    int64_t total = 0;
    bool fast = false;
    std::string tools_json;
    int64_t iteration = 0;  // filled by load_by_id only
  };
  explicit LocalStore(sql::Database db) : db_(std::move(db)) {}
  Status prepare_all();
  Status prepare_cursor_statements();
  Status prepare_record_statements();
  Status migrate();
  // 64-bit hashes of a record's dedupe key and message id (0: no message id),
  // computed once per upsert.
  struct KeyHashes {
    uint64_t key = 0, message = 0;
  };
  static KeyHashes hashes_of(const UsageRecord& r);
  // What a record is looked up by: its message id's hash, or its dedupe
  // key's when it has no message id. The message id is part of the dedupe
  // key, so every copy of a record has the same.
  static uint64_t lookup_hash(const KeyHashes& h) { return h.message != 0 ? h.message : h.key; }
  void bind_record(sql::Statement& st, const UsageRecord& r, const std::string& tools_json,
                   const KeyHashes& h);
  Result<std::optional<Existing>> find_existing(const UsageRecord& r, const KeyHashes& h);
  Result<std::optional<Existing>> load_by_id(int64_t id, std::string* key, std::string* message);
  static Existing existing_of(const sql::Statement& st, std::string* key, std::string* message);
  Status note_pending(const std::vector<ToolUse>& tools, std::string_view assistant,
                      int64_t record_id);

  sql::Database db_;
  bool in_txn_ = false;
  // Bulk load into an empty store: records are looked up in memory
  // (bulk_lookup_) and the lookup indexes are built at its end.
  bool bulk_ = false;
  // An empty store is filled with a rollback journal instead of the WAL: new
  // pages then go to the database once, where the WAL writes them twice (log,
  // then checkpoint). True while the store is not in WAL mode: each commit
  // after the bulk load asks for WAL again until it is in force.
  bool rollback_journal_ = false;
  // Asks for a journal mode ("wal" or "delete") and the synchronous level that
  // keeps it crash-safe; true when it is in force. Another connection can keep
  // the mode as it is (SQLITE_BUSY); without `wait` that is answered at once.
  bool try_journal_mode(std::string_view mode, bool wait);
  // Bulk load: lookup_hash() of each stored record -> its row id.
  HashRowIndex bulk_lookup_;
  std::vector<int64_t> candidates_;    // scratch for index lookups
  std::vector<std::string> answered_;  // scratch: tool calls a merge answers
  Sha256Hasher sha256_;                // record uids
  sql::Statement select_file_, select_file_identity_, upsert_file_, rename_file_;
  sql::Statement select_message_, select_no_message_, select_id_, insert_record_, replace_record_;
  sql::Statement update_tools_, insert_pending_, select_pending_, select_pending_record_,
      delete_pending_, delete_record_pending_;
};

}  // namespace codepulse::tracker

#include "collector/store/sqlite/sqlite_uid_index.hpp"

namespace codepulse::collector::sqlite_store {
namespace {

constexpr const char* kSelectBoundary = "SELECT upto FROM uid_index_state";
constexpr const char* kSelectNewRows = "SELECT uid_key, id FROM usage_records WHERE id > ?1";
constexpr const char* kSelectStored = "SELECT id FROM uid_index WHERE uid_key = ?1";
// In key order, so the table's pages are each written once per spill.
constexpr const char* kSpillRows =
    "INSERT OR IGNORE INTO uid_index (uid_key, id)"
    " SELECT uid_key, id FROM usage_records WHERE id > ?1 AND id <= ?2 ORDER BY uid_key, id";
constexpr const char* kLastRow = "SELECT coalesce(max(id), 0) FROM usage_records";
constexpr const char* kMoveBoundary = "UPDATE uid_index_state SET upto = ?1";

Status failed(const sql::Database& db, const char* what, const std::string& why) {
  return make_error(db.path() + ": " + what + ": " + why);
}

// The sort of a spill in temporary files, not memory (the store's
// connections keep temporary tables in memory): SQLite's sorter then holds
// at most about its page cache (64 MiB) and writes the rest to disk.
class SortOnDisk {
 public:
  explicit SortOnDisk(sql::Database& db) : db_(db) {
    ok_ = bool(db_.exec("PRAGMA temp_store=FILE"));
  }
  ~SortOnDisk() { (void)db_.exec("PRAGMA temp_store=MEMORY"); }
  SortOnDisk(const SortOnDisk&) = delete;
  SortOnDisk& operator=(const SortOnDisk&) = delete;
  bool ok() const { return ok_; }

 private:
  sql::Database& db_;
  bool ok_ = false;
};

}  // namespace

Status UidIndex::load(sql::Database& db) {
  auto upto = db.scalar(kSelectBoundary);
  if (!upto) return failed(db, "reading the uid index's boundary", upto.error().message);
  memory_.clear();
  upto_ = *upto;
  spill_at_ = memory_rows_;
  auto stored = db.prepare(kSelectStored);
  if (!stored) return stored.error();
  select_stored_ = std::move(stored).value();
  // Row ids only grow (records are never deleted), so this is how many rows
  // are after the boundary. Too many to hold (a store migrated to the disk
  // tier, or opened with a lower limit): they move to disk first. A spill
  // that fails here (a full disk) leaves them to memory, as before the
  // disk tier.
  auto last = db.scalar(kLastRow);
  if (!last) return failed(db, "reading the last record's id", last.error().message);
  if (static_cast<uint64_t>(*last - upto_) >= memory_rows_) (void)move_to_disk(db, *last);
  auto rows = db.prepare(kSelectNewRows);
  if (!rows) return rows.error();
  rows->bind(1, upto_);
  while (true) {
    auto row = rows->step();
    if (!row)
      return failed(db, "reading the records after the uid index's boundary", row.error().message);
    if (!*row) break;
    memory_.insert(static_cast<uint64_t>(rows->int64(0)), rows->int64(1));
  }
  return {};
}

Status UidIndex::find(uint64_t key, std::vector<int64_t>& out) {
  memory_.find(key, out);
  if (upto_ == 0) return {};  // nothing on disk yet
  select_stored_.bind(1, static_cast<int64_t>(key));
  while (true) {
    auto row = select_stored_.step();
    if (!row) {
      select_stored_.reset();
      return row.error();
    }
    if (!*row) break;
    out.push_back(select_stored_.int64(0));
  }
  select_stored_.reset();
  return {};
}

Status UidIndex::spill(sql::Database& db) {
  spill_at_ = memory_.size() + memory_rows_ / 4 + 1;  // until this one succeeds
  auto last = db.scalar(kLastRow);
  if (!last) return failed(db, "spilling the uid index", last.error().message);
  if (auto s = move_to_disk(db, *last); !s) return s;
  memory_.clear();
  spill_at_ = memory_rows_;
  return {};
}

Status UidIndex::move_to_disk(sql::Database& db, int64_t last) {
  if (last <= upto_) return {};
  SortOnDisk on_disk(db);
  if (!on_disk.ok()) return failed(db, "spilling the uid index", "cannot sort on disk");
  auto txn = sql::Transaction::begin(db);
  if (!txn) return failed(db, "spilling the uid index", txn.error().message);
  auto rows = db.prepare(kSpillRows);
  if (!rows) return rows.error();
  if (auto s = rows->bind(1, upto_).bind(2, last).run(); !s)
    return failed(db, "spilling the uid index", s.error().message);
  auto move = db.prepare(kMoveBoundary);
  if (!move) return move.error();
  if (auto s = move->bind(1, last).run(); !s)
    return failed(db, "spilling the uid index", s.error().message);
  if (auto s = txn->commit(); !s) return failed(db, "spilling the uid index", s.error().message);
  upto_ = last;
  return {};
}

}  // namespace codepulse::collector::sqlite_store

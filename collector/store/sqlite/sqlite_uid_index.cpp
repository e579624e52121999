#include "collector/store/sqlite/sqlite_uid_index.hpp"

namespace codepulse::collector::sqlite_store {
namespace {

constexpr const char* kSelectBoundary = "SELECT upto FROM uid_index_state";
constexpr const char* kSelectNewRows = "SELECT uid_key, id FROM usage_records WHERE id > ?1";
constexpr const char* kSelectStored = "SELECT id FROM uid_index WHERE uid_key = ?1";
// In key order, so the table's pages are each written once per spill.
constexpr const char* kSpillRows =
    "INSERT OR IGNORE INTO uid_index (uid_key, id)"
    " SELECT uid_key, id FROM usage_records WHERE id > ?1 ORDER BY uid_key, id";
constexpr const char* kLastRow = "SELECT coalesce(max(id), 0) FROM usage_records";
constexpr const char* kMoveBoundary = "UPDATE uid_index_state SET upto = ?1";

Status failed(const sql::Database& db, const char* what, const Status& s) {
  return make_error(db.path() + ": " + what + ": " + s.error().message);
}

}  // namespace

Status UidIndex::load(sql::Database& db) {
  auto upto = db.scalar(kSelectBoundary);
  if (!upto) return failed(db, "reading the uid index's boundary", Status(upto.error()));
  auto rows = db.prepare(kSelectNewRows);
  if (!rows) return rows.error();
  memory_.clear();
  upto_ = *upto;
  spill_at_ = memory_rows_;
  rows->bind(1, upto_);
  while (true) {
    auto row = rows->step();
    if (!row)
      return failed(db, "reading the records after the uid index's boundary", Status(row.error()));
    if (!*row) break;
    memory_.insert(static_cast<uint64_t>(rows->int64(0)), rows->int64(1));
  }
  auto stored = db.prepare(kSelectStored);
  if (!stored) return stored.error();
  select_stored_ = std::move(stored).value();
  // A spill that fails here (a full disk) leaves the rows in memory: the
  // store still opens, as it did before the index had a disk tier.
  if (spill_due()) (void)spill(db);
  return {};
}

Status UidIndex::find(uint64_t key, std::vector<int64_t>& out) {
  memory_.find(key, out);
  if (upto_ == 0) return {};  // nothing spilled yet
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
  if (!last) return failed(db, "spilling the uid index", Status(last.error()));
  if (*last <= upto_) {
    memory_.clear();
    spill_at_ = memory_rows_;
    return {};
  }
  auto txn = sql::Transaction::begin(db);
  if (!txn) return failed(db, "spilling the uid index", Status(txn.error()));
  auto rows = db.prepare(kSpillRows);
  if (!rows) return rows.error();
  if (auto s = rows->bind(1, upto_).run(); !s) return failed(db, "spilling the uid index", s);
  auto move = db.prepare(kMoveBoundary);
  if (!move) return move.error();
  if (auto s = move->bind(1, *last).run(); !s) return failed(db, "spilling the uid index", s);
  if (auto s = txn->commit(); !s) return failed(db, "spilling the uid index", s);
  memory_.clear();
  upto_ = *last;
  spill_at_ = memory_rows_;
  return {};
}

}  // namespace codepulse::collector::sqlite_store

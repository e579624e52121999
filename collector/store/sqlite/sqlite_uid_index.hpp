// The SQLite store's record lookup, uid_key -> row ids, in two tiers so the
// collector's memory does not grow with the store:
//
// - rows stored since the last spill are in memory (common/hash_row_index.hpp,
//   about 12 bytes a row), where ingest's random keys cost no page writes;
// - older rows are in `uid_index`, a WITHOUT ROWID table ordered by
//   (uid_key, id), which SQLite's page cache and the kernel's hold as much of
//   as they can.
//
// When the memory tier holds `memory_rows` rows, `spill` moves them to the
// table in key order (one transaction: the rows and the new boundary
// `uid_index_state.upto`), so each page of the table is written once per
// spill instead of once per record. At open only the rows after the boundary
// are read. Callers compare the author and uid text of each candidate row, as
// they did before (a key's hash may be shared). Records are never deleted,
// so row ids only grow and "after the boundary" is "not yet on disk"; a
// future deletion of records must delete their uid_index rows with them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/hash_row_index.hpp"
#include "common/result.hpp"
#include "common/sqlite.hpp"

namespace codepulse::collector::sqlite_store {

class UidIndex {
 public:
  // `memory_rows`: SqliteStoreOptions::uid_memory_rows.
  explicit UidIndex(size_t memory_rows) : memory_rows_(memory_rows), spill_at_(memory_rows) {}

  // Prepares the lookup on the writer's connection and reads the rows after
  // the boundary into memory (at open and after a reopening).
  Status load(sql::Database& db);
  // Drops the prepared statement (before the connection closes).
  void close() { select_stored_ = sql::Statement(); }

  // A row stored in the current transaction, and its undoing on rollback.
  void insert(uint64_t key, int64_t row) { memory_.insert(key, row); }
  void erase(uint64_t key, int64_t row) { memory_.erase(key, row); }
  // Row ids under `key` (and perhaps under keys of the same hash), appended
  // to `out`: the memory tier's, then the table's.
  Status find(uint64_t key, std::vector<int64_t>& out);

  bool spill_due() const { return memory_.size() >= spill_at_; }
  // Moves the memory tier's rows into the table, outside any transaction of
  // the caller's. On failure nothing moved, memory still holds them and the
  // next spill is due a quarter of the limit later.
  Status spill(sql::Database& db);

 private:
  // Copies the rows after the boundary up to `last` into the table and
  // moves the boundary there, in one transaction.
  Status move_to_disk(sql::Database& db, int64_t last);

  size_t memory_rows_;
  size_t spill_at_;      // memory_rows_, or more after a failed spill
  HashRowIndex memory_;  // rows with id > upto_
  int64_t upto_ = 0;     // rows with id <= upto_ are in uid_index
  sql::Statement select_stored_;
};

}  // namespace codepulse::collector::sqlite_store

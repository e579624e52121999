// The SQLite store's seats: each change worked out from every stored seat
// and written in one transaction on the writer; reads on the reader.
#include "collector/store/sqlite/sqlite_seats.hpp"

#include "collector/store/seat_sql.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"

namespace codepulse::collector::sqlite_store {
namespace {

Result<std::vector<SeatRow>> all_seats(sql::Database& db) {
  std::vector<SeatRow> out;
  Status failed;
  auto s = each_row(db, seat_sql::kSelectSeats, nullptr, rows_into(out, read_seat, failed));
  if (!s) return s.error();
  if (!failed) return failed.error();
  return out;
}

Status write_seat(sql::Database& db, const char* sql, const SeatRow& s, bool insert) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  if (insert)
    st->bind(1, s.id)
        .bind(2, s.plan)
        .bind(3, s.assistant)
        .bind(4, s.assignee)
        .bind(5, s.monthly_nanos)
        .bind(6, s.start_day)
        .bind(7, s.end_day)
        .bind(8, s.note)
        .bind(9, s.created_by)
        .bind(10, s.created_ms);
  else
    st->bind(1, s.end_day).bind(2, s.id);
  return st->run();
}

}  // namespace

Result<std::vector<SeatRow>> load_seat_rows(sql::Database& db) {
  auto exists =
      db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'seats'");
  if (!exists) return exists.error();
  if (*exists == 0) return std::vector<SeatRow>{};
  return all_seats(db);
}

Result<int64_t> SqliteStore::add_seat(const SeatRow& s) {
  if (auto ok = heal(); !ok) return ok.error();
  std::lock_guard lock(mu_);
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  auto stored = all_seats(db_);
  if (!stored) return stored.error();
  auto row = seat_to_add(s, *stored);
  if (!row) return row.error();
  auto done = write_seat(db_, seat_sql::kInsertSeat, *row, true);
  if (done) done = txn->commit();
  if (!done) return done.error();
  return row->id;
}

Status SqliteStore::end_seat(int64_t id, const std::string& end_day) {
  if (auto ok = heal(); !ok) return ok;
  std::lock_guard lock(mu_);
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  auto stored = all_seats(db_);
  if (!stored) return stored.error();
  auto row = seat_to_end(id, end_day, *stored);
  if (!row) return row.error();
  auto done = write_seat(db_, seat_sql::kEndSeat, *row, false);
  return done ? txn->commit() : done;
}

Status SqliteStore::remove_seat(int64_t id) {
  if (auto ok = heal(); !ok) return ok;
  std::lock_guard lock(mu_);
  auto st = db_.prepare(seat_sql::kDeleteSeat);
  if (!st) return st.error();
  if (auto s = st->bind(1, id).run(); !s) return s;
  return db_.changes() == 1 ? Status{} : no_seat(id);
}

Result<std::vector<SeatRow>> SqliteStore::load_seats() {
  if (auto ok = heal(); !ok) return ok.error();
  std::lock_guard lock(reader_mu_);
  return all_seats(reader_);
}

}  // namespace codepulse::collector::sqlite_store

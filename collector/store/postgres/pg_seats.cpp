// The PostgreSQL store's seats: each change worked out from every stored
// seat and written in one transaction on the writer, the table locked
// against another collector's change meanwhile; reads on pooled connections.
#include "collector/store/postgres/pg_store_internal.hpp"
#include "collector/store/seat_sql.hpp"

namespace codepulse::collector::pg_store {
namespace {

Result<std::vector<SeatRow>> all_seats(pg::Connection& conn) {
  std::vector<SeatRow> out;
  Status failed;
  auto s = each_row(conn, seat_sql::kSelectSeats, {}, rows_into(out, read_seat, failed));
  if (!s) return s.error();
  if (!failed) return failed.error();
  return out;
}

// `change` (given every seat) inside one transaction holding the table.
Status in_seat_transaction(pg::Connection& writer,
                           const std::function<Status(const std::vector<SeatRow>&)>& change) {
  if (auto s = writer.exec("BEGIN"); !s) return s;
  auto run = [&]() -> Status {
    if (auto s = writer.exec("LOCK TABLE seats IN SHARE ROW EXCLUSIVE MODE"); !s) return s;
    auto stored = all_seats(writer);
    if (!stored) return stored.error();
    if (auto s = change(*stored); !s) return s;
    return writer.exec("COMMIT");
  };
  auto s = run();
  if (!s) (void)writer.exec("ROLLBACK");
  return s;
}

}  // namespace

Result<int64_t> PostgresStore::add_seat(const SeatRow& s) {
  std::lock_guard lock(writer_mu_);
  int64_t id = 0;
  auto done = in_seat_transaction(writer_, [&](const std::vector<SeatRow>& stored) -> Status {
    auto row = seat_to_add(s, stored);
    if (!row) return row.error();
    id = row->id;
    pg::Params p;
    p.add(row->id)
        .add(row->plan)
        .add(row->assistant)
        .add(row->assignee)
        .add(row->monthly_nanos)
        .add(row->start_day)
        .add(row->end_day)
        .add(row->note)
        .add(row->created_by)
        .add(row->created_ms);
    auto r = writer_.query(seat_sql::kInsertSeat, p);
    return r ? Status{} : Status(r.error());
  });
  if (!done) return done.error();
  return id;
}

Status PostgresStore::end_seat(int64_t id, const std::string& end_day) {
  std::lock_guard lock(writer_mu_);
  return in_seat_transaction(writer_, [&](const std::vector<SeatRow>& stored) -> Status {
    auto row = seat_to_end(id, end_day, stored);
    if (!row) return row.error();
    pg::Params p;
    p.add(row->end_day).add(row->id);
    auto r = writer_.query(seat_sql::kEndSeat, p);
    return r ? Status{} : Status(r.error());
  });
}

Status PostgresStore::remove_seat(int64_t id) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  pg::Params p;
  p.add(id);
  auto done = (*conn)->query(seat_sql::kDeleteSeat, p);
  if (!done) return done.error();
  return done->affected() == 1 ? Status{} : no_seat(id);
}

Result<std::vector<SeatRow>> PostgresStore::load_seats() {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  return all_seats(**conn);
}

}  // namespace codepulse::collector::pg_store

// The SQL of the seats table (migration 13 in sqlite_schema.hpp and
// pg_schema.hpp makes it) that SQLite and PostgreSQL read and write alike.
// Parameters are $1, $2, ... in the order they first appear.
#pragma once

namespace codepulse::collector::seat_sql {

// Rows as read_seat reads them.
inline constexpr const char* kSelectSeats =
    "SELECT id, plan, assistant, assignee, monthly_nanos, start_day, end_day, note, created_by,"
    " created_ms FROM seats ORDER BY id";
// The id is chosen first (max + 1), inside the writing transaction.
inline constexpr const char* kNextSeatId = "SELECT coalesce(max(id), 0) + 1 FROM seats";
inline constexpr const char* kInsertSeat =
    "INSERT INTO seats (id, plan, assistant, assignee, monthly_nanos, start_day, end_day, note,"
    " created_by, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
inline constexpr const char* kEndSeat = "UPDATE seats SET end_day = $1 WHERE id = $2";
inline constexpr const char* kDeleteSeat = "DELETE FROM seats WHERE id = $1";

}  // namespace codepulse::collector::seat_sql

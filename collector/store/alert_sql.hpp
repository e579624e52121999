// The SQL of the alert outbox (migration 14 in sqlite_schema.hpp and
// pg_schema.hpp makes it) that SQLite and PostgreSQL run alike. Parameters
// are $1, $2, ... in the order they first appear.
#pragma once

namespace codepulse::collector::alert_sql {

#define CODEPULSE_ALERT_COLUMNS                                                      \
  "dedupe_key, source, title, body, details, created_ms, receiver, state, attempts," \
  " next_attempt_ms, lease_owner, lease_until_ms, last_error, last_status, finished_ms"

// Insert-if-absent: a key enqueued before (by any collector) stays as it is.
inline constexpr const char* kEnqueue =
    "INSERT INTO alert_outbox (dedupe_key, source, title, body, details, created_ms, receiver,"
    " state, next_attempt_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $6)"
    " ON CONFLICT (dedupe_key, receiver) DO NOTHING";
// Rows whose turn has come and that no live lease holds, oldest first.
inline constexpr const char* kSelectDue =
    "SELECT " CODEPULSE_ALERT_COLUMNS
    " FROM alert_outbox WHERE state = 'pending' AND next_attempt_ms <= $1"
    " AND lease_until_ms <= $1 ORDER BY next_attempt_ms, dedupe_key, receiver LIMIT $2";
// The claim: a compare-and-set, so of two collectors one takes the row.
inline constexpr const char* kClaim =
    "UPDATE alert_outbox SET lease_owner = $1, lease_until_ms = $2"
    " WHERE dedupe_key = $3 AND receiver = $4 AND state = 'pending' AND lease_until_ms <= $5";
// Only the lease's holder finishes a row.
inline constexpr const char* kFinish =
    "UPDATE alert_outbox SET state = $1, attempts = $2, next_attempt_ms = $3, last_error = $4,"
    " last_status = $5, finished_ms = $6, lease_owner = '', lease_until_ms = 0"
    " WHERE dedupe_key = $7 AND receiver = $8 AND lease_owner = $9";
inline constexpr const char* kSelectRecent =
    "SELECT " CODEPULSE_ALERT_COLUMNS
    " FROM alert_outbox ORDER BY created_ms DESC, dedupe_key, receiver LIMIT $1";

#undef CODEPULSE_ALERT_COLUMNS

}  // namespace codepulse::collector::alert_sql

// The statements of the line provenance tables (migration 8, store_sql.hpp).
#pragma once

namespace codepulse::tracker::sql_text {

inline constexpr const char* kInsertLineCall =
    "INSERT OR IGNORE INTO line_calls (call_id, written_ms) VALUES (?1, ?2)";
// Every value on the right of SET is the row's before the update.
inline constexpr const char* kAddLinePrint =
    "INSERT INTO line_prints (print, writes, first_ms, last_ms, session_id, request_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (print) DO UPDATE SET"
    " writes = writes + ?2, first_ms = min(first_ms, ?3), last_ms = max(last_ms, ?4),"
    " session_id = CASE WHEN ?4 >= last_ms THEN ?5 ELSE session_id END,"
    " request_id = CASE WHEN ?4 >= last_ms THEN ?6 ELSE request_id END";
inline constexpr const char* kSelectLinePrint =
    "SELECT writes FROM line_prints WHERE print = ?1 AND first_ms <= ?2";
inline constexpr const char* kSelectLineWriter =
    "SELECT writes, first_ms, last_ms, session_id, request_id FROM line_prints WHERE print = ?1";
inline constexpr const char* kExpireLinePrints = "DELETE FROM line_prints WHERE last_ms < ?1";
inline constexpr const char* kExpireLineCalls = "DELETE FROM line_calls WHERE written_ms < ?1";
// Over the cap, the least recently written go first.
inline constexpr const char* kTrimLinePrints =
    "DELETE FROM line_prints WHERE print IN (SELECT print FROM line_prints"
    " ORDER BY last_ms LIMIT max(0, (SELECT count(*) FROM line_prints) - ?1))";
inline constexpr const char* kCountLinePrints = "SELECT count(*) FROM line_prints";
inline constexpr const char* kCountLineCalls = "SELECT count(*) FROM line_calls";

}  // namespace codepulse::tracker::sql_text

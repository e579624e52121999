// The SQL of the sso_logins and sso_sessions tables (migration 17 in
// sqlite_schema.hpp and pg_schema.hpp makes them) that SQLite and PostgreSQL
// read and write alike. Parameters are $1, $2, ... in the order they first
// appear.
#pragma once

namespace codepulse::collector::sso_sql {

inline constexpr const char* kInsertLogin =
    "INSERT INTO sso_logins (state_hash, nonce, verifier, created_ms) VALUES ($1, $2, $3, $4)";
// Taken once: the row is deleted as it is read, so a replayed state finds none.
inline constexpr const char* kTakeLogin =
    "DELETE FROM sso_logins WHERE state_hash = $1 RETURNING state_hash, nonce, verifier,"
    " created_ms";
inline constexpr const char* kPurgeLogins = "DELETE FROM sso_logins WHERE created_ms < $1";

inline constexpr const char* kInsertSession =
    "INSERT INTO sso_sessions (id_hash, email, role, csrf, created_ms, expires_ms, scope)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7)";
inline constexpr const char* kSelectSession =
    "SELECT id_hash, email, role, csrf, created_ms, expires_ms, scope FROM sso_sessions"
    " WHERE id_hash = $1 AND expires_ms > $2";
inline constexpr const char* kDeleteSession = "DELETE FROM sso_sessions WHERE id_hash = $1";
inline constexpr const char* kPurgeSessions = "DELETE FROM sso_sessions WHERE expires_ms <= $1";

}  // namespace codepulse::collector::sso_sql

// The SQL of the audit log (migration 18 makes its table), the same for
// SQLite and PostgreSQL. Parameters are $1, $2, ...
#pragma once

namespace codepulse::collector::audit_sql {

inline constexpr const char* kInsert =
    "INSERT INTO audit_log (at_ms, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)";
// The most recent $3 events of [$1, $2), newest first (the caller reverses;
// the actor is matched in code: audit_actor_matches).
inline constexpr const char* kSelectRange =
    "SELECT id, at_ms, actor, action, target, detail FROM audit_log"
    " WHERE at_ms >= $1 AND at_ms < $2 ORDER BY id DESC";

}  // namespace codepulse::collector::audit_sql

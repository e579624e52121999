// The SQL of the budgets and budget_overrides tables (migration 16 in
// sqlite_schema.hpp and pg_schema.hpp makes them) that SQLite and
// PostgreSQL read and write alike. Parameters are $1, $2, ... in order.
#pragma once

namespace codepulse::collector::budget_sql {

// Rows as read_budget reads them.
inline constexpr const char* kSelectBudgets =
    "SELECT id, scope, value, period, basis, limit_nanos, warn_percent, enforce, start_day,"
    " end_day, note, created_by, created_ms FROM budgets ORDER BY id";
inline constexpr const char* kInsertBudget =
    "INSERT INTO budgets (id, scope, value, period, basis, limit_nanos, warn_percent, enforce,"
    " start_day, end_day, note, created_by, created_ms)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
inline constexpr const char* kDeleteOverridesOf =
    "DELETE FROM budget_overrides WHERE budget_id = $1";
inline constexpr const char* kDeleteBudget = "DELETE FROM budgets WHERE id = $1";
// Rows as read_budget_override reads them.
inline constexpr const char* kSelectOverrides =
    "SELECT id, budget_id, until_ms, reason, created_by, created_ms FROM budget_overrides"
    " ORDER BY id";
inline constexpr const char* kInsertOverride =
    "INSERT INTO budget_overrides (id, budget_id, until_ms, reason, created_by, created_ms)"
    " VALUES ($1, $2, $3, $4, $5, $6)";

}  // namespace codepulse::collector::budget_sql

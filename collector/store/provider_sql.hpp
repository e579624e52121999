// The SQL of the provider usage tables (migration 12 in sqlite_schema.hpp and
// pg_schema.hpp makes them) that SQLite and PostgreSQL run alike. Parameters
// are $1, $2, ... in the order they first appear.
#pragma once

namespace codepulse::collector::provider_sql {

// A day is claimed first (provider_days, upserted): of two imports of the
// same day at once, the second waits for the first's commit, then replaces
// its rows.
inline constexpr const char* kClaimDay =
    "INSERT INTO provider_days (provider, source, day, imported_ms, origin, row_count)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (provider, source, day) DO UPDATE SET"
    " imported_ms = excluded.imported_ms, origin = excluded.origin,"
    " row_count = excluded.row_count";
inline constexpr const char* kDeleteDay =
    "DELETE FROM provider_usage WHERE provider = $1 AND source = $2 AND day = $3";
inline constexpr const char* kInsertRow =
    "INSERT INTO provider_usage (provider, source, day, model, workspace, api_key, line_item,"
    " uncached_input, cache_write_5m, cache_write_1h, cache_read, output, web_search, requests,"
    " cost_nanos) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
inline constexpr const char* kUpsertCursor =
    "INSERT INTO provider_cursors (provider, source, next_day, updated_ms) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (provider, source) DO UPDATE SET next_day = excluded.next_day,"
    " updated_ms = excluded.updated_ms";

// Rows as provider_rows.hpp reads them (read_provider_row, _day, _cursor),
// of the days in [$1, $2).
inline constexpr const char* kSelectRows =
    "SELECT provider, source, day, model, workspace, api_key, line_item, uncached_input,"
    " cache_write_5m, cache_write_1h, cache_read, output, web_search, requests, cost_nanos"
    " FROM provider_usage WHERE day >= $1 AND day < $2"
    " ORDER BY day, provider, source, model, workspace, api_key, line_item";
inline constexpr const char* kSelectDays =
    "SELECT provider, source, day, imported_ms, origin, row_count FROM provider_days"
    " WHERE day >= $1 AND day < $2 ORDER BY day, provider, source";
inline constexpr const char* kSelectCursor =
    "SELECT provider, source, next_day, updated_ms FROM provider_cursors"
    " WHERE provider = $1 AND source = $2";

}  // namespace codepulse::collector::provider_sql

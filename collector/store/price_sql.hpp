// The SQL of the price tables (migration 7 in sqlite_schema.hpp and
// pg_schema.hpp makes them) that SQLite and PostgreSQL read and write alike.
// Parameters are $1, $2, ... in the order they first appear, which both
// dialects number the same way.
#pragma once

namespace codepulse::collector::price_sql {

// Rows as stored_rows.hpp reads them (read_stored_book, read_stored_override).
inline constexpr const char* kSelectBookInForce =
    "SELECT id, revision, digest, body, imported_by, imported_ms, note FROM price_books"
    " ORDER BY id DESC LIMIT 1";
inline constexpr const char* kSelectBookHistory =
    "SELECT id, revision, digest, '', imported_by, imported_ms, note FROM price_books ORDER BY id";
inline constexpr const char* kSelectActiveOverrides =
    "SELECT id, body, created_by, created_ms, removed_by, removed_ms FROM price_overrides"
    " WHERE removed_ms IS NULL ORDER BY id";
inline constexpr const char* kSelectOverrides =
    "SELECT id, body, created_by, created_ms, removed_by, removed_ms FROM price_overrides"
    " ORDER BY id";
inline constexpr const char* kSelectOverride =
    "SELECT id, body, created_by, created_ms, removed_by, removed_ms FROM price_overrides"
    " WHERE id = $1";
// PricingVersion: newest book id, highest override id, active overrides.
inline constexpr const char* kSelectPricingVersion =
    "SELECT (SELECT coalesce(max(id), 0) FROM price_books),"
    " (SELECT coalesce(max(id), 0) FROM price_overrides),"
    " (SELECT count(*) FROM price_overrides WHERE removed_ms IS NULL)";

inline constexpr const char* kInsertBook =
    "INSERT INTO price_books (revision, digest, body, imported_by, imported_ms, note)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
// The id is chosen first (each dialect its own way) so the body can carry it.
inline constexpr const char* kInsertOverride =
    "INSERT INTO price_overrides (id, body, created_by, created_ms) VALUES ($1, $2, $3, $4)";
inline constexpr const char* kRemoveOverride =
    "UPDATE price_overrides SET removed_by = $1, removed_ms = $2"
    " WHERE id = $3 AND removed_ms IS NULL";

// ModelUsage rows (read_model_usage) of the records in [$2, $3): every
// model's when $1 is '', else only that model's.
inline constexpr const char* kSelectModelUsage =
    "SELECT model, count(*),"
    " coalesce(sum(input + output + cache_create_5m + cache_create_1h + cache_read), 0),"
    " coalesce(min(ts_ms), 0), coalesce(max(ts_ms), 0) FROM usage_records"
    " WHERE ($1 = '' OR model = $1) AND ts_ms >= $2 AND ts_ms < $3 GROUP BY model";

}  // namespace codepulse::collector::price_sql

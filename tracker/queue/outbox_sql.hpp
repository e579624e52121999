// The statements of the outbox: the queue of record revisions the collector
// has not acknowledged, the quarantine of refused ones, and the bounds that
// keep the store's size in check. select_unshipped() names the record's
// listed columns from common/record/usage_columns.hpp.
#pragma once

#include <string>

namespace codepulse::tracker::sql_text {

// A record is unshipped while the collector has not acknowledged its current
// revision (and has not refused it). Columns: record_uid, revision,
// dedupe_key, author, tools, id, then the listed columns from
// kUnshippedFirstListed on; ?1 is the limit.
inline constexpr int kUnshippedFirstListed = 6;
const std::string& select_unshipped();
// After the collector's 2xx: this revision (or a later one) is on the collector,
// as of now (shipped_ms, in ms since the epoch).
inline constexpr const char* kMarkShipped =
    "UPDATE usage_records SET shipped_revision = max(shipped_revision, ?2),"
    " shipped_ms = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
    " WHERE id = ?1 AND record_uid = ?3";

inline constexpr const char* kQuarantine =
    "UPDATE usage_records SET quarantined_revision = max(quarantined_revision, ?2)"
    " WHERE id = ?1 AND record_uid = ?3";
inline constexpr const char* kInsertQuarantine =
    "INSERT OR REPLACE INTO ship_quarantine (record_id, revision, record_uid, batch_id,"
    " http_status, reason, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
inline constexpr const char* kSelectQuarantine =
    "SELECT q.record_uid, q.revision, q.batch_id, q.http_status, q.reason, q.at_ms"
    " FROM ship_quarantine q JOIN usage_records r ON r.id = q.record_id"
    " WHERE r.quarantined_revision = q.revision AND r.revision = q.revision"
    " ORDER BY q.at_ms DESC, q.record_uid LIMIT ?1";
inline constexpr const char* kCountQuarantined =
    "SELECT count(*) FROM usage_records WHERE quarantined_revision > 0";
inline constexpr const char* kReleaseQuarantine =
    "UPDATE usage_records SET quarantined_revision = 0 WHERE quarantined_revision > 0;"
    "DELETE FROM ship_quarantine;";

inline constexpr const char* kQueueStats =
    "SELECT count(*),"
    " coalesce(sum(shipped_revision < revision AND quarantined_revision < revision), 0),"
    " min(CASE WHEN shipped_revision < revision AND quarantined_revision < revision"
    " THEN ts_ms END), coalesce(sum(quarantined_revision = revision), 0) FROM usage_records";
inline constexpr const char* kSelectRemovalCounters =
    "SELECT key, CAST(value AS INTEGER) FROM tracker_meta WHERE key IN"
    " ('evicted_shipped', 'evicted_unshipped', 'expired')";
inline constexpr const char* kUsedBytes =
    "SELECT (p.page_count - f.freelist_count) * s.page_size"
    " FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s";

// Bounds: retention of shipped records, then eviction by age.
inline constexpr const char* kDeleteExpired =
    "DELETE FROM usage_records WHERE shipped_revision >= revision AND ts_ms < ?1";
inline constexpr const char* kEvictOldestShipped =
    "DELETE FROM usage_records WHERE id IN (SELECT id FROM usage_records"
    " WHERE shipped_revision >= revision ORDER BY ts_ms LIMIT ?1)";
// Once no shipped record is left, every record is unshipped or quarantined:
// the oldest of both, each found through its own index.
inline constexpr const char* kEvictOldestUnshipped =
    "DELETE FROM usage_records WHERE id IN (SELECT id FROM ("
    "SELECT * FROM (SELECT id, ts_ms FROM usage_records"
    " WHERE shipped_revision < revision AND quarantined_revision < revision"
    " ORDER BY ts_ms, id LIMIT ?1)"
    " UNION ALL SELECT * FROM (SELECT id, ts_ms FROM usage_records"
    " WHERE shipped_revision < revision AND quarantined_revision >= revision"
    " ORDER BY ts_ms LIMIT ?1)) ORDER BY ts_ms LIMIT ?1)";
inline constexpr const char* kDeleteOrphanQuarantine =
    "DELETE FROM ship_quarantine WHERE record_id NOT IN (SELECT id FROM usage_records)";
inline constexpr const char* kDeleteOrphanPending =
    "DELETE FROM pending_results WHERE record_id NOT IN (SELECT id FROM usage_records)";
inline constexpr const char* kAddCounter =
    "INSERT INTO tracker_meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET"
    " value = CAST(value AS INTEGER) + CAST(?2 AS INTEGER)";

}  // namespace codepulse::tracker::sql_text

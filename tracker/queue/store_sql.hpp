// All SQL of the tracker's local store, in one place. Tables are named for
// their owner; the schema version lives in PRAGMA user_version.
#pragma once

namespace codepulse::tracker::sql_text {

inline constexpr int kSchemaVersion = 4;

// page_size applies to a new database only (16 KiB: a quarter of the page
// reads and writes of 4 KiB pages for the same rows; records are ~600 bytes).
inline constexpr const char* kPragmas =
    "PRAGMA page_size=16384;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA temp_store=MEMORY;"
    "PRAGMA cache_size=-8192;";

// Migration 1: tail offsets, usage records (tool calls as a JSON array), pending results.
inline constexpr const char* kMigration1 = R"sql(
CREATE TABLE tracker_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE tail_files (
  path            TEXT PRIMARY KEY,
  dev             INTEGER NOT NULL,
  ino             INTEGER NOT NULL,
  size            INTEGER NOT NULL,
  mtime_ns        INTEGER NOT NULL,
  offset          INTEGER NOT NULL,
  head_len        INTEGER NOT NULL,
  head_hash       INTEGER NOT NULL,
  turn_id         TEXT NOT NULL DEFAULT '',
  lines           INTEGER NOT NULL DEFAULT 0,
  malformed_lines INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  updated_ms      INTEGER NOT NULL
);
CREATE INDEX tail_files_identity ON tail_files(dev, ino);

CREATE TABLE usage_records (
  id              INTEGER PRIMARY KEY,
  record_uid      TEXT NOT NULL,
  dedupe_key      TEXT NOT NULL,
  key_hash        INTEGER NOT NULL,
  message_id      TEXT NOT NULL,
  message_hash    INTEGER NOT NULL,
  request_id      TEXT NOT NULL,
  ts_ms           INTEGER NOT NULL,
  session_id      TEXT NOT NULL,
  sidechain       INTEGER NOT NULL,
  agent_id        TEXT NOT NULL,
  model           TEXT NOT NULL,
  input           INTEGER NOT NULL,
  output          INTEGER NOT NULL,
  cache_create_5m INTEGER NOT NULL,
  cache_create_1h INTEGER NOT NULL,
  cache_read      INTEGER NOT NULL,
  web_search      INTEGER NOT NULL,
  fast            INTEGER NOT NULL,
  cost_nanos      INTEGER,
  long_context    INTEGER NOT NULL,
  price_version   TEXT NOT NULL,
  cc_version      TEXT NOT NULL,
  author          TEXT NOT NULL,
  repo            TEXT NOT NULL,
  branch          TEXT NOT NULL,
  task_keys       TEXT NOT NULL,
  turn_id         TEXT NOT NULL,
  tools           TEXT NOT NULL,
  revision        INTEGER NOT NULL DEFAULT 1,
  shipped_revision INTEGER NOT NULL DEFAULT 0,
  created_ms      INTEGER NOT NULL,
  updated_ms      INTEGER NOT NULL
);

-- Tool calls waiting for their result (lines changed, commit sha) when a
-- file pass ended before the result line was written.
CREATE TABLE pending_results (
  tool_use_id TEXT PRIMARY KEY,
  record_id   INTEGER NOT NULL,
  kind        INTEGER NOT NULL,
  created_ms  INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Lookup indexes on 64-bit hashes of the dedupe key and message id (the text
// is compared on lookup). An empty store is filled without them and they are
// built once at the end, which is several times faster than growing them.
inline constexpr const char* kCreateIndexes =
    "CREATE INDEX IF NOT EXISTS usage_records_key ON usage_records(key_hash);"
    "CREATE INDEX IF NOT EXISTS usage_records_message ON usage_records(message_hash)"
    " WHERE message_hash <> 0;"
    "CREATE INDEX IF NOT EXISTS usage_records_ts ON usage_records(ts_ms);"
    "CREATE INDEX IF NOT EXISTS usage_records_unshipped ON usage_records(ts_ms, id)"
    " WHERE shipped_revision < revision AND quarantined_revision < revision;";
inline constexpr const char* kDropIndexes =
    "DROP INDEX IF EXISTS usage_records_key; DROP INDEX IF EXISTS usage_records_message;"
    "DROP INDEX IF EXISTS usage_records_ts; DROP INDEX IF EXISTS usage_records_unshipped;";

// Migration 2: a file whose reading ended inside an oversized line.
inline constexpr const char* kMigration2 =
    "ALTER TABLE tail_files ADD COLUMN oversized_open INTEGER NOT NULL DEFAULT 0;";

// Migration 3: shipping. A revision the collector refused (a 4xx, or a record
// it rejected) is quarantined: not sent again until released, and listed in
// ship_quarantine with the reason. A later revision of the record is shipped.
inline constexpr const char* kMigration3 = R"sql(
ALTER TABLE usage_records ADD COLUMN quarantined_revision INTEGER NOT NULL DEFAULT 0;
CREATE TABLE ship_quarantine (
  record_id   INTEGER NOT NULL,
  revision    INTEGER NOT NULL,
  record_uid  TEXT NOT NULL,
  batch_id    TEXT NOT NULL,
  http_status INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  at_ms       INTEGER NOT NULL,
  PRIMARY KEY (record_id, revision)
) WITHOUT ROWID;
)sql";

// Migration 4: git metadata (docs/METRICS.md). Repositories seen in sessions,
// the branch tips read so far in each, and the commit records (files and
// reworked lines as JSON arrays), unique per repository identity and sha so a
// commit is queued once even when two clones or worktrees hold it.
inline constexpr const char* kMigration4 = R"sql(
CREATE TABLE git_repos (
  root       TEXT PRIMARY KEY,
  identity   TEXT NOT NULL,
  seen_ms    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE git_tips (
  root TEXT NOT NULL,
  sha  TEXT NOT NULL,
  PRIMARY KEY (root, sha)
) WITHOUT ROWID;
CREATE TABLE git_commits (
  id              INTEGER PRIMARY KEY,
  repo            TEXT NOT NULL,
  sha             TEXT NOT NULL,
  parents         TEXT NOT NULL,
  author_email    TEXT NOT NULL,
  committer_email TEXT NOT NULL,
  author_ms       INTEGER NOT NULL,
  committer_ms    INTEGER NOT NULL,
  branch          TEXT NOT NULL,
  task_keys       TEXT NOT NULL,
  ai_coauthor     INTEGER NOT NULL,
  files           TEXT NOT NULL,
  reworked        TEXT NOT NULL,
  shipped         INTEGER NOT NULL DEFAULT 0,
  quarantined     INTEGER NOT NULL DEFAULT 0,
  created_ms      INTEGER NOT NULL,
  UNIQUE (repo, sha)
);
CREATE INDEX git_commits_unshipped ON git_commits(id) WHERE shipped = 0 AND quarantined = 0;
)sql";

inline constexpr const char* kUpsertGitRepo =
    "INSERT INTO git_repos (root, identity, seen_ms) VALUES (?1, ?2, ?3)"
    " ON CONFLICT(root) DO UPDATE SET identity = ?2, seen_ms = ?3";
inline constexpr const char* kSelectGitRepos = "SELECT root, identity FROM git_repos ORDER BY root";
inline constexpr const char* kSelectGitTips =
    "SELECT sha FROM git_tips WHERE root = ?1 ORDER BY sha";
inline constexpr const char* kDeleteGitTips = "DELETE FROM git_tips WHERE root = ?1";
inline constexpr const char* kInsertGitTip =
    "INSERT OR IGNORE INTO git_tips (root, sha) VALUES (?1, ?2)";
inline constexpr const char* kHasCommit =
    "SELECT count(*) FROM git_commits WHERE repo = ?1 AND sha = ?2";
inline constexpr const char* kInsertCommit =
    "INSERT OR IGNORE INTO git_commits (repo, sha, parents, author_email, committer_email,"
    " author_ms, committer_ms, branch, task_keys, ai_coauthor, files, reworked, created_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
inline constexpr const char* kSelectUnshippedCommits =
    "SELECT id, repo, sha, parents, author_email, committer_email, author_ms, committer_ms, branch,"
    " task_keys, ai_coauthor, files, reworked FROM git_commits"
    " WHERE shipped = 0 AND quarantined = 0 ORDER BY id LIMIT ?1";
inline constexpr const char* kMarkCommitShipped =
    "UPDATE git_commits SET shipped = 1 WHERE id = ?1";
inline constexpr const char* kQuarantineCommit =
    "UPDATE git_commits SET quarantined = 1 WHERE id = ?1";
inline constexpr const char* kCommitStats =
    "SELECT count(*), coalesce(sum(shipped = 0 AND quarantined = 0), 0),"
    " coalesce(sum(quarantined), 0) FROM git_commits";
inline constexpr const char* kDeleteExpiredCommits =
    "DELETE FROM git_commits WHERE shipped = 1 AND created_ms < ?1";
inline constexpr const char* kReleaseCommitQuarantine =
    "UPDATE git_commits SET quarantined = 0 WHERE quarantined = 1";

inline constexpr const char* kSelectFile =
    "SELECT path, dev, ino, size, mtime_ns, offset, head_len, head_hash, turn_id, lines,"
    " malformed_lines, oversized_open FROM tail_files WHERE path = ?1";
inline constexpr const char* kSelectFileByIdentity =
    "SELECT path, dev, ino, size, mtime_ns, offset, head_len, head_hash, turn_id, lines,"
    " malformed_lines, oversized_open FROM tail_files WHERE dev = ?1 AND ino = ?2";
inline constexpr const char* kUpsertFile =
    "INSERT INTO tail_files (path, dev, ino, size, mtime_ns, offset, head_len, head_hash, turn_id,"
    " lines, malformed_lines, last_error, updated_ms, oversized_open)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    " ON CONFLICT(path) DO UPDATE SET dev=?2, ino=?3, size=?4, mtime_ns=?5, offset=?6,"
    " head_len=?7, head_hash=?8, turn_id=?9, lines=?10, malformed_lines=?11, last_error=?12,"
    " updated_ms=?13, oversized_open=?14";
inline constexpr const char* kRenameFile = "UPDATE tail_files SET path = ?2 WHERE path = ?1";

inline constexpr const char* kSelectByKey =
    "SELECT id, sidechain, input + output + cache_create_5m + cache_create_1h + cache_read, fast,"
    " tools FROM usage_records WHERE key_hash = ?1 AND dedupe_key = ?2";
// A sidechain replay shares message.id with the original but not requestId.
inline constexpr const char* kSelectByMessage =
    "SELECT id, sidechain, input + output + cache_create_5m + cache_create_1h + cache_read, fast,"
    " tools FROM usage_records WHERE message_hash = ?1 AND message_hash <> 0 AND message_id = ?2"
    " AND dedupe_key <> ?3"
    " AND (sidechain = 1 OR ?4 = 1) ORDER BY sidechain ASC, id ASC LIMIT 1";
inline constexpr const char* kSelectById =
    "SELECT id, sidechain, input + output + cache_create_5m + cache_create_1h + cache_read, fast,"
    " tools, dedupe_key, message_id FROM usage_records WHERE id = ?1";

inline constexpr const char* kInsertRecord =
    "INSERT INTO usage_records (record_uid, dedupe_key, message_id, request_id, ts_ms, session_id,"
    " sidechain, agent_id, model, input, output, cache_create_5m, cache_create_1h, cache_read,"
    " web_search, fast, cost_nanos, long_context, price_version, cc_version, author, repo, branch,"
    " task_keys, turn_id, created_ms, updated_ms, tools, key_hash, message_hash)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
    " ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?26, ?27, ?28, ?29)";
inline constexpr const char* kReplaceRecord =
    "UPDATE usage_records SET dedupe_key=?2, message_id=?3, request_id=?4, ts_ms=?5,"
    " session_id=?6, sidechain=?7, agent_id=?8, model=?9, input=?10, output=?11,"
    " cache_create_5m=?12, cache_create_1h=?13, cache_read=?14, web_search=?15, fast=?16,"
    " cost_nanos=?17, long_context=?18, price_version=?19, cc_version=?20, author=?21, repo=?22,"
    " branch=?23, task_keys=?24, turn_id=?25, updated_ms=?26, tools=?27, key_hash=?28,"
    " message_hash=?29, revision=revision+1 WHERE id=?1";
inline constexpr const char* kUpdateTools =
    "UPDATE usage_records SET tools = ?2, revision = revision + 1, updated_ms = ?3 WHERE id = ?1";

inline constexpr const char* kInsertPending =
    "INSERT OR REPLACE INTO pending_results (tool_use_id, record_id, kind, created_ms)"
    " VALUES (?1, ?2, ?3, ?4)";
inline constexpr const char* kSelectPending = "SELECT tool_use_id, kind FROM pending_results";
inline constexpr const char* kSelectPendingRecord =
    "SELECT record_id FROM pending_results WHERE tool_use_id = ?1";
inline constexpr const char* kDeletePending = "DELETE FROM pending_results WHERE tool_use_id = ?1";

// The queue: a record is unshipped while the collector has not acknowledged
// its current revision.
inline constexpr const char* kQueueStats =
    "SELECT count(*),"
    " coalesce(sum(shipped_revision < revision AND quarantined_revision < revision), 0),"
    " min(CASE WHEN shipped_revision < revision AND quarantined_revision < revision"
    " THEN ts_ms END), coalesce(sum(quarantined_revision = revision), 0) FROM usage_records";
inline constexpr const char* kUsedBytes =
    "SELECT (p.page_count - f.freelist_count) * s.page_size"
    " FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s";
inline constexpr const char* kDeleteExpired =
    "DELETE FROM usage_records WHERE shipped_revision >= revision AND ts_ms < ?1";
inline constexpr const char* kEvictOldestShipped =
    "DELETE FROM usage_records WHERE id IN (SELECT id FROM usage_records"
    " WHERE shipped_revision >= revision ORDER BY ts_ms LIMIT ?1)";
inline constexpr const char* kEvictOldestUnshipped =
    "DELETE FROM usage_records WHERE id IN (SELECT id FROM usage_records ORDER BY ts_ms LIMIT ?1)";
inline constexpr const char* kDeleteOrphanQuarantine =
    "DELETE FROM ship_quarantine WHERE record_id NOT IN (SELECT id FROM usage_records)";
inline constexpr const char* kDeleteOrphanPending =
    "DELETE FROM pending_results WHERE record_id NOT IN (SELECT id FROM usage_records)";
inline constexpr const char* kAddCounter =
    "INSERT INTO tracker_meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET"
    " value = CAST(value AS INTEGER) + CAST(?2 AS INTEGER)";
inline constexpr const char* kFilesWithProblems =
    "SELECT path, malformed_lines FROM tail_files WHERE malformed_lines > 0 ORDER BY path";

inline constexpr const char* kSelectUnshipped =
    "SELECT record_uid, revision, dedupe_key, message_id, request_id, ts_ms, session_id, sidechain,"
    " agent_id, model, input, output, cache_create_5m, cache_create_1h, cache_read, web_search, "
    "fast,"
    " cost_nanos, long_context, price_version, cc_version, author, repo, branch, task_keys, "
    "turn_id,"
    " tools, id FROM usage_records"
    " WHERE shipped_revision < revision AND quarantined_revision < revision"
    " ORDER BY ts_ms, id LIMIT ?1";
// After the collector's 2xx: this revision (or a later one) is on the collector.
inline constexpr const char* kMarkShipped =
    "UPDATE usage_records SET shipped_revision = max(shipped_revision, ?2)"
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
inline constexpr const char* kReleaseQuarantine =
    "UPDATE usage_records SET quarantined_revision = 0 WHERE quarantined_revision > 0;"
    "DELETE FROM ship_quarantine;";

inline constexpr const char* kSelectMeta = "SELECT value FROM tracker_meta WHERE key = ?1";
inline constexpr const char* kInsertMeta =
    "INSERT OR IGNORE INTO tracker_meta (key, value) VALUES (?1, ?2)";
inline constexpr const char* kCountRecords = "SELECT count(*) FROM usage_records";

}  // namespace codepulse::tracker::sql_text

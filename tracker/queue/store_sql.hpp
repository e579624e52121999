// The tracker's local store schema: pragmas, migrations, lookup indexes and
// the meta table. Tables are named for their owner; the schema version lives
// in PRAGMA user_version. The statements sit beside what uses them:
// file_cursor_sql.hpp, record_sql.hpp, outbox_sql.hpp, commit_sql.hpp.
#pragma once

namespace codepulse::tracker::sql_text {

inline constexpr int kSchemaVersion = 10;

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

// The lookup index on 64-bit hashes of the message id (the text is compared
// on lookup), the index on the times of unshipped records (the ship order),
// and those on when provenance lines and calls were written (for expiry). An
// empty store is filled without them and they are built once at the end,
// which is several times faster than growing them (the line one: 7% of a
// cold Gemini CLI scan, whose recent writes keep 200,600 lines). Migration
// 10's partial indexes stay: records without a message id are few, and none
// is shipped or quarantined during a fill, so they stay small or empty,
// where building each after the fill meant reading every row (20 ms for
// 128,000 records).
inline constexpr const char* kCreateIndexes =
    "CREATE INDEX IF NOT EXISTS usage_records_message ON usage_records(message_hash)"
    " WHERE message_hash <> 0;"
    "CREATE INDEX IF NOT EXISTS usage_records_unshipped ON usage_records(ts_ms, id)"
    " WHERE shipped_revision < revision AND quarantined_revision < revision;"
    "CREATE INDEX IF NOT EXISTS line_prints_last ON line_prints(last_ms);"
    "CREATE INDEX IF NOT EXISTS line_calls_written ON line_calls(written_ms);";
inline constexpr const char* kDropIndexes =
    "DROP INDEX IF EXISTS usage_records_message; DROP INDEX IF EXISTS usage_records_unshipped;"
    "DROP INDEX IF EXISTS line_prints_last; DROP INDEX IF EXISTS line_calls_written;";

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

// tracker_meta: the device id, made by migration 1 (the removal counters are
// the outbox's, outbox_sql.hpp).
inline constexpr const char* kSelectMeta = "SELECT value FROM tracker_meta WHERE key = ?1";
inline constexpr const char* kInsertMeta =
    "INSERT OR IGNORE INTO tracker_meta (key, value) VALUES (?1, ?2)";

// Migration 5: what pricing needs besides tokens (docs/PRICING.md): web
// fetches, the data-residency region and the advisor iteration a record is.
inline constexpr const char* kMigration5 = R"sql(
ALTER TABLE usage_records ADD COLUMN web_fetch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_records ADD COLUMN inference_geo TEXT NOT NULL DEFAULT '';
ALTER TABLE usage_records ADD COLUMN iteration INTEGER NOT NULL DEFAULT 0;
)sql";

// Migration 6: the assistant a record comes from (every record before it is
// Claude Code's) and its reasoning tokens (a part of its output).
inline constexpr const char* kMigration6 = R"sql(
ALTER TABLE usage_records ADD COLUMN assistant TEXT NOT NULL DEFAULT 'claude-code';
ALTER TABLE usage_records ADD COLUMN reasoning INTEGER NOT NULL DEFAULT 0;
)sql";

// Migration 7: when each record revision and commit was last acknowledged,
// so that after the collector is restored from a backup what it acknowledged
// since the backup is sent again (collector_generation.hpp). What was shipped
// before this migration counts as shipped at it: sent again after a restore
// from any earlier backup, never lost.
inline constexpr const char* kMigration7 = R"sql(
ALTER TABLE usage_records ADD COLUMN shipped_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE git_commits ADD COLUMN shipped_ms INTEGER NOT NULL DEFAULT 0;
UPDATE usage_records SET shipped_ms = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  WHERE shipped_revision > 0;
UPDATE git_commits SET shipped_ms = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  WHERE shipped = 1;
)sql";

// Migration 8: line provenance (docs/PROVENANCE.md). The keyed fingerprints
// of the lines assistants' changes wrote (never their text), how often each
// was written, when first and last, and by which session and request last;
// and the tool calls already taken, so a log read again adds nothing.
// line_store_sql.hpp holds the statements.
inline constexpr const char* kMigration8 = R"sql(
CREATE TABLE line_prints (
  print      INTEGER PRIMARY KEY,
  writes     INTEGER NOT NULL,
  first_ms   INTEGER NOT NULL,
  last_ms    INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  request_id TEXT NOT NULL
);
CREATE INDEX line_prints_last ON line_prints(last_ms);
CREATE TABLE line_calls (
  call_id    TEXT PRIMARY KEY,
  written_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX line_calls_written ON line_calls(written_ms);
ALTER TABLE git_commits ADD COLUMN on_default_branch INTEGER NOT NULL DEFAULT 0;
)sql";

// Migration 9: survival of the lines the tracker's commits added
// (docs/PROVENANCE.md, "Survival"). Per scored file of a queued commit, the
// keyed fingerprints of its scored added lines, the assistants' and the
// others' apart (packed 8-byte integers, never text), until the file's lines
// alive were measured at both marks; `marks` holds the marks measured (1: 21
// days, 2: 90 days). line_survival_sql.hpp holds the statements.
inline constexpr const char* kMigration9 = R"sql(
CREATE TABLE line_survival (
  repo         TEXT NOT NULL,
  sha          TEXT NOT NULL,
  idx          INTEGER NOT NULL,
  root         TEXT NOT NULL,
  path         TEXT NOT NULL,
  committed_ms INTEGER NOT NULL,
  ai_prints    BLOB NOT NULL,
  other_prints BLOB NOT NULL,
  marks        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (repo, sha, idx)
) WITHOUT ROWID;
CREATE INDEX line_survival_due ON line_survival(committed_ms) WHERE marks < 3;
)sql";

// Migration 10: records are looked up by message id, or by dedupe key only
// when they have no message id (record_sql.hpp, the second index here), and
// record times are indexed by queue state: shipped (retention and eviction),
// unshipped (the ship order, in kCreateIndexes) and quarantined (eviction),
// which split every record between them. The indexes on every dedupe key and
// on every record's time go.
inline constexpr const char* kMigration10 = R"sql(
DROP INDEX IF EXISTS usage_records_key;
DROP INDEX IF EXISTS usage_records_ts;
CREATE INDEX IF NOT EXISTS usage_records_no_message ON usage_records(key_hash)
  WHERE message_hash = 0;
CREATE INDEX IF NOT EXISTS usage_records_shipped ON usage_records(ts_ms) WHERE shipped_revision >= revision;
CREATE INDEX IF NOT EXISTS usage_records_quarantined ON usage_records(ts_ms)
  WHERE shipped_revision < revision AND quarantined_revision >= revision;
)sql";

}  // namespace codepulse::tracker::sql_text

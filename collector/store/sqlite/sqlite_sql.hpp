// All SQL of the collector's SQLite store, in one place. Tables are named for
// their owner (usage_records keeps the name and columns the report engine
// reads); the schema version lives in PRAGMA user_version.
#pragma once

#include <string>

#include "collector/store/webhook_sql.hpp"

namespace codepulse::collector::sql_text {

inline constexpr int kSchemaVersion = 6;

// A 2xx to a tracker means the batch is on disk: every commit syncs the WAL.
inline constexpr const char* kPragmas =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA temp_store=MEMORY;"
    "PRAGMA cache_size=-65536;"
    "PRAGMA wal_autocheckpoint=0;"  // a Checkpointer thread does it (sqlite_store.cpp)
    "PRAGMA journal_size_limit=67108864;";
inline constexpr const char* kReaderPragmas = "PRAGMA query_only=ON;";

// Migration 1: tokens, batches (with their outcome, for idempotent replies),
// and usage records keyed by (author, uid).
inline constexpr const char* kMigration1 = R"sql(
CREATE TABLE collector_tokens (
  id          INTEGER PRIMARY KEY,
  token_hash  TEXT NOT NULL UNIQUE,
  author      TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('tracker', 'viewer', 'admin')),
  label       TEXT NOT NULL DEFAULT '',
  created_ms  INTEGER NOT NULL,
  revoked_ms  INTEGER
);

CREATE TABLE collector_batches (
  author          TEXT NOT NULL,
  batch_id        TEXT NOT NULL,
  device_id       TEXT NOT NULL,
  tracker_version TEXT NOT NULL,
  created_ms      INTEGER NOT NULL,
  received_ms     INTEGER NOT NULL,
  record_count    INTEGER NOT NULL,
  records_new     INTEGER NOT NULL,
  duplicates      INTEGER NOT NULL,
  replaced        INTEGER NOT NULL,
  stale           INTEGER NOT NULL,
  rejected        INTEGER NOT NULL,
  PRIMARY KEY (author, batch_id)
) WITHOUT ROWID;

CREATE TABLE collector_batch_rejections (
  author    TEXT NOT NULL,
  batch_id  TEXT NOT NULL,
  idx       INTEGER NOT NULL,
  uid       TEXT NOT NULL,
  reason    TEXT NOT NULL,
  PRIMARY KEY (author, batch_id, idx)
) WITHOUT ROWID;

CREATE TABLE usage_records (
  id              INTEGER PRIMARY KEY,
  author          TEXT NOT NULL,
  uid             TEXT NOT NULL,
  revision        INTEGER NOT NULL,
  device_id       TEXT NOT NULL,
  message_id      TEXT NOT NULL,
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
  repo            TEXT NOT NULL,
  branch          TEXT NOT NULL,
  task_keys       TEXT NOT NULL,
  turn_id         TEXT NOT NULL,
  tools           TEXT NOT NULL,
  received_ms     INTEGER NOT NULL,
  UNIQUE (author, uid)
);
CREATE INDEX usage_records_ts ON usage_records(ts_ms);

PRAGMA user_version = 1;
)sql";

// Migration 2: no index on the uid any more. An index on a random key
// dirtied pages all over it at every commit, so ingest slowed as the store
// grew. Records are found through uid_key, a 64-bit hash of the uid (the
// function codepulse_uid_key), kept in memory (common/hash_row_index.hpp) and rebuilt from
// this column at open. (author, uid) stays unique: the single writer looks it
// up before inserting.
inline constexpr const char* kMigration2 = R"sql(
CREATE TABLE usage_records_v2 (
  id              INTEGER PRIMARY KEY,
  author          TEXT NOT NULL,
  uid             TEXT NOT NULL,
  uid_key         INTEGER NOT NULL,
  revision        INTEGER NOT NULL,
  device_id       TEXT NOT NULL,
  message_id      TEXT NOT NULL,
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
  repo            TEXT NOT NULL,
  branch          TEXT NOT NULL,
  task_keys       TEXT NOT NULL,
  turn_id         TEXT NOT NULL,
  tools           TEXT NOT NULL,
  received_ms     INTEGER NOT NULL
);
INSERT INTO usage_records_v2 (id, author, uid, uid_key, revision, device_id, message_id,
  request_id, ts_ms, session_id, sidechain, agent_id, model, input, output, cache_create_5m,
  cache_create_1h, cache_read, web_search, fast, cost_nanos, long_context, price_version,
  cc_version, repo, branch, task_keys, turn_id, tools, received_ms)
SELECT id, author, uid, codepulse_uid_key(uid), revision, device_id, message_id, request_id,
  ts_ms, session_id, sidechain, agent_id, model, input, output, cache_create_5m,
  cache_create_1h, cache_read, web_search, fast, cost_nanos, long_context, price_version,
  cc_version, repo, branch, task_keys, turn_id, tools, received_ms FROM usage_records;
DROP TABLE usage_records;
ALTER TABLE usage_records_v2 RENAME TO usage_records;
CREATE INDEX usage_records_ts ON usage_records(ts_ms);
PRAGMA user_version = 2;
)sql";

// Migration 3: the epic of each task (Jira's parent), for reports by epic.
// The integrations fill it; until then every task is "(no epic)".
inline constexpr const char* kMigration3 = R"sql(
CREATE TABLE task_epics (
  task_key   TEXT PRIMARY KEY,
  epic_key   TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
) WITHOUT ROWID;
PRAGMA user_version = 3;
)sql";

// Migration 4: what Jira says of a task besides its epic (webhooks).
inline constexpr const char* kMigration4 = R"sql(
ALTER TABLE task_epics ADD COLUMN issue_type TEXT NOT NULL DEFAULT '';
ALTER TABLE task_epics ADD COLUMN status TEXT NOT NULL DEFAULT '';
ALTER TABLE task_epics ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
PRAGMA user_version = 4;
)sql";

// Migration 5: what the GitHub and Bitbucket webhooks say (webhook_event.hpp).
// A delivery id is claimed in the transaction that applies its event, so a
// redelivery changes nothing and a failed one can be delivered again.
// pull_requests keeps one row per pull request, merged from its events in any
// order (webhook_sql.hpp, kMergePullRequest); reviews and pushed commits are kept as sent,
// once each. Nothing else of a payload is kept.
inline constexpr const char* kMigration5 = R"sql(
CREATE TABLE webhook_deliveries (
  source       TEXT NOT NULL,
  delivery_id  TEXT NOT NULL,
  event        TEXT NOT NULL,
  received_ms  INTEGER NOT NULL,
  PRIMARY KEY (source, delivery_id)
) WITHOUT ROWID;

CREATE TABLE pull_requests (
  repo         TEXT NOT NULL,
  number       INTEGER NOT NULL,
  author       TEXT NOT NULL,
  head_branch  TEXT NOT NULL,
  base_branch  TEXT NOT NULL,
  task_keys    TEXT NOT NULL,
  head_sha     TEXT NOT NULL,
  merge_sha    TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('open', 'merged', 'closed')),
  event_ms     INTEGER NOT NULL,
  opened_ms    INTEGER NOT NULL,
  ready_ms     INTEGER NOT NULL,
  merged_ms    INTEGER NOT NULL,
  closed_ms    INTEGER NOT NULL,
  PRIMARY KEY (repo, number)
) WITHOUT ROWID;

CREATE TABLE pr_reviews (
  repo      TEXT NOT NULL,
  number    INTEGER NOT NULL,
  reviewer  TEXT NOT NULL,
  time_ms   INTEGER NOT NULL,
  state     TEXT NOT NULL,
  PRIMARY KEY (repo, number, reviewer, time_ms)
) WITHOUT ROWID;

CREATE TABLE pushed_commits (
  repo          TEXT NOT NULL,
  branch        TEXT NOT NULL,
  sha           TEXT NOT NULL,
  time_ms       INTEGER NOT NULL,
  author_email  TEXT NOT NULL,
  pusher        TEXT NOT NULL,
  PRIMARY KEY (repo, branch, sha)
) WITHOUT ROWID;
PRAGMA user_version = 5;
)sql";

// Migration 6: the git commits trackers ship (proto/README.md, "Commits").
// A commit is keyed by (repo, sha) whoever sent it: the first sender's copy
// is kept, with who sent it (sent_by, the token's author), from which device
// and when. Its files and the lines it reworked keep the order they were
// sent in (idx). A batch's commit counts and commit rejections are kept with
// its outcome, so a resent batch gets the same reply.
inline constexpr const char* kMigration6 = R"sql(
ALTER TABLE collector_batches ADD COLUMN commit_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE collector_batches ADD COLUMN commits_new INTEGER NOT NULL DEFAULT 0;
ALTER TABLE collector_batches ADD COLUMN commits_duplicate INTEGER NOT NULL DEFAULT 0;
ALTER TABLE collector_batches ADD COLUMN commits_rejected INTEGER NOT NULL DEFAULT 0;

CREATE TABLE collector_commit_rejections (
  author    TEXT NOT NULL,
  batch_id  TEXT NOT NULL,
  idx       INTEGER NOT NULL,
  sha       TEXT NOT NULL,
  reason    TEXT NOT NULL,
  PRIMARY KEY (author, batch_id, idx)
) WITHOUT ROWID;

CREATE TABLE commits (
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
  lines_added     INTEGER NOT NULL,
  lines_removed   INTEGER NOT NULL,
  sent_by         TEXT NOT NULL,
  device_id       TEXT NOT NULL,
  received_ms     INTEGER NOT NULL,
  PRIMARY KEY (repo, sha)
) WITHOUT ROWID;
CREATE INDEX commits_committer_ms ON commits(committer_ms);

CREATE TABLE commit_files (
  repo      TEXT NOT NULL,
  sha       TEXT NOT NULL,
  idx       INTEGER NOT NULL,
  path      TEXT NOT NULL,
  added     INTEGER NOT NULL,
  removed   INTEGER NOT NULL,
  is_binary INTEGER NOT NULL,
  PRIMARY KEY (repo, sha, idx),
  FOREIGN KEY (repo, sha) REFERENCES commits (repo, sha)
) WITHOUT ROWID;

CREATE TABLE commit_reworks (
  repo         TEXT NOT NULL,
  sha          TEXT NOT NULL,
  idx          INTEGER NOT NULL,
  original_sha TEXT NOT NULL,
  path         TEXT NOT NULL,
  lines        INTEGER NOT NULL,
  PRIMARY KEY (repo, sha, idx),
  FOREIGN KEY (repo, sha) REFERENCES commits (repo, sha)
) WITHOUT ROWID;
CREATE INDEX commit_reworks_original ON commit_reworks(repo, original_sha);

PRAGMA user_version = 6;
)sql";

// Tokens.
inline constexpr const char* kInsertToken =
    "INSERT INTO collector_tokens (token_hash, author, role, label, created_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
inline constexpr const char* kSelectTokenByHash =
    "SELECT id, author, role, created_ms, revoked_ms, label FROM collector_tokens"
    " WHERE token_hash = ?1";
inline constexpr const char* kSelectTokens =
    "SELECT id, author, role, created_ms, revoked_ms, label FROM collector_tokens ORDER BY id";
inline constexpr const char* kRevokeToken =
    "UPDATE collector_tokens SET revoked_ms = coalesce(revoked_ms, ?2) WHERE id = ?1";

// Batches: the outcome of a batch is kept so a resent batch gets the same reply.
inline constexpr const char* kSelectBatch =
    "SELECT records_new, duplicates, replaced, stale, rejected, commits_new, commits_duplicate,"
    " commits_rejected FROM collector_batches WHERE author = ?1 AND batch_id = ?2";
inline constexpr const char* kSelectBatchRejections =
    "SELECT idx, uid, reason FROM collector_batch_rejections WHERE author = ?1 AND batch_id = ?2"
    " ORDER BY idx";
inline constexpr const char* kInsertBatch =
    "INSERT INTO collector_batches (author, batch_id, device_id, tracker_version, created_ms,"
    " received_ms, record_count, records_new, duplicates, replaced, stale, rejected,"
    " commit_count, commits_new, commits_duplicate, commits_rejected)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
// Per device, for the health view: SQLite takes the bare tracker_version
// from the row where max(received_ms) is found.
inline constexpr const char* kSelectDeviceActivity =
    "SELECT author, device_id, tracker_version, max(received_ms), min(received_ms), count(*),"
    " sum(record_count), sum(records_new), sum(rejected), sum(rejected > 0)"
    " FROM collector_batches GROUP BY author, device_id ORDER BY 4 DESC LIMIT ?1";
inline constexpr const char* kInsertBatchRejection =
    "INSERT INTO collector_batch_rejections (author, batch_id, idx, uid, reason)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
inline constexpr const char* kSelectCommitRejections =
    "SELECT idx, sha, reason FROM collector_commit_rejections WHERE author = ?1 AND batch_id = ?2"
    " ORDER BY idx";
inline constexpr const char* kInsertCommitRejection =
    "INSERT INTO collector_commit_rejections (author, batch_id, idx, sha, reason)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";

// Commits: the first copy of (repo, sha) wins; a later one changes nothing
// (no row changed = a duplicate). Files and reworks go in with a new commit.
inline constexpr const char* kInsertCommit =
    "INSERT INTO commits (repo, sha, parents, author_email, committer_email, author_ms,"
    " committer_ms, branch, task_keys, ai_coauthor, lines_added, lines_removed, sent_by,"
    " device_id, received_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
    " ON CONFLICT (repo, sha) DO NOTHING";
inline constexpr const char* kInsertCommitFile =
    "INSERT INTO commit_files (repo, sha, idx, path, added, removed, is_binary)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
inline constexpr const char* kInsertCommitRework =
    "INSERT INTO commit_reworks (repo, sha, idx, original_sha, path, lines)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

// load_commits: the commits of [?1, ?2) by committer time, their files and
// reworked lines, and the rework of them by any commit (commit_rows.hpp
// lists each read's columns).
inline constexpr const char* kSelectCommits =
    "SELECT repo, sha, parents, author_email, committer_email, author_ms, committer_ms, branch,"
    " task_keys, ai_coauthor FROM commits WHERE committer_ms >= ?1 AND committer_ms < ?2"
    " ORDER BY committer_ms, sha, repo";
inline constexpr const char* kSelectCommitFiles =
    "SELECT f.repo, f.sha, f.path, f.added, f.removed, f.is_binary"
    " FROM commits c JOIN commit_files f ON f.repo = c.repo AND f.sha = c.sha"
    " WHERE c.committer_ms >= ?1 AND c.committer_ms < ?2 ORDER BY f.repo, f.sha, f.idx";
inline constexpr const char* kSelectCommitReworked =
    "SELECT w.repo, w.sha, w.original_sha, w.path, w.lines"
    " FROM commits c JOIN commit_reworks w ON w.repo = c.repo AND w.sha = c.sha"
    " WHERE c.committer_ms >= ?1 AND c.committer_ms < ?2 ORDER BY w.repo, w.sha, w.idx";
inline constexpr const char* kSelectReworkOfCommits =
    "SELECT w.repo, w.original_sha, w.path, w.sha, r.committer_ms, w.lines"
    " FROM commits o"
    " JOIN commit_reworks w ON w.repo = o.repo AND w.original_sha = o.sha"
    " JOIN commits r ON r.repo = w.repo AND r.sha = w.sha"
    " WHERE o.committer_ms >= ?1 AND o.committer_ms < ?2"
    " ORDER BY o.committer_ms, o.sha, r.committer_ms, w.sha, w.idx";

// Records. kInsertRecord and kReplaceRecord share their parameter numbers;
// ?29 is codepulse_uid_key(uid), ?30 the row to replace.
inline constexpr const char* kSelectIdentity =
    "SELECT author, uid, revision FROM usage_records WHERE id = ?1";
inline constexpr const char* kSelectUidKeys = "SELECT uid_key, id FROM usage_records";
inline constexpr const char* kInsertRecord =
    "INSERT INTO usage_records (author, uid, revision, device_id, message_id, request_id, ts_ms,"
    " session_id, sidechain, agent_id, model, input, output, cache_create_5m, cache_create_1h,"
    " cache_read, web_search, fast, cost_nanos, long_context, price_version, cc_version, repo,"
    " branch, task_keys, turn_id, tools, received_ms, uid_key)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
    " ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)";
inline constexpr const char* kReplaceRecord =
    "UPDATE usage_records SET revision=?3, device_id=?4, message_id=?5, request_id=?6, ts_ms=?7,"
    " session_id=?8, sidechain=?9, agent_id=?10, model=?11, input=?12, output=?13,"
    " cache_create_5m=?14, cache_create_1h=?15, cache_read=?16, web_search=?17, fast=?18,"
    " cost_nanos=?19, long_context=?20, price_version=?21, cc_version=?22, repo=?23, branch=?24,"
    " task_keys=?25, turn_id=?26, tools=?27, received_ms=?28, uid_key=?29 WHERE id = ?30";
inline constexpr const char* kCountRecords = "SELECT count(*) FROM usage_records";
inline constexpr const char* kUpsertTask =
    "INSERT INTO task_epics (task_key, epic_key, updated_ms, issue_type, status, deleted)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    " ON CONFLICT (task_key) DO UPDATE SET epic_key = excluded.epic_key,"
    " updated_ms = excluded.updated_ms, issue_type = excluded.issue_type,"
    " status = excluded.status, deleted = excluded.deleted"
    " WHERE excluded.updated_ms > task_epics.updated_ms";

// Webhooks (the merge of pull request events and the reads are in
// webhook_sql.hpp, shared with PostgreSQL).
inline constexpr const char* kClaimDelivery =
    "INSERT INTO webhook_deliveries (source, delivery_id, event, received_ms)"
    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (source, delivery_id) DO NOTHING";
inline constexpr const char* kInsertPushedCommit =
    "INSERT INTO pushed_commits (repo, branch, sha, time_ms, author_email, pusher)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (repo, branch, sha) DO NOTHING";
inline constexpr const char* kInsertReview =
    "INSERT INTO pr_reviews (repo, number, reviewer, time_ms, state) VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (repo, number, reviewer, time_ms) DO NOTHING";
inline const std::string kUpsertPullRequest =
    std::string(webhook_sql::kInsertPullRequest) +
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)" +
    webhook_sql::kMergePullRequest;

}  // namespace codepulse::collector::sql_text

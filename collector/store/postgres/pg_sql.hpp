// All SQL of the collector's PostgreSQL store. Tables and columns are those of
// the SQLite store (sqlite_sql.hpp) and schema versions count the same way, so
// the report engine reads both alike. Two additions serve several collectors
// on one database:
// - usage_records.txid: the transaction that wrote the row's version. A
//   collector's live report cube asks for the rows visible now and not in the
//   snapshot it saw last (pg_visible_in_snapshot): every commit of every
//   collector, none missed, none twice, whatever the commit order.
// - usage_retractions: the version a replacement took out, with the
//   transaction that wrote it, so each cube removes exactly what it had.
#pragma once

#include <string>

#include "collector/store/webhook_sql.hpp"

namespace codepulse::collector::pg_sql {

inline constexpr int kSchemaVersion = 6;

// Two collectors starting at once: one migrates, the other waits.
inline constexpr const char* kLockSchema =
    "SELECT pg_advisory_xact_lock(7283612023417782101)";  // any fixed number
inline constexpr const char* kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS codepulse_schema (version integer NOT NULL)";
inline constexpr const char* kSelectVersion =
    "SELECT coalesce(max(version), 0) FROM codepulse_schema";

// Versions 1 to 3 of the SQLite store in one step (PostgreSQL starts at 3).
inline constexpr const char* kMigrationTo3 = R"sql(
CREATE TABLE collector_tokens (
  id          bigserial PRIMARY KEY,
  token_hash  text NOT NULL UNIQUE,
  author      text NOT NULL,
  role        text NOT NULL CHECK (role IN ('tracker', 'viewer', 'admin')),
  label       text NOT NULL DEFAULT '',
  created_ms  bigint NOT NULL,
  revoked_ms  bigint
);

CREATE TABLE collector_batches (
  author          text NOT NULL,
  batch_id        text NOT NULL,
  device_id       text NOT NULL,
  tracker_version text NOT NULL,
  created_ms      bigint NOT NULL,
  received_ms     bigint NOT NULL,
  record_count    bigint NOT NULL,
  records_new     bigint NOT NULL,
  duplicates      bigint NOT NULL,
  replaced        bigint NOT NULL,
  stale           bigint NOT NULL,
  rejected        bigint NOT NULL,
  PRIMARY KEY (author, batch_id)
);

CREATE TABLE collector_batch_rejections (
  author    text NOT NULL,
  batch_id  text NOT NULL,
  idx       bigint NOT NULL,
  uid       text NOT NULL,
  reason    text NOT NULL,
  PRIMARY KEY (author, batch_id, idx)
);

CREATE TABLE usage_records (
  id              bigserial PRIMARY KEY,
  author          text NOT NULL,
  uid             text NOT NULL,
  revision        bigint NOT NULL,
  device_id       text NOT NULL,
  message_id      text NOT NULL,
  request_id      text NOT NULL,
  ts_ms           bigint NOT NULL,
  session_id      text NOT NULL,
  sidechain       integer NOT NULL,
  agent_id        text NOT NULL,
  model           text NOT NULL,
  input           bigint NOT NULL,
  output          bigint NOT NULL,
  cache_create_5m bigint NOT NULL,
  cache_create_1h bigint NOT NULL,
  cache_read      bigint NOT NULL,
  web_search      bigint NOT NULL,
  fast            integer NOT NULL,
  cost_nanos      bigint,
  long_context    integer NOT NULL,
  price_version   text NOT NULL,
  cc_version      text NOT NULL,
  repo            text NOT NULL,
  branch          text NOT NULL,
  task_keys       text NOT NULL,
  turn_id         text NOT NULL,
  tools           text NOT NULL,
  received_ms     bigint NOT NULL,
  txid            xid8 NOT NULL DEFAULT pg_current_xact_id(),
  UNIQUE (author, uid)
);
CREATE INDEX usage_records_ts ON usage_records (ts_ms);
CREATE INDEX usage_records_txid ON usage_records (txid);

CREATE TABLE usage_retractions (
  id              bigserial PRIMARY KEY,
  txid            xid8 NOT NULL DEFAULT pg_current_xact_id(),
  retracted_txid  xid8 NOT NULL,
  created_ms      bigint NOT NULL,
  record_id       bigint NOT NULL,
  author          text NOT NULL,
  session_id      text NOT NULL,
  model           text NOT NULL,
  fast            integer NOT NULL,
  repo            text NOT NULL,
  branch          text NOT NULL,
  task_keys       text NOT NULL,
  turn_id         text NOT NULL,
  ts_ms           bigint NOT NULL,
  input           bigint NOT NULL,
  output          bigint NOT NULL,
  cache_create_5m bigint NOT NULL,
  cache_create_1h bigint NOT NULL,
  cache_read      bigint NOT NULL,
  cost_nanos      bigint,
  tools           text NOT NULL
);
CREATE INDEX usage_retractions_txid ON usage_retractions (txid);

CREATE TABLE task_epics (
  task_key   text PRIMARY KEY,
  epic_key   text NOT NULL,
  updated_ms bigint NOT NULL
);

INSERT INTO codepulse_schema (version) VALUES (3);
)sql";

// Version 4: what Jira says of a task besides its epic (webhooks).
inline constexpr const char* kMigrationTo4 = R"sql(
ALTER TABLE task_epics ADD COLUMN issue_type text NOT NULL DEFAULT '';
ALTER TABLE task_epics ADD COLUMN status text NOT NULL DEFAULT '';
ALTER TABLE task_epics ADD COLUMN deleted integer NOT NULL DEFAULT 0;
INSERT INTO codepulse_schema (version) VALUES (4);
)sql";

// Version 5: what the GitHub and Bitbucket webhooks say (sqlite_sql.hpp,
// migration 5, says why each table is as it is).
inline constexpr const char* kMigrationTo5 = R"sql(
CREATE TABLE webhook_deliveries (
  source       text NOT NULL,
  delivery_id  text NOT NULL,
  event        text NOT NULL,
  received_ms  bigint NOT NULL,
  PRIMARY KEY (source, delivery_id)
);

CREATE TABLE pull_requests (
  repo         text NOT NULL,
  number       bigint NOT NULL,
  author       text NOT NULL,
  head_branch  text NOT NULL,
  base_branch  text NOT NULL,
  task_keys    text NOT NULL,
  head_sha     text NOT NULL,
  merge_sha    text NOT NULL,
  state        text NOT NULL CHECK (state IN ('open', 'merged', 'closed')),
  event_ms     bigint NOT NULL,
  opened_ms    bigint NOT NULL,
  ready_ms     bigint NOT NULL,
  merged_ms    bigint NOT NULL,
  closed_ms    bigint NOT NULL,
  PRIMARY KEY (repo, number)
);

CREATE TABLE pr_reviews (
  repo      text NOT NULL,
  number    bigint NOT NULL,
  reviewer  text NOT NULL,
  time_ms   bigint NOT NULL,
  state     text NOT NULL,
  PRIMARY KEY (repo, number, reviewer, time_ms)
);

CREATE TABLE pushed_commits (
  repo          text NOT NULL,
  branch        text NOT NULL,
  sha           text NOT NULL,
  time_ms       bigint NOT NULL,
  author_email  text NOT NULL,
  pusher        text NOT NULL,
  PRIMARY KEY (repo, branch, sha)
);
INSERT INTO codepulse_schema (version) VALUES (5);
)sql";

// Version 6: the git commits trackers ship, as in the SQLite store
// (sqlite_sql.hpp, kMigration6).
inline constexpr const char* kMigrationTo6 = R"sql(
ALTER TABLE collector_batches
  ADD COLUMN commit_count bigint NOT NULL DEFAULT 0,
  ADD COLUMN commits_new bigint NOT NULL DEFAULT 0,
  ADD COLUMN commits_duplicate bigint NOT NULL DEFAULT 0,
  ADD COLUMN commits_rejected bigint NOT NULL DEFAULT 0;

CREATE TABLE collector_commit_rejections (
  author    text NOT NULL,
  batch_id  text NOT NULL,
  idx       bigint NOT NULL,
  sha       text NOT NULL,
  reason    text NOT NULL,
  PRIMARY KEY (author, batch_id, idx)
);

CREATE TABLE commits (
  repo            text NOT NULL,
  sha             text NOT NULL,
  parents         text NOT NULL,
  author_email    text NOT NULL,
  committer_email text NOT NULL,
  author_ms       bigint NOT NULL,
  committer_ms    bigint NOT NULL,
  branch          text NOT NULL,
  task_keys       text NOT NULL,
  ai_coauthor     integer NOT NULL,
  lines_added     bigint NOT NULL,
  lines_removed   bigint NOT NULL,
  sent_by         text NOT NULL,
  device_id       text NOT NULL,
  received_ms     bigint NOT NULL,
  PRIMARY KEY (repo, sha)
);
CREATE INDEX commits_committer_ms ON commits (committer_ms);

CREATE TABLE commit_files (
  repo      text NOT NULL,
  sha       text NOT NULL,
  idx       bigint NOT NULL,
  path      text NOT NULL,
  added     bigint NOT NULL,
  removed   bigint NOT NULL,
  is_binary integer NOT NULL,
  PRIMARY KEY (repo, sha, idx),
  FOREIGN KEY (repo, sha) REFERENCES commits (repo, sha)
);

CREATE TABLE commit_reworks (
  repo         text NOT NULL,
  sha          text NOT NULL,
  idx          bigint NOT NULL,
  original_sha text NOT NULL,
  path         text NOT NULL,
  lines        bigint NOT NULL,
  PRIMARY KEY (repo, sha, idx),
  FOREIGN KEY (repo, sha) REFERENCES commits (repo, sha)
);
CREATE INDEX commit_reworks_original ON commit_reworks (repo, original_sha);

INSERT INTO codepulse_schema (version) VALUES (6);
)sql";

// Tokens.
inline constexpr const char* kInsertToken =
    "INSERT INTO collector_tokens (token_hash, author, role, label, created_ms)"
    " VALUES ($1, $2, $3, $4, $5::bigint)";
inline constexpr const char* kSelectTokenByHash =
    "SELECT id, author, role, created_ms, revoked_ms, label FROM collector_tokens"
    " WHERE token_hash = $1";
inline constexpr const char* kSelectTokens =
    "SELECT id, author, role, created_ms, revoked_ms, label FROM collector_tokens ORDER BY id";
inline constexpr const char* kRevokeToken =
    "UPDATE collector_tokens SET revoked_ms = coalesce(revoked_ms, $2::bigint)"
    " WHERE id = $1::bigint";

// Batches. A batch is claimed first: of two collectors given the same batch
// at once, the second waits for the first's commit and then finds it.
inline constexpr const char* kClaimBatch =
    "INSERT INTO collector_batches (author, batch_id, device_id, tracker_version, created_ms,"
    " received_ms, record_count, records_new, duplicates, replaced, stale, rejected)"
    " VALUES ($1, $2, $3, $4, $5::bigint, $6::bigint, $7::bigint, 0, 0, 0, 0, 0)"
    " ON CONFLICT (author, batch_id) DO NOTHING RETURNING 1";
inline constexpr const char* kSaveBatchOutcome =
    "UPDATE collector_batches SET records_new = $3::bigint, duplicates = $4::bigint,"
    " replaced = $5::bigint, stale = $6::bigint, rejected = $7::bigint,"
    " commit_count = $8::bigint, commits_new = $9::bigint, commits_duplicate = $10::bigint,"
    " commits_rejected = $11::bigint WHERE author = $1 AND batch_id = $2";
inline constexpr const char* kSelectBatch =
    "SELECT records_new, duplicates, replaced, stale, rejected, commits_new, commits_duplicate,"
    " commits_rejected FROM collector_batches WHERE author = $1 AND batch_id = $2";
inline constexpr const char* kSelectBatchRejections =
    "SELECT idx, uid, reason FROM collector_batch_rejections WHERE author = $1 AND batch_id = $2"
    " ORDER BY idx";
inline constexpr const char* kSelectDeviceActivity =
    "SELECT author, device_id, (array_agg(tracker_version ORDER BY received_ms DESC))[1],"
    " max(received_ms), min(received_ms), count(*), sum(record_count), sum(records_new),"
    " sum(rejected), count(*) FILTER (WHERE rejected > 0)"
    " FROM collector_batches GROUP BY author, device_id ORDER BY 4 DESC LIMIT $1::bigint";
inline constexpr const char* kInsertBatchRejection =
    "INSERT INTO collector_batch_rejections (author, batch_id, idx, uid, reason)"
    " VALUES ($1, $2, $3::bigint, $4, $5)";
inline constexpr const char* kSelectCommitRejections =
    "SELECT idx, sha, reason FROM collector_commit_rejections WHERE author = $1 AND batch_id = $2"
    " ORDER BY idx";
inline constexpr const char* kInsertCommitRejection =
    "INSERT INTO collector_commit_rejections (author, batch_id, idx, sha, reason)"
    " VALUES ($1, $2, $3::bigint, $4, $5)";

// Commits, set-based ($1 sent_by, $2 device id, $3 received_ms, then one
// array per column). The first copy of (repo, sha) wins: a commit another
// transaction is inserting waits for it, then is skipped. Returns the
// commits inserted; files and reworked lines go in for those only.
inline constexpr const char* kInsertNewCommits = R"sql(
INSERT INTO commits (sent_by, device_id, received_ms, repo, sha, parents, author_email,
  committer_email, author_ms, committer_ms, branch, task_keys, ai_coauthor, lines_added,
  lines_removed)
SELECT $1::text, $2::text, $3::bigint, t.*
FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[],
  $10::bigint[], $11::text[], $12::text[], $13::integer[], $14::bigint[], $15::bigint[]) AS t
ON CONFLICT (repo, sha) DO NOTHING
RETURNING repo, sha
)sql";
inline constexpr const char* kInsertCommitFiles = R"sql(
INSERT INTO commit_files (repo, sha, idx, path, added, removed, is_binary)
SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[],
  $6::bigint[], $7::integer[])
)sql";
inline constexpr const char* kInsertCommitReworks = R"sql(
INSERT INTO commit_reworks (repo, sha, idx, original_sha, path, lines)
SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[])
)sql";

// load_commits, as in the SQLite store (commit_rows.hpp lists the columns).
inline constexpr const char* kSelectCommits =
    "SELECT repo, sha, parents, author_email, committer_email, author_ms, committer_ms, branch,"
    " task_keys, ai_coauthor FROM commits"
    " WHERE committer_ms >= $1::bigint AND committer_ms < $2::bigint"
    " ORDER BY committer_ms, sha, repo";
inline constexpr const char* kSelectCommitFiles =
    "SELECT f.repo, f.sha, f.path, f.added, f.removed, f.is_binary"
    " FROM commits c JOIN commit_files f ON f.repo = c.repo AND f.sha = c.sha"
    " WHERE c.committer_ms >= $1::bigint AND c.committer_ms < $2::bigint"
    " ORDER BY f.repo, f.sha, f.idx";
inline constexpr const char* kSelectCommitReworked =
    "SELECT w.repo, w.sha, w.original_sha, w.path, w.lines"
    " FROM commits c JOIN commit_reworks w ON w.repo = c.repo AND w.sha = c.sha"
    " WHERE c.committer_ms >= $1::bigint AND c.committer_ms < $2::bigint"
    " ORDER BY w.repo, w.sha, w.idx";
inline constexpr const char* kSelectReworkOfCommits =
    "SELECT w.repo, w.original_sha, w.path, w.sha, r.committer_ms, w.lines"
    " FROM commits o"
    " JOIN commit_reworks w ON w.repo = o.repo AND w.original_sha = o.sha"
    " JOIN commits r ON r.repo = w.repo AND r.sha = w.sha"
    " WHERE o.committer_ms >= $1::bigint AND o.committer_ms < $2::bigint"
    " ORDER BY o.committer_ms, o.sha, r.committer_ms, w.sha, w.idx";

// One record, in one statement: insert it, or keep the stored version, or
// replace a lower revision (keeping what it took out in usage_retractions).
// Returns (inserted id, existing id, stored revision); both ids NULL means a
// concurrent insert of the same record won the race: run it again.
inline constexpr const char* kUpsertRecord = R"sql(
WITH prev AS (
  SELECT id, revision, txid, author, session_id, model, fast, repo, branch, task_keys, turn_id,
         ts_ms, input, output, cache_create_5m, cache_create_1h, cache_read, cost_nanos, tools
  FROM usage_records WHERE author = $1 AND uid = $2 FOR UPDATE
), ins AS (
  INSERT INTO usage_records (author, uid, revision, device_id, message_id, request_id, ts_ms,
    session_id, sidechain, agent_id, model, input, output, cache_create_5m, cache_create_1h,
    cache_read, web_search, fast, cost_nanos, long_context, price_version, cc_version, repo,
    branch, task_keys, turn_id, tools, received_ms)
  SELECT $1::text, $2::text, $3::bigint, $4::text, $5::text, $6::text, $7::bigint, $8::text,
    $9::integer, $10::text, $11::text, $12::bigint, $13::bigint, $14::bigint, $15::bigint,
    $16::bigint, $17::bigint, $18::integer, $19::bigint, $20::integer, $21::text, $22::text,
    $23::text, $24::text, $25::text, $26::text, $27::text, $28::bigint
  WHERE NOT EXISTS (SELECT 1 FROM prev)
  ON CONFLICT (author, uid) DO NOTHING
  RETURNING id
), upd AS (
  UPDATE usage_records r SET revision = $3::bigint, device_id = $4::text, message_id = $5::text,
    request_id = $6::text, ts_ms = $7::bigint, session_id = $8::text, sidechain = $9::integer,
    agent_id = $10::text, model = $11::text, input = $12::bigint, output = $13::bigint,
    cache_create_5m = $14::bigint, cache_create_1h = $15::bigint, cache_read = $16::bigint,
    web_search = $17::bigint, fast = $18::integer, cost_nanos = $19::bigint,
    long_context = $20::integer, price_version = $21::text, cc_version = $22::text,
    repo = $23::text, branch = $24::text, task_keys = $25::text, turn_id = $26::text,
    tools = $27::text, received_ms = $28::bigint, txid = pg_current_xact_id()
  FROM prev WHERE r.id = prev.id AND prev.revision < $3::bigint
  RETURNING r.id
), retracted AS (
  INSERT INTO usage_retractions (retracted_txid, created_ms, record_id, author, session_id, model,
    fast, repo, branch, task_keys, turn_id, ts_ms, input, output, cache_create_5m,
    cache_create_1h, cache_read, cost_nanos, tools)
  SELECT txid, $28::bigint, id, author, session_id, model, fast, repo, branch, task_keys, turn_id,
    ts_ms, input, output, cache_create_5m, cache_create_1h, cache_read, cost_nanos, tools
  FROM prev WHERE prev.revision < $3::bigint
)
SELECT (SELECT id FROM ins), (SELECT id FROM prev), (SELECT revision FROM prev)
)sql";

// The fast path of a batch: every record not stored yet, in one statement
// ($1 author, $2 device id, $3 received_ms, then one array per column).
// Returns the uids inserted; the others exist and go through kUpsertRecord.
inline constexpr const char* kInsertNewRecords = R"sql(
INSERT INTO usage_records (author, device_id, received_ms, uid, revision, message_id, request_id,
  ts_ms, session_id, sidechain, agent_id, model, input, output, cache_create_5m, cache_create_1h,
  cache_read, web_search, fast, cost_nanos, long_context, price_version, cc_version, repo, branch,
  task_keys, turn_id, tools)
SELECT $1::text, $2::text, $3::bigint, t.*
FROM unnest($4::text[], $5::bigint[], $6::text[], $7::text[], $8::bigint[], $9::text[],
  $10::integer[], $11::text[], $12::text[], $13::bigint[], $14::bigint[], $15::bigint[],
  $16::bigint[], $17::bigint[], $18::bigint[], $19::integer[], $20::bigint[], $21::integer[],
  $22::text[], $23::text[], $24::text[], $25::text[], $26::text[], $27::text[], $28::text[]) AS t
ON CONFLICT (author, uid) DO NOTHING
RETURNING uid
)sql";

// The report engine's columns (report::kUsageFactColumns) of a retraction.
inline constexpr const char* kRetractionFactColumns =
    "record_id, author, session_id, model, fast, repo, branch, task_keys, turn_id, ts_ms, input,"
    " output, cache_create_5m + cache_create_1h, cache_read, cost_nanos, tools";

// Followers (usage_follower.cpp). $1 is the snapshot a follower saw last.
inline constexpr const char* kBeginSnapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
inline constexpr const char* kCurrentSnapshot = "SELECT pg_current_snapshot()::text";
inline constexpr const char* kNewVersionsWhere =
    " WHERE txid >= pg_snapshot_xmin($1::pg_snapshot)"
    " AND NOT pg_visible_in_snapshot(txid, $1::pg_snapshot)";
inline constexpr const char* kRetractedSinceWhere =
    " WHERE txid >= pg_snapshot_xmin($1::pg_snapshot)"
    " AND NOT pg_visible_in_snapshot(txid, $1::pg_snapshot)"
    " AND pg_visible_in_snapshot(retracted_txid, $1::pg_snapshot)";
// Retractions older than any follower can still need (a day).
inline constexpr const char* kPruneRetractions =
    "DELETE FROM usage_retractions WHERE created_ms < $1::bigint";

inline constexpr const char* kSelectEpics =
    "SELECT task_key, epic_key FROM task_epics WHERE epic_key <> ''";
inline constexpr const char* kUpsertTask =
    "INSERT INTO task_epics (task_key, epic_key, updated_ms, issue_type, status, deleted)"
    " VALUES ($1, $2, $3::bigint, $4, $5, $6::integer)"
    " ON CONFLICT (task_key) DO UPDATE SET epic_key = excluded.epic_key,"
    " updated_ms = excluded.updated_ms, issue_type = excluded.issue_type,"
    " status = excluded.status, deleted = excluded.deleted"
    " WHERE excluded.updated_ms > task_epics.updated_ms";
inline constexpr const char* kCountRecords = "SELECT count(*) FROM usage_records";
inline constexpr const char* kDatabaseSize = "SELECT pg_database_size(current_database())";

// Webhooks (the merge of pull request events and the reads are in
// webhook_sql.hpp, shared with SQLite). Of two collectors applying events of
// one pull request at once, the second waits for the first's row and merges
// into it; a delivery claimed by one is a duplicate for the other once the
// first commits.
inline constexpr const char* kClaimDelivery =
    "INSERT INTO webhook_deliveries (source, delivery_id, event, received_ms)"
    " VALUES ($1, $2, $3, $4::bigint) ON CONFLICT (source, delivery_id) DO NOTHING";
inline constexpr const char* kInsertPushedCommit =
    "INSERT INTO pushed_commits (repo, branch, sha, time_ms, author_email, pusher)"
    " VALUES ($1, $2, $3, $4::bigint, $5, $6) ON CONFLICT (repo, branch, sha) DO NOTHING";
inline constexpr const char* kInsertReview =
    "INSERT INTO pr_reviews (repo, number, reviewer, time_ms, state)"
    " VALUES ($1, $2::bigint, $3, $4::bigint, $5)"
    " ON CONFLICT (repo, number, reviewer, time_ms) DO NOTHING";
inline const std::string kUpsertPullRequest =
    std::string(webhook_sql::kInsertPullRequest) +
    "VALUES ($1, $2::bigint, $3, $4, $5, $6, $7, $8, $9, $10::bigint, $11::bigint, $12::bigint,"
    " $13::bigint, $14::bigint)" +
    webhook_sql::kMergePullRequest;

}  // namespace codepulse::collector::pg_sql

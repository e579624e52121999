// The collector's SQLite schema: the connection's pragmas and the migrations,
// one per schema version (kept in PRAGMA user_version). Tables are named for
// their owner; usage_records keeps the name and columns the report engine reads.
#pragma once

namespace codepulse::collector::sql_text {

inline constexpr int kSchemaVersion = 28;

// A 2xx to a tracker means the batch is on disk: every commit syncs the WAL.
inline constexpr const char* kPragmas =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA temp_store=MEMORY;"
    "PRAGMA cache_size=-65536;"
    "PRAGMA wal_autocheckpoint=0;"  // a Checkpointer thread does it (sqlite_checkpointer.hpp)
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

// Migration 7: pricing (docs/PRICING.md). Records carry what pricing needs
// besides tokens; the collector prices them itself, with the price book in
// force: the newest row of price_books (none: the book built in), and the
// organisation's rate overrides not removed. Every import and every change
// of an override keeps who made it and when.
inline constexpr const char* kMigration7 = R"sql(
ALTER TABLE usage_records ADD COLUMN web_fetch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_records ADD COLUMN inference_geo TEXT NOT NULL DEFAULT '';
ALTER TABLE usage_records ADD COLUMN iteration INTEGER NOT NULL DEFAULT 0;

CREATE TABLE price_books (
  id          INTEGER PRIMARY KEY,
  revision    TEXT NOT NULL,
  digest      TEXT NOT NULL,
  body        TEXT NOT NULL,
  imported_by TEXT NOT NULL,
  imported_ms INTEGER NOT NULL,
  note        TEXT NOT NULL
);

CREATE TABLE price_overrides (
  id          INTEGER PRIMARY KEY,
  body        TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  created_ms  INTEGER NOT NULL,
  removed_by  TEXT,
  removed_ms  INTEGER
);
PRAGMA user_version = 7;
)sql";

// Migration 8: the assistant a record comes from (every record before it is
// Claude Code's) and its reasoning tokens (a part of its output).
inline constexpr const char* kMigration8 = R"sql(
ALTER TABLE usage_records ADD COLUMN assistant TEXT NOT NULL DEFAULT 'claude-code';
ALTER TABLE usage_records ADD COLUMN reasoning INTEGER NOT NULL DEFAULT 0;
PRAGMA user_version = 8;
)sql";

// Migration 9: commits bound to their author (collector/store/commit_trust.hpp).
// source: who said the commit's author and author time ('tracker:<author>',
// or 'github' / 'bitbucket' once a signed push named them; the files, lines,
// rework and flags are always sent_by's). trust: 2 sent by its author's
// tracker, 1 by its committer's, 0 stored before this rule (replaced by the
// first copy its author or committer sends). A push keeps its source.
inline constexpr const char* kMigration9 = R"sql(
ALTER TABLE commits ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE commits ADD COLUMN trust INTEGER NOT NULL DEFAULT 0;
UPDATE commits SET source = 'tracker:' || sent_by;
ALTER TABLE pushed_commits ADD COLUMN source TEXT NOT NULL DEFAULT '';
UPDATE pushed_commits SET source = CASE WHEN repo LIKE 'bitbucket.org/%' THEN 'bitbucket'
  ELSE 'github' END;
CREATE INDEX pushed_commits_sha ON pushed_commits(repo, sha);
PRAGMA user_version = 9;
)sql";

// Migration 10: the store generation (store.hpp, StoreGeneration): one row,
// a random id made here and made anew when the database is restored from a
// backup.
inline constexpr const char* kMigration10 = R"sql(
CREATE TABLE store_generation (
  one         INTEGER PRIMARY KEY CHECK (one = 1),
  generation  TEXT NOT NULL,
  since_ms    INTEGER NOT NULL,
  backup_ms   INTEGER,
  backup_copy INTEGER NOT NULL DEFAULT 0
);
INSERT INTO store_generation (one, generation, since_ms) VALUES (1, lower(hex(randomblob(16))),
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
PRAGMA user_version = 10;
)sql";

// Migration 11: the tokens of each author's UTC day, for the limit per
// author and UTC day across batches (collector/store/author_day_limit.hpp):
// one row read per day of a batch instead of a sum over the day's records.
// Ingest keeps it (sqlite_ingest.cpp: one upsert per day of a batch; a
// trigger per record cost a quarter of the ingest rate).
inline constexpr const char* kMigration11 = R"sql(
CREATE TABLE author_day_tokens (
  author TEXT NOT NULL,
  day_ms INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  PRIMARY KEY (author, day_ms)
) WITHOUT ROWID;
INSERT INTO author_day_tokens (author, day_ms, tokens)
  SELECT author, ts_ms - ts_ms % 86400000,
         SUM(input + output + cache_create_5m + cache_create_1h + cache_read)
  FROM usage_records GROUP BY author, ts_ms - ts_ms % 86400000;
PRAGMA user_version = 11;
)sql";

// Migration 12: provider usage and cost, imported (collector/store/
// provider_rows.hpp, docs/PROVIDER_IMPORT.md): rows per (provider, source,
// UTC day, model, workspace, API key, line item), the days an import
// covered (a day is replaced whole), and where each source's polling
// resumes. (Schema 11 is main's usage_records_author_ts index.)
inline constexpr const char* kMigration12 = R"sql(
CREATE TABLE provider_usage (
  provider       TEXT NOT NULL,
  source         TEXT NOT NULL,
  day            TEXT NOT NULL,
  model          TEXT NOT NULL,
  workspace      TEXT NOT NULL,
  api_key        TEXT NOT NULL,
  line_item      TEXT NOT NULL,
  uncached_input INTEGER NOT NULL,
  cache_write_5m INTEGER NOT NULL,
  cache_write_1h INTEGER NOT NULL,
  cache_read     INTEGER NOT NULL,
  output         INTEGER NOT NULL,
  web_search     INTEGER NOT NULL,
  requests       INTEGER NOT NULL,
  cost_nanos     INTEGER,
  PRIMARY KEY (provider, source, day, model, workspace, api_key, line_item)
);
CREATE INDEX provider_usage_day ON provider_usage(day);

CREATE TABLE provider_days (
  provider    TEXT NOT NULL,
  source      TEXT NOT NULL,
  day         TEXT NOT NULL,
  imported_ms INTEGER NOT NULL,
  origin      TEXT NOT NULL,
  row_count   INTEGER NOT NULL,
  PRIMARY KEY (provider, source, day)
);

CREATE TABLE provider_cursors (
  provider   TEXT NOT NULL,
  source     TEXT NOT NULL,
  next_day   TEXT NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (provider, source)
);
PRAGMA user_version = 12;
)sql";

// Migration 13: seats, flat-fee subscriptions whose monthly price reports
// spread over their holders' usage as effective cost (collector/store/
// seat_rows.hpp, docs/METRICS.md). Days are "YYYY-MM-DD" (UTC); end_day ''
// while the seat is held.
inline constexpr const char* kMigration13 = R"sql(
CREATE TABLE seats (
  id            INTEGER PRIMARY KEY,
  plan          TEXT NOT NULL,
  assistant     TEXT NOT NULL,
  assignee      TEXT NOT NULL,
  monthly_nanos INTEGER NOT NULL CHECK (monthly_nanos >= 0),
  start_day     TEXT NOT NULL,
  end_day       TEXT NOT NULL,
  note          TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  created_ms    INTEGER NOT NULL
);
CREATE INDEX seats_assignee ON seats(assignee);
PRAGMA user_version = 13;
)sql";

// Migration 14: the alert outbox (collector/store/alert_rows.hpp, docs/
// ALERTS.md): one row per alert and receiver, keyed by the alert's dedupe
// key so that each crossing is enqueued once; its delivery state, attempts,
// the next attempt's time and the lease of the collector sending it.
inline constexpr const char* kMigration14 = R"sql(
CREATE TABLE alert_outbox (
  dedupe_key      TEXT NOT NULL,
  receiver        TEXT NOT NULL,
  source          TEXT NOT NULL,
  title           TEXT NOT NULL,
  body            TEXT NOT NULL,
  details         TEXT NOT NULL,
  created_ms      INTEGER NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  lease_owner     TEXT NOT NULL DEFAULT '',
  lease_until_ms  INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  last_status     INTEGER NOT NULL DEFAULT 0,
  finished_ms     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (dedupe_key, receiver)
);
CREATE INDEX alert_outbox_due ON alert_outbox(state, next_attempt_ms);
CREATE INDEX alert_outbox_created ON alert_outbox(created_ms);
PRAGMA user_version = 14;
)sql";

// Migration 15: the people directory (collector/store/people_rows.hpp,
// docs/PEOPLE.md): people, their aliases (lower-cased, each one person's),
// the team hierarchy, effective-dated memberships and levels, and the
// ordered level list. Days are "YYYY-MM-DD" (UTC), '' for open.
inline constexpr const char* kMigration15 = R"sql(
CREATE TABLE people (
  id           INTEGER PRIMARY KEY,
  display_name TEXT NOT NULL,
  email        TEXT NOT NULL UNIQUE,
  role         TEXT NOT NULL,
  start_day    TEXT NOT NULL,
  end_day      TEXT NOT NULL,
  active       INTEGER NOT NULL
);
CREATE TABLE people_aliases (
  alias     TEXT PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people(id)
);
CREATE TABLE people_teams (
  name   TEXT PRIMARY KEY,
  kind   TEXT NOT NULL CHECK (kind IN ('org', 'group', 'team')),
  parent TEXT NOT NULL
);
CREATE TABLE people_memberships (
  person_id INTEGER NOT NULL REFERENCES people(id),
  team      TEXT NOT NULL,
  from_day  TEXT NOT NULL,
  to_day    TEXT NOT NULL
);
CREATE TABLE people_levels (
  person_id INTEGER NOT NULL REFERENCES people(id),
  level     TEXT NOT NULL,
  from_day  TEXT NOT NULL,
  to_day    TEXT NOT NULL
);
CREATE TABLE people_level_order (
  position INTEGER PRIMARY KEY,
  name     TEXT NOT NULL UNIQUE
);
PRAGMA user_version = 15;
)sql";

// Migration 16: budgets (collector/store/budget_rows.hpp, docs/BUDGETS.md):
// an amount per month or ISO week for a scope (a dimension and its value),
// and admins' time-limited overrides of them. Days are "YYYY-MM-DD" (UTC);
// end_day '' while open. (15 is left to the people directory.)
inline constexpr const char* kMigration16 = R"sql(
CREATE TABLE budgets (
  id           INTEGER PRIMARY KEY,
  scope        TEXT NOT NULL,
  value        TEXT NOT NULL,
  period       TEXT NOT NULL CHECK (period IN ('month', 'week')),
  basis        TEXT NOT NULL CHECK (basis IN ('org', 'list', 'effective')),
  limit_nanos  INTEGER NOT NULL CHECK (limit_nanos > 0),
  warn_percent INTEGER NOT NULL,
  enforce      INTEGER NOT NULL,
  start_day    TEXT NOT NULL,
  end_day      TEXT NOT NULL,
  note         TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  created_ms   INTEGER NOT NULL
);
CREATE TABLE budget_overrides (
  id         INTEGER PRIMARY KEY,
  budget_id  INTEGER NOT NULL,
  until_ms   INTEGER NOT NULL,
  reason     TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX budget_overrides_budget ON budget_overrides(budget_id);
PRAGMA user_version = 16;
)sql";

// Migration 17: single sign-on (collector/store/sso_rows.hpp, docs/SSO.md):
// logins under way at the OpenID provider, taken once, and the dashboard
// sessions they open, shared by every collector of the store.
inline constexpr const char* kMigration17 = R"sql(
CREATE TABLE sso_logins (
  state_hash TEXT PRIMARY KEY,
  nonce      TEXT NOT NULL,
  verifier   TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX sso_logins_created ON sso_logins(created_ms);
CREATE TABLE sso_sessions (
  id_hash    TEXT PRIMARY KEY,
  email      TEXT NOT NULL,
  role       TEXT NOT NULL CHECK (role IN ('viewer', 'finance', 'admin')),
  csrf       TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX sso_sessions_expires ON sso_sessions(expires_ms);
PRAGMA user_version = 17;
)sql";

// Migration 18: SCIM provisioning and the audit log (docs/SCIM.md,
// docs/SECURITY.md "Audit log"): a token kind of its own ('scim'); each
// person's SCIM userName and externalId; each hierarchy node's stable id
// (a SCIM group's id, given by the store) and externalId; and the audit
// log, one row per event.
inline constexpr const char* kMigration18 = R"sql(
CREATE TABLE collector_tokens_18 (
  id          INTEGER PRIMARY KEY,
  token_hash  TEXT NOT NULL UNIQUE,
  author      TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('tracker', 'viewer', 'admin', 'scim')),
  label       TEXT NOT NULL DEFAULT '',
  created_ms  INTEGER NOT NULL,
  revoked_ms  INTEGER
);
INSERT INTO collector_tokens_18 (id, token_hash, author, role, label, created_ms, revoked_ms)
  SELECT id, token_hash, author, role, label, created_ms, revoked_ms FROM collector_tokens;
DROP TABLE collector_tokens;
ALTER TABLE collector_tokens_18 RENAME TO collector_tokens;
ALTER TABLE people ADD COLUMN user_name TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
ALTER TABLE people_teams ADD COLUMN id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people_teams ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
ALTER TABLE people_teams ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
UPDATE people_teams SET id = (SELECT count(*) FROM people_teams t WHERE t.name <= people_teams.name);
CREATE TABLE audit_log (
  id     INTEGER PRIMARY KEY,
  at_ms  INTEGER NOT NULL,
  actor  TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at_ms);
PRAGMA user_version = 18;
)sql";

// Migration 21: line provenance (docs/PROVENANCE.md). Per file, the added
// lines the tracker scored and of them the AI-written ones; per commit their
// sums (commits.lines_added stays git's count of every added line). Only
// counts: the lines and their fingerprints never leave the laptop.
inline constexpr const char* kMigration21 = R"sql(
ALTER TABLE commit_files ADD COLUMN lines_added INTEGER NOT NULL DEFAULT 0;
ALTER TABLE commit_files ADD COLUMN ai_lines_added INTEGER NOT NULL DEFAULT 0;
ALTER TABLE commits ADD COLUMN scored_lines_added INTEGER NOT NULL DEFAULT 0;
ALTER TABLE commits ADD COLUMN ai_lines_added INTEGER NOT NULL DEFAULT 0;
ALTER TABLE commits ADD COLUMN on_default_branch INTEGER NOT NULL DEFAULT 0;
PRAGMA user_version = 21;
)sql";

// Migration 22: deliveries (docs/DELIVERY.md): what a push's message said
// (merge, revert, hotfix: flags and a SHA only, never the message) and the
// commit before each pushed commit; deployments and incidents. Bugs and task
// classes: the task keys a pushed message names and the commit its `Fixes:`
// trailer names; what Jira says of a task's class (labels, components, story
// points, priority), its times and its "is caused by" links.
inline constexpr const char* kMigration22 = R"sql(
ALTER TABLE pushed_commits ADD COLUMN parent_sha TEXT NOT NULL DEFAULT '';
ALTER TABLE pushed_commits ADD COLUMN is_merge INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pushed_commits ADD COLUMN reverts_sha TEXT NOT NULL DEFAULT '';
ALTER TABLE pushed_commits ADD COLUMN hotfix INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pushed_commits ADD COLUMN pushed_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pushed_commits ADD COLUMN task_keys TEXT NOT NULL DEFAULT '';
ALTER TABLE pushed_commits ADD COLUMN fixes_sha TEXT NOT NULL DEFAULT '';
ALTER TABLE task_epics ADD COLUMN labels TEXT NOT NULL DEFAULT '';
ALTER TABLE task_epics ADD COLUMN components TEXT NOT NULL DEFAULT '';
ALTER TABLE task_epics ADD COLUMN story_points_milli INTEGER NOT NULL DEFAULT -1;
ALTER TABLE task_epics ADD COLUMN priority TEXT NOT NULL DEFAULT '';
ALTER TABLE task_epics ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE task_epics ADD COLUMN resolved_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE task_epics ADD COLUMN caused_by TEXT NOT NULL DEFAULT '';
ALTER TABLE task_epics ADD COLUMN causes TEXT NOT NULL DEFAULT '';
CREATE TABLE deployments (
  source       TEXT NOT NULL,
  id           TEXT NOT NULL,
  repo         TEXT NOT NULL,
  environment  TEXT NOT NULL,
  sha          TEXT NOT NULL,
  ref          TEXT NOT NULL,
  production   INTEGER NOT NULL,
  created_ms   INTEGER NOT NULL,
  state        TEXT NOT NULL,
  state_ms     INTEGER NOT NULL,
  success_ms   INTEGER NOT NULL,
  failure_ms   INTEGER NOT NULL,
  PRIMARY KEY (source, id)
) WITHOUT ROWID;
CREATE TABLE incidents (
  source       TEXT NOT NULL,
  id           TEXT NOT NULL,
  repo         TEXT NOT NULL,
  environment  TEXT NOT NULL,
  started_ms   INTEGER NOT NULL,
  resolved_ms  INTEGER NOT NULL,
  PRIMARY KEY (source, id)
) WITHOUT ROWID;
PRAGMA user_version = 22;
)sql";

// Migration 23: scopes of access (docs/ACCESS.md): each dashboard token's
// and single sign-on session's scope ("org", "team:NAME", "group:NAME",
// "org:NAME", "self:EMAIL"). Tokens made before keep the whole
// organisation; sessions opened before end (their holders sign in again and
// get the scope their groups map to).
inline constexpr const char* kMigration23 = R"sql(
ALTER TABLE collector_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'org';
DELETE FROM sso_sessions;
ALTER TABLE sso_sessions ADD COLUMN scope TEXT NOT NULL DEFAULT 'org';
PRAGMA user_version = 23;
)sql";

// Migration 24: survival and line-level rework (docs/PROVENANCE.md). Per file
// of a commit, its scored lines still in the file on the default branch 21
// and 90 days after it, and of them the assistants' (-1 until measured); per
// reworked-lines entry, the assistants' lines among them (-1 unknown); per
// file, its added blocks of 6+ lines and those repeating code (duplication). Only
// counts: the lines and their fingerprints never leave the laptop.
inline constexpr const char* kMigration24 = R"sql(
ALTER TABLE commit_files ADD COLUMN lines_alive_21d INTEGER NOT NULL DEFAULT -1;
ALTER TABLE commit_files ADD COLUMN ai_lines_alive_21d INTEGER NOT NULL DEFAULT -1;
ALTER TABLE commit_files ADD COLUMN lines_alive_90d INTEGER NOT NULL DEFAULT -1;
ALTER TABLE commit_files ADD COLUMN ai_lines_alive_90d INTEGER NOT NULL DEFAULT -1;
ALTER TABLE commit_reworks ADD COLUMN ai_lines INTEGER NOT NULL DEFAULT -1;
ALTER TABLE commit_files ADD COLUMN ai_blocks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE commit_files ADD COLUMN ai_blocks_repeated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE commit_files ADD COLUMN other_blocks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE commit_files ADD COLUMN other_blocks_repeated INTEGER NOT NULL DEFAULT 0;
PRAGMA user_version = 24;
)sql";

// Migration 25: pull requests' labels (docs/DELIVERY.md, "hotfix_labels"):
// the names GitHub's latest event said (newline-separated) and that event's
// time, so events merge in any order.
inline constexpr const char* kMigration25 = R"sql(
ALTER TABLE pull_requests ADD COLUMN labels TEXT NOT NULL DEFAULT '';
ALTER TABLE pull_requests ADD COLUMN labels_ms INTEGER NOT NULL DEFAULT 0;
PRAGMA user_version = 25;
)sql";

// Migration 26: a commit's fix blame (docs/DELIVERY.md, "Bugs"): rows of
// commit_reworks of kind 1 are the commits whose lines a commit naming a
// task key removed past the rework window; rework reads only kind 0.
inline constexpr const char* kMigration26 = R"sql(
ALTER TABLE commit_reworks ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
PRAGMA user_version = 26;
)sql";

// Migration 27: the uid lookup's disk tier (sqlite_uid_index.hpp). Records
// were found through an in-memory table of every uid_key, rebuilt at each
// open (12 bytes a record: 600 MB at 50 million). Now the rows up to
// `upto` are in uid_index, in key order, and only newer ones in memory. An
// existing store's keys move there at its first open (upto 0: all after it).
inline constexpr const char* kMigration27 = R"sql(
CREATE TABLE uid_index (
  uid_key INTEGER NOT NULL,
  id      INTEGER NOT NULL,
  PRIMARY KEY (uid_key, id)
) WITHOUT ROWID;
CREATE TABLE uid_index_state (upto INTEGER NOT NULL);
INSERT INTO uid_index_state (upto) VALUES (0);
PRAGMA user_version = 27;
)sql";

// Migration 28: each author's UTC day also counts its records and sums their
// revisions, kept by ingest with its tokens, so the analytics export compares
// its days with ClickHouse without reading every record (usage_export.hpp).
// The counts of the records stored before are made by the migration's code
// (sqlite_store.cpp: one read of every record, summed in memory by author and
// day, where a GROUP BY would sort them all: 7.9 GB at 100 million records).
inline constexpr const char* kMigration28 = R"sql(
ALTER TABLE author_day_tokens ADD COLUMN records INTEGER NOT NULL DEFAULT 0;
ALTER TABLE author_day_tokens ADD COLUMN revisions INTEGER NOT NULL DEFAULT 0;
PRAGMA user_version = 28;
)sql";
inline constexpr const char* kSelectRecordDays =
    "SELECT author, ts_ms - ts_ms % 86400000, revision FROM usage_records";
inline constexpr const char* kSetAuthorDayCounts =
    "INSERT INTO author_day_tokens (author, day_ms, tokens, records, revisions)"
    " VALUES (?1, ?2, 0, ?3, ?4) ON CONFLICT (author, day_ms) DO UPDATE SET"
    " records = excluded.records, revisions = excluded.revisions";

}  // namespace codepulse::collector::sql_text

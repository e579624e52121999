// The collector's PostgreSQL schema and its migrations. Tables and columns
// are those of the SQLite store (sqlite_schema.hpp) and schema versions count
// the same way, so the report engine reads both alike. Two additions serve several collectors
// on one database:
// - usage_records.txid: the transaction that wrote the row's version. A
//   collector's live report cube asks for the rows visible now and not in the
//   snapshot it saw last (pg_visible_in_snapshot): every commit of every
//   collector, none missed, none twice, whatever the commit order.
// - usage_retractions: the version a replacement took out, with the
//   transaction that wrote it, so each cube removes exactly what it had.
#pragma once

namespace codepulse::collector::pg_sql {

inline constexpr int kSchemaVersion = 28;

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

// Version 5: what the GitHub and Bitbucket webhooks say (sqlite_schema.hpp,
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
// (sqlite_schema.hpp, kMigration6).
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

// Version 7: pricing, as in the SQLite store (sqlite_schema.hpp, kMigration7).
inline constexpr const char* kMigrationTo7 = R"sql(
ALTER TABLE usage_records
  ADD COLUMN web_fetch bigint NOT NULL DEFAULT 0,
  ADD COLUMN inference_geo text NOT NULL DEFAULT '',
  ADD COLUMN iteration bigint NOT NULL DEFAULT 0;
ALTER TABLE usage_retractions
  ADD COLUMN web_search bigint NOT NULL DEFAULT 0,
  ADD COLUMN web_fetch bigint NOT NULL DEFAULT 0,
  ADD COLUMN inference_geo text NOT NULL DEFAULT '';

CREATE TABLE price_books (
  id          bigserial PRIMARY KEY,
  revision    text NOT NULL,
  digest      text NOT NULL,
  body        text NOT NULL,
  imported_by text NOT NULL,
  imported_ms bigint NOT NULL,
  note        text NOT NULL
);

CREATE TABLE price_overrides (
  id          bigserial PRIMARY KEY,
  body        text NOT NULL,
  created_by  text NOT NULL,
  created_ms  bigint NOT NULL,
  removed_by  text,
  removed_ms  bigint
);
INSERT INTO codepulse_schema (version) VALUES (7);
)sql";

// Version 8: the assistant of a record, as in the SQLite store
// (sqlite_schema.hpp, kMigration8); retractions keep it to fold it out.
inline constexpr const char* kMigrationTo8 = R"sql(
ALTER TABLE usage_records
  ADD COLUMN assistant text NOT NULL DEFAULT 'claude-code',
  ADD COLUMN reasoning bigint NOT NULL DEFAULT 0;
ALTER TABLE usage_retractions
  ADD COLUMN assistant text NOT NULL DEFAULT 'claude-code';
INSERT INTO codepulse_schema (version) VALUES (8);
)sql";

// Version 9: commits bound to their author, as in the SQLite store
// (sqlite_schema.hpp, kMigration9).
inline constexpr const char* kMigrationTo9 = R"sql(
ALTER TABLE commits
  ADD COLUMN source text NOT NULL DEFAULT '',
  ADD COLUMN trust integer NOT NULL DEFAULT 0;
UPDATE commits SET source = 'tracker:' || sent_by;
ALTER TABLE pushed_commits ADD COLUMN source text NOT NULL DEFAULT '';
UPDATE pushed_commits SET source = CASE WHEN repo LIKE 'bitbucket.org/%' THEN 'bitbucket'
  ELSE 'github' END;
CREATE INDEX pushed_commits_sha ON pushed_commits(repo, sha);
INSERT INTO codepulse_schema (version) VALUES (9);
)sql";

// Version 10: the store generation, as in the SQLite store
// (sqlite_schema.hpp, kMigration10).
inline constexpr const char* kMigrationTo10 = R"sql(
CREATE TABLE store_generation (
  one         smallint PRIMARY KEY CHECK (one = 1),
  generation  text NOT NULL,
  since_ms    bigint NOT NULL,
  backup_ms   bigint,
  backup_copy integer NOT NULL DEFAULT 0
);
INSERT INTO store_generation (one, generation, since_ms) VALUES (1,
  replace(gen_random_uuid()::text, '-', ''),
  (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
INSERT INTO codepulse_schema (version) VALUES (10);
)sql";

// Version 11: the tokens of each author's UTC day, as in the SQLite store
// (sqlite_schema.hpp, kMigration11), kept by statement triggers that add up
// each statement's inserted and replaced rows.
inline constexpr const char* kMigrationTo11 = R"sql(
CREATE TABLE author_day_tokens (
  author text NOT NULL,
  day_ms bigint NOT NULL,
  tokens bigint NOT NULL,
  PRIMARY KEY (author, day_ms)
);
INSERT INTO author_day_tokens (author, day_ms, tokens)
  SELECT author, ts_ms - ts_ms % 86400000,
         SUM(input + output + cache_create_5m + cache_create_1h + cache_read)
  FROM usage_records GROUP BY author, ts_ms - ts_ms % 86400000;
CREATE FUNCTION codepulse_author_days_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO author_day_tokens (author, day_ms, tokens)
  SELECT author, ts_ms - ts_ms % 86400000,
         SUM(input + output + cache_create_5m + cache_create_1h + cache_read)
  FROM new_rows GROUP BY 1, 2
  ON CONFLICT (author, day_ms) DO UPDATE SET tokens = author_day_tokens.tokens + excluded.tokens;
  RETURN NULL;
END $$;
CREATE FUNCTION codepulse_author_days_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO author_day_tokens (author, day_ms, tokens)
  SELECT author, day_ms, SUM(tokens) FROM (
    SELECT author, ts_ms - ts_ms % 86400000 AS day_ms,
           input + output + cache_create_5m + cache_create_1h + cache_read AS tokens
    FROM new_rows
    UNION ALL
    SELECT author, ts_ms - ts_ms % 86400000,
           -(input + output + cache_create_5m + cache_create_1h + cache_read)
    FROM old_rows) AS changed
  GROUP BY author, day_ms
  ON CONFLICT (author, day_ms) DO UPDATE SET tokens = author_day_tokens.tokens + excluded.tokens;
  RETURN NULL;
END $$;
CREATE TRIGGER usage_records_days_inserted AFTER INSERT ON usage_records
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION codepulse_author_days_inserted();
CREATE TRIGGER usage_records_days_updated AFTER UPDATE ON usage_records
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION codepulse_author_days_updated();
INSERT INTO codepulse_schema (version) VALUES (11);
)sql";

// Version 12: provider usage and cost, imported (SQLite's migration 12).
inline constexpr const char* kMigrationTo12 = R"sql(
CREATE TABLE provider_usage (
  provider       text NOT NULL,
  source         text NOT NULL,
  day            text NOT NULL,
  model          text NOT NULL,
  workspace      text NOT NULL,
  api_key        text NOT NULL,
  line_item      text NOT NULL,
  uncached_input bigint NOT NULL,
  cache_write_5m bigint NOT NULL,
  cache_write_1h bigint NOT NULL,
  cache_read     bigint NOT NULL,
  output         bigint NOT NULL,
  web_search     bigint NOT NULL,
  requests       bigint NOT NULL,
  cost_nanos     bigint,
  PRIMARY KEY (provider, source, day, model, workspace, api_key, line_item)
);
CREATE INDEX provider_usage_day ON provider_usage(day);

CREATE TABLE provider_days (
  provider    text NOT NULL,
  source      text NOT NULL,
  day         text NOT NULL,
  imported_ms bigint NOT NULL,
  origin      text NOT NULL,
  row_count   bigint NOT NULL,
  PRIMARY KEY (provider, source, day)
);

CREATE TABLE provider_cursors (
  provider   text NOT NULL,
  source     text NOT NULL,
  next_day   text NOT NULL,
  updated_ms bigint NOT NULL,
  PRIMARY KEY (provider, source)
);
INSERT INTO codepulse_schema (version) VALUES (12);
)sql";

// Version 13: seats (SQLite's migration 13).
inline constexpr const char* kMigrationTo13 = R"sql(
CREATE TABLE seats (
  id            bigint PRIMARY KEY,
  plan          text NOT NULL,
  assistant     text NOT NULL,
  assignee      text NOT NULL,
  monthly_nanos bigint NOT NULL CHECK (monthly_nanos >= 0),
  start_day     text NOT NULL,
  end_day       text NOT NULL,
  note          text NOT NULL,
  created_by    text NOT NULL,
  created_ms    bigint NOT NULL
);
CREATE INDEX seats_assignee ON seats(assignee);
INSERT INTO codepulse_schema (version) VALUES (13);
)sql";

// Version 14: the alert outbox (SQLite's migration 14).
inline constexpr const char* kMigrationTo14 = R"sql(
CREATE TABLE alert_outbox (
  dedupe_key      text NOT NULL,
  receiver        text NOT NULL,
  source          text NOT NULL,
  title           text NOT NULL,
  body            text NOT NULL,
  details         text NOT NULL,
  created_ms      bigint NOT NULL,
  state           text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        bigint NOT NULL DEFAULT 0,
  next_attempt_ms bigint NOT NULL,
  lease_owner     text NOT NULL DEFAULT '',
  lease_until_ms  bigint NOT NULL DEFAULT 0,
  last_error      text NOT NULL DEFAULT '',
  last_status     bigint NOT NULL DEFAULT 0,
  finished_ms     bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (dedupe_key, receiver)
);
CREATE INDEX alert_outbox_due ON alert_outbox(state, next_attempt_ms);
CREATE INDEX alert_outbox_created ON alert_outbox(created_ms);
INSERT INTO codepulse_schema (version) VALUES (14);
)sql";

// Version 15: the people directory (SQLite's migration 15).
inline constexpr const char* kMigrationTo15 = R"sql(
CREATE TABLE people (
  id           bigint PRIMARY KEY,
  display_name text NOT NULL,
  email        text NOT NULL UNIQUE,
  role         text NOT NULL,
  start_day    text NOT NULL,
  end_day      text NOT NULL,
  active       bigint NOT NULL
);
CREATE TABLE people_aliases (
  alias     text PRIMARY KEY,
  person_id bigint NOT NULL REFERENCES people(id)
);
CREATE TABLE people_teams (
  name   text PRIMARY KEY,
  kind   text NOT NULL CHECK (kind IN ('org', 'group', 'team')),
  parent text NOT NULL
);
CREATE TABLE people_memberships (
  person_id bigint NOT NULL REFERENCES people(id),
  team      text NOT NULL,
  from_day  text NOT NULL,
  to_day    text NOT NULL
);
CREATE TABLE people_levels (
  person_id bigint NOT NULL REFERENCES people(id),
  level     text NOT NULL,
  from_day  text NOT NULL,
  to_day    text NOT NULL
);
CREATE TABLE people_level_order (
  position bigint PRIMARY KEY,
  name     text NOT NULL UNIQUE
);
INSERT INTO codepulse_schema (version) VALUES (15);
)sql";

// Version 16: budgets and their overrides (SQLite's migration 16).
inline constexpr const char* kMigrationTo16 = R"sql(
CREATE TABLE budgets (
  id           bigint PRIMARY KEY,
  scope        text NOT NULL,
  value        text NOT NULL,
  period       text NOT NULL CHECK (period IN ('month', 'week')),
  basis        text NOT NULL CHECK (basis IN ('org', 'list', 'effective')),
  limit_nanos  bigint NOT NULL CHECK (limit_nanos > 0),
  warn_percent bigint NOT NULL,
  enforce      bigint NOT NULL,
  start_day    text NOT NULL,
  end_day      text NOT NULL,
  note         text NOT NULL,
  created_by   text NOT NULL,
  created_ms   bigint NOT NULL
);
CREATE TABLE budget_overrides (
  id         bigint PRIMARY KEY,
  budget_id  bigint NOT NULL,
  until_ms   bigint NOT NULL,
  reason     text NOT NULL,
  created_by text NOT NULL,
  created_ms bigint NOT NULL
);
CREATE INDEX budget_overrides_budget ON budget_overrides(budget_id);
INSERT INTO codepulse_schema (version) VALUES (16);
)sql";

// Version 17: single sign-on logins and sessions (SQLite's migration 17).
inline constexpr const char* kMigrationTo17 = R"sql(
CREATE TABLE sso_logins (
  state_hash text PRIMARY KEY,
  nonce      text NOT NULL,
  verifier   text NOT NULL,
  created_ms bigint NOT NULL
);
CREATE INDEX sso_logins_created ON sso_logins(created_ms);
CREATE TABLE sso_sessions (
  id_hash    text PRIMARY KEY,
  email      text NOT NULL,
  role       text NOT NULL CHECK (role IN ('viewer', 'finance', 'admin')),
  csrf       text NOT NULL,
  created_ms bigint NOT NULL,
  expires_ms bigint NOT NULL
);
CREATE INDEX sso_sessions_expires ON sso_sessions(expires_ms);
INSERT INTO codepulse_schema (version) VALUES (17);
)sql";

// Version 18: SCIM's token kind, user names, external ids and node ids, and
// the audit log (SQLite's migration 18).
inline constexpr const char* kMigrationTo18 = R"sql(
ALTER TABLE collector_tokens DROP CONSTRAINT IF EXISTS collector_tokens_role_check;
ALTER TABLE collector_tokens ADD CONSTRAINT collector_tokens_role_check
  CHECK (role IN ('tracker', 'viewer', 'admin', 'scim'));
ALTER TABLE people ADD COLUMN user_name text NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN external_id text NOT NULL DEFAULT '';
ALTER TABLE people_teams ADD COLUMN id bigint NOT NULL DEFAULT 0;
ALTER TABLE people_teams ADD COLUMN external_id text NOT NULL DEFAULT '';
ALTER TABLE people_teams ADD COLUMN retired integer NOT NULL DEFAULT 0;
UPDATE people_teams SET id = n.rank FROM
  (SELECT name, row_number() OVER (ORDER BY name) AS rank FROM people_teams) n
  WHERE people_teams.name = n.name;
CREATE TABLE audit_log (
  id     bigserial PRIMARY KEY,
  at_ms  bigint NOT NULL,
  actor  text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  detail text NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at_ms);
INSERT INTO codepulse_schema (version) VALUES (18);
)sql";

// Version 21: line provenance counts per file and commit (SQLite's migration 21).
inline constexpr const char* kMigrationTo21 = R"sql(
ALTER TABLE commit_files ADD COLUMN lines_added bigint NOT NULL DEFAULT 0;
ALTER TABLE commit_files ADD COLUMN ai_lines_added bigint NOT NULL DEFAULT 0;
ALTER TABLE commits ADD COLUMN scored_lines_added bigint NOT NULL DEFAULT 0;
ALTER TABLE commits ADD COLUMN ai_lines_added bigint NOT NULL DEFAULT 0;
ALTER TABLE commits ADD COLUMN on_default_branch integer NOT NULL DEFAULT 0;
INSERT INTO codepulse_schema (version) VALUES (21);
)sql";

// Version 22 (SQLite's migration 22): deliveries (docs/DELIVERY.md): what a push's message said
// (merge, revert, hotfix: flags and a SHA only, never the message) and the
// commit before each pushed commit; deployments and incidents. Bugs and task
// classes: the task keys a pushed message names and the commit its `Fixes:`
// trailer names; what Jira says of a task's class (labels, components, story
// points, priority), its times and its "is caused by" links.
inline constexpr const char* kMigrationTo22 = R"sql(
ALTER TABLE pushed_commits ADD COLUMN parent_sha text NOT NULL DEFAULT '';
ALTER TABLE pushed_commits ADD COLUMN is_merge bigint NOT NULL DEFAULT 0;
ALTER TABLE pushed_commits ADD COLUMN reverts_sha text NOT NULL DEFAULT '';
ALTER TABLE pushed_commits ADD COLUMN hotfix bigint NOT NULL DEFAULT 0;
ALTER TABLE pushed_commits ADD COLUMN pushed_ms bigint NOT NULL DEFAULT 0;
ALTER TABLE pushed_commits ADD COLUMN task_keys text NOT NULL DEFAULT '';
ALTER TABLE pushed_commits ADD COLUMN fixes_sha text NOT NULL DEFAULT '';
ALTER TABLE task_epics ADD COLUMN labels text NOT NULL DEFAULT '';
ALTER TABLE task_epics ADD COLUMN components text NOT NULL DEFAULT '';
ALTER TABLE task_epics ADD COLUMN story_points_milli bigint NOT NULL DEFAULT -1;
ALTER TABLE task_epics ADD COLUMN priority text NOT NULL DEFAULT '';
ALTER TABLE task_epics ADD COLUMN created_ms bigint NOT NULL DEFAULT 0;
ALTER TABLE task_epics ADD COLUMN resolved_ms bigint NOT NULL DEFAULT 0;
ALTER TABLE task_epics ADD COLUMN caused_by text NOT NULL DEFAULT '';
ALTER TABLE task_epics ADD COLUMN causes text NOT NULL DEFAULT '';
CREATE TABLE deployments (
  source       text NOT NULL,
  id           text NOT NULL,
  repo         text NOT NULL,
  environment  text NOT NULL,
  sha          text NOT NULL,
  ref          text NOT NULL,
  production   bigint NOT NULL,
  created_ms   bigint NOT NULL,
  state        text NOT NULL,
  state_ms     bigint NOT NULL,
  success_ms   bigint NOT NULL,
  failure_ms   bigint NOT NULL,
  PRIMARY KEY (source, id)
);
CREATE TABLE incidents (
  source       text NOT NULL,
  id           text NOT NULL,
  repo         text NOT NULL,
  environment  text NOT NULL,
  started_ms   bigint NOT NULL,
  resolved_ms  bigint NOT NULL,
  PRIMARY KEY (source, id)
);
INSERT INTO codepulse_schema (version) VALUES (22);
)sql";

// Version 23: scopes of access, as in the SQLite store (sqlite_schema.hpp,
// kMigration23).
inline constexpr const char* kMigrationTo23 = R"sql(
ALTER TABLE collector_tokens ADD COLUMN scope text NOT NULL DEFAULT 'org';
DELETE FROM sso_sessions;
ALTER TABLE sso_sessions ADD COLUMN scope text NOT NULL DEFAULT 'org';
INSERT INTO codepulse_schema (version) VALUES (23);
)sql";

// Version 24: survival and line-level rework (docs/PROVENANCE.md). Per file
// of a commit, its scored lines still in the file on the default branch 21
// and 90 days after it, and of them the assistants' (-1 until measured); per
// reworked-lines entry, the assistants' lines among them (-1 unknown); per
// file, its added blocks of 6+ lines and those repeating code (duplication). Only
// counts: the lines and their fingerprints never leave the laptop.
inline constexpr const char* kMigrationTo24 = R"sql(
ALTER TABLE commit_files ADD COLUMN lines_alive_21d bigint NOT NULL DEFAULT -1;
ALTER TABLE commit_files ADD COLUMN ai_lines_alive_21d bigint NOT NULL DEFAULT -1;
ALTER TABLE commit_files ADD COLUMN lines_alive_90d bigint NOT NULL DEFAULT -1;
ALTER TABLE commit_files ADD COLUMN ai_lines_alive_90d bigint NOT NULL DEFAULT -1;
ALTER TABLE commit_reworks ADD COLUMN ai_lines bigint NOT NULL DEFAULT -1;
ALTER TABLE commit_files ADD COLUMN ai_blocks bigint NOT NULL DEFAULT 0;
ALTER TABLE commit_files ADD COLUMN ai_blocks_repeated bigint NOT NULL DEFAULT 0;
ALTER TABLE commit_files ADD COLUMN other_blocks bigint NOT NULL DEFAULT 0;
ALTER TABLE commit_files ADD COLUMN other_blocks_repeated bigint NOT NULL DEFAULT 0;
INSERT INTO codepulse_schema (version) VALUES (24);
)sql";

// Version 25: pull requests' labels (sqlite_schema.hpp, kMigration25).
inline constexpr const char* kMigrationTo25 = R"sql(
ALTER TABLE pull_requests ADD COLUMN labels text NOT NULL DEFAULT '';
ALTER TABLE pull_requests ADD COLUMN labels_ms bigint NOT NULL DEFAULT 0;
INSERT INTO codepulse_schema (version) VALUES (25);
)sql";

// Migration 26: a commit's fix blame, as in the SQLite store.
inline constexpr const char* kMigrationTo26 = R"sql(
ALTER TABLE commit_reworks ADD COLUMN kind bigint NOT NULL DEFAULT 0;
INSERT INTO codepulse_schema (version) VALUES (26);
)sql";

// Version 27: nothing here. SQLite's 27 keeps its records' uid lookup on disk
// (sqlite_uid_index.hpp); PostgreSQL's is the unique index on (author, uid).
// Numbered so both stores' versions stay the same from here on.
inline constexpr const char* kMigrationTo27 = R"sql(
INSERT INTO codepulse_schema (version) VALUES (27);
)sql";

// Version 28: each author's UTC day also counts its records and sums their
// revisions (SQLite's migration 28), kept by the same statement triggers as
// its tokens; counted here once from the records.
inline constexpr const char* kMigrationTo28 = R"sql(
ALTER TABLE author_day_tokens ADD COLUMN records bigint NOT NULL DEFAULT 0;
ALTER TABLE author_day_tokens ADD COLUMN revisions bigint NOT NULL DEFAULT 0;
INSERT INTO author_day_tokens (author, day_ms, tokens, records, revisions)
  SELECT author, ts_ms - ts_ms % 86400000, 0, COUNT(*), SUM(revision)
  FROM usage_records GROUP BY author, ts_ms - ts_ms % 86400000
  ON CONFLICT (author, day_ms) DO UPDATE SET
    records = excluded.records, revisions = excluded.revisions;
CREATE OR REPLACE FUNCTION codepulse_author_days_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO author_day_tokens (author, day_ms, tokens, records, revisions)
  SELECT author, ts_ms - ts_ms % 86400000,
         SUM(input + output + cache_create_5m + cache_create_1h + cache_read),
         COUNT(*), SUM(revision)
  FROM new_rows GROUP BY 1, 2
  ON CONFLICT (author, day_ms) DO UPDATE SET tokens = author_day_tokens.tokens + excluded.tokens,
    records = author_day_tokens.records + excluded.records,
    revisions = author_day_tokens.revisions + excluded.revisions;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION codepulse_author_days_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO author_day_tokens (author, day_ms, tokens, records, revisions)
  SELECT author, day_ms, SUM(tokens), SUM(records), SUM(revisions) FROM (
    SELECT author, ts_ms - ts_ms % 86400000 AS day_ms,
           input + output + cache_create_5m + cache_create_1h + cache_read AS tokens,
           1 AS records, revision AS revisions
    FROM new_rows
    UNION ALL
    SELECT author, ts_ms - ts_ms % 86400000,
           -(input + output + cache_create_5m + cache_create_1h + cache_read), -1, -revision
    FROM old_rows) AS changed
  GROUP BY author, day_ms
  ON CONFLICT (author, day_ms) DO UPDATE SET tokens = author_day_tokens.tokens + excluded.tokens,
    records = author_day_tokens.records + excluded.records,
    revisions = author_day_tokens.revisions + excluded.revisions;
  RETURN NULL;
END $$;
INSERT INTO codepulse_schema (version) VALUES (28);
)sql";

}  // namespace codepulse::collector::pg_sql

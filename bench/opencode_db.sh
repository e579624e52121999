#!/usr/bin/env bash
# An OpenCode database as opencode-ai 1.18.33 writes it (session, message,
# part, event and event_sequence, with their indexes): MESSAGES assistant
# messages in sessions of 40 over 30 days and three models, each one model
# call with its step-start, text (600 bytes), tool (1.5 KB of output) and
# step-finish parts, a user message with a text part every fourth call, and an
# event row per part. Made with the sqlite3 shell and checkpointed.
# Usage: bench/opencode_db.sh DB MESSAGES   (bench/opencode_vs_ccusage.sh,
# bench/daemon_sources.sh)
set -euo pipefail
db="$1"
messages="$2"
mkdir -p "$(dirname "$db")"
sqlite3 "$db" <<SQL
PRAGMA journal_mode = WAL;
CREATE TABLE session (id text PRIMARY KEY, project_id text NOT NULL, workspace_id text,
  parent_id text, slug text NOT NULL, directory text NOT NULL, path text, title text NOT NULL,
  version text NOT NULL, share_url text, summary_additions integer, summary_deletions integer,
  summary_files integer, summary_diffs text, metadata text, cost real DEFAULT 0 NOT NULL,
  tokens_input integer DEFAULT 0 NOT NULL, tokens_output integer DEFAULT 0 NOT NULL,
  tokens_reasoning integer DEFAULT 0 NOT NULL, tokens_cache_read integer DEFAULT 0 NOT NULL,
  tokens_cache_write integer DEFAULT 0 NOT NULL, revert text, permission text, agent text,
  model text, time_created integer NOT NULL, time_updated integer NOT NULL,
  time_compacting integer, time_archived integer);
CREATE INDEX session_project_idx ON session (project_id);
CREATE INDEX session_workspace_idx ON session (workspace_id);
CREATE INDEX session_parent_idx ON session (parent_id);
CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL,
  time_created integer NOT NULL, time_updated integer NOT NULL, data text NOT NULL);
CREATE INDEX message_session_time_created_id_idx ON message (session_id, time_created, id);
CREATE TABLE part (id text PRIMARY KEY, message_id text NOT NULL, session_id text NOT NULL,
  time_created integer NOT NULL, time_updated integer NOT NULL, data text NOT NULL);
CREATE INDEX part_message_id_id_idx ON part (message_id, id);
CREATE INDEX part_session_idx ON part (session_id);
CREATE TABLE event_sequence (aggregate_id text PRIMARY KEY, seq integer NOT NULL, owner_id text);
CREATE TABLE event (id text PRIMARY KEY, aggregate_id text NOT NULL, seq integer NOT NULL,
  type text NOT NULL, data text NOT NULL);
CREATE UNIQUE INDEX event_aggregate_seq_idx ON event (aggregate_id, seq);
CREATE INDEX event_aggregate_type_seq_idx ON event (aggregate_id, type, seq);

BEGIN;
-- n: the n-th call; a session holds 40 of them; 30 days; three models.
CREATE TEMP TABLE n AS WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c
  WHERE i + 1 < $messages) SELECT i, 'ses_' || printf('%08d', i / 40) AS s,
  1793000000000 + i * (30 * 86400000 / $messages) AS t,
  'msg_' || printf('%010d', i) AS m,
  (i * 7919) % 3000 + 10 AS input, (i * 104729) % 800 + 1 AS output,
  (i * 31) % 60000 AS cache_read, (i * 17) % 2000 AS cache_write,
  CASE i % 3 WHEN 0 THEN 'claude-sonnet-4-5' WHEN 1 THEN 'gpt-5.5' ELSE 'gemini-2.5-pro' END
    AS model,
  CASE i % 3 WHEN 1 THEN (i * 13) % 400 ELSE 0 END AS reasoning FROM c;
INSERT INTO session (id, project_id, slug, directory, path, title, version, time_created,
  time_updated) SELECT s, 'global', 'crisp-meadow', '/home/dev/src/app', 'home/dev/src/app',
  'a session', '1.18.33', min(t), max(t) FROM n GROUP BY s;
INSERT INTO message SELECT m || 'u', s, t, t,
  json_object('role', 'user', 'time', json_object('created', t), 'agent', 'build',
    'model', json_object('providerID', 'anthropic', 'modelID', model),
    'summary', json_object('diffs', json_array()))
  FROM n WHERE i % 4 = 0;
INSERT INTO message SELECT m || 'a', s, t + 1, t + 900,
  json_object('parentID', 'msg_' || printf('%010d', i - i % 4) || 'u', 'role', 'assistant',
    'mode', 'build', 'agent', 'build',
    'path', json_object('cwd', '/home/dev/src/app', 'root', '/home/dev/src/app'), 'cost', 0.01,
    'tokens', json_object('total', input + output + reasoning + cache_read + cache_write,
      'input', input, 'output', output, 'reasoning', reasoning,
      'cache', json_object('write', cache_write, 'read', cache_read)),
    'modelID', model, 'providerID', 'anthropic',
    'time', json_object('created', t + 1, 'completed', t + 900), 'finish', 'tool-calls')
  FROM n;
INSERT INTO part SELECT 'prt_' || printf('%010d', i) || 'u', m || 'u', s, t, t,
  json_object('type', 'text', 'text', printf('%.300c', 'p')) FROM n WHERE i % 4 = 0;
INSERT INTO part SELECT 'prt_' || printf('%010d', i) || 'a1', m || 'a', s, t + 2, t + 2,
  json_object('snapshot', '4b825dc642cb6eb9a060e54bf8d69288fbee4904', 'type', 'step-start')
  FROM n;
INSERT INTO part SELECT 'prt_' || printf('%010d', i) || 'a2', m || 'a', s, t + 3, t + 300,
  json_object('type', 'text', 'text', printf('%.600c', 'a'), 'time',
    json_object('start', t + 3, 'end', t + 300)) FROM n;
INSERT INTO part SELECT 'prt_' || printf('%010d', i) || 'a3', m || 'a', s, t + 301, t + 600,
  json_object('type', 'tool', 'tool', CASE i % 2 WHEN 0 THEN 'read' ELSE 'edit' END,
    'callID', 'toolu_' || i, 'state', json_object('status', 'completed',
    'input', json_object('filePath', '/home/dev/src/app/src/f' || (i % 50) || '.c'),
    'output', printf('%.1500c', 'o'), 'title', 'f.c',
    'metadata', json_object('filediff', json_object('additions', i % 7, 'deletions', i % 3)),
    'time', json_object('start', t + 301, 'end', t + 600))) FROM n;
INSERT INTO part SELECT 'prt_' || printf('%010d', i) || 'a4', m || 'a', s, t + 800, t + 800,
  json_object('reason', 'tool-calls', 'snapshot', '20d1d5066f9273f3d00e2f49002a527d637ed38e',
    'type', 'step-finish', 'tokens', json_object('total',
      input + output + reasoning + cache_read + cache_write, 'input', input, 'output', output,
      'reasoning', reasoning, 'cache', json_object('write', cache_write, 'read', cache_read)),
    'cost', 0.01) FROM n;
INSERT INTO event_sequence SELECT id, 0, NULL FROM session;
INSERT INTO event (id, aggregate_id, seq, type, data)
  SELECT 'evt_' || id, session_id, row_number() OVER (ORDER BY id), 'message.part.updated.1',
    data FROM part ORDER BY id;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL

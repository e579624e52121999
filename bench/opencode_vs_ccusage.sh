#!/usr/bin/env bash
# OpenCode: the cold scan of a generated database against ccusage on the same
# data folder, a rescan with nothing new, and one after a new turn.
# Usage: bench/opencode_vs_ccusage.sh [MESSAGES, default 100000]
# The database has opencode-ai 1.18.33's tables and row shapes (one assistant
# message per model call, with its step-start, text, tool and step-finish
# parts; an event row per row written), made with the sqlite3 shell. Needs a
# Release build in build/ and ccusage (packaging/install-peers.sh).
set -euo pipefail
source "$(dirname "$0")/tools_env.sh"
messages="${1:-100000}"
work="${BENCH_DIR:-/tmp/codepulse-bench}/opencode-$messages"
data="$work/share/opencode"
db="$data/opencode.db"

if [ ! -f "$db" ]; then
  rm -rf "$work"
  "$(dirname "$0")/opencode_db.sh" "$db" "$messages"
fi
echo "database: $db ($(du -b "$db" | cut -f1) bytes, $messages assistant messages)"
cat "$db" > /dev/null  # warm the page cache: all runs read from memory

scan=(env HOME="$work" "$tracker" scan --assistant opencode --assistant-dir "opencode=$data"
  --state "$work/state" --quiet --set git_metadata=false)

for run in 1 2 3; do
  rm -rf "$work/state"
  measure "codepulse scan (cold) #$run" "${scan[@]}"
done
measure "codepulse scan (nothing new)" "${scan[@]}"
run_id=$(date +%s%N)  # a new turn, as OpenCode writes one: into the -wal, stamped now
now=$(date +%s%3N)
sqlite3 "$db" <<SQL
BEGIN;
INSERT INTO message SELECT 'msg_z${run_id}a', 'ses_00000000', $now, $now, data FROM message
  WHERE id = 'msg_0000000001a';
INSERT INTO part SELECT 'prt_z${run_id}a4', 'msg_z${run_id}a', 'ses_00000000', $now, $now, data
  FROM part WHERE id = 'prt_0000000001a4';
INSERT INTO event (id, aggregate_id, seq, type, data) VALUES ('evt_z$run_id', 'ses_00000000',
  (SELECT max(seq) + 1 FROM event), 'message.updated.1', '{}');
COMMIT;
SQL
measure "codepulse scan (one new turn)" "${scan[@]}"
measure "codepulse report date,model" "$tracker" report --state "$work/state" --format json
if [ -x "$ccusage" ]; then
  for run in 1 2 3; do
    measure "ccusage opencode daily --offline #$run" \
      env HOME="$work" OPENCODE_DATA_DIR="$data" TZ=UTC "$ccusage" opencode daily --json --offline
  done
else
  echo "ccusage not found at $ccusage (run packaging/install-peers.sh)"
fi

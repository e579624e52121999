#!/usr/bin/env bash
# The daemon with every assistant's logs under watch (issue 21): Claude Code
# transcripts, Codex CLI rollouts, Gemini CLI sessions and an OpenCode
# database in one home folder, found where each tool keeps them. Measures the
# first round, then CPU and wake-ups while idle, then for each assistant the
# time until new work is stored: a Claude Code append, a Codex session in a
# day folder that did not exist, a Gemini CLI session in a new project folder,
# an OpenCode turn written into the database's -wal.
# Usage: bench/daemon_sources.sh [SIZE per generated corpus, default 20M] [IDLE_SECONDS, default 30]
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
size="${1:-20M}"
idle="${2:-30}"
work="${BENCH_DIR:-/tmp/codepulse-sources}"
bin="$root/build/bin"
home="$work/home"
db_file="$home/.local/share/opencode/opencode.db"
hz=$(getconf CLK_TCK)

rm -rf "$work"
mkdir -p "$home"
"$bin/codepulse-gen-corpus" --out "$work/claude" --bytes "$size" --seed 4 --no-bad-lines >/dev/null
mkdir -p "$home/.claude"
cp -r "$work/claude/projects" "$home/.claude/projects"
"$bin/codepulse-gen-codex-corpus" --out "$home/.codex" --bytes "$size" --seed 4 >/dev/null
"$bin/codepulse-gen-corpus" --gemini --out "$home/.gemini" --bytes "$size" --seed 4 >/dev/null
"$root/bench/opencode_db.sh" "$db_file" 20000 >/dev/null
files() { find "$home/.claude/projects" "$home/.codex" "$home/.gemini" -name '*.json*' -type f | wc -l; }
echo "home: $(files) log files ($(du -sb "$home" | cut -f1) bytes) and an OpenCode database"

store="$work/state/tracker.db"
records() { sqlite3 -readonly "$store" "SELECT count(*) FROM usage_records WHERE assistant = '$1'" 2>/dev/null || echo 0; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
wakeups() { awk '/voluntary_ctxt_switches/ && !/non/ {s += $2} END {print s}' /proc/$1/task/*/status; }

t0=$(date +%s.%N)
HOME="$home" XDG_CONFIG_HOME="$work/cfg" "$bin/codepulse-tracker" run --state "$work/state" \
  --log-level warn --author bench@example.com &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
# The first round is over when every assistant has records and their count
# has not moved for two seconds.
last=-1
stable=0
for _ in $(seq 1 2400); do
  r=$(sqlite3 -readonly "$store" "SELECT count(*) FROM usage_records" 2>/dev/null || echo 0)
  if [ "$r" = "$last" ] && [ "$(records codex)" -gt 0 ] && [ "$(records gemini-cli)" -gt 0 ] &&
    [ "$(records opencode)" -gt 0 ] && [ "$(records claude-code)" -gt 0 ]; then
    stable=$((stable + 1))
    [ "$stable" -ge 8 ] && break
  else
    stable=0
  fi
  last=$r
  sleep 0.25
done
echo "first round: stored within $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $t0 - 2}") s, $(awk "BEGIN{printf \"%.2f\", $(cpu_ticks $pid) / $hz}") CPU-s;" \
  "records: claude-code $(records claude-code), codex $(records codex), gemini-cli $(records gemini-cli), opencode $(records opencode)"
sleep 2

start_cpu=$(cpu_ticks $pid)
start_ctx=$(wakeups $pid)
sleep "$idle"
idle_cpu=$(($(cpu_ticks $pid) - start_cpu))
idle_ctx=$(($(wakeups $pid) - start_ctx))
echo "idle ${idle}s: CPU $(awk "BEGIN{printf \"%.3f\", $idle_cpu / $hz}") s, wake-ups (voluntary context switches, all threads) $idle_ctx"
echo "peak RSS $(awk '/VmHWM/ {print $2}' /proc/$pid/status) kB"

# Runs CHANGE (a shell command), then waits until ASSISTANT has more records;
# prints the latency and the CPU the daemon spent.
stored_after() {
  local assistant="$1" change="$2" before cpu0 t
  before=$(records "$assistant")
  cpu0=$(cpu_ticks $pid)
  t=$(date +%s.%N)
  sh -c "$change"
  for _ in $(seq 1 400); do
    [ "$(records "$assistant")" -gt "$before" ] && break
    sleep 0.02
  done
  printf "%-12s +%s records in %s s, %s CPU-s\n" "$assistant" "$(($(records "$assistant") - before))" \
    "$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $t}")" \
    "$(awk "BEGIN{printf \"%.2f\", ($(cpu_ticks $pid) - $cpu0) / $hz}")"
  sleep 1
}

claude_file=$(find "$home/.claude/projects" -name '*.jsonl' | sort | head -1)
claude_src=$(find "$work/claude/projects" -name '*.jsonl' | sort | sed -n 2p)
stored_after claude-code "sed -e 's/\"msg_/\"msg_new_/g' -e 's/\"req_/\"req_new_/g' '$claude_src' | head -200 >> '$claude_file'"

codex_src=$(find "$home/.codex/sessions" -name 'rollout-*.jsonl' | sort | head -1)
codex_id=$(basename "$codex_src" .jsonl | grep -oE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
new_id="0000beef-0000-4000-8000-$(date +%s%N | tail -c 13)"
codex_dir="$home/.codex/sessions/$(date -u +%Y/%m/%d)-new"
stored_after codex "mkdir -p '$codex_dir' && sed 's/$codex_id/$new_id/g' '$codex_src' > '$codex_dir/rollout-$new_id.jsonl'"

gemini_src=$(find "$home/.gemini/tmp" -name 'session-*.jsonl' | sort | head -1)
gemini_id=$(head -c 200 "$gemini_src" | grep -oE '"sessionId":"[^"]+"' | cut -d'"' -f4)
gemini_dir="$home/.gemini/tmp/newproject/chats"
stored_after gemini-cli "mkdir -p '$gemini_dir' && sed 's/$gemini_id/$new_id/g' '$gemini_src' > '$gemini_dir/session-new.jsonl'"

turn=$(date +%s%N)
now=$(date +%s%3N)
stored_after opencode "sqlite3 '$db_file' \"BEGIN;
INSERT INTO message SELECT 'msg_z${turn}a', 'ses_00000000', $now, $now, data FROM message WHERE id = 'msg_0000000001a';
INSERT INTO part SELECT 'prt_z${turn}a4', 'msg_z${turn}a', 'ses_00000000', $now, $now, data FROM part WHERE id = 'prt_0000000001a4';
INSERT INTO event (id, aggregate_id, seq, type, data) VALUES ('evt_z$turn', 'ses_00000000', (SELECT max(seq) + 1 FROM event), 'message.updated.1', '{}');
COMMIT;\""
echo "peak RSS $(awk '/VmHWM/ {print $2}' /proc/$pid/status) kB"

#!/usr/bin/env bash
# The daemon's footprint with many files under watch (issue 3):
#   peak RSS, idle CPU over a minute, wake-ups while idle, and the CPU cost and
#   latency of a 1 MB append; next to what `ccusage daily` costs per run.
# Usage: bench/daemon_footprint.sh [FILES, default 5000] [IDLE_SECONDS, default 60]
set -eu  # no pipefail: head closes pipes on purpose
root="$(cd "$(dirname "$0")/.." && pwd)"
files="${1:-5000}"
idle="${2:-60}"
work="${BENCH_DIR:-/tmp/codepulse-footprint}"
tracker="$root/build/bin/codepulse-tracker"
gen="$root/build/bin/codepulse-gen-corpus"
ccusage="${CODEPULSE_CCUSAGE:-$root/build/peers/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage}"
hz=$(getconf CLK_TCK)

rm -rf "$work"; mkdir -p "$work"
# Source lines: a small generated corpus, cut into $files transcripts of ~20 KB.
"$gen" --out "$work/src" --bytes 96M --seed 3 --no-bad-lines >/dev/null
cat $(find "$work/src/projects" -name '*.jsonl' ! -name journal.jsonl | sort) > "$work/all.jsonl"
total=$(wc -l < "$work/all.jsonl")
mkdir -p "$work/home/.claude/projects"
awk -v files="$files" -v dir="$work/home/.claude/projects" -v total="$total" '
  { n = int((NR - 1) * files / total); p = sprintf("%s/p%03d", dir, n % 100);
    if (!(p in made)) { system("mkdir -p " p); made[p] = 1 }
    f = sprintf("%s/s%05d.jsonl", p, n); print >> f; close(f) }' "$work/all.jsonl"
count=$(find "$work/home/.claude/projects" -name '*.jsonl' | wc -l)
bytes=$(du -sb "$work/home/.claude/projects" | cut -f1)
echo "corpus: $count files, $bytes bytes in 100 folders"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HOME="$work/home" XDG_CONFIG_HOME="$work/cfg" "$tracker" run --state "$work/state" --log-level warn &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
# Wait until the first round has stored everything.
for _ in $(seq 1 600); do
  n=$(sqlite3 -readonly "$work/state/tracker.db" "SELECT count(*) FROM tail_files" 2>/dev/null || echo 0)
  [ "$n" -ge "$count" ] && break
  sleep 0.1
done
sleep 1
start_cpu=$(cpu_ticks $pid)
start_ctx=$(awk '/voluntary_ctxt_switches/ && !/non/ {print $2}' /proc/$pid/status)
sleep "$idle"
idle_cpu=$(( $(cpu_ticks $pid) - start_cpu ))
idle_ctx=$(( $(awk '/voluntary_ctxt_switches/ && !/non/ {print $2}' /proc/$pid/status) - start_ctx ))
echo "idle ${idle}s: CPU $(awk "BEGIN{printf \"%.3f\", $idle_cpu / $hz}") s ($(awk "BEGIN{printf \"%.3f\", 100 * $idle_cpu / $hz / $idle}")%), wake-ups (voluntary context switches) $idle_ctx"

# Append 1 MB of new requests (fresh ids) to one file; time until stored.
target=$(find "$work/home/.claude/projects" -name '*.jsonl' | sort | head -1)
before=$(sqlite3 -readonly "$work/state/tracker.db" "SELECT count(*) FROM usage_records")
head -c 1100000 "$work/all.jsonl" | sed -e 's/"msg_/"msg_append_/g' -e 's/"req_/"req_append_/g' | head -c 1000000 | sed '$d' > "$work/append.jsonl"
appended=$(wc -c < "$work/append.jsonl")
cpu0=$(cpu_ticks $pid); t0=$(date +%s.%N)
cat "$work/append.jsonl" >> "$target"
for _ in $(seq 1 200); do
  after=$(sqlite3 -readonly "$work/state/tracker.db" "SELECT count(*) FROM usage_records")
  [ "$after" -gt "$before" ] && s=$(sqlite3 -readonly "$work/state/tracker.db" "SELECT offset FROM tail_files WHERE path='$target'") && \
    [ "$s" -ge "$(stat -c %s "$target")" ] && break
  sleep 0.05
done
t1=$(date +%s.%N); sleep 0.5
cpu1=$(cpu_ticks $pid)
echo "append of $appended bytes: stored $(( after - before )) new records within $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s, CPU $(awk "BEGIN{printf \"%.3f\", ($cpu1 - $cpu0) / $hz}") s"
echo "peak RSS: $(awk '/VmHWM/ {print $2 $3}' /proc/$pid/status), now $(awk '/VmRSS/ {print $2 $3}' /proc/$pid/status)"
kill -TERM $pid; wait $pid || true
trap - EXIT

if [ -x "$ccusage" ]; then
  /usr/bin/time -f "%U %S %M" -o "$work/cc.time" env HOME="$work/home" TZ=UTC "$ccusage" daily --json --offline >/dev/null
  read -r u s m < "$work/cc.time"
  echo "ccusage daily once: CPU $(awk "BEGIN{print $u + $s}") s, peak RSS $((m / 1024)) MiB; every minute that is $(awk "BEGIN{printf \"%.1f\", 100 * ($u + $s) / 60}")% of a core"
fi

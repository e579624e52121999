#!/usr/bin/env bash
# Soak: TRACKERS tracker services (each its own author, token, logs and state)
# ship generated Claude Code activity to one collector for SECONDS, while
# both sides are killed with SIGKILL and restarted at random moments. At the
# end every tracker must have shipped everything, and the collector must hold
# exactly the generated requests: records lost 0, duplicated 0, every token
# sum equal. Prints peak memory and open file descriptors of each kind of
# process (and the collector's at the start and end of its last life: growth
# shows there), the p99 batch latency from the collector's /metrics, and the
# kill counts. Exits 1 when anything is lost or doubled.
#
# Usage: bench/soak.sh [SECONDS=1800] [TRACKERS=50]
#   SOAK_DIR (default /tmp/codepulse-soak) holds everything; BENCH_BIN the binaries.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-1800}"
trackers="${2:-50}"
work="${SOAK_DIR:-/tmp/codepulse-soak}"
bin="${BENCH_BIN:-$root/build/bin}"
RANDOM=42  # the same kills and activity every run (given the same timing)

rm -rf "$work"
mkdir -p "$work"
"$bin/codepulse-collector" cert create --dir "$work/pki" >/dev/null
db="$work/collector.db"
for i in $(seq 0 $((trackers - 1))); do
  "$bin/codepulse-collector" token create --db "$db" --author "dev$i@soak.example" | tail -1 \
    > "$work/token$i"
  chmod 600 "$work/token$i"
  mkdir -p "$work/t$i/claude/projects" "$work/t$i/state"
done

collector_pid=""
port=0
collector_lives=0
start_collector() {
  collector_lives=$((collector_lives + 1))
  : > "$work/collector-$collector_lives.log"
  "$bin/codepulse-collector" serve --listen "127.0.0.1:$port" --db "$db" \
    --tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server-key.pem" \
    2> "$work/collector-$collector_lives.log" &
  collector_pid=$!
  for _ in $(seq 200); do
    local p
    p=$(grep -o 'listening on https://127.0.0.1:[0-9]*' "$work/collector-$collector_lives.log" \
      | grep -o '[0-9]*$' || true)
    if [ -n "$p" ]; then port=$p; return 0; fi
    sleep 0.05
  done
  echo "soak: the collector did not start:"; cat "$work/collector-$collector_lives.log"; exit 1
}

declare -a tracker_pids
start_tracker() {
  local i=$1
  "$bin/codepulse-tracker" run --claude-dir "$work/t$i/claude" --state "$work/t$i/state" \
    --collector "https://localhost:$port" --ca-file "$work/pki/ca.pem" \
    --token-file "$work/token$i" --batch-max-age 500ms --ship-backoff-max 2s \
    2>> "$work/t$i/tracker.log" &
  tracker_pids[$i]=$!
}

# The collector's batch latency histogram, summed over its lives.
declare -A buckets
scrape_metrics() {
  local line le n
  while read -r line; do
    le=$(sed -n 's/.*le="\([^"]*\)".*/\1/p' <<< "$line")
    n=${line##* }
    buckets[$le]=$(( ${buckets[$le]:-0} + n ))
  done < <(curl -s --max-time 5 --cacert "$work/pki/ca.pem" "https://localhost:$port/metrics" \
    | grep '^codepulse_batch_duration_seconds_bucket' || true)
}

# Peak RSS (KiB) and open descriptors, by kind of process.
peak_collector_rss=0; peak_collector_fds=0; peak_tracker_rss=0; peak_tracker_fds=0
life_first_rss=""; life_last_rss=0; life_first_fds=""; life_last_fds=0
sample() {
  local rss fds
  if [ -r "/proc/$collector_pid/status" ]; then
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$collector_pid/status")
    fds=$(ls "/proc/$collector_pid/fd" 2>/dev/null | wc -l)
    [ "${rss:-0}" -gt "$peak_collector_rss" ] && peak_collector_rss=$rss
    [ "$fds" -gt "$peak_collector_fds" ] && peak_collector_fds=$fds
    [ -z "$life_first_rss" ] && life_first_rss=$rss && life_first_fds=$fds
    life_last_rss=$rss; life_last_fds=$fds
  fi
  for pid in "${tracker_pids[@]}"; do
    [ -r "/proc/$pid/status" ] || continue
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
    [ "${rss:-0}" -gt "$peak_tracker_rss" ] && peak_tracker_rss=$rss
    [ "$fds" -gt "$peak_tracker_fds" ] && peak_tracker_fds=$fds
  done
  return 0
}

# The truth: every generated request, summed from the generator's totals.
truth_requests=0; truth_input=0; truth_output=0; truth_cache_read=0
round=0
generate() {
  local i=$1 tmp
  round=$((round + 1))
  tmp="$work/gen/$round"
  "$bin/codepulse-gen-corpus" --out "$tmp" --bytes 48K --seed $((1000 + round)) --projects 1 \
    --truth "$tmp.json" >/dev/null 2>&1
  for key in requests input output cache_read; do
    local sum
    sum=$(grep -o "\"$key\":[0-9]*" "$tmp.json" | awk -F: '{s += $2} END {print s + 0}')
    case $key in
      requests) truth_requests=$((truth_requests + sum)) ;;
      input) truth_input=$((truth_input + sum)) ;;
      output) truth_output=$((truth_output + sum)) ;;
      cache_read) truth_cache_read=$((truth_cache_read + sum)) ;;
    esac
  done
  # Whole sessions appear at once (rename), as a project folder of this tracker.
  for p in "$tmp"/projects/*; do
    mv "$p" "$work/t$i/claude/projects/r$round-$(basename "$p")"
  done
}

mkdir -p "$work/gen"
start_collector
for i in $(seq 0 $((trackers - 1))); do start_tracker "$i"; done
started=$(date +%s)
tracker_kills=0; collector_kills=0
next_tracker_kill=$((started + 10)); next_collector_kill=$((started + 30)); next_sample=$started
while [ $(( $(date +%s) - started )) -lt "$seconds" ]; do
  generate $((RANDOM % trackers))
  now=$(date +%s)
  if [ "$now" -ge "$next_sample" ]; then sample; next_sample=$((now + 5)); fi
  if [ "$now" -ge "$next_tracker_kill" ]; then
    i=$((RANDOM % trackers))
    kill -KILL "${tracker_pids[$i]}" 2>/dev/null || true
    wait "${tracker_pids[$i]}" 2>/dev/null || true
    start_tracker "$i"
    tracker_kills=$((tracker_kills + 1))
    next_tracker_kill=$((now + 5 + RANDOM % 15))
  fi
  if [ "$now" -ge "$next_collector_kill" ]; then
    scrape_metrics
    kill -KILL "$collector_pid" 2>/dev/null || true
    wait "$collector_pid" 2>/dev/null || true
    sleep $((RANDOM % 3))  # down for a moment: trackers retry
    life_first_rss=""
    start_collector
    collector_kills=$((collector_kills + 1))
    next_collector_kill=$((now + 30 + RANDOM % 60))
  fi
  sleep 0.2
done

# Drain: every tracker ships everything it has.
drained=0
deadline=$(( $(date +%s) + 300 ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  left=0
  for i in $(seq 0 $((trackers - 1))); do
    # Records and commits both have an "unshipped" count: all must be 0.
    n=$("$bin/codepulse-tracker" status --state "$work/t$i/state" --json 2>/dev/null \
      | grep -o '"unshipped":[0-9]*' | awk -F: '{s += $2} END {print NR ? s : 1}' || echo 1)
    left=$((left + ${n:-1}))
  done
  if [ "$left" -eq 0 ]; then drained=1; break; fi
  sample
  sleep 2
done
sample
scrape_metrics
for pid in "${tracker_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${tracker_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
kill -TERM "$collector_pid"; wait "$collector_pid" || true

totals=$("$bin/codepulse-collector" report --db "$db" --group-by model --format json \
  | grep -o '"totals":{[^}]*}')
stored() { grep -o "\"$1\":[0-9]*" <<< "$totals" | head -1 | grep -o '[0-9]*$'; }
records=$(stored records)
distinct=$(sqlite3 "$db" 'SELECT count(DISTINCT message_id || request_id) FROM usage_records')
lost=$(( truth_requests > distinct ? truth_requests - distinct : 0 ))
duplicated=$(( records - distinct ))

# p99 from the cumulative histogram: the first bound holding 99% of batches.
total_batches=${buckets[+Inf]:-0}
p99="n/a"
for le in $(printf '%s\n' "${!buckets[@]}" | grep -v Inf | sort -g); do
  if [ $(( buckets[$le] * 100 )) -ge $(( total_batches * 99 )) ]; then p99="${le}s"; break; fi
done

echo "soak: $seconds s, $trackers trackers, $round sessions generated"
echo "kills: trackers $tracker_kills, collector $collector_kills (SIGKILL, restarted)"
echo "generated requests $truth_requests; stored records $records ($distinct distinct)"
echo "records lost: $lost"
echo "records duplicated: $duplicated"
echo "tokens: input $(stored input)/$truth_input, output $(stored output)/$truth_output," \
     "cache_read $(stored cache_read)/$truth_cache_read (stored/generated)"
echo "every tracker drained: $([ $drained = 1 ] && echo yes || echo NO)"
echo "batches: $total_batches; p99 batch latency (collector, bucket bound): $p99"
echo "collector: peak RSS $peak_collector_rss KiB, peak fds $peak_collector_fds;" \
     "last life RSS $life_first_rss -> $life_last_rss KiB, fds $life_first_fds -> $life_last_fds"
echo "trackers: peak RSS $peak_tracker_rss KiB, peak fds $peak_tracker_fds"
ok=1
[ "$lost" -eq 0 ] && [ "$duplicated" -eq 0 ] && [ "$drained" -eq 1 ] || ok=0
[ "$(stored input)" = "$truth_input" ] && [ "$(stored output)" = "$truth_output" ] || ok=0
[ "$(stored cache_read)" = "$truth_cache_read" ] || ok=0
if [ "$ok" = 1 ]; then echo "soak: PASS"; else echo "soak: FAIL (logs in $work)"; exit 1; fi

#!/usr/bin/env bash
# Collector ingest over HTTPS (issue 4): TRACKERS concurrent trackers, each
# with its own token and connection, send BATCHES batches of RECORDS records
# to `codepulse-collector serve` (SQLite, synchronous=FULL) on 127.0.0.1.
# Prints the load generator's JSON (records/s, batch latency p50/p99,
# compressed size ratio) and the collector's peak RSS and CPU.
# RATE (records/s offered in total) paces the trackers; 0 = each sends its
# next batch as soon as the previous one is answered (the most the collector
# takes).
# BENCH_DB=postgresql://... stores in PostgreSQL instead (bench/pg_server.sh
# starts one); COLLECTORS=N then runs N collectors on it, the trackers split
# between them (each collector its own load generator).
# Usage: bench/ingest.sh [TRACKERS=16] [BATCHES=20] [RECORDS=1000] [RATE=0]
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
trackers="${1:-16}"; batches="${2:-20}"; records="${3:-1000}"; rate="${4:-0}"
work="${BENCH_DIR:-/tmp/codepulse-ingest}"
bin="${BENCH_BIN:-$root/build/bin}"
collectors="${COLLECTORS:-1}"
db="${BENCH_DB:-$work/collector.db}"
rm -rf "$work"; mkdir -p "$work"
"$bin/codepulse-collector" cert create --dir "$work/pki" >/dev/null
per=$((trackers / collectors))
for c in $(seq 0 $((collectors - 1))); do
  for i in $(seq 0 $((per - 1))); do
    "$bin/codepulse-collector" token create --db "$db" --author "dev$c-$i@example.org" \
      | tail -1 > "$work/token$c-$i"
  done
done
pids=(); cpids=(); ports=()
for c in $(seq 0 $((collectors - 1))); do
  /usr/bin/time -v -o "$work/collector$c.time" "$bin/codepulse-collector" serve --listen 127.0.0.1:0 \
    --db "$db" --tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server-key.pem" \
    2> "$work/collector$c.log" &
  pids+=($!)
  port=""
  for _ in $(seq 100); do
    sleep 0.1
    port=$(grep -o 'listening on https://127.0.0.1:[0-9]*' "$work/collector$c.log" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && break
  done
  [ -n "$port" ] || { echo "collector $c did not start"; cat "$work/collector$c.log"; exit 1; }
  ports+=("$port"); cpids+=("$(pgrep -P "${pids[$c]}" -f codepulse-collector)")
done
loads=()
for c in $(seq 0 $((collectors - 1))); do
  "$bin/codepulse-bench-ingest" --url "https://localhost:${ports[$c]}" --ca-file "$work/pki/ca.pem" \
    --token-prefix "$work/token$c-" --trackers "$per" --batches "$batches" --records "$records" \
    --rate "$((rate / collectors))" > "$work/load$c.json" &
  loads+=($!)
done
wait "${loads[@]}"
for c in $(seq 0 $((collectors - 1))); do cat "$work/load$c.json"; done
if [ "$collectors" -gt 1 ]; then
  cat "$work"/load*.json | awk -F'[:,]' '{for (i = 1; i < NF; i++) { if ($i == "\"records\"") r += $(i+1); if ($i == "\"seconds\"" && $(i+1) > s) s = $(i+1) }} END {printf "all collectors: %d records in %.2f s = %d records/s\n", r, s, r / s}'
fi
echo "wal before shutdown: $(stat -c %s "$work/collector.db-wal" 2>/dev/null || echo 0) bytes"
for c in $(seq 0 $((collectors - 1))); do
  kill -TERM "${cpids[$c]}"; wait "${pids[$c]}" || true
  echo "collector $c: peak RSS $(awk '/Maximum resident/ {print $6}' "$work/collector$c.time") KiB," \
       "CPU $(awk '/User time/ {u=$4} /System time/ {s=$4} END {print u + s}' "$work/collector$c.time") s"
done
if [ -z "${BENCH_DB:-}" ]; then
  echo "store: $(stat -c %s "$work/collector.db") bytes, $(sqlite3 "$work/collector.db" 'select count(*) from usage_records') records"
else
  echo "store: $(psql "$db" -Atc 'select pg_database_size(current_database())') bytes, $(psql "$db" -Atc 'select count(*) from usage_records') records"
fi

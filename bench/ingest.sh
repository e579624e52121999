#!/usr/bin/env bash
# Collector ingest over HTTPS (issue 4): TRACKERS concurrent trackers, each
# with its own token and connection, send BATCHES batches of RECORDS records
# to `codepulse-collector serve` (SQLite, synchronous=FULL) on 127.0.0.1.
# Prints the load generator's JSON (records/s, batch latency p50/p99,
# compressed size ratio) and the collector's peak RSS and CPU.
# RATE (records/s offered in total) paces the trackers; 0 = each sends its
# next batch as soon as the previous one is answered (the most the collector
# takes).
# Usage: bench/ingest.sh [TRACKERS=16] [BATCHES=20] [RECORDS=1000] [RATE=0]
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
trackers="${1:-16}"; batches="${2:-20}"; records="${3:-1000}"; rate="${4:-0}"
work="${BENCH_DIR:-/tmp/codepulse-ingest}"
bin="${BENCH_BIN:-$root/build/bin}"
rm -rf "$work"; mkdir -p "$work"
"$bin/codepulse-collector" cert create --dir "$work/pki" >/dev/null
for i in $(seq 0 $((trackers - 1))); do
  "$bin/codepulse-collector" token create --db "$work/collector.db" --author "dev$i@example.org" \
    | tail -1 > "$work/token$i"
done
/usr/bin/time -v -o "$work/collector.time" "$bin/codepulse-collector" serve --listen 127.0.0.1:0 \
  --db "$work/collector.db" --tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server-key.pem" \
  2> "$work/collector.log" &
pid=$!
port=""
for _ in $(seq 100); do
  sleep 0.1
  port=$(grep -o 'listening on https://127.0.0.1:[0-9]*' "$work/collector.log" | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && break
done
cpid=$(pgrep -P "$pid" -f codepulse-collector)
[ -n "$port" ] || { echo "collector did not start"; cat "$work/collector.log"; exit 1; }
"$bin/codepulse-bench-ingest" --url "https://localhost:$port" --ca-file "$work/pki/ca.pem" \
  --token-prefix "$work/token" --trackers "$trackers" --batches "$batches" --records "$records" --rate "$rate"
echo "wal before shutdown: $(stat -c %s "$work/collector.db-wal" 2>/dev/null || echo 0) bytes"
kill -TERM "$cpid"; wait "$pid" || true
echo "collector: peak RSS $(awk '/Maximum resident/ {print $6}' "$work/collector.time") KiB," \
     "CPU $(awk '/User time/ {u=$4} /System time/ {s=$4} END {print u + s}' "$work/collector.time") s"
echo "store: $(stat -c %s "$work/collector.db") bytes, $(sqlite3 "$work/collector.db" 'select count(*) from usage_records') records"

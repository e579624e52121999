#!/usr/bin/env bash
# Report speed end to end (issue 5): a collector serving a generated store of
# RECORDS records (default 10 million: 200 authors, 50 repos, 5,000 files,
# 2,000 tasks, a year), timed through GET /v1/report with curl while
# TRACKERS trackers keep ingesting over HTTPS at RATE records/s in total.
# Prints, per report, the wall time of ROUNDS requests (min / median / max)
# and the reply size. The store is generated once into $BENCH_DIR and reused.
# AUTHORS sets how many authors the generated store has (a 1,000-developer
# year is about 50 million records: bench/report.sh 50000000 1000 3 2 1000).
# At the end: the collector's peak and current RSS.
# ANALYTICS=1 serves the reports from a ClickHouse server the script starts
# (packaging/clickhouse-local.sh, data in $BENCH_DIR/clickhouse, made anew):
# the collector loads it from the store at start (the load rate is in its
# log) and builds no cube; once every day is rolled up (the time it took is
# printed) the reports run; ClickHouse's disk bytes per record are printed.
# KEEP_CLICKHOUSE=1 keeps the ClickHouse data of the last run (the collector
# then only compares it with the store). REPORTS=year runs only the
# year-long reports of columns and dates, REPORTS=whole every report
# ClickHouse answers whole (tasks, epics and files too), REPORTS=outcomes
# reports with outcomes. SHARDS=N (with ANALYTICS=1)
# starts N ClickHouse servers as the N shards of one cluster, the first
# also the front (docs/CLICKHOUSE.md, "Several servers"); KEEP_CLICKHOUSE
# does not apply to it. IN_PLACE=1 serves the generated store itself
# instead of a copy (for stores too large to copy: it keeps each run's
# tokens and ingested records).
# Usage: bench/report.sh [RECORDS=10000000] [RATE=1000] [ROUNDS=5] [TRACKERS=4] [AUTHORS=200]
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
records="${1:-10000000}"; rate="${2:-1000}"; rounds="${3:-5}"; trackers="${4:-4}"
authors="${5:-200}"
work="${BENCH_DIR:-/tmp/codepulse-report}"
bin="${BENCH_BIN:-$root/build/bin}"
mkdir -p "$work"
. "$root/bench/generated_store.sh"
db="$(generated_store "$records" "$authors")"
rm -rf "$work/run"; mkdir -p "$work/run"
store="$work/run/collector.db"
if [ "${IN_PLACE:-0}" = 1 ]; then
  store="$db"  # no copy: the generated store keeps this run's tokens and records
else
  cp "$db" "$store"
fi
"$bin/codepulse-collector" cert create --dir "$work/run/pki" >/dev/null
"$bin/codepulse-collector" token create --db "$store" --author lead@acme.example \
  --role viewer | tail -1 > "$work/run/viewer"
for i in $(seq 0 $((trackers - 1))); do
  "$bin/codepulse-collector" token create --db "$store" \
    --author "dev$i@acme.example" | tail -1 > "$work/run/token$i"
done
analytics=()
ready='report cube ready'
if [ "${ANALYTICS:-0}" = 1 ]; then
  . "$root/packaging/clickhouse-local.sh"
  shards="${SHARDS:-1}"
  if [ "$shards" -gt 1 ]; then
    rm -rf "$work"/clickhouse-shard*
    tcp=($(python3 -c "import socket
ss=[socket.socket() for _ in range($shards)]
[s.bind(('127.0.0.1',0)) for s in ss]
print(' '.join(str(s.getsockname()[1]) for s in ss))"))
    cluster="<remote_servers><bench>"
    for p in "${tcp[@]}"; do
      cluster+="<shard><replica><host>127.0.0.1</host><port>$p</port></replica></shard>"
    done
    cluster+="</bench></remote_servers>"
    shard_params="?cluster=bench"
    chports=()
    for i in $(seq 0 $((shards - 1))); do
      chports+=("$(clickhouse_server "$work/clickhouse-shard$i" "<tcp_port>${tcp[$i]}</tcp_port>$cluster")")
      shard_params+="&shard=127.0.0.1:${chports[$i]}"
    done
    chport="${chports[0]}"
    analytics=(--analytics "clickhouse://127.0.0.1:$chport/codepulse$shard_params")
  else
    [ "${KEEP_CLICKHOUSE:-0}" = 1 ] || rm -rf "$work/clickhouse"
    chport="$(clickhouse_server "$work/clickhouse")"
    chports=("$chport")
    analytics=(--analytics "clickhouse://127.0.0.1:$chport/codepulse")
  fi
  ready='analytics ready'
fi
"$bin/codepulse-collector" serve --listen 127.0.0.1:0 --db "$store" \
  --tls-cert "$work/run/pki/server.pem" --tls-key "$work/run/pki/server-key.pem" \
  ${analytics[@]+"${analytics[@]}"} 2> "$work/run/collector.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; for f in "$work"/clickhouse/pid "$work"/clickhouse-shard*/pid; do [ -f "$f" ] && { kill "$(cat "$f")" 2>/dev/null || true; }; done; true' EXIT
port=""
for _ in $(seq 3600); do
  sleep 0.5
  port=$(grep -o 'listening on https://127.0.0.1:[0-9]*' "$work/run/collector.log" | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && grep -q "$ready" "$work/run/collector.log" && break
done
[ -n "$port" ] || { echo "collector did not start"; cat "$work/run/collector.log"; exit 1; }
grep "$ready" "$work/run/collector.log" | sed 's/.*info //'
url="https://localhost:$port"
if [ "${ANALYTICS:-0}" = 1 ]; then
  # Reports read rolled-up days; a day is rolled once quiet for 30 s.
  start=$(date +%s.%N)
  for _ in $(seq 3600); do
    dirty="$(curl -s --cacert "$work/run/pki/ca.pem" "$url/metrics" |
      awk '/^codepulse_analytics_dirty_days /{print $2}')"
    [ "$dirty" = 0 ] && break
    sleep 1
  done
  echo "every day rolled up $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}') s after ready (dirty days: $dirty)"
fi
# Ingest going on meanwhile: enough batches to outlast the reports.
# Each tracker sends a batch about every 2 s (a tracker's 1 s linger, and then
# some); enough batches for 10 minutes (the load generator encodes them first).
batch=$(( rate * 2 / trackers > 0 ? rate * 2 / trackers : 1 ))
batches=$(( rate * 600 / trackers / batch + 1 ))
"$bin/codepulse-bench-ingest" --url "$url" --ca-file "$work/run/pki/ca.pem" \
  --token-prefix "$work/run/token" --trackers "$trackers" --batches "$batches" --records "$batch" \
  --rate "$rate" > "$work/run/ingest.json" 2>&1 &
ingest=$!
sleep 5  # encoding, then the first batches
get() {
  curl -s --cacert "$work/run/pki/ca.pem" -H "Authorization: Bearer $(cat "$work/run/viewer")" \
    -o "$work/run/reply" -w '%{http_code} %{time_total} %{size_download}\n' "$url/v1/report?$1"
}
q90="since=2026-08-03&until=2026-10-31"
reports=(
  "group_by=model,repo,file,author,date&$q90&format=json"
  "group_by=task,repo,file,author,date&$q90&format=json"
  "group_by=model,repo,file,author,date&$q90&top=10&format=json"
  "group_by=epic,task,repo,file,author,date&$q90&top=5&format=json"
  "group_by=model,repo&format=json"
  "group_by=date,model&format=json"
  "group_by=author,repo&format=json"
  "group_by=epic,task&format=json"
  "group_by=task,repo,author,date&$q90&format=json"
  "group_by=epic,task,repo,author,date&$q90&top=5&format=json"
  "group_by=file,task&$q90&format=json"
  "group_by=repo,file&format=json")
# REPORTS=year: only the year-long reports of columns and dates (the ones
# ClickHouse answers whole), e.g. at 50 million records, where the file
# reports' cubes built from the store would dominate the run.
[ "${REPORTS:-all}" = year ] && reports=("${reports[@]:4:3}")
# REPORTS=whole: every report ClickHouse answers whole (columns, dates,
# tasks, epics, files in up to three levels, and deeper with --top).
[ "${REPORTS:-all}" = whole ] && reports=("${reports[@]:2:10}")
# REPORTS=outcomes: reports with outcomes (commits, pull requests, links,
# leverage), which ClickHouse answers from its groups and each session's
# records (docs/CLICKHOUSE.md, "Outcomes").
[ "${REPORTS:-all}" = outcomes ] && reports=(
  "group_by=author&$q90&outcomes=true&format=json"
  "group_by=epic,task,author&$q90&outcomes=true&format=json"
  "group_by=repo,pr&$q90&format=json"
  "group_by=model&outcomes=true&format=json")
echo
echo "| report (GET /v1/report?...) | reply | wall ms (min / median / max) |"
echo "|---|---:|---:|"
for q in "${reports[@]}"; do
  times=()
  for _ in $(seq "$rounds"); do
    read -r code secs size < <(get "$q")
    # 422: a tree over report_max_nodes, refused before it is rendered.
    # 503 from ClickHouse: a reply over the client's limit, said with its reason.
    [ "$code" = 200 ] || [ "$code" = 422 ] || { [ "$code" = 503 ] && [ "${ANALYTICS:-0}" = 1 ]; } ||
      { echo "HTTP $code for $q"; cat "$work/run/reply"; exit 1; }
    times+=("$(awk -v s="$secs" 'BEGIN {printf "%.0f", s * 1000}')")
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  reply=$(awk -v b="$size" 'BEGIN {printf "%.1f MiB", b / 1048576}')
  [ "$code" = 422 ] && reply="422: $(grep -o 'it has [0-9]* nodes' "$work/run/reply" || echo refused)"
  [ "$code" = 503 ] && reply="503: $(head -c 120 "$work/run/reply")"
  echo "| \`$q\` | $reply |" \
       "${sorted[0]} / ${sorted[$(( rounds / 2 ))]} / ${sorted[$(( rounds - 1 ))]} |"
done
kill -KILL "$ingest" 2>/dev/null || true
wait "$ingest" 2>/dev/null || true
echo
echo "collector: $(grep -E '^(VmHWM|VmRSS|RssAnon|RssFile)' /proc/$pid/status | tr -s ' \t\n' ' ')"
if [ "${ANALYTICS:-0}" = 1 ]; then
  metrics="$(curl -s --cacert "$work/run/pki/ca.pem" "$url/metrics")"
  echo "analytics: $(echo "$metrics" | grep -E '^codepulse_analytics_(rows_sent|report_answers|store_answers|rollups|dirty_days) ' | tr '\n' ' ')"
  rows="$(curl -s "http://127.0.0.1:$chport/?query=SELECT%20count()%20FROM%20codepulse.usage_facts%20FINAL")"
  # On every server (each shard's local tables in a cluster).
  bytes=0; rolled_bytes=0; rolled_rows=0
  for p in "${chports[@]}"; do
    b="$(curl -s "http://127.0.0.1:$p/?query=SELECT%20sum(bytes_on_disk)%20FROM%20system.parts%20WHERE%20active%20AND%20table%20IN%20('usage_facts'%2C'usage_facts_local')")"
    r="$(curl -s "http://127.0.0.1:$p/?query=SELECT%20sum(bytes_on_disk)%2C%20sum(rows)%20FROM%20system.parts%20WHERE%20active%20AND%20table%20IN%20('usage_rollup'%2C'usage_rollup_local')")"
    bytes=$((bytes + b)); rolled_bytes=$((rolled_bytes + $(echo "$r" | cut -f1))); rolled_rows=$((rolled_rows + $(echo "$r" | cut -f2)))
  done
  echo "ClickHouse (${#chports[@]} server(s)): $rows records, $bytes bytes on disk ($(awk -v b="$bytes" -v r="$rows" 'BEGIN {printf "%.1f", b / r}') bytes per record)"
  echo "rollups: $rolled_rows rows, $rolled_bytes bytes on disk"
  split="$(curl -s "http://127.0.0.1:$chport/?query=SELECT%20sum(rows)%2C%20sum(bytes_on_disk)%20FROM%20system.parts%20WHERE%20active%20AND%20table%20IN%20('usage_rollup_task'%2C'usage_rollup_task_local')")"
  echo "task split (front's view; a cluster's is on its shards): $(echo "$split" | cut -f1) rows, $(echo "$split" | cut -f2) bytes on disk"
else
  echo "ingested meanwhile: $(curl -s --cacert "$work/run/pki/ca.pem" "$url/metrics" |
    grep -E '^codepulse_report_cube_records' | awk '{print $2}') records in the cube"
fi

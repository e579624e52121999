#!/bin/bash
# Re-pricing one model family in ClickHouse at scale (docs/BENCHMARKS.md,
# "Re-pricing one model at 100 million records"): serves a generated store
# with its ClickHouse data kept by bench/report.sh (KEEP_CLICKHOUSE=1), waits
# until the analytics store is ready, changes the prices of one family, and
# measures the rows sent again, the time, the rollups and the collector's
# peak RSS.
#
# usage: bench/reprice.sh STORE CLICKHOUSE_DIR CHANGE...
#   CHANGE: the arguments of `codepulse-collector prices`, e.g.
#   override add --family 'claude-haiku-4-5*' --percent -20
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${BENCH_BIN:-$root/build/bin}"
store="$1" chdir="$2"
shift 2
work="$(mktemp -d)"
. "$root/packaging/clickhouse-local.sh"
port="$(clickhouse_server "$chdir")"
"$bin/codepulse-collector" cert create --dir "$work/pki" >/dev/null
log="$work/collector.log"
seconds() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}'; }
start=$(date +%s.%N)
"$bin/codepulse-collector" serve --listen 127.0.0.1:0 --db "$store" \
  --tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server-key.pem" \
  --analytics "clickhouse://127.0.0.1:$port/codepulse" 2> "$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; kill "$(cat "$chdir/pid")" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 7200); do sleep 0.5; grep -q "analytics ready" "$log" && break; done
echo "ready after $(seconds "$start") s: $(grep -o 'compared with the store.*' "$log")"
before=$(grep -c "rows sent again" "$log" || true)
changed=$(date +%s.%N)
"$bin/codepulse-collector" prices "$@" --db "$store" | tail -1
for _ in $(seq 14400); do
  sleep 0.5
  [ "$(grep -c "rows sent again" "$log" || true)" -gt "$before" ] && break
done
echo "re-priced $(seconds "$changed") s after the change: $(grep "rows sent again" "$log" | tail -1 | sed 's/.*codepulse: //')"
url="https://127.0.0.1:$(grep -o 'listening on https://127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$')"
rolled=$(date +%s.%N)
for _ in $(seq 3600); do
  dirty="$(curl -sk "$url/metrics" | awk '/^codepulse_analytics_dirty_days /{print $2}')"
  [ "$dirty" = 0 ] && break
  sleep 2
done
echo "every day rolled again $(seconds "$rolled") s after"
echo "collector peak RSS: $(awk '/VmHWM/ {print $2 / 1024 " MiB"}' "/proc/$pid/status")"

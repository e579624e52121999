#!/usr/bin/env bash
# Dashboard speed (issue 7): the first view of a store of RECORDS records
# (default 10 million, the report benchmark's data set, generated once into
# $BENCH_DIR like bench/report.sh) in headless chromium, and the other views.
# Needs /usr/bin/chromium and packaging/install-dashboard-deps.sh.
# AUTHORS: the generated store's authors (bench/report.sh).
# Usage: bench/dashboard.sh [RECORDS=10000000] [ROUNDS=5] [AUTHORS=200]
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
records="${1:-10000000}"; rounds="${2:-5}"; authors="${3:-200}"
work="${BENCH_DIR:-/tmp/codepulse-report}"
bin="${BENCH_BIN:-$root/build/bin}"
mkdir -p "$work"
. "$root/bench/generated_store.sh"
db="$(generated_store "$records" "$authors")"
rm -rf "$work/dashboard"; mkdir -p "$work/dashboard"
cp "$db" "$work/dashboard/collector.db"  # the run adds tokens to its copy
trap 'rm -rf "$work/dashboard"' EXIT
node "$root/bench/dashboard_first_view.mjs" --collector "$bin/codepulse-collector" \
  --db "$work/dashboard/collector.db" --rounds "$rounds"

#!/usr/bin/env bash
# What line provenance adds to the tracker's log scan (docs/BENCHMARKS.md,
# "Line provenance"): a cold scan of a generated corpus with its Write, Edit
# and MultiEdit calls fingerprinted (the default) and with line_provenance
# off, three runs each, in turn. Git metadata stays on in both (line
# provenance needs it); the corpus's project folders are no repositories, so
# the git pass finds nothing to read. The last "on" run's fingerprinted
# calls and lines are counted from its store.
#   [RUNS=N] bench/provenance_cost.sh [SIZE, default 1G] [SEED, default 1] [MAX_READ_BYTES]
# Needs a Release build in build/ (BENCH_BIN: another folder of binaries).
set -euo pipefail
source "$(dirname "$0")/corpus_env.sh"
tracker="${BENCH_BIN:-$root/build/bin}/codepulse-tracker"
echo "corpus: $corpus/.claude/projects ($(du -sb "$corpus/.claude/projects" | cut -f1) bytes)"
cat $(find "$corpus/.claude/projects" -type f) > /dev/null   # from the page cache
for run in $(seq "${RUNS:-3}"); do
  for mode in off on; do
    rm -rf "$work/state"
    measure "scan, line provenance $mode #$run" "$tracker" scan --claude-dir "$corpus/.claude" \
      --state "$work/state" --quiet --set "line_provenance=$([ $mode = on ] && echo true || echo false)"
  done
done
sqlite3 "$work/state/tracker.db" "SELECT 'fingerprinted: ' || (SELECT count(*) FROM line_calls) || ' calls, ' || (SELECT count(*) FROM line_prints) || ' distinct lines (of the last run)'" 2>/dev/null || true

#!/usr/bin/env bash
# What line provenance adds to the tracker's log scan (docs/BENCHMARKS.md,
# "Line provenance"): a cold scan of a generated corpus with its Write, Edit
# and MultiEdit calls fingerprinted (the default) and with line_provenance
# off, three runs each, in turn.
#   bench/provenance_cost.sh [SIZE, default 1G] [SEED, default 1] [MAX_READ_BYTES]
# Needs a Release build in build/ (BENCH_BIN: another folder of binaries).
set -euo pipefail
source "$(dirname "$0")/corpus_env.sh"
tracker="${BENCH_BIN:-$root/build/bin}/codepulse-tracker"
echo "corpus: $corpus/.claude/projects ($(du -sb "$corpus/.claude/projects" | cut -f1) bytes)"
cat $(find "$corpus/.claude/projects" -type f) > /dev/null   # from the page cache
for run in 1 2 3; do
  for mode in on off; do
    rm -rf "$work/state"
    measure "scan, line provenance $mode #$run" "$tracker" scan --claude-dir "$corpus/.claude" \
      --state "$work/state" --quiet --set "line_provenance=$([ $mode = on ] && echo true || echo false)" \
      --set git_metadata=false
  done
done

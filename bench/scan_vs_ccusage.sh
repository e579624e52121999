#!/usr/bin/env bash
# Cold and warm scan of a generated corpus, against ccusage on the same bytes.
# Usage: bench/scan_vs_ccusage.sh [SIZE, default 1G] [SEED, default 1] [MAX_READ_BYTES]
# (MAX_READ_BYTES: see bench/corpus_env.sh). Needs a Release build in build/
# and ccusage (packaging/install-peers.sh).
set -euo pipefail
source "$(dirname "$0")/corpus_env.sh"
bytes=$(du -sb "$corpus/.claude/projects" | cut -f1)
echo "corpus: $corpus/.claude/projects ($bytes bytes)"
cat $(find "$corpus/.claude/projects" -type f) > /dev/null   # warm the page cache: all runs read from memory

for run in 1 2 3; do
  rm -rf "$work/state"
  measure "codepulse scan (cold) #$run" "$tracker" scan --claude-dir "$corpus/.claude" --state "$work/state" --quiet
done
measure "codepulse scan (nothing new)" "$tracker" scan --claude-dir "$corpus/.claude" --state "$work/state" --quiet
measure "codepulse report date,model" "$tracker" report --state "$work/state" --format json
if [ -x "$ccusage" ]; then
  for run in 1 2 3; do
    measure "ccusage daily --offline #$run" env HOME="$corpus" TZ=UTC "$ccusage" daily --json --offline
  done
else
  echo "ccusage not found at $ccusage (run packaging/install-peers.sh)"
fi
measure "cat of the same bytes" sh -c "cat \$(find '$corpus/.claude/projects' -type f) > /dev/null"

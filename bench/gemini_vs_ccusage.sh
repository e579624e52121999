#!/usr/bin/env bash
# Cold and warm scan of a generated Gemini CLI corpus (codepulse-gen-corpus
# --gemini), against `ccusage gemini daily --json --offline` on the same bytes.
# Usage: bench/gemini_vs_ccusage.sh [SIZE, default 1G] [SEED, default 1]
# Needs a Release build in build/ and ccusage (packaging/install-peers.sh).
set -euo pipefail
source "$(dirname "$0")/tools_env.sh"   # root, tracker, ccusage, measure
size="${1:-1G}"
seed="${2:-1}"
work="${BENCH_DIR:-/tmp/codepulse-bench}"
gen="$root/build/bin/codepulse-gen-corpus"
corpus="$work/gemini-$size-$seed"
if [ ! -d "$corpus/.gemini/tmp" ]; then
  rm -rf "$corpus"
  "$gen" --gemini --out "$corpus/.gemini" --bytes "$size" --seed "$seed" --truth "$corpus/truth.json"
fi
bytes=$(du -sb "$corpus/.gemini/tmp" | cut -f1)
files=$(find "$corpus/.gemini/tmp" -type f -name '*.json*' | wc -l)
echo "corpus: $corpus/.gemini ($bytes bytes in $files session files)"
cat $(find "$corpus/.gemini/tmp" -type f) > /dev/null   # warm the page cache: all runs read from memory

scan=("$tracker" scan --assistant gemini-cli --assistant-dir "gemini-cli=$corpus/.gemini"
      --state "$work/gemini-state" --quiet)
for run in 1 2 3; do
  rm -rf "$work/gemini-state"
  measure "codepulse scan (cold) #$run" "${scan[@]}"
done
measure "codepulse scan (nothing new)" "${scan[@]}"
measure "codepulse report date,model" "$tracker" report --state "$work/gemini-state" --format json
if [ -x "$ccusage" ]; then
  for run in 1 2 3; do
    measure "ccusage gemini daily --offline #$run" \
      env HOME="$corpus" TZ=UTC "$ccusage" gemini daily --json --offline
  done
else
  echo "ccusage not found at $ccusage (run packaging/install-peers.sh)"
fi
measure "cat of the same bytes" sh -c "cat \$(find '$corpus/.gemini/tmp' -type f) > /dev/null"

#!/usr/bin/env bash
# Where each tool's scan time goes: the generated corpus is split, file by
# file, into its usage lines (lines holding "usage": the requests) and all
# other lines (tool results, prompts, progress, snapshots), and each half is
# scanned cold by codepulse and by ccusage. Tells per-request cost from
# per-byte cost. Usage: bench/scan_cost_model.sh [SIZE, default 1G] [SEED, default 1]
# [MAX_READ_BYTES] (see bench/corpus_env.sh).
# Needs a Release build in build/ and ccusage (packaging/install-peers.sh).
set -euo pipefail
source "$(dirname "$0")/corpus_env.sh"
[ -x "$ccusage" ] || { echo "ccusage not found at $ccusage (run packaging/install-peers.sh)"; exit 1; }
split_into() {  # name, grep flag: the corpus's .jsonl files, each keeping only matching lines
  local out="$work/split-${corpus##*/}-$1"
  if [ ! -d "$out" ]; then
    (cd "$corpus" && find .claude -name '*.jsonl' -type f) | while read -r f; do
      mkdir -p "$out/$(dirname "$f")"
      grep -a $2 -F '"usage"' "$corpus/$f" > "$out/$f" || true
    done
  fi
  echo "$out"
}
usage_dir=$(split_into usage "")
other_dir=$(split_into other "-v")

measure() {  # label, command...
  local label="$1"; shift
  /usr/bin/time -f "%U %S %e %M" -o "$work/time.txt" "$@" > /dev/null 2>&1
  read -r user sys elapsed rss < "$work/time.txt"
  printf "%-40s cpu %6.2f s  elapsed %6.2f s  peak RSS %4d MiB\n" \
    "$label" "$(awk "BEGIN{print $user + $sys}")" "$elapsed" "$((rss / 1024))"
}
for part in "$usage_dir" "$other_dir"; do
  name=${part##*-}
  bytes=$(find "$part/.claude/projects" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
  lines=$(cat $(find "$part/.claude/projects" -name '*.jsonl') | wc -l)
  echo "$name lines: $lines lines, $bytes bytes"
  cat $(find "$part/.claude/projects" -type f) > /dev/null
  for run in 1 2 3; do
    rm -rf "$work/state-split"
    measure "  codepulse scan (cold) #$run" "$tracker" scan --claude-dir "$part/.claude" --state "$work/state-split" --quiet
  done
  for run in 1 2 3; do
    measure "  ccusage daily --offline #$run" env HOME="$part" TZ=UTC "$ccusage" daily --json --offline
  done
done

#!/usr/bin/env bash
# Cold scan and no-op rescan of a generated Codex CLI corpus, against ccusage
# (`ccusage codex daily`) on the same rollouts: CPU, wall time and peak RSS
# from /usr/bin/time -v.
# Usage: bench/codex_vs_ccusage.sh [SIZE, default 200M] [SEED, default 1]
# Needs a Release build in build/ (codepulse-tracker, codepulse-gen-codex-corpus)
# and ccusage (packaging/install-peers.sh).
set -euo pipefail
bin="$(cd "$(dirname "$0")/.." && pwd)/build/bin"
work="${BENCH_DIR:-/tmp/codepulse-bench}"
corpus="$work/codex-corpus-${1:-200M}-${2:-1}"
ccusage="${CODEPULSE_CCUSAGE:-$bin/../peers/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage}"
if [ ! -d "$corpus/home/sessions" ]; then
  rm -rf "$corpus" && mkdir -p "$corpus"
  "$bin/codepulse-gen-codex-corpus" --out "$corpus/home" --bytes "${1:-200M}" --seed "${2:-1}" \
    --forks --truth "$corpus/truth.json"
fi
echo "corpus: $corpus/home ($(du -sb "$corpus/home" | cut -f1) bytes, $(find "$corpus/home" -type f | wc -l) files)"
find "$corpus/home" -type f -exec cat {} + > /dev/null  # warm the page cache: all runs read from memory

run_timed() {  # label, command...: CPU (user+sys), wall, peak RSS
  local label="$1"; shift
  /usr/bin/time -v -o "$work/codex-time.txt" "$@" > "$work/codex-out.txt" 2> "$work/codex-err.txt"
  awk -v label="$label" -F': ' '
    /User time/ {u = $2} /System time/ {s = $2} /Maximum resident/ {r = $2}
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    END { printf "%-36s cpu %7.3f s (user %.3f + sys %.3f)  wall %7.3f s  peak RSS %5d MiB\n",
          label, u + s, u, s, w, r / 1024 }' "$work/codex-time.txt"
}

scan=("$bin/codepulse-tracker" scan --assistant codex --assistant-dir "codex=$corpus/home" --state "$work/codex-state" --author bench@x --quiet)
for run in 1 2 3; do
  rm -rf "$work/codex-state"
  run_timed "codepulse scan (cold) #$run" env HOME="$corpus" "${scan[@]}"
done
for run in 1 2 3; do
  run_timed "codepulse scan (nothing new) #$run" env HOME="$corpus" "${scan[@]}"
done
if [ -x "$ccusage" ]; then
  for run in 1 2 3; do
    run_timed "ccusage codex daily --offline #$run" \
      env HOME="$corpus" CODEX_HOME="$corpus/home" TZ=UTC "$ccusage" codex daily --json --offline
  done
else
  echo "ccusage not found at $ccusage (run packaging/install-peers.sh)"
fi
run_timed "cat of the same bytes" sh -c "find '$corpus/home' -type f -exec cat {} + > /dev/null"

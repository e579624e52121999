#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang (ASan + UBSan) into build-fuzz and
# runs each for SECONDS (default 60), JOBS harnesses at once (default: one
# per core; each harness is single-threaded), starting from the committed corpus
# tests/fuzz/corpus/<harness> (copied to a fresh working folder, so a run
# depends only on the seed and the commit). A crash, leak, sanitizer report,
# broken invariant or timeout fails the run: the input is saved under
# build-fuzz/artifacts and printed in base64, with the command that replays it.
#
# Each run draws a new seed and prints it; FUZZ_SEED=N runs with seed N again
# (from the same commit's corpus it makes the same mutations, though not
# exactly in step: the artifact is the exact replay). After each harness, the inputs of its run of at most
# FUZZ_MERGE_MAX_BYTES (4096) that reach code the committed corpus does not
# are merged into it (libFuzzer -merge=1 over edges, -use_counters=0: the
# fewest and smallest inputs that do): commit them and the corpus grows.
# FUZZ_MERGE=0 leaves tests/fuzz/corpus as it is.
# docs/FUZZING.md has the longer runs and how to replay a CI failure.
# Usage: tests/fuzz/run.sh [SECONDS=60] [TARGET...]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(log_line batch report_query http_request jira_webhook github_webhook bitbucket_webhook price_book)
jobs="${JOBS:-$(nproc)}"
seed="${FUZZ_SEED:-0}"
# libFuzzer takes 0 as "pick one" and would not say which: pick it here.
[ "$seed" != 0 ] || seed=$(( $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % 2147483646 + 1 ))
echo "fuzz seed $seed: FUZZ_SEED=$seed tests/fuzz/run.sh $seconds ${targets[*]} runs with this seed again"

generator=()  # Ninja for a new build folder, as in packaging/run-tests.sh
if [ ! -f build-fuzz/CMakeCache.txt ] && command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
CXX=clang++ cmake -S . -B build-fuzz "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCODEPULSE_FUZZ=ON \
  -DCODEPULSE_BUILD_TESTS=OFF -DCODEPULSE_WERROR=ON >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz

export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p build-fuzz/artifacts
# One harness: fuzz for $seconds from the committed corpus, then merge what
# reaches new code. Its output goes to build-fuzz/summary_$t.txt; it returns
# non-zero on a finding or a failed merge.
fuzz_one() {
  local t="$1"
  local committed="tests/fuzz/corpus/$t"
  local work="build-fuzz/corpus/$t"
  rm -rf "$work"
  mkdir -p "$work" "$committed"
  cp "$committed"/* "$work"/ 2>/dev/null || true
  echo "== fuzz_$t for ${seconds} s, seed $seed =="
  if ! "build-fuzz/bin/fuzz_$t" -seed="$seed" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t-" \
      "$work" > "build-fuzz/fuzz_$t.log" 2>&1; then
    tail -n 60 "build-fuzz/fuzz_$t.log"
    echo "fuzz_$t FAILED with seed $seed."
    for a in $(ls -t build-fuzz/artifacts/"$t"-* 2>/dev/null | head -1); do
      echo "input: $a ($(stat -c %s "$a") bytes), base64:"
      head -c 65536 "$a" | base64 -w0
      echo
      echo "replay: build-fuzz/bin/fuzz_$t $a"
      echo "  (from the base64: base64 -d > input <<< '...'; build-fuzz/bin/fuzz_$t input)"
    done
    return 1
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ +DONE" "build-fuzz/fuzz_$t.log" || true
  if [ "${FUZZ_MERGE:-1}" != 0 ]; then
    local small="build-fuzz/corpus/$t.small"
    rm -rf "$small"
    mkdir -p "$small"
    find "$work" -type f -size -$(( ${FUZZ_MERGE_MAX_BYTES:-4096} + 1 ))c -exec cp {} "$small"/ \;
    local before
    before=$(ls "$committed" | wc -l)
    "build-fuzz/bin/fuzz_$t" -merge=1 -use_counters=0 -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 "$committed" "$small" > "build-fuzz/merge_$t.log" 2>&1 ||
      { tail -n 30 "build-fuzz/merge_$t.log"; echo "fuzz_$t: merge FAILED"; return 1; }
    echo "corpus: $(ls "$work" | wc -l) inputs in the run; $(( $(ls "$committed" | wc -l) - before )) that reach new code merged into $committed"
  fi
}

# The harnesses are single-threaded: run $jobs at once, each on its own
# corpus, and print each one's summary as it ends.
failed=0
declare -A running=()
reap_one() {
  local st=0 pid=""
  wait -n -p pid || st=$?
  [ "$st" = 0 ] || failed=1
  cat "build-fuzz/summary_${running[$pid]}.txt"
  unset "running[$pid]"
}
for t in "${targets[@]}"; do
  while [ "${#running[@]}" -ge "$jobs" ]; do reap_one; done
  fuzz_one "$t" > "build-fuzz/summary_$t.txt" 2>&1 &
  running[$!]="$t"
done
while [ "${#running[@]}" -gt 0 ]; do reap_one; done
[ "$failed" = 0 ] || { echo "fuzzing FAILED (seed $seed): FUZZ_SEED=$seed tests/fuzz/run.sh $seconds ${targets[*]}"; exit 1; }

#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang (ASan + UBSan) into build-fuzz and
# runs each for SECONDS (default 60), starting from the seed corpus in
# tests/fuzz/corpus (copied, so the seeds stay as committed). A crash, leak,
# sanitizer report or timeout fails the run; its input is saved under
# build-fuzz/artifacts. docs/FUZZING.md has the longer runs.
# FUZZ_SEED (default 1) fixes libFuzzer's random seed, so a run, and a CI
# failure, can be repeated exactly; FUZZ_SEED=0 picks a new seed each run.
# Usage: tests/fuzz/run.sh [SECONDS=60] [TARGET...]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(log_line batch report_query http_request jira_webhook github_webhook bitbucket_webhook)
jobs="${JOBS:-$(nproc)}"
seed="${FUZZ_SEED:-1}"

CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCODEPULSE_FUZZ=ON \
  -DCODEPULSE_BUILD_TESTS=OFF -DCODEPULSE_WERROR=ON >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz

mkdir -p build-fuzz/artifacts
for t in "${targets[@]}"; do
  work="build-fuzz/corpus/$t"
  mkdir -p "$work"
  cp -n tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  echo "== fuzz_$t for ${seconds} s =="
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "build-fuzz/bin/fuzz_$t" -seed="$seed" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t-" \
      "$work" > "build-fuzz/fuzz_$t.log" 2>&1; then
    tail -n 60 "build-fuzz/fuzz_$t.log"
    echo "fuzz_$t FAILED: reproduce with build-fuzz/bin/fuzz_$t build-fuzz/artifacts/$t-*"
    exit 1
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ +DONE" "build-fuzz/fuzz_$t.log" || true
  echo "corpus: $(ls "$work" | wc -l) inputs"
done

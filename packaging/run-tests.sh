#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and runs every test: installs packages,
# installs the peer tools compared against (ccusage) and the real assistant
# CLIs (Claude Code, Codex, Gemini CLI, OpenCode; docs/TESTING.md) when npm
# is available, builds and runs the suite under
# AddressSanitizer + UndefinedBehaviorSanitizer,
# runs every fuzzing harness for 30 s (docs/FUZZING.md), then builds with
# warnings as errors and runs, in that Release build, what ships end to end:
# the packaging tests, the cases tagged [release] and the 3-minute soak (its
# summary comes last). docs/TESTING.md says why the Release stage is not the
# whole suite again.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jobs="${JOBS:-$(nproc)}"

packaging/install-deps.sh
packaging/install-dashboard-deps.sh
if ! packaging/install-peers.sh "$root/build/peers"; then
  # Under CI nothing may be skipped (tests/support/skip.hpp): a missing peer stops the run.
  if [ "${CI:-}" = "true" ]; then echo "run-tests: peers not installed under CI=true" >&2; exit 1; fi
  echo "run-tests: peers not installed; comparison tests will skip"
fi
export CODEPULSE_CCUSAGE="$root/build/peers/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage"
export CODEPULSE_CLAUDE_CODE="$root/build/peers/node_modules/@anthropic-ai/claude-code-linux-x64/claude"
export CODEPULSE_CODEX="$root/build/peers/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex"
export CODEPULSE_GEMINI_CLI="$root/build/peers/node_modules/@google/gemini-cli/bundle/gemini.js"
export CODEPULSE_OPENCODE="$root/build/peers/node_modules/opencode-linux-x64/bin/opencode"
export CODEPULSE_COPILOT_CLI="$root/build/peers/node_modules/@github/copilot-linux-x64/copilot"

# Ninja keeps both cores busy across library boundaries (Make waits for each
# library to be archived before compiling what depends on it); a build folder
# made earlier with another generator (packaging/quickstart.sh uses Make) is
# reused with the generator it has.
generator() {
  if [ ! -f "$1/CMakeCache.txt" ] && command -v ninja >/dev/null 2>&1; then echo "-GNinja"; fi
}

echo "== sanitizer build (ASan + UBSan) =="
# Warnings are errors here too: this is the one build that compiles every
# file with GCC (the Release stage builds only what it runs). The one false
# warning of GCC 12 under the sanitizers is off in this build (CMakeLists.txt).
cmake -S . -B build-asan $(generator build-asan) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCODEPULSE_SANITIZE=ON -DCODEPULSE_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" --timeout 600 -LE 'soak|packaging|release'

echo "== fuzzing (libFuzzer, clang, ASan + UBSan; ${FUZZ_SECONDS:-30} s per harness) =="
tests/fuzz/run.sh "${FUZZ_SECONDS:-30}"

echo "== release build =="
# Only what this stage runs is built (the target release_stage: the programs,
# the corpus generator and a test binary of the files with [release] cases).
cmake -S . -B build $(generator build) -DCMAKE_BUILD_TYPE=Release -DCODEPULSE_WERROR=ON >/dev/null
cmake --build build -j"$jobs" --target release_stage
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 900 -L 'soak|packaging|release'

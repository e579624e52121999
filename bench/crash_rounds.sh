#!/usr/bin/env bash
# Crash safety at scale: the daemon is killed with SIGKILL at random moments
# while a writer appends to several logs, ROUNDS times (default 1000); a final
# scan must hold exactly the records of the logs, none lost, none twice.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-1000}"
start=$(date +%s)
CODEPULSE_CRASH_ROUNDS="$rounds" "$root/build/bin/codepulse_tests" "kill -9 at random moments neither loses nor duplicates a record"
echo "$rounds kill -9 rounds: passed in $(( $(date +%s) - start )) s"

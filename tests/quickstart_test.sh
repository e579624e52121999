#!/usr/bin/env bash
# packaging/quickstart.sh end to end, with the binaries already built, in a
# temporary folder and HOME (so the bundled sample set is used): the first
# run starts everything and prints the report and the dashboard address; the
# second reuses the running collector, tracker and tokens; the optional
# third (analytics) starts ClickHouse and answers a report from it; stop
# ends them all.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:?usage: quickstart_test.sh BIN_DIR}"
tmp="$(mktemp -d)"
cleanup() {
  QUICKSTART_DIR="$tmp/qs" "$root/packaging/quickstart.sh" stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/home"
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" QUICKSTART_DIR="$tmp/qs"
export QUICKSTART_BIN="$bin" QUICKSTART_SKIP_BUILD=1 QUICKSTART_PORT=0
unset CLAUDE_CONFIG_DIR

fail() { echo "FAIL: $*" >&2; exit 1; }

first="$("$root/packaging/quickstart.sh" 2>&1)" || { echo "$first"; fail "first run exited non-zero"; }
echo "$first"
grep -q 'using the bundled sample set' <<<"$first" || fail "no sample set"
grep -q '^codepulse-tracker enroll \|   codepulse-tracker enroll --collector https://localhost:' <<<"$first" || fail "no enrol line"
grep -q 'Enrolled with https://localhost:' <<<"$first" || fail "tracker not enrolled"
grep -Eq 'open +https://localhost:[0-9]+/' <<<"$first" || fail "no dashboard address"
grep -Eq 'token +cpt_' <<<"$first" || fail "no viewer token"
grep -q 'sample@example.com\|github.com\|local/' <<<"$first" || fail "no report rows"
collector_pid="$(cat "$tmp/qs/collector.pid")"
tracker_pid="$(cat "$tmp/qs/tracker.pid")"
[ "$(stat -c %a "$tmp/qs/config/codepulse/token")" = 600 ] || fail "token file not 0600"
[ ! -e "$HOME/.local/state/codepulse" ] || fail "the user's own tracker state was touched"

second="$("$root/packaging/quickstart.sh" 2>&1)" || { echo "$second"; fail "second run exited non-zero"; }
echo "$second"
grep -q "already running (pid $collector_pid)" <<<"$second" || fail "collector not reused"
grep -q "already running (pid $tracker_pid)" <<<"$second" || fail "tracker not reused"
grep -q 'Enrolled with' <<<"$second" && fail "enrolled again"
[ "$(grep -c . <<<"$(sed -n 's/^   token  *\(cpt_[^ ]*\).*/\1/p' <<<"$first$second" | sort -u)")" = 1 ] ||
  fail "the viewer token changed"

# The optional third command: the same collector data answered from a
# ClickHouse server the quickstart starts (the collector starts again with
# --analytics; the tracker keeps running).
clickhouse_pid=""
if command -v clickhouse-server >/dev/null || [ -x /usr/sbin/clickhouse-server ] ||
  [ -x /usr/bin/clickhouse ]; then
  third="$("$root/packaging/quickstart.sh" analytics 2>&1)" || { echo "$third"; fail "analytics run exited non-zero"; }
  echo "$third"
  grep -q '== ClickHouse: the analytics store' <<<"$third" || fail "no ClickHouse started"
  grep -q "stopped the collector (pid $collector_pid)" <<<"$third" || fail "collector not restarted with --analytics"
  grep -q "already running (pid $tracker_pid)" <<<"$third" || fail "tracker not reused"
  grep -q 'Enrolled with' <<<"$third" && fail "enrolled again: the collector moved to another port"
  grep -q 'codepulse_analytics_report_answers 1 ' <<<"$third" ||
    fail "the report was not answered from ClickHouse"
  grep -q 'health: curl -s http://127.0.0.1:[0-9]*/ping' <<<"$third" || fail "no health check shown"
  collector_pid="$(cat "$tmp/qs/collector.pid")"
  clickhouse_pid="$(cat "$tmp/qs/clickhouse/pid")"
  tr '\0' ' ' < "/proc/$collector_pid/cmdline" | grep -q -- "--analytics clickhouse://127.0.0.1:" ||
    fail "the collector runs without --analytics"
elif [ "${CI:-}" = true ]; then
  fail "clickhouse-server is not installed (packaging/install-deps.sh installs it)"
else
  echo "SKIP: the quickstart's analytics command (clickhouse-server is not installed)"
fi

stopped="$("$root/packaging/quickstart.sh" stop)"
echo "$stopped"
grep -q "stopped the tracker (pid $tracker_pid)" <<<"$stopped" || fail "tracker not stopped"
grep -q "stopped the collector (pid $collector_pid)" <<<"$stopped" || fail "collector not stopped"
! kill -0 "$collector_pid" 2>/dev/null || fail "collector still running"
! kill -0 "$tracker_pid" 2>/dev/null || fail "tracker still running"
if [ -n "$clickhouse_pid" ]; then
  grep -q "stopped ClickHouse (pid $clickhouse_pid)" <<<"$stopped" || fail "ClickHouse not stopped"
  for _ in $(seq 100); do kill -0 "$clickhouse_pid" 2>/dev/null || break; sleep 0.1; done
  ! kill -0 "$clickhouse_pid" 2>/dev/null || fail "ClickHouse still running"
fi
echo "PASS"

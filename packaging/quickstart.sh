#!/usr/bin/env bash
# The main job on this machine:
#   packaging/quickstart.sh         install what is needed, build, start a collector on
#                                   127.0.0.1 (SQLite, a local CA and certificate made for
#                                   it), enrol a tracker with the line `token create` prints,
#                                   start the tracker service against this machine's Claude
#                                   Code logs (or a bundled sample set when there are none),
#                                   wait until the first batch is in, print a nested report
#                                   and the dashboard address with a viewer token.
#   packaging/quickstart.sh analytics   the same, with reports answered from a ClickHouse
#                                   server it starts here (docs/CLICKHOUSE.md): optional;
#                                   later runs keep it until `stop`.
#   packaging/quickstart.sh stop    end the collector, the tracker and ClickHouse it started.
# Run again, it reuses what exists: certificates, database, tokens, the tracker's
# state, and the collector and tracker if they still run.
# Everything it writes stays in build/quickstart/ (QUICKSTART_DIR); your own
# tracker configuration and state (~/.config/codepulse, ~/.local/state/codepulse)
# are not touched. QUICKSTART_PORT (default 8443; 0 = any free port) is the
# collector's port; QUICKSTART_SKIP_BUILD=1 uses the binaries in build/bin as they are.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin="${QUICKSTART_BIN:-$root/build/bin}"
work="${QUICKSTART_DIR:-$root/build/quickstart}"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_one() {
  local name="$1" pidfile="$work/$1.pid"
  if alive "$pidfile"; then
    local pid
    pid="$(cat "$pidfile")"
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "quickstart: the $name (pid $pid) did not stop within 10 s; it was sent SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped the $name (pid $pid)"
  else
    echo "the $name is not running"
  fi
  rm -f "$pidfile"
}

case "${1:-start}" in
  stop)
    stop_one tracker
    stop_one collector
    if alive "$work/clickhouse/pid"; then
      kill -TERM "$(cat "$work/clickhouse/pid")"
      echo "stopped ClickHouse (pid $(cat "$work/clickhouse/pid"))"
      rm -f "$work/clickhouse/pid"
    fi
    rm -f "$work/analytics-url"
    exit 0
    ;;
  start) ;;
  analytics)
    mkdir -p "$work"
    touch "$work/analytics-url"
    ;;
  -h | --help)
    sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "quickstart: unknown command '$1': use 'packaging/quickstart.sh', 'packaging/quickstart.sh analytics' or 'packaging/quickstart.sh stop'" >&2
    exit 2
    ;;
esac

if [ "${QUICKSTART_SKIP_BUILD:-0}" != 1 ]; then
  packaging/install-deps.sh
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j"$(nproc)" --target codepulse-tracker codepulse-collector codepulse-gen-corpus
fi

mkdir -p "$work"
chmod 700 "$work"
db="$work/collector.db"

claude_args=()
have_logs=no
for d in ${CLAUDE_CONFIG_DIR:+${CLAUDE_CONFIG_DIR//,/ }} "${XDG_CONFIG_HOME:-$HOME/.config}/claude" "$HOME/.claude"; do
  if [ -d "$d/projects" ] && [ -n "$(find "$d/projects" -name '*.jsonl' -print -quit 2>/dev/null)" ]; then
    have_logs=yes
  fi
done
author="$(git config --global user.email 2>/dev/null || true)"
if [ "$have_logs" = yes ]; then
  echo "== reading this machine's Claude Code logs =="
else
  echo "== no Claude Code logs on this machine: using the bundled sample set =="
  sample="$work/sample"
  if [ ! -d "$sample/projects" ]; then
    "$bin/codepulse-gen-corpus" --out "$sample" --bytes 8M --seed 7 >/dev/null
  fi
  claude_args=(--claude-dir "$sample")
  author="sample@example.com"
fi
author="${author:-quickstart@localhost}"

analytics=()
if [ -f "$work/analytics-url" ]; then
  echo "== ClickHouse: the analytics store, on 127.0.0.1, data in $work/clickhouse =="
  if alive "$work/clickhouse/pid"; then
    echo "   already running (pid $(cat "$work/clickhouse/pid"))"
  else
    . "$root/packaging/clickhouse-local.sh"
    chport="$(clickhouse_server "$work/clickhouse")"
    echo "clickhouse://127.0.0.1:$chport/codepulse" > "$work/analytics-url"
    echo "   listening on http://127.0.0.1:$chport (pid $(cat "$work/clickhouse/pid"))"
  fi
  analytics=(--analytics "$(cat "$work/analytics-url")")
  # A collector started without it (or with another server) starts again.
  # On the same port, so the enrolled tracker keeps its configuration.
  if alive "$work/collector.pid" && [ "$(cat "$work/collector.analytics" 2>/dev/null)" != "${analytics[1]}" ]; then
    stop_one collector | sed 's/^/   /'
    QUICKSTART_PORT="$(cat "$work/port")"
  fi
fi

echo "== collector: HTTPS on 127.0.0.1 with a local CA, SQLite in $db =="
if [ ! -f "$work/pki/server.pem" ]; then
  "$bin/codepulse-collector" cert create --dir "$work/pki" | sed 's/^/   /'
fi
if alive "$work/collector.pid"; then
  port="$(cat "$work/port")"
  echo "   already running (pid $(cat "$work/collector.pid")) on port $port"
else
  want="${QUICKSTART_PORT:-$(cat "$work/port" 2>/dev/null || echo 8443)}"
  setsid "$bin/codepulse-collector" serve --listen "127.0.0.1:$want" --db "$db" \
    --tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server-key.pem" \
    ${analytics[@]+"${analytics[@]}"} </dev/null >/dev/null 2>"$work/collector.log" &
  echo $! > "$work/collector.pid"
  echo "${analytics[1]:-}" > "$work/collector.analytics"
  port=""
  for _ in $(seq 150); do
    port=$(grep -o 'listening on https://127.0.0.1:[0-9]*' "$work/collector.log" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && break
    alive "$work/collector.pid" || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "quickstart: the collector did not start (see $work/collector.log; port busy? set QUICKSTART_PORT):" >&2
    cat "$work/collector.log" >&2
    rm -f "$work/collector.pid"
    exit 1
  fi
  echo "$port" > "$work/port"
  echo "   listening on https://localhost:$port (pid $(cat "$work/collector.pid"))"
fi
url="https://localhost:$port"

# The tracker gets its own configuration folder here, so yours is untouched.
tracker_env=(env "XDG_CONFIG_HOME=$work/config")
if [ ! -f "$work/config/codepulse/token" ] || ! grep -q "\"$url\"" "$work/config/codepulse/tracker.toml" 2>/dev/null; then
  echo "== enrolment: a tracker token for $author, and the one line that configures a tracker =="
  line="$("$bin/codepulse-collector" token create --db "$db" --author "$author" --label quickstart \
    --url "$url" --ca-file "$work/pki/ca.pem" | grep '^codepulse-tracker enroll ')"
  echo "   ${line% --token *} --token cpt_…"
  # shellcheck disable=SC2086
  "${tracker_env[@]}" "$bin/codepulse-tracker" ${line#codepulse-tracker } | sed 's/^/   /'
fi
if [ ! -f "$work/viewer-token" ]; then
  (umask 077 && "$bin/codepulse-collector" token create --db "$db" --author "$author" \
    --role viewer --label quickstart-dashboard | tail -1 > "$work/viewer-token")
fi

echo "== tracker service: reading the logs and shipping them to the collector =="
state="$work/state"
if alive "$work/tracker.pid"; then
  echo "   already running (pid $(cat "$work/tracker.pid"))"
else
  setsid "${tracker_env[@]}" "$bin/codepulse-tracker" run "${claude_args[@]}" --state "$state" \
    --author "$author" --batch-max-age 200ms </dev/null >/dev/null 2>"$work/tracker.log" &
  echo $! > "$work/tracker.pid"
  echo "   started (pid $(cat "$work/tracker.pid")), log in $work/tracker.log"
fi
shipped=no
for _ in $(seq 900); do
  status=$("$bin/codepulse-tracker" status --state "$state" --json 2>/dev/null || true)
  if echo "$status" | grep -q '"rounds":[1-9]' && echo "$status" | grep -q '"unshipped":0,'; then
    shipped=yes
    break
  fi
  alive "$work/tracker.pid" || break
  sleep 0.2
done
"$bin/codepulse-tracker" status --state "$state" | sed 's/^/   /'
if [ "$shipped" != yes ]; then
  echo "quickstart: the first batches are not in yet; see $work/tracker.log and $work/collector.log" >&2
  exit 1
fi

echo
echo "== the collector's report, nested: repository > model > day (UTC) =="
"$bin/codepulse-collector" report --db "$db" --group-by repo,model,date --top 5
if [ ${#analytics[@]} -gt 0 ]; then
  echo
  echo "== the same from ClickHouse, through the collector's API: repository > model =="
  for _ in $(seq 600); do
    curl -s --cacert "$work/pki/ca.pem" "$url/metrics" | grep -q '^codepulse_analytics_ready 1' && break
    alive "$work/collector.pid" || break
    sleep 0.2
  done
  curl -s --fail-with-body --cacert "$work/pki/ca.pem" \
    -H "Authorization: Bearer $(cat "$work/viewer-token")" \
    "$url/v1/report?group_by=repo,model&top=5&format=table" || {
    echo "quickstart: the collector could not answer from ClickHouse; see $work/collector.log" >&2
    exit 1
  }
  echo "   $(curl -s --cacert "$work/pki/ca.pem" "$url/metrics" |
    grep -E '^codepulse_analytics_(report_answers|rows_sent|dirty_days) ' | tr '\n' ' ')"
  echo "   health: curl -s http://127.0.0.1:${analytics[1]##*:}" | sed 's|/codepulse$|/ping|'
fi
echo
echo "== dashboard =="
echo "   open      $url/"
echo "   token     $(cat "$work/viewer-token")   (a viewer token; also in $work/viewer-token)"
echo "   the browser will warn about the certificate: it comes from the local CA $work/pki/ca.pem"
echo
if [ ${#analytics[@]} -gt 0 ]; then
  echo "The collector, the tracker and ClickHouse keep running. Stop them: packaging/quickstart.sh stop"
else
  echo "The collector and the tracker keep running. Stop both: packaging/quickstart.sh stop"
fi
echo "Files (database, certificates, tokens, logs) are in $work."

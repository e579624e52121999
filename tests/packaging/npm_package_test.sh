#!/usr/bin/env bash
# The tracker's npm packages (packaging/npm) as a developer meets them: made with
# build.sh (npm pack), installed from the two tarballs into a clean prefix while a
# registry on 127.0.0.1 logs every request (none may be made), then --help, enroll,
# status and run through the Node launcher against a real collector over TLS
# (arguments, standard input, exit codes and signals must pass through); then, from
# a registry on 127.0.0.1 holding only these two packages, npx and npm install -g.
# Usage: npm_package_test.sh TRACKER_BINARY COLLECTOR_BINARY
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tracker="$(readlink -f "${1:?usage: npm_package_test.sh TRACKER_BINARY COLLECTOR_BINARY}")"
collector="$(readlink -f "${2:?usage: npm_package_test.sh TRACKER_BINARY COLLECTOR_BINARY}")"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIP: node and npm not found (packaging/install-deps.sh installs them)"
  [ "${CI:-}" = true ] && fail "under CI=true nothing may be skipped"
  exit 77
fi
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze not found (apt-get install systemd)"
  [ "${CI:-}" = true ] && fail "under CI=true nothing may be skipped"
  exit 77
fi

tmp="$(mktemp -d)"
pids=() # processes this test started and has not seen end
forget() {
  local kept=() pid
  for pid in "${pids[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  pids=("${kept[@]}")
}
cleanup() {
  local pid alive kept=()
  # A pid of 0 or less would signal a process group (ctest's, even): never.
  for pid in "${pids[@]}"; do if [[ "$pid" =~ ^[1-9][0-9]*$ ]]; then kept+=("$pid"); fi; done
  pids=("${kept[@]}")
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    alive=""
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive="$pid"; done
    [ -n "$alive" ] || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# A clean npm and tracker: a fresh HOME, cache and configuration; no proxy, no
# setting from the caller's environment.
while IFS='=' read -r name _; do
  case "${name,,}" in npm_config_*) unset "$name" ;; esac
done < <(env)
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY XDG_CONFIG_HOME XDG_STATE_HOME CLAUDE_CONFIG_DIR \
  CODEPULSE_TRACKER_BINARY
export HOME="$tmp/home"
mkdir -p "$HOME" "$tmp/elsewhere"
touch "$tmp/npmrc" "$tmp/npmrc-global"
export npm_config_userconfig="$tmp/npmrc" npm_config_globalconfig="$tmp/npmrc-global" \
  npm_config_cache="$tmp/npm-cache" npm_config_update_notifier=false npm_config_fund=false \
  npm_config_audit=false npm_config_fetch_retries=0 npm_config_loglevel=warn

# Starts npm_registry.mjs with the given tarballs; sets registry_pid, points npm at it.
start_registry() {
  local log="$1"
  shift
  : >"$log"
  rm -f "$tmp/registry.port"
  node "$here/npm_registry.mjs" "$tmp/registry.port" "$log" "$@" &
  registry_pid=$!
  pids+=("$registry_pid")
  for _ in $(seq 100); do [ -s "$tmp/registry.port" ] && break; sleep 0.1; done
  [ -s "$tmp/registry.port" ] || fail "the test registry did not start"
  npm_config_registry="http://127.0.0.1:$(cat "$tmp/registry.port")/"
  export npm_config_registry
}

version="$("$tracker" --version | sed -n 's/^codepulse-tracker //p')"
platform="$(node -p 'process.platform + "-" + process.arch')"
[ -n "$version" ] || fail "$tracker --version printed no version"

echo "== build.sh: both packages with npm pack =="
out="$tmp/out"
"$root/packaging/npm/build.sh" "$version" "$tracker" "$out"
main_tgz="$out/codepulse-tracker-$version.tgz"
native_tgz="$out/codepulse-tracker-$platform-$version.tgz"
for tgz in "$main_tgz" "$native_tgz"; do [ -f "$tgz" ] || fail "build.sh left no $tgz"; done
manifest() { tar -xOzf "$1" package/package.json; }
manifest "$main_tgz" | node -e '
  const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const [version, platform] = process.argv.slice(1);
  const want = { [`@codepulse/tracker-${platform}`]: version };
  const problems = [];
  if (m.version !== version) problems.push(`version ${m.version}`);
  if (m.bin["codepulse-tracker"] !== "bin/codepulse-tracker.js") problems.push("bin");
  if (JSON.stringify(m.optionalDependencies) !== JSON.stringify(want))
    problems.push(`optionalDependencies ${JSON.stringify(m.optionalDependencies)}`);
  if (!m.engines || !m.engines.node) problems.push("no engines.node");
  if (problems.length) { console.error(problems.join("; ")); process.exit(1); }
' "$version" "$platform" || fail "the launcher package's manifest is wrong"
manifest "$native_tgz" | node -e '
  const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const [version, platform] = process.argv.slice(1);
  const [os, cpu] = platform.split("-");
  const ok = m.name === `@codepulse/tracker-${platform}` && m.version === version &&
    m.os.join() === os && m.cpu.join() === cpu && m.preferUnplugged === true &&
    m.bin === undefined;  // a bin here would take the launcher command name
  if (!ok) { console.error(JSON.stringify(m)); process.exit(1); }
' "$version" "$platform" || fail "the platform package's manifest is wrong"
grep -q '^-rwxr-xr-x .* package/bin/codepulse-tracker$' <<<"$(tar -tvzf "$native_tgz")" ||
  fail "the native binary is not packed 0755"

echo "== npm install -g from the tarballs, no registry request =="
requests="$tmp/registry-offline.log"
start_registry "$requests"
P="$tmp/prefix"
npm install -g --prefix "$P" "$native_tgz" "$main_tgz" ||
  fail "npm install -g of the two tarballs failed; the registry saw: $(tr '\n' ' ' <"$requests")"
[ ! -s "$requests" ] || fail "the install asked the registry: $(tr '\n' ' ' <"$requests")"
L="$P/bin/codepulse-tracker"
native="$P/lib/node_modules/@codepulse/tracker-$platform/bin/codepulse-tracker"
[ -x "$L" ] || fail "no $L"
[ -x "$native" ] || fail "no executable $native"
cmp -s "$native" "$tracker" || fail "$native is not the packaged binary"

echo "== the launcher passes arguments, output, standard input and exit codes =="
cmp <("$L" --help) <("$tracker" --help) || fail "--help differs from the binary's"
[ "$("$L" --version)" = "codepulse-tracker $version" ] || fail "--version"
odd='Dev "Name" <dev@example.com>  two  spaces $HOME'
cmp <("$L" config show --author "$odd") <("$tracker" config show --author "$odd") ||
  fail "an argument with quotes and spaces did not arrive as given"
rc=0
"$L" --no-such-option 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] || fail "a bad command line: the launcher exited $rc, not 2"
grep -q "unknown command '--no-such-option'" "$tmp/err" || fail "the binary's error did not reach stderr"
rc=0
"$L" status 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] || fail "status with no store: the launcher exited $rc, not 1"
grep -q 'no local store' "$tmp/err" || fail "status: $(cat "$tmp/err")"

echo "== a collector over TLS, and enroll through the launcher (token on stdin) =="
db="$tmp/collector.db"
"$collector" cert create --dir "$tmp/pki" >/dev/null
"$collector" serve --listen 127.0.0.1:0 --db "$db" --tls-cert "$tmp/pki/server.pem" \
  --tls-key "$tmp/pki/server-key.pem" </dev/null >/dev/null 2>"$tmp/collector.log" &
pids+=($!)
port=""
for _ in $(seq 150); do
  port="$(grep -o 'listening on https://127.0.0.1:[0-9]*' "$tmp/collector.log" | grep -o '[0-9]*$' || true)"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || fail "the collector did not start: $(cat "$tmp/collector.log")"
created="$("$collector" token create --db "$db" --author dev@example.com --label npm \
  --url "https://localhost:$port" --ca-file "$tmp/pki/ca.pem")"
line="$(grep '^codepulse-tracker enroll ' <<<"$created")"
token="$(tail -1 <<<"$created")"
ca_sha="$(sed -n 's/.*--ca-sha256 \([0-9a-f]*\).*/\1/p' <<<"$line")"
enrolled="$(printf '%s\n' "$token" |
  "$L" enroll --collector "https://localhost:$port" --ca-sha256 "$ca_sha" --token -)" ||
  fail "enroll through the launcher failed"
echo "$enrolled"
grep -q "Enrolled with https://localhost:$port" <<<"$enrolled" || fail "not enrolled"
[ "$(stat -c %a "$HOME/.config/codepulse/token")" = 600 ] || fail "no token file 0600"

# Claude Code transcript lines: assistant requests with their token counts.
projects="$HOME/.claude/projects/-home-dev-src-app"
transcript="$projects/11111111-1111-4111-8111-111111111111.jsonl"
mkdir -p "$projects"
assistant_line() { # N: input 100*N, output 10*N
  printf '{"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"/home/dev/src/app",'
  printf '"sessionId":"11111111-1111-4111-8111-111111111111","version":"2.1.39","gitBranch":"main",'
  printf '"message":{"model":"claude-opus-4-6","id":"msg_npm_%s","type":"message","role":"assistant",' "$1"
  printf '"content":[{"type":"text","text":"hello"}],"stop_reason":null,"stop_sequence":null,'
  printf '"usage":{"input_tokens":%s,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,' $((100 * $1))
  printf '"output_tokens":%s,"service_tier":"standard"}},"requestId":"req_npm_%s","type":"assistant",' $((10 * $1)) "$1"
  printf '"uuid":"aaaaaaaa-0000-4000-8000-%012d","timestamp":"%s"}\n' "$1" "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)"
}
for n in 1 2 3; do assistant_line "$n"; done >"$transcript"

# records input output, as the collector stores them
collector_totals() {
  "$collector" report --db "$db" --format json 2>&1 | node -e '
    const text = require("fs").readFileSync(0, "utf8");
    try {
      const t = JSON.parse(text).totals;
      console.log(`${t.records} ${t.input} ${t.output}`);
    } catch (err) {
      console.log(`no report: ${text.trim()}`);
    }'
}
wait_for_totals() {
  for _ in $(seq 300); do
    [ "$(collector_totals)" = "$1" ] && return 0
    sleep 0.1
  done
  fail "the collector holds $(collector_totals) (records input output), not $1"
}
wait_for_log() {
  for _ in $(seq 300); do
    grep -q "$2" "$1" && return 0
    sleep 0.1
  done
  fail "no '$2' in $1: $(cat "$1")"
}

# Starts `run` through the launcher; sets launcher and service (the tracker's pid).
start_run() {
  "$L" run --batch-max-age 200ms </dev/null 2>"$1" &
  launcher=$!
  pids+=("$launcher")
  service=""
  for _ in $(seq 100); do
    service="$("$L" status --json 2>/dev/null | node -e '
      const text = require("fs").readFileSync(0, "utf8");
      const s = text ? JSON.parse(text) : {};
      if (s.running) console.log(s.pid);' || true)"
    # Only a real pid: "kill 0" would reach ctest's whole process group.
    [[ "$service" =~ ^[1-9][0-9]*$ ]] && break
    service=""
    sleep 0.1
  done
  [ -n "$service" ] || fail "run through the launcher did not start the service: $(cat "$1")"
  pids+=("$service")
  [ "$(awk '{print $4}' "/proc/$service/stat")" = "$launcher" ] ||
    fail "the service (pid $service) is not the launcher's child"
  [ "$(readlink -f "/proc/$service/exe")" = "$(readlink -f "$native")" ] ||
    fail "the service runs $(readlink -f "/proc/$service/exe"), not the platform package's binary"
}
ended() { # PID: gone, or a zombie not yet waited for
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [ -z "$state" ] || [ "$state" = Z ]
}
# Waits (at most 15 s) for the launcher to end; sets rc to its exit status, and
# checks that the service ended too.
wait_launcher() {
  for _ in $(seq 150); do
    ended "$launcher" && break
    sleep 0.1
  done
  ended "$launcher" || fail "the launcher (pid $launcher) did not end within 15 s"
  rc=0
  wait "$launcher" 2>/dev/null || rc=$? # (no "Killed" line from bash)
  forget "$launcher"
  for _ in $(seq 50); do kill -0 "$service" 2>/dev/null || break; sleep 0.1; done
  ! kill -0 "$service" 2>/dev/null || fail "the service (pid $service) outlived its launcher"
  forget "$service"
}

echo "== run through the launcher: ships, takes SIGHUP and SIGUSR1, stops on SIGTERM with 0 =="
start_run "$tmp/run1.log"
"$L" status | tee "$tmp/status"
grep -q "is running (pid $service)" "$tmp/status" || fail "status does not see the service"
wait_for_totals "3 600 60"
kill -HUP "$launcher"
wait_for_log "$tmp/run1.log" 'SIGHUP: configuration reloaded'
kill -USR1 "$launcher"
wait_for_log "$tmp/run1.log" 'SIGUSR1: shipping the queue now'
kill -TERM "$launcher"
wait_launcher
[ "$rc" = 0 ] || fail "after SIGTERM the launcher exited $rc, not 0: $(cat "$tmp/run1.log")"
grep -q 'received SIGTERM, stopping' "$tmp/run1.log" || fail "the service did not get SIGTERM"

echo "== run again: a new line ships, SIGINT stops it with 0 =="
assistant_line 4 >>"$transcript"
start_run "$tmp/run2.log"
wait_for_totals "4 1000 100"
kill -INT "$launcher"
wait_launcher
[ "$rc" = 0 ] || fail "after SIGINT the launcher exited $rc, not 0: $(cat "$tmp/run2.log")"
grep -q 'received SIGINT, stopping' "$tmp/run2.log" || fail "the service did not get SIGINT"

echo "== a service killed by a signal: the launcher ends by the same signal =="
start_run "$tmp/run3.log"
kill -KILL "$service"
wait_launcher
[ "$rc" = 137 ] || fail "the service was killed (SIGKILL) but the launcher exited $rc, not 137"
[ "$(collector_totals)" = "4 1000 100" ] || fail "records doubled or lost: $(collector_totals)"

echo "== npx from the installed package, no registry request =="
[ "$(cd "$tmp/elsewhere" && npm_config_prefix="$P" npx codepulse-tracker --version)" = \
  "codepulse-tracker $version" ] || fail "npx codepulse-tracker --version"
[ ! -s "$requests" ] || fail "npx asked the registry: $(tr '\n' ' ' <"$requests")"

echo "== the launcher's errors: no platform package, CODEPULSE_TRACKER_BINARY =="
# The launcher alone: npm looks the platform package up (the registry sees it:
# so its empty log above means no request), skips the optional dependency, and
# the launcher names it.
npm install -g --prefix "$tmp/prefix-alone" "$main_tgz" || fail "npm install of the launcher alone"
grep -q "^GET /@codepulse%2ftracker-$platform\$" "$requests" ||
  fail "the registry saw no request for the platform package: $(cat "$requests")"
alone="$tmp/prefix-alone/bin/codepulse-tracker"
rc=0
"$alone" --version 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] || fail "with no platform package the launcher exited $rc, not 1"
grep -q "the package @codepulse/tracker-$platform, which holds the native binary for $platform, is not installed" \
  "$tmp/err" || fail "the error does not name the missing package: $(cat "$tmp/err")"
[ "$(CODEPULSE_TRACKER_BINARY="$tracker" "$alone" --version)" = "codepulse-tracker $version" ] ||
  fail "CODEPULSE_TRACKER_BINARY was not run"
rc=0
CODEPULSE_TRACKER_BINARY="$tmp/no-such-binary" "$alone" --version 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] || fail "a wrong CODEPULSE_TRACKER_BINARY: the launcher exited $rc, not 1"
grep -q "CODEPULSE_TRACKER_BINARY=$tmp/no-such-binary is not an executable file" "$tmp/err" ||
  fail "a wrong CODEPULSE_TRACKER_BINARY: $(cat "$tmp/err")"

echo "== the service files from the package, made as its README and docs/OPERATIONS.md say =="
export npm_config_prefix="$P"
pkg="$(npm root -g)/codepulse-tracker"
bin="$(node -p 'require(process.argv[1]).binaryPath()' "$pkg")"
[ "$bin" = "$native" ] || fail "binaryPath() is $bin, not $native"
unit="$tmp/systemd/codepulse-tracker.service"
plist="$tmp/LaunchAgents/com.codepulse.tracker.plist"
mkdir -p "$tmp/systemd" "$tmp/LaunchAgents"
sed "s|^ExecStart=.*|ExecStart=$bin run|" "$pkg/service/codepulse-tracker.service" \
  >"$unit"
grep -qx "ExecStart=$native run" "$unit" || fail "the unit's ExecStart"
systemd-analyze verify "$unit" 2>"$tmp/err" || fail "systemd-analyze verify: $(cat "$tmp/err")"
[ ! -s "$tmp/err" ] || fail "systemd-analyze verify: $(cat "$tmp/err")"
sed "s|<string>/usr/local/bin/codepulse-tracker</string>|<string>$bin</string>|" \
  "$pkg/service/com.codepulse.tracker.plist" >"$plist"
grep -qx "    <string>$native</string>" "$plist" || fail "the launchd agent's program"
unset npm_config_prefix

echo "== from a registry holding only these packages: npx and npm install -g =="
requests="$tmp/registry-online.log"
kill "$registry_pid"
wait "$registry_pid" 2>/dev/null || true
forget "$registry_pid"
start_registry "$requests" "$native_tgz" "$main_tgz"
export npm_config_cache="$tmp/npm-cache-2"
doctor="$(cd "$tmp/elsewhere" && npm_config_prefix="$tmp/prefix-npx" npx --yes "codepulse-tracker@$version" doctor)" ||
  fail "npx codepulse-tracker doctor: $doctor"
echo "$doctor"
grep -q '^ok    token       accepted: records are stored for dev@example.com' <<<"$doctor" ||
  fail "npx codepulse-tracker doctor did not reach the collector"
P2="$tmp/prefix-registry"
npm install -g --prefix "$P2" "codepulse-tracker@$version" || fail "npm install -g codepulse-tracker"
nested="$P2/lib/node_modules/codepulse-tracker/node_modules/@codepulse/tracker-$platform/bin/codepulse-tracker"
[ -x "$nested" ] || fail "the platform package is not installed under codepulse-tracker: no $nested"
[ "$("$P2/bin/codepulse-tracker" --version)" = "codepulse-tracker $version" ] || fail "$P2/bin/codepulse-tracker"
# Only the two packages were looked up: no other platform, nothing else.
unexpected="$(grep -v -e '^GET /codepulse-tracker$' -e "^GET /@codepulse%2ftracker-$platform\$" \
  -e "^GET /codepulse-tracker/-/codepulse-tracker-$version.tgz\$" \
  -e "^GET /@codepulse/tracker-$platform/-/codepulse-tracker-$platform-$version.tgz\$" "$requests" || true)"
[ -z "$unexpected" ] || fail "unexpected registry requests: $unexpected"
grep -q "^GET /@codepulse/tracker-$platform/-/" "$requests" || fail "the platform tarball was not fetched"
echo "PASS"

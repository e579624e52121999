#!/usr/bin/env bash
# The main job on this machine: install what is needed, build, start a
# collector on 127.0.0.1 (SQLite, a self-signed TLS certificate made for it),
# run the tracker service against this machine's Claude Code logs until they
# are all shipped, and print the collector's reports. When the machine has no
# Claude Code logs, a bundled sample set is generated and used.
# Everything it writes stays in build/quickstart/ (run again: starts afresh);
# your own tracker state (~/.local/state/codepulse) is not touched.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

packaging/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target codepulse-tracker codepulse-collector codepulse-gen-corpus

bin="$root/build/bin"
work="$root/build/quickstart"
rm -rf "$work"
mkdir -p "$work"
chmod 700 "$work"

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
  sample="$root/build/sample"
  if [ ! -d "$sample/projects" ]; then
    "$bin/codepulse-gen-corpus" --out "$sample" --bytes 8M --seed 7 >/dev/null
  fi
  claude_args=(--claude-dir "$sample")
  author="sample@example.com"
fi
author="${author:-quickstart@localhost}"

echo "== collector: a self-signed certificate, a token for $author, HTTPS on 127.0.0.1 =="
"$bin/codepulse-collector" cert create --dir "$work/pki" | sed 's/^/   /'
"$bin/codepulse-collector" token create --db "$work/collector.db" --author "$author" \
  --label quickstart | tail -1 > "$work/token"
chmod 600 "$work/token"
"$bin/codepulse-collector" serve --listen 127.0.0.1:0 --db "$work/collector.db" \
  --tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server-key.pem" 2> "$work/collector.log" &
collector=$!
trap 'kill -TERM $collector 2>/dev/null || true; kill -TERM ${tracker:-0} 2>/dev/null || true' EXIT
port=""
for _ in $(seq 100); do
  port=$(grep -o 'listening on https://127.0.0.1:[0-9]*' "$work/collector.log" | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && break
  kill -0 "$collector" 2>/dev/null || { cat "$work/collector.log"; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "the collector did not start:"; cat "$work/collector.log"; exit 1; }
echo "   listening on https://localhost:$port"

echo "== tracker service: reading the logs and shipping them to the collector =="
"$bin/codepulse-tracker" run "${claude_args[@]}" --state "$work/state" --author "$author" \
  --collector "https://localhost:$port" --ca-file "$work/pki/ca.pem" --token-file "$work/token" \
  --batch-max-age 200ms 2> "$work/tracker.log" &
tracker=$!
shipped=no
for _ in $(seq 600); do
  sleep 0.2
  status=$("$bin/codepulse-tracker" status --state "$work/state" --json 2>/dev/null || true)
  if echo "$status" | grep -q '"rounds":[1-9]' && echo "$status" | grep -q '"unshipped":0,'; then
    shipped=yes
    break
  fi
done
"$bin/codepulse-tracker" status --state "$work/state" | sed 's/^/   /'
kill -TERM "$tracker"; wait "$tracker" || true
[ "$shipped" = yes ] || { echo "not everything was shipped; see $work/tracker.log"; exit 1; }

echo
echo "== the collector's report: cost and tokens by day and model (UTC) =="
"$bin/codepulse-collector" report --db "$work/collector.db"
echo
echo "== by repository and model =="
"$bin/codepulse-collector" report --db "$work/collector.db" --group-by repo,model
echo
echo "Files (database, certificates, token, logs) are in $work."

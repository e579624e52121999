#!/usr/bin/env bash
# The main job on this machine: install what is needed, build, read this
# machine's Claude Code logs into the local store and print a report. When the
# machine has no Claude Code logs, a bundled sample set is generated and used.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

packaging/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target codepulse-tracker codepulse-collector codepulse-gen-corpus

tracker="$root/build/bin/codepulse-tracker"
have_logs=no
for d in ${CLAUDE_CONFIG_DIR:+${CLAUDE_CONFIG_DIR//,/ }} "${XDG_CONFIG_HOME:-$HOME/.config}/claude" "$HOME/.claude"; do
  if [ -d "$d/projects" ] && [ -n "$(find "$d/projects" -name '*.jsonl' -print -quit 2>/dev/null)" ]; then
    have_logs=yes
  fi
done

if [ "$have_logs" = yes ]; then
  echo "== scanning this machine's Claude Code logs =="
  "$tracker" scan
  state_args=()
else
  echo "== no Claude Code logs on this machine: using the bundled sample set =="
  sample="$root/build/sample"
  if [ ! -d "$sample/projects" ]; then
    "$root/build/bin/codepulse-gen-corpus" --out "$sample" --bytes 8M --seed 7 >/dev/null
  fi
  "$tracker" scan --claude-dir "$sample" --state "$root/build/sample-state" --author sample@example.com
  state_args=(--state "$root/build/sample-state")
fi

echo
echo "== cost and tokens by day and model (UTC) =="
"$tracker" report "${state_args[@]}"
echo
echo "== by repository and model =="
"$tracker" report "${state_args[@]}" --group-by repo,model

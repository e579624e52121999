#!/usr/bin/env bash
# Installs the peer tools codepulse is measured against (ccusage, tokscale)
# and the real Claude Code and GitHub Copilot CLI (the log writers of the
# real-claude-code and real-copilot tests) from npm into build/peers, each at
# a pinned version. Without them those tests
# skip with a message, except under CI (CI=true), where a missing peer fails
# this script and the tests that need it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/build/peers}"
ccusage="$dest/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage"
# Claude Code's native binary. The wrapper's bin/claude.exe is a shell stub
# until its postinstall script hard-links this file over it (npm
# --ignore-scripts leaves the stub), so the tests run this path directly.
claude="$dest/node_modules/@anthropic-ai/claude-code-linux-x64/claude"
# Copilot CLI's native binary; it runs without GitHub sign-in in its BYOK
# offline mode (COPILOT_OFFLINE=true, COPILOT_PROVIDER_BASE_URL).
copilot="$dest/node_modules/@github/copilot-linux-x64/copilot"
if [ -x "$ccusage" ] && [ -x "$claude" ] && [ -x "$copilot" ]; then
  echo "install-peers: ccusage present at $ccusage"
  echo "install-peers: claude present at $claude"
  echo "install-peers: copilot present at $copilot"
  exit 0
fi
under_ci() { [ "${CI:-}" = "true" ]; }
if ! command -v npm >/dev/null 2>&1; then
  echo "install-peers: npm not found; comparison and real-claude-code tests will skip" >&2
  if under_ci; then exit 1; fi
  exit 0
fi
mkdir -p "$dest"
cd "$dest"
[ -f package.json ] || echo '{"private":true}' > package.json
# Claude Code 2.1.328 asks for Node 22 or newer (npm warns: EBADENGINE); its
# native binary does not use Node and runs with Node 20 installed.
if npm install --no-audit --no-fund --silent ccusage@20.0.24 @ccusage/ccusage-linux-x64@20.0.24 \
  @tokscale/cli-linux-x64-gnu@4.17.0 \
  @anthropic-ai/claude-code@2.1.328 @anthropic-ai/claude-code-linux-x64@2.1.328 \
  @github/copilot-linux-x64@1.0.102; then
  chmod +x "$ccusage" "$claude" "$copilot" 2>/dev/null || true
  echo "install-peers: ccusage installed at $ccusage"
  echo "install-peers: claude installed at $claude"
  echo "install-peers: copilot installed at $copilot"
else
  echo "install-peers: npm install failed; comparison and real-claude-code tests will skip" >&2
  if under_ci; then exit 1; fi
fi
if [ ! -x "$claude" ] || ! "$claude" --version >/dev/null 2>&1; then
  echo "install-peers: $claude does not run; the real-claude-code test will skip" >&2
  if under_ci; then exit 1; fi
fi
if [ ! -x "$copilot" ] || ! "$copilot" --version >/dev/null 2>&1; then
  echo "install-peers: $copilot does not run; the real-copilot test will skip" >&2
  if under_ci; then exit 1; fi
fi

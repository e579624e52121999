#!/usr/bin/env bash
# Installs the peer tools codepulse is measured against (ccusage, tokscale)
# and the real assistant CLIs whose logs the tests read (Claude Code, Codex,
# Gemini CLI, OpenCode, GitHub Copilot CLI) from npm into build/peers, each at
# a pinned version. Without them those tests skip with a message, except under
# CI (CI=true), where a missing or unrunnable tool fails this script and the
# tests that need it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/build/peers}"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"  # absolute: the checks below run from inside it
modules="$dest/node_modules"
ccusage="$modules/@ccusage/ccusage-linux-x64/bin/ccusage"
# Claude Code's native binary. The wrapper's bin/claude.exe is a shell stub
# until its postinstall script hard-links this file over it (npm
# --ignore-scripts leaves the stub), so the tests run this path directly.
claude="$modules/@anthropic-ai/claude-code-linux-x64/claude"
# Codex's native binary, from its platform package (an npm alias of
# @openai/codex's linux-x64 build); bin/codex.js only finds and runs it.
codex="$modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex"
# Gemini CLI is one bundled Node script, run with node (20 or newer).
gemini="$modules/@google/gemini-cli/bundle/gemini.js"
# OpenCode's native binary, from its platform package.
opencode="$modules/opencode-linux-x64/bin/opencode"
# Copilot CLI's native binary; it runs without GitHub sign-in in its BYOK
# offline mode (COPILOT_OFFLINE=true, COPILOT_PROVIDER_BASE_URL).
copilot="$modules/@github/copilot-linux-x64/copilot"
tools=(claude codex gemini opencode copilot)
runs() {
  case "$1" in
    gemini) [ -f "$gemini" ] && node "$gemini" --version >/dev/null 2>&1 ;;
    *) [ -x "${!1}" ] && "${!1}" --version >/dev/null 2>&1 ;;
  esac
}
all_present() {
  [ -x "$ccusage" ] || return 1
  for t in "${tools[@]}"; do runs "$t" || return 1; done
}
if all_present; then
  echo "install-peers: ccusage present at $ccusage"
  for t in "${tools[@]}"; do echo "install-peers: $t present at ${!t}"; done
  exit 0
fi
under_ci() { [ "${CI:-}" = "true" ]; }
if ! command -v npm >/dev/null 2>&1; then
  echo "install-peers: npm not found; comparison and real-assistant tests will skip" >&2
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
  @openai/codex@0.169.0 "@openai/codex-linux-x64@npm:@openai/codex@0.169.0-linux-x64" \
  @google/gemini-cli@0.61.0 \
  opencode-ai@1.18.33 opencode-linux-x64@1.18.33 \
  @github/copilot-linux-x64@1.0.102; then
  chmod +x "$ccusage" "$claude" "$codex" "$opencode" "$copilot" 2>/dev/null || true
  echo "install-peers: ccusage installed at $ccusage"
else
  echo "install-peers: npm install failed; comparison and real-assistant tests will skip" >&2
  if under_ci; then exit 1; fi
fi
for t in "${tools[@]}"; do
  if runs "$t"; then
    echo "install-peers: $t installed at ${!t}"
  else
    echo "install-peers: ${!t} does not run; the real-assistant tests that need $t will skip" >&2
    if under_ci; then exit 1; fi
  fi
done

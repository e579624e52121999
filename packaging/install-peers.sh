#!/usr/bin/env bash
# Installs the peer tools codepulse is measured against (ccusage, tokscale)
# from npm into build/peers. Used by the comparison tests and benchmarks;
# without them those tests skip with a message, except under CI (CI=true),
# where a missing peer fails this script and the tests that need it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/build/peers}"
bin="$dest/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage"
if [ -x "$bin" ]; then
  echo "install-peers: ccusage present at $bin"
  exit 0
fi
under_ci() { [ "${CI:-}" = "true" ]; }
if ! command -v npm >/dev/null 2>&1; then
  echo "install-peers: npm not found; comparison tests will skip" >&2
  if under_ci; then exit 1; fi
  exit 0
fi
mkdir -p "$dest"
cd "$dest"
[ -f package.json ] || echo '{"private":true}' > package.json
if npm install --no-audit --no-fund --silent ccusage@20.0.24 @ccusage/ccusage-linux-x64@20.0.24 \
  @tokscale/cli-linux-x64-gnu@4.17.0; then
  chmod +x "$bin" 2>/dev/null || true
  echo "install-peers: ccusage installed at $bin"
else
  echo "install-peers: npm install failed; comparison tests will skip" >&2
  if under_ci; then exit 1; fi
fi

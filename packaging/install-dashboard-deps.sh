#!/usr/bin/env bash
# Installs the dashboard's Node.js packages (esbuild, uPlot, playwright-core, oidc-provider)
# into collector/dashboard/node_modules, exactly as package-lock.json pins
# them. Needed to rebuild the bundle (npm run build) and for the browser test;
# building and running the collector need neither Node.js nor these.
# Idempotent: nothing is done when node_modules matches the lock file.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/collector/dashboard"
if ! command -v npm >/dev/null 2>&1; then
  echo "install-dashboard-deps: npm not found; the dashboard's browser test will skip" >&2
  exit 0
fi
# npm writes node_modules/.package-lock.json at every install.
if [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
  echo "install-dashboard-deps: node_modules is up to date"
  exit 0
fi
cd "$dir"
npm ci --no-audit --no-fund
echo "install-dashboard-deps: installed into $dir/node_modules"

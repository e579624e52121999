#!/usr/bin/env bash
# Builds the npm packages of the tracker: packaging/npm/build.sh VERSION TRACKER_BINARY OUTDIR
# leaves codepulse-tracker-VERSION.tgz (the launcher) and
# codepulse-tracker-PLATFORM-VERSION.tgz (@codepulse/tracker-PLATFORM, the binary) in OUTDIR.
# PLATFORM is this machine's (node's process.platform-process.arch, e.g. linux-x64): run it
# on each platform with the binary built there. The launcher depends on the platform
# packages CODEPULSE_NPM_PLATFORMS lists (default: PLATFORM alone; for a release, every
# platform published). Offline: npm pack reads only the staged folders.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
usage="usage: build.sh VERSION TRACKER_BINARY OUTDIR"
version="${1:?$usage}"
binary="${2:?$usage}"
outdir="${3:?$usage}"
known="linux-x64 linux-arm64 darwin-x64 darwin-arm64"

die() { echo "build.sh: $*" >&2; exit 1; }
for tool in node npm; do command -v "$tool" >/dev/null || die "$tool not found: node and npm are needed (npm pack)"; done
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || die "VERSION '$version' is not a semantic version (1.2.3)"
[ -f "$binary" ] || die "TRACKER_BINARY '$binary' is not a file"
[ -x "$binary" ] || die "TRACKER_BINARY '$binary' is not executable"
platform="$(node -p 'process.platform + "-" + process.arch')"
platforms="${CODEPULSE_NPM_PLATFORMS:-$platform}"
for p in $platform $platforms; do
  [[ " $known " == *" $p "* ]] || die "no package is laid out for platform '$p' (known: $known)"
done
[[ " $platforms " == *" $platform "* ]] || die "CODEPULSE_NPM_PLATFORMS ($platforms) leaves out $platform, built here"
# The binary must be the version it is packaged as (it runs: build on its platform).
said="$("$binary" --version)" || die "$binary --version failed"
[ "$said" = "codepulse-tracker $version" ] || die "$binary says '$said', not codepulse-tracker $version"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
main="$stage/codepulse-tracker"
native="$stage/tracker-$platform"
mkdir -p "$main/bin" "$main/lib" "$main/service" "$native/bin"
cp "$here/codepulse-tracker/bin/codepulse-tracker.js" "$main/bin/"
cp "$here/codepulse-tracker/lib/platform.js" "$main/lib/"
cp "$here/codepulse-tracker/README.md" "$main/"
cp "$here/../systemd/codepulse-tracker.service" "$here/../launchd/com.codepulse.tracker.plist" "$main/service/"
chmod 0755 "$main/bin/codepulse-tracker.js"
install -m 0755 "$binary" "$native/bin/codepulse-tracker"

# Both manifests with the version stamped in; the platform one named for its os and cpu.
node - "$here" "$stage" "$version" "$platform" "$platforms" <<'JS'
const fs = require('fs');
const path = require('path');
const [here, stage, version, platform, platforms] = process.argv.slice(2);
const read = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const write = (file, json) => fs.writeFileSync(file, JSON.stringify(json, null, 2) + '\n');

const main = read(path.join(here, 'codepulse-tracker', 'package.json'));
main.version = version;
const wanted = platforms.split(/\s+/).filter(Boolean).map((p) => `@codepulse/tracker-${p}`);
for (const name of Object.keys(main.optionalDependencies)) {
  if (wanted.includes(name)) main.optionalDependencies[name] = version;
  else delete main.optionalDependencies[name];
}
write(path.join(stage, 'codepulse-tracker', 'package.json'), main);

const [os, cpu] = platform.split('-');
const native = read(path.join(here, 'platform', 'package.json'));
native.name = native.name.replace('PLATFORM', platform);
native.description = native.description.replace('PLATFORM', platform);
native.version = version;
native.os = [os];
native.cpu = [cpu];
write(path.join(stage, `tracker-${platform}`, 'package.json'), native);
JS

mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
for dir in "$native" "$main"; do
  (cd "$dir" && npm pack --pack-destination "$outdir" --ignore-scripts --loglevel=error >/dev/null)
done
for tgz in "codepulse-tracker-$version.tgz" "codepulse-tracker-$platform-$version.tgz"; do
  [ -f "$outdir/$tgz" ] || die "npm pack made no $outdir/$tgz"
  echo "$outdir/$tgz"
done

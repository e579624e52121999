#!/usr/bin/env bash
# Installs everything codepulse needs to build and test, from Debian 12's
# packages. Idempotent: packages already present are left as they are.
set -euo pipefail

packages=(
  build-essential g++ cmake ninja-build pkg-config git ca-certificates
  libboost1.81-dev libssl-dev libsimdjson-dev libsqlite3-dev libzstd-dev catch2
  libmimalloc-dev
  libtomlplusplus-dev libpq-dev postgresql
  clickhouse-server
  sqlite3 tzdata time curl systemd binutils dpkg
  clang libclang-rt-14-dev
  chromium
)
# Node.js builds the dashboard bundle and drives its browser test (the
# collector itself never needs it); keep a newer node that is already there.
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present"
fi

# The tests start ClickHouse servers of their own, on free loopback ports; a
# system instance this script just installed (Debian's package starts one) is
# stopped and disabled so it does not hold memory and CPU beside them. One
# that was installed before is left as it is.
if [[ " ${missing[*]:-} " == *" clickhouse-server "* ]] && command -v systemctl >/dev/null 2>&1; then
  ${SUDO:-} systemctl disable --now clickhouse-server >/dev/null 2>&1 || true
fi

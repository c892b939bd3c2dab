#!/usr/bin/env bash
# Installs the Debian packages embargo needs to build, test, fuzz and benchmark.
set -euo pipefail
PKGS=(build-essential cmake pkg-config clang libclang-rt-14-dev llvm
      libicu-dev libxml2-dev libsqlite3-dev libjansson-dev libcurl4-openssl-dev libssl-dev
      libmicrohttpd-dev libpq-dev postgresql sqlite3 python3 jq
      gpsd-clients)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

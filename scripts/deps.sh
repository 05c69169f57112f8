#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install the Debian 12 packages trustchain needs, only those missing.
set -eu
pkgs="make gcc pkg-config libssl-dev openssl libjansson-dev libjose-dev jose libmicrohttpd-dev curl
libcurl4-openssl-dev libsqlite3-dev sqlite3 ovmf python3 python3-jwcrypto python3-cryptography time"
missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
sudo=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "deps: need root (or sudo) to install:$missing" >&2; exit 4; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null

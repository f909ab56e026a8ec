#!/usr/bin/env bash
# Installs the Debian packages loadlens needs to build and test, only those missing.
# Used by scripts/test.sh and scripts/demo.sh; safe to run again.
set -euo pipefail

packages=(
  gcc make cmake pkg-config            # toolchain
  libpcre2-dev libsqlite3-dev libcjson-dev libcriterion-dev   # the four dependencies
  sqlite3 libxml2-utils python3        # tests: reference import, JUnit well-formedness, generators
  chromium                             # tests: the HTML report renders headless (test_cli_report)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2

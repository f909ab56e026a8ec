#!/usr/bin/env bash
# Installs the Debian packages loadlens needs, only those missing: to build and run
# (scripts/demo.sh), and with --test also what the test suite uses (scripts/test.sh).
# Safe to run again.
set -euo pipefail

packages=(
  gcc make cmake pkg-config            # toolchain
  libpcre2-dev libsqlite3-dev libcjson-dev libcriterion-dev   # the four dependencies
)
if [ "${1:-}" = "--test" ]; then
  packages+=(
    sqlite3 libxml2-utils python3      # reference import, JUnit well-formedness, generators
    valgrind                           # the end-to-end suites under valgrind
    chromium                           # the HTML report renders headless (test_cli_report)
  )
fi
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

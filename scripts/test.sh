#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: in a normal build, again in a
# build with AddressSanitizer + UndefinedBehaviorSanitizer, and the end-to-end suites once
# more with the binary under valgrind. Non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test

jobs=2
echo "== build (RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
echo "== tests"
ctest --test-dir build --output-on-failure

echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLOADLENS_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0 \
  ctest --test-dir build-asan --output-on-failure

echo "== end-to-end tests under valgrind (memory errors and definite leaks of the binary)"
LOADLENS_VALGRIND=1 ctest --test-dir build --output-on-failure \
  -R '^test_(cli|cli_logs|cli_report|hostile)$'

#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_<target>.c, one per parser) with clang,
# ASan and UBSan in build-fuzz/, and runs each in turn for SECONDS (default 60) on its seed
# corpus tests/fuzz/corpus/<target>/. New interesting inputs and any crasher go to a scratch
# directory under /tmp, never into the repository. Prints, per target, the executions and
# exec/s; non-zero if any target crashed, leaked, hung or hit UB.
#
# Usage: scripts/fuzz.sh [SECONDS]
#   LOADLENS_FUZZ_RUNS=N  run each target for N executions (then SECONDS, when given, is
#                         only an upper bound on the time)
#   LOADLENS_FUZZ_ONLY="report_json template"  run only these targets
# A crasher is replayed with build-fuzz/tests/fuzz/fuzz_<target> FILE; once fixed, copy it
# to tests/fuzz/corpus/<target>/crash-<what> and add a unit test (README "Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
if ! [[ "$secs" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS]  (a positive whole number, default 60)" >&2
  exit 2
fi
runs=${LOADLENS_FUZZ_RUNS:-}
if [ -n "$runs" ] && ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz: LOADLENS_FUZZ_RUNS must be a positive whole number, found \"$runs\"" >&2
  exit 2
fi

scripts/install-deps.sh

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
apt_install() {
  echo "fuzz: installing $*" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >&2
}
# clang, and the libFuzzer runtime of its version: on Debian 12 (clang 14) that is
# libclang-rt-14-dev (libclang_rt.fuzzer-x86_64.a); libfuzzer-14-dev is only the
# standalone library, which -fsanitize=fuzzer does not use.
command -v clang >/dev/null || apt_install clang
major=$(clang -dumpversion | cut -d. -f1)
installed "libclang-rt-$major-dev" || apt_install "libclang-rt-$major-dev"

echo "== build (clang, libFuzzer + ASan + UBSan) in build-fuzz"
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLOADLENS_FUZZ=ON -DLOADLENS_TESTS=OFF >/dev/null
cmake --build build-fuzz -j1 --target fuzz

scratch=$(mktemp -d /tmp/loadlens-fuzz.XXXXXX)
echo "== fuzzing; new inputs, logs and crashers in $scratch"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

targets=()
for bin in build-fuzz/tests/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  t=${bin##*/fuzz_}
  if [ -n "${LOADLENS_FUZZ_ONLY:-}" ] && ! [[ " $LOADLENS_FUZZ_ONLY " == *" $t "* ]]; then
    continue
  fi
  targets+=("$t")
done
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no targets built" >&2; exit 1; }

failed=0
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t/new" "$scratch/$t/artifacts"
  limit=(-max_total_time="$secs")
  if [ -n "$runs" ]; then
    limit=(-runs="$runs")
    [ $# -gt 0 ] && limit+=(-max_total_time="$secs")
  fi
  # The scratch corpus comes first: libFuzzer writes new inputs to the first directory only.
  # -timeout: an input that takes 25 s is a hang, reported like a crash.
  set +e
  "build-fuzz/tests/fuzz/fuzz_$t" "${limit[@]}" -max_len=65536 -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$scratch/$t/artifacts/" "$scratch/$t/new" "tests/fuzz/corpus/$t" \
    >"$scratch/$t/log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$t/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$scratch/$t/log" | tail -1)
  if [ $rc -eq 0 ]; then
    printf '%-14s %12s execs %8s exec/s  ok\n' "$t" "${execs:-?}" "${rate:-?}"
  else
    failed=1
    printf '%-14s %12s execs %8s exec/s  FAILED (exit %d)\n' "$t" "${execs:-?}" "${rate:-?}" "$rc"
    ls "$scratch/$t/artifacts" | sed "s|^|    artifact: $scratch/$t/artifacts/|"
    grep -E 'ERROR: |runtime error|SUMMARY' "$scratch/$t/log" | head -5 | sed 's/^/    /'
    echo "    log: $scratch/$t/log"
  fi
done
exit $failed

#!/usr/bin/env bash
# Correlate benchmark (issue 4). Not a test and not run in CI: run it by hand on a quiet
# machine, from the repository root, after a build:
#
#   cmake -S . -B build && make -C build -j2
#   tests/bench/bench_correlate.sh        # about a minute
#
# It writes a 2,000,000-line Engram server log (ANSI, the real tracing fmt format) and the
# load tester's output with 100,000 `Operation failed` lines against it
# (tests/bench/gen_bench_logs.c: ~70% answer a server ERROR 1-3 ms later on a client clock
# 120 ms ahead; the rest are network errors and 422s the server never logs). In one run it
# ingests both into a fresh database, timing the server log's ingest, then times
# `loadlens correlate bench` (skew found by the time search, as a user would run it) and
# prints the two side by side. Each timing is the median of BENCH_REPEAT runs.
# Bar: correlate <= 0.25 x that ingest time; exits 1 when it fails.
#
# Environment: BUILD_DIR (default build), BENCH_DIR (default /tmp/loadlens-bench-corr;
# removed at the end unless BENCH_KEEP=1), BENCH_LINES (default 2000000), BENCH_FAILURES
# (default 100000), BENCH_REPEAT (default 3).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
BENCH_DIR=${BENCH_DIR:-/tmp/loadlens-bench-corr}
BENCH_LINES=${BENCH_LINES:-2000000}
BENCH_FAILURES=${BENCH_FAILURES:-100000}
BENCH_REPEAT=${BENCH_REPEAT:-3}
LOADLENS=$BUILD_DIR/loadlens
GEN=$BUILD_DIR/tests/bench/gen_bench_logs

for tool in "$LOADLENS" "$GEN"; do
	[[ -x $tool ]] || { echo "bench_correlate: $tool is missing: build first (see the header)" >&2; exit 2; }
done
mkdir -p "$BENCH_DIR"
[[ ${BENCH_KEEP:-0} == 1 ]] || trap 'rm -rf "$BENCH_DIR"' EXIT

now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { print a - b }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

server=$BENCH_DIR/server.log client=$BENCH_DIR/loadtest.log db=$BENCH_DIR/corr.db
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
"$GEN" --lines "$BENCH_LINES" --server-log "$server" --failures "$BENCH_FAILURES" --loadtest-log "$client"
cat "$server" "$client" >/dev/null

t_ingest=()
for ((i = 0; i < BENCH_REPEAT; i++)); do
	rm -f "$db" "$db-journal"
	sync # no dirty pages of the previous run still to write back
	t0=$(now)
	"$LOADLENS" ingest --db "$db" --kind server-log --run bench "$server" 2>"$BENCH_DIR/ingest.err"
	t_ingest+=("$(since "$t0")")
done
"$LOADLENS" ingest --db "$db" --kind loadtest-log --run bench "$client" 2>>"$BENCH_DIR/ingest.err"
sed 's/^/  /' "$BENCH_DIR/ingest.err" | tail -2

t_corr=()
for ((i = 0; i < BENCH_REPEAT; i++)); do
	sync
	t0=$(now)
	"$LOADLENS" correlate --db "$db" bench >"$BENCH_DIR/correlate.txt"
	t_corr+=("$(since "$t0")")
done
sed -n '1,3s/^/  /p' "$BENCH_DIR/correlate.txt"

ingest=$(printf '%s\n' "${t_ingest[@]}" | median)
corr=$(printf '%s\n' "${t_corr[@]}" | median)
r=$(awk -v a="$corr" -v b="$ingest" 'BEGIN { printf "%.3f", a / b }')
printf 'ingest of the server log (%d lines)  %6.2f s   (runs: %s)\n' "$BENCH_LINES" "$ingest" "${t_ingest[*]}"
printf 'correlate (%d failures)            %6.2f s   (runs: %s)\n' "$BENCH_FAILURES" "$corr" "${t_corr[*]}"
if awk -v r="$r" 'BEGIN { exit !(r <= 0.25) }'; then
	echo "PASS  correlate <= 0.25x ingest  (${r}x)"
else
	echo "FAIL  correlate <= 0.25x ingest  (${r}x)"
	exit 1
fi

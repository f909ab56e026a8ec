#!/usr/bin/env bash
# Ingest benchmark (issue 3; DESIGN §6). Not a test and not run in CI: run it by hand on a
# quiet machine, from the repository root, after a release-ish build:
#
#   cmake -S . -B build && make -C build -j2
#   tests/bench/bench_ingest.sh            # 2,000,000 and 4,000,000 lines, ~3 minutes
#
# For each size it writes an Engram server log in the real tracing fmt format with ANSI
# colour (tests/bench/gen_bench_logs.c) and a CSV of the same events with the columns of
# server_events, then times on that same file, in this one run:
#   ingest   loadlens ingest --kind server-log --run bench  into a fresh database
#   grep     grep -c ERROR  (the read limit)
#   import   sqlite3 .import --csv of the same rows into a table with server_events'
#            columns, in one transaction, journal_mode left at sqlite3's default (DELETE)
# Each is run BENCH_REPEAT times and the median is kept (the page cache is warm for all).
# It prints lines/s, ingest/import and ingest/grep, and the ingest's peak RSS, then checks:
#   ingest <= 0.6 x import (aim 0.35 x)          peak RSS <= 64 MiB
#   every event stored with its fields and template (row by row against the CSV)
#   crash-safe: the database is in rollback-journal mode and the ingest left no journal
# and exits 1 when a bar fails.
#
# Environment: BUILD_DIR (default build), BENCH_DIR (default /tmp/loadlens-bench; removed
# at the end unless BENCH_KEEP=1), BENCH_SIZES (default "2000000 4000000"), BENCH_REPEAT
# (default 3).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
BENCH_DIR=${BENCH_DIR:-/tmp/loadlens-bench}
BENCH_SIZES=${BENCH_SIZES:-"2000000 4000000"}
BENCH_REPEAT=${BENCH_REPEAT:-3}
LOADLENS=$BUILD_DIR/loadlens
GEN=$BUILD_DIR/tests/bench/gen_bench_logs

for tool in "$LOADLENS" "$GEN"; do
	[[ -x $tool ]] || { echo "bench_ingest: $tool is missing: build first (see the header)" >&2; exit 2; }
done
command -v sqlite3 >/dev/null || { echo "bench_ingest: the sqlite3 shell is needed" >&2; exit 2; }
if [[ ! -x /usr/bin/time ]]; then
	echo "bench_ingest: installing GNU time for the peak RSS" >&2
	apt-get install -y -qq time >/dev/null || { echo "bench_ingest: cannot install 'time'" >&2; exit 2; }
fi

mkdir -p "$BENCH_DIR"
[[ ${BENCH_KEEP:-0} == 1 ]] || trap 'rm -rf "$BENCH_DIR"' EXIT

now() { date +%s.%N; }
# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1), $($LOADLENS --version 2>/dev/null || echo loadlens)"
fail=0
verdict() { # name ok detail
	if [[ $2 == 1 ]]; then echo "PASS  $1  ($3)"; else echo "FAIL  $1  ($3)"; fail=1; fi
}

for n in $BENCH_SIZES; do
	log=$BENCH_DIR/server_$n.log csv=$BENCH_DIR/server_$n.csv
	db=$BENCH_DIR/ingest_$n.db ref=$BENCH_DIR/import_$n.db
	echo
	echo "== $n lines"
	gen=$("$GEN" --lines "$n" --server-log "$log" --csv "$csv")
	events=$(sed -n 's/.* events=\([0-9]*\).*/\1/p' <<<"$gen")
	echo "log: $(du -m "$log" | cut -f1) MB, $events events; csv: $(du -m "$csv" | cut -f1) MB"
	cat "$log" "$csv" >/dev/null # warm the page cache for every contender alike

	t_ingest=() t_grep=() t_import=() rss=0
	for ((i = 0; i < BENCH_REPEAT; i++)); do
		# Each contender starts with no dirty pages of the previous one still to write back:
		# the COMMIT's fsync of a fresh database is part of what is measured.
		sync
		t0=$(now)
		# (into a variable: GNU grep stops at the first match when stdout is /dev/null)
		n_error=$(grep -c ERROR "$log")
		t_grep+=("$(awk -v a="$(now)" -v b="$t0" 'BEGIN { print a - b }')")

		rm -f "$db" "$db-journal"
		sync
		t0=$(now)
		/usr/bin/time -f %M -o "$BENCH_DIR/rss" "$LOADLENS" ingest --db "$db" --kind server-log \
			--run bench "$log" 2>"$BENCH_DIR/ingest.err"
		t_ingest+=("$(awk -v a="$(now)" -v b="$t0" 'BEGIN { print a - b }')")
		r=$(tail -1 "$BENCH_DIR/rss")
		((r > rss)) && rss=$r

		rm -f "$ref" "$ref-journal"
		sync
		t0=$(now)
		sqlite3 "$ref" <<-EOF
			CREATE TABLE server_events(event_id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL,
			  input_id INTEGER NOT NULL, line_no INTEGER NOT NULL, ts_us INTEGER, level TEXT,
			  target TEXT, spans TEXT, message TEXT, fields_json TEXT, method TEXT, path TEXT,
			  status INTEGER, request_id TEXT, template_id INTEGER);
			BEGIN;
			.import --csv $csv server_events
			COMMIT;
		EOF
		t_import+=("$(awk -v a="$(now)" -v b="$t0" 'BEGIN { print a - b }')")
	done
	ingest=$(printf '%s\n' "${t_ingest[@]}" | median)
	grep_s=$(printf '%s\n' "${t_grep[@]}" | median)
	import=$(printf '%s\n' "${t_import[@]}" | median)
	sed 's/^/  /' "$BENCH_DIR/ingest.err"
	printf 'ingest  %7.2f s  %10.0f lines/s   (runs: %s)\n' "$ingest" "$(awk -v n="$n" -v t="$ingest" 'BEGIN { print n / t }')" "${t_ingest[*]}"
	printf 'import  %7.2f s  %10.0f rows/s    (runs: %s)\n' "$import" "$(awk -v n="$events" -v t="$import" 'BEGIN { print n / t }')" "${t_import[*]}"
	printf 'grep    %7.2f s  %10.0f lines/s   (%s lines with ERROR)\n' "$grep_s" "$(awk -v n="$n" -v t="$grep_s" 'BEGIN { print n / t }')" "$n_error"
	r_import=$(ratio "$ingest" "$import")
	r_grep=$(ratio "$ingest" "$grep_s")
	echo "ingest/import = ${r_import}x   ingest/grep = ${r_grep}x   peak RSS = $((rss / 1024)) MiB"

	# Every event, row by row, with the generator's view of its fields and template.
	bad=$(sqlite3 "$db" "ATTACH '$ref' AS ref;
		SELECT (SELECT count(*) FROM server_events) - (SELECT count(*) FROM server_events s
		  JOIN ref.server_events c USING (event_id)
		  WHERE s.line_no = c.line_no AND s.ts_us = c.ts_us AND s.level = c.level
		    AND s.target = c.target AND s.spans IS NULL AND s.message = c.message
		    AND s.fields_json = c.fields_json AND s.template_id = c.template_id
		    AND s.method IS NULL AND s.path IS NULL AND s.status IS NULL
		    AND s.request_id IS NULL)
		  + abs((SELECT count(*) FROM server_events) - $events)
		  + (SELECT count(*) FROM server_events WHERE template_id IS NULL
		       OR template_id NOT IN (SELECT template_id FROM templates));")
	journal=$(sqlite3 "$db" "PRAGMA journal_mode;")
	verdict "ingest <= 0.6x sqlite3 import (aim 0.35x)" "$(le "$r_import" 0.6 && echo 1 || echo 0)" "${r_import}x"
	verdict "peak RSS <= 64 MiB" "$( ((rss <= 65536)) && echo 1 || echo 0)" "$((rss / 1024)) MiB"
	verdict "every event stored with its fields and template" "$( ((bad == 0)) && echo 1 || echo 0)" "$bad rows differ"
	verdict "crash-safe: rollback journal, one transaction" \
		"$([[ $journal == delete && ! -e $db-journal ]] && echo 1 || echo 0)" "journal_mode=$journal"
	rm -f "$log" "$csv" "$db" "$ref"
done
exit $fail

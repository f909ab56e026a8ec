#!/usr/bin/env bash
# Installs what is missing, builds, and runs the post-mortem of the M17 baseline on
# sample_logs/ into a fresh database (demo.db): ingest the report and both logs, correlate,
# check, report; writes report.html and report.md at the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null

ll=./build/loadlens
export LOADLENS_DB=demo.db
rm -f "$LOADLENS_DB"

if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain" >&2; }
run() { step "$*"; "$@" || echo "(exit $?)" >&2; }

run $ll ingest --label baseline --run m17_before sample_logs/m17_before.json \
  sample_logs/m17_before_loadtest.log sample_logs/m17_before_server.log
run $ll correlate m17_before
run $ll ingest --label baseline sample_logs/clean_baseline.json
run $ll ingest --label candidate sample_logs/clean_candidate.json sample_logs/regressed_candidate.json
run $ll runs
run $ll check m17_before --min-throughput 800
run $ll compare m17_before clean_candidate
run $ll compare clean_baseline clean_candidate
run $ll compare clean_baseline regressed_candidate
run $ll report m17_before --min-throughput 800
run $ll report m17_before --min-throughput 800 --format markdown -o report.md
run $ll report m17_before --min-throughput 800 --format html -o report.html
printf '\nThe post-mortem of m17_before:\n  %s\n  %s\n' "$PWD/report.html" "$PWD/report.md" >&2

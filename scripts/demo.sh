#!/usr/bin/env bash
# Installs what is missing, builds, and runs the post-mortem of the M17 baseline on
# sample_logs/ into a fresh database (demo.db).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null

ll=./build/loadlens
export LOADLENS_DB=demo.db
rm -f "$LOADLENS_DB"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*" >&2; }
run() { step "$*"; "$@" || echo "(exit $?)" >&2; }

run $ll ingest --label baseline sample_logs/m17_before.json sample_logs/clean_baseline.json
run $ll ingest --label candidate sample_logs/clean_candidate.json sample_logs/regressed_candidate.json
run $ll runs
run $ll check m17_before --min-throughput 800
run $ll compare m17_before clean_candidate
run $ll compare clean_baseline clean_candidate
run $ll compare clean_baseline regressed_candidate

#!/usr/bin/env bash
# The whole suite on SQLite and the database-touching suites on PostgreSQL, side by side.
#
# Three pytest processes run at once: the browser tests (SQLite, a demo server driven by
# Chromium), every other test (SQLite), and the PostgreSQL pass. Each is mostly single-threaded
# or waits on a browser or a subprocess, so on a 2-core machine this keeps both cores busy and
# `make test` well under CI's 30 minutes (one after the other they took 32). Every test runs on
# SQLite exactly once (`-m browser` plus `-m "not browser"`). Each process has its own temporary
# and data folders; the background passes' output is printed after the foreground pass's, and
# the script fails if any pass failed.
set -uo pipefail
PY="${1:-.venv/bin/python}"
mkdir -p build
rm -rf build/test-sqlite build/test-browser build/test-postgres build/test-*.log
pg_url=$(bash scripts/ensure-postgres.sh) || { echo "PostgreSQL did not start" >&2; exit 1; }
# The server tests that need a PostgreSQL database of their own (the SQLite -> PostgreSQL backup
# round trip) create it on, in every pass: they fail, never skip, when it does not answer.
export COMMISSIONING_TEST_POSTGRES="$pg_url"

(
  export DATABASE_URL="$pg_url" COMMISSIONING_DATA="$PWD/build/test-postgres/data"
  exec "$PY" -m pytest -q -p no:cacheprovider -m "(database or postgres) and not browser and not slow" \
    --basetemp=build/test-postgres/tmp
) >build/test-postgres.log 2>&1 &
pg_pid=$!
(
  export COMMISSIONING_DATA="$PWD/build/test-browser/data"
  exec "$PY" -m pytest -q -p no:cacheprovider -m browser --basetemp=build/test-browser/tmp
) >build/test-browser.log 2>&1 &
browser_pid=$!
echo "Browser tests (SQLite) and the PostgreSQL pass started in the background"
echo "(output in build/test-browser.log and build/test-postgres.log)."
echo "Every other test, on SQLite:"
COMMISSIONING_DATA="$PWD/build/test-sqlite/data" \
  "$PY" -m pytest -q -m "not browser" --basetemp=build/test-sqlite/tmp 2>&1 | tee build/test-sqlite.log
sqlite_status=${PIPESTATUS[0]}
wait "$browser_pid"
browser_status=$?
wait "$pg_pid"
pg_status=$?
echo
echo "Browser tests (SQLite):"
cat build/test-browser.log
echo
echo "PostgreSQL pass ($pg_url):"
cat build/test-postgres.log
echo
echo "Exit status: SQLite $sqlite_status, browser $browser_status, PostgreSQL $pg_status"
# The failures of all three passes together, last, so that a short tail of the output names them.
failures=$(grep -h -E "^(FAILED|ERROR) " build/test-sqlite.log build/test-browser.log \
  build/test-postgres.log 2>/dev/null)
if [ -n "$failures" ]; then
  echo "Failed tests, all passes:"
  echo "$failures"
fi
[ "$sqlite_status" -eq 0 ] && [ "$browser_status" -eq 0 ] && [ "$pg_status" -eq 0 ]

#!/usr/bin/env bash
# The whole suite on SQLite and, at the same time, the database-touching suites on PostgreSQL.
#
# The two passes run side by side: each pytest process is mostly single-threaded, so on a 2-core
# machine this nearly halves the wall-clock time of `make test` (about 33 minutes one after the
# other). Each pass has its own temporary and data folders; the PostgreSQL pass's output is
# printed after the SQLite pass's, and the script fails if either pass failed.
set -uo pipefail
PY="${1:-.venv/bin/python}"
mkdir -p build
rm -rf build/test-sqlite build/test-postgres
pg_url=$(bash scripts/ensure-postgres.sh) || { echo "PostgreSQL did not start" >&2; exit 1; }
pg_log=build/test-postgres.log
(
  export DATABASE_URL="$pg_url" COMMISSIONING_DATA="$PWD/build/test-postgres/data"
  exec "$PY" -m pytest -q -m "not browser and not slow" --basetemp=build/test-postgres/tmp \
    tests/store tests/web tests/demo tests/api tests/security tests/ingest tests/evidence \
    tests/reports tests/groupings tests/surveys tests/indicators
) >"$pg_log" 2>&1 &
pg_pid=$!
echo "PostgreSQL pass started in the background (output in $pg_log)"
echo "SQLite pass:"
COMMISSIONING_DATA="$PWD/build/test-sqlite/data" "$PY" -m pytest -q --basetemp=build/test-sqlite/tmp
sqlite_status=$?
wait "$pg_pid"
pg_status=$?
echo
echo "PostgreSQL pass ($pg_url):"
cat "$pg_log"
echo
echo "SQLite pass exit status: $sqlite_status; PostgreSQL pass exit status: $pg_status"
[ "$sqlite_status" -eq 0 ] && [ "$pg_status" -eq 0 ]

#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster on loopback for the test suite, installing Debian's
# postgresql package first when it is missing. Prints the DATABASE_URL to use on stdout.
set -euo pipefail
PORT="${COMMISSIONING_PG_PORT:-54329}"
DIR="${COMMISSIONING_PG_DIR:-/tmp/commissioning-test-pg}"
find_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true; }
bindir=$(find_bindir)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "Installing PostgreSQL from Debian's packages..." >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
  bindir=$(find_bindir)
fi
run_as() {
  # initdb and postgres refuse to run as root: use the postgres account Debian creates.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if "$bindir/pg_isready" -h 127.0.0.1 -p "$PORT" -q 2>/dev/null; then
  echo "postgres://postgres@127.0.0.1:$PORT/postgres"
  exit 0
fi
rm -rf "$DIR"
mkdir -p "$DIR"
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; fi
run_as "$bindir/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
run_as "$bindir/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
echo "postgres://postgres@127.0.0.1:$PORT/postgres"

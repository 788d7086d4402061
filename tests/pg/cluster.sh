#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests and for developers.
#
#   eval "$(bash tests/pg/cluster.sh start)"   # prints `export FIELDPLAN_TEST_PG=...` and PGDIR
#   bash tests/pg/cluster.sh stop "$PGDIR"      # stops it and removes its folder
#
# The cluster lives in a temporary folder, listens on a free loopback port only (no Unix
# socket elsewhere), trusts local connections, and holds one database `fieldplan`. initdb
# refuses to run as root, so as root the server runs as the `postgres` user. PostgreSQL is
# installed from Debian (apt) when no server is found.
set -euo pipefail

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin dir port
  if ! bin=$(find_bin); then
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    bin=$(find_bin) || { echo "no PostgreSQL server (initdb) found" >&2; exit 1; }
  fi
  dir=$(mktemp -d /tmp/fieldplan-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres fieldplan
  echo "export PGDIR=$dir"
  echo "export FIELDPLAN_TEST_PG=postgres://postgres@127.0.0.1:$port/fieldplan"
}

stop() {
  local dir=${1:?usage: cluster.sh stop PGDIR} bin
  bin=$(find_bin)
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
  case "$dir" in /tmp/fieldplan-pg.*) rm -rf "$dir" ;; esac
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop PGDIR" >&2; exit 2 ;;
esac

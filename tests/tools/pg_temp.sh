#!/usr/bin/env bash
# pg_temp.sh - a throwaway PostgreSQL cluster for tests (issue 10, sync/server/srv_store_pg.c).
#
#   pg_temp.sh start DIR     initdb's DIR/data if new, starts it on a free loopback port (its
#                            unix socket in DIR), creates database `fieldflow` and prints ONE
#                            line: postgresql://USER@127.0.0.1:PORT/fieldflow
#   pg_temp.sh stop DIR      stops it (fast shutdown); nothing if it is not running
#   pg_temp.sh restart DIR   stops and starts it again on the same port
#
# Tuned for tests, not for data: fsync=off, trust authentication on loopback only. As root the
# server runs as the `postgres` user (else `nobody`) through runuser: PostgreSQL refuses to run
# as root. Debian's binaries are in /usr/lib/postgresql/15/bin (PG_BIN overrides).
set -euo pipefail

die() { echo "pg_temp.sh: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: pg_temp.sh start|stop|restart DIR"
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
data=$dir/data
log=$dir/postgres.log
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$bin/initdb" ] || die "no initdb in $bin (Debian package postgresql; scripts/install-deps)"

user=$(id -un)
as=()
if [ "$(id -u)" -eq 0 ]; then
  if id postgres >/dev/null 2>&1; then user=postgres; else user=nobody; fi
  as=(runuser -u "$user" --)
fi
# Socket paths are capped at 107 bytes.
[ ${#dir} -le 90 ] || die "$dir: path too long for a unix socket (keep it under 90 bytes)"

run() { "${as[@]}" "$@"; }

# As root the server's user must reach DIR: temp dirs made by mkdtemp are 0700, so their
# search bit for others is added (only below the temp root, never elsewhere).
open_path() {
  [ "$(id -u)" -eq 0 ] || return 0
  chown "$user" "$dir"
  local tmp p
  tmp=$(cd "${TMPDIR:-/tmp}" && pwd)
  p=$(dirname "$dir")
  while [ "$p" != "/" ] && [ "${p#"$tmp"}" != "$p" ]; do
    chmod o+x "$p"
    p=$(dirname "$p")
  done
  run test -x "$dir" || die "$dir: user $user cannot reach it (put DIR under ${TMPDIR:-/tmp})"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

init_cluster() {
  [ -f "$data/PG_VERSION" ] && return 0
  run "$bin/initdb" -D "$data" -U "$user" --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    die "initdb failed: $(tail -n 5 "$dir/initdb.log")"
}

pg_start() { # port
  run "$bin/pg_ctl" -D "$data" -l "$log" -w -t 30 \
    -o "-p $1 -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off \
-c synchronous_commit=off -c max_connections=100 -c shared_buffers=32MB" start >/dev/null 2>&1
}

start() {
  open_path
  init_cluster
  if run "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    port=$(cat "$dir/port")
  else
    local tries=0
    while :; do
      port=${1:-$(free_port)}
      pg_start "$port" && break
      tries=$((tries + 1))
      # a fixed port (restart) or five taken ones: give up with the server's own words
      [ -z "${1:-}" ] && [ $tries -lt 5 ] || die "postgres did not start: $(tail -n 5 "$log" 2>/dev/null)"
    done
    echo "$port" >"$dir/port"
  fi
  if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='fieldflow'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" fieldflow || die "createdb failed"
  fi
  echo "postgresql://$user@127.0.0.1:$port/fieldflow"
}

stop() {
  [ -f "$data/PG_VERSION" ] || return 0
  if run "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    run "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null || die "pg_ctl stop failed"
  fi
}

case $cmd in
  start) start ;;
  stop) stop ;;
  restart)
    [ -f "$dir/port" ] || die "$dir: never started"
    stop
    start "$(cat "$dir/port")" ;;
  *) die "unknown command $cmd (start|stop|restart)" ;;
esac

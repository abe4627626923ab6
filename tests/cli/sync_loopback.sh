#!/usr/bin/env bash
# sync_loopback.sh - three devices and fieldflow-server over real TLS on loopback, on both
# backends (PostgreSQL when tests/tools/pg_temp.sh and initdb are there): a kiosk of site A,
# the engineer eng-1 and a desk enrol with one-time codes (`ffctl sync --enrol`), create,
# edit and book (a conflicting edit, two requests for one slot), and sync until quiet. Then
# the desk equals the server's fold (sorted dump and log), the kiosk and the engineer hold
# only rows the server holds, the slot is confirmed once and rejected once, the conflict is
# listed once, and the kiosk never saw the other site's customer.
set -u

# shellcheck source=lib/sync.sh
. "$(dirname "$0")/lib/sync.sh"
need_server

# loopback NAME: the whole story against a fresh server (SRV_DB_URL picks the backend).
loopback() {
    local name=$1 k=$TMP/$1-kiosk.db e=$TMP/$1-eng.db d=$TMP/$1-desk.db
    start_server "$name" || return
    enrol "$k" kiosk --site A && enrol "$e" engineer --engineer eng-1 && enrol "$d" desk || return
    ok
    story_round0 "$e" && sync_dev "$e" && [ "$rc" -eq 0 ] || bad "$name: round 0"
    story_round1 "$k" "$e" "$d" || return
    sync_quiet "$k" "$e" "$d" && ok || bad "$name: round 1 did not settle"
    story_round2 "$k" "$e" "$d" || return
    sync_quiet "$k" "$e" "$d" && ok || bad "$name: round 2 did not settle"
    converged "$name" "$(server_fold "$name")" "$k" "$e" "$d"
    story_checks "$name" "$(server_fold "$name")" "$k" "$e" "$d"

    # The status: JSON naming the server, nothing pending.
    run sync --db "$d" --status
    expect "$name: sync --status" 0 out '"pending":0' "\"server\":\"$SRV_URL\""
    # A wrong pin refuses (exit 1) and says so; the store is untouched.
    "$FFCTL" db init --db "$TMP/pin.db" >/dev/null
    dump_of "$TMP/pin.db" "$TMP/pin.before"
    run sync --db "$TMP/pin.db" --server "$SRV_URL" --pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" \
        --enrol "$(new_code desk)"
    [ "$rc" -eq 1 ] && ok || bad "$name: a wrong pin exits $rc, not 1"
    grep -qi pin "$TMP/err" && ok || bad "$name: a wrong pin is not named: $(cat "$TMP/err")"
    dump_of "$TMP/pin.db" "$TMP/pin.after"
    check "$name: a refused enrolment changes nothing" cmp -s "$TMP/pin.before" "$TMP/pin.after"
    stop_bg "$name"
}

loopback sqlite
if [ -x "$SRC/tests/tools/pg_temp.sh" ]; then
    chmod 711 "$TMP" # the cluster runs as another user when we are root
    PG_DIR=$TMP/pg
    SRV_DB_URL=$("$SRC/tests/tools/pg_temp.sh" start "$PG_DIR") || bad "pg_temp.sh start"
    [ -n "$SRV_DB_URL" ] && loopback pg
    unset SRV_DB_URL
else
    echo "note: tests/tools/pg_temp.sh or initdb missing: PostgreSQL not tested here"
fi
finish

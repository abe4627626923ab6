#!/usr/bin/env bash
# sync_security.sh - security end to end, devices and server together (the HTTP-level
# refusals are srv_api.sh's and srv_push.sh's): an access token that expires while a device
# is offline costs nothing (refreshed, every queued event pushed); an event of a device whose
# clock runs 30 h ahead (faketime) is refused with its reason, the device flagged, the event
# kept on its device and counted, never stored or passed on; a kiosk of another site never receives a kiosk's customers or cases, while the desk
# does; after revocation the device is refused (1, "enrol again"), keeps its queue, and
# nothing of it reaches the server; an enrolment code is single-use and expires.
# Once on SQLite and once on PostgreSQL.
set -u

# shellcheck source=lib/sync.sh
. "$(dirname "$0")/lib/sync.sh"
need_server

log_count() {
    "$FFCTL" db stats --db "$(server_fold "$1")" | grep -o '"events":[0-9]*' | cut -d: -f2
}

security() {
    local name=$1 a=$TMP/$1-kiosk-a.db a2=$TMP/$1-kiosk-a2.db b=$TMP/$1-kiosk-b.db d=$TMP/$1-desk.db i
    start_server "$name" --access-ttl 2 || return
    enrol "$a" kiosk --site A && enrol "$a2" kiosk --site A && enrol "$b" kiosk --site B &&
        enrol "$d" desk || return

    # Offline past the access token's life: the queue goes through on the refresh token.
    ev "$a" customer.created sec-c1 '{"name":"Site A customer","phone":"+45 55555555","site":"A"}'
    ev "$a" case.created sec-k1 '{"touchpoint":"kiosk","request_type":"complaint","customer_id":"sec-c1"}'
    ev_commit "$a"
    sync_dev "$a"
    [ "$rc" -eq 0 ] && ok || bad "$name: first sync exited $rc: $(cat "$TMP/sync.err")"
    sleep 3
    for i in $(seq 50); do ev "$a" customer.created "sec-q$i" '{"name":"queued","site":"A"}'; done
    ev_commit "$a"
    sync_dev "$a"
    [ "$rc" -eq 0 ] && [ "$PUSHED" = 50 ] && [ "$PENDING" = 0 ] && ok ||
        bad "$name: after the token expired: exit $rc, $(cat "$TMP/sync.out" "$TMP/sync.err")"

    # A device whose clock runs 30 h ahead (faketime: the store refuses to hold such an event
    # under a correct clock): refused with its reason, the device flagged, the event kept and
    # counted on the device.
    local future=none
    # Not under ASan: its runtime and libfaketime's preloaded clock deadlock at start.
    if command -v faketime >/dev/null && [ -z "${ASAN_OPTIONS:-}" ]; then
        "$FFCTL" db dump --events --db "$a2" >/dev/null
        FF_FUTURE_DB=$a2 timeout 120 faketime -f +30h bash -c '. "$FF_SOURCE_DIR/tests/cli/lib/sync.sh"
            ev "$FF_FUTURE_DB" customer.created sec-future "{\"name\":\"from the future\",\"site\":\"A\"}"
            ev_commit "$FF_FUTURE_DB" && echo "$EV_ID" >"$FF_FUTURE_DB.id"' || bad "$name: a future event"
        future=$(cat "$a2.id")
        rc=0
        timeout 120 faketime -f +30h "$FFCTL" sync --db "$a2" >"$TMP/sync.out" 2>"$TMP/sync.err" || rc=$?
        [ "$rc" -eq 0 ] && grep -q 'rejected 1$' "$TMP/sync.out" && ok ||
            bad "$name: an event 30 h ahead: exit $rc, $(cat "$TMP/sync.out" "$TMP/sync.err")"
        "$FFCTL" db dump --events --db "$a2" | grep -q "\"id\":\"$future\"" && ok ||
            bad "$name: the rejected event is gone from its device"
        run sync --db "$a2" --status
        grep -q '"rejected":1' "$TMP/out" && ok || bad "$name: --status does not count the rejection: $(cat "$TMP/out")"
        curl -sk "$SRV_URL/metrics" | grep -q '^fieldflow_devices{state="flagged"} 1$' && ok ||
            bad "$name: the device is not flagged: $(curl -sk "$SRV_URL/metrics" | grep flagged)"
    else
        echo "note: faketime missing or ASan: a device clock 30 h ahead not tested"
    fi

    sync_quiet "$a" "$a2" "$b" "$d" || bad "$name: did not settle"
    "$FFCTL" db dump --events --db "$(server_fold "$name")" | grep -q "\"id\":\"$future\"" &&
        bad "$name: the server stored an event 30 h ahead" || ok
    "$FFCTL" db dump --events --db "$d" | grep -q "\"id\":\"$future\"" &&
        bad "$name: the desk got an event 30 h ahead" || ok

    # Scope: site B never sees site A's customer or case; the desk and site A's other kiosk do.
    "$FFCTL" db dump --events --db "$b" | grep -Eq '"entity_id":"sec-(c1|k1|q[0-9]+)"' &&
        bad "$name: the kiosk of site B received site A's data" || ok
    for db in "$d" "$a2"; do
        "$FFCTL" db dump --db "$db" | grep -q '^cases|"sec-k1"' && ok ||
            bad "$name: $(basename "$db") did not receive site A's case"
    done

    # Revocation: refused at once, queue kept, nothing reaches the server.
    "$FF_SERVER" revoke --db "$SRV_DB" "$(dev_id "$a")" >/dev/null || bad "$name: revoke"
    local before
    before=$(log_count "$name")
    for i in $(seq 5); do ev "$a" customer.created "sec-r$i" '{"name":"after revocation","site":"A"}'; done
    ev_commit "$a"
    sync_dev "$a"
    [ "$rc" -eq 1 ] && grep -q "enrol again" "$TMP/sync.err" && ok ||
        bad "$name: a revoked device: exit $rc, $(cat "$TMP/sync.out" "$TMP/sync.err")"
    "$FFCTL" db stats --db "$a" | grep -q '"pending":5' && ok || bad "$name: the revoked device lost its queue"
    sleep 1.5 # the server's fold runs at least every second
    [ "$(log_count "$name")" = "$before" ] && ok || bad "$name: a revoked device's events reached the server"

    # Codes: single use, and they expire.
    local code
    code=$(new_code desk)
    enrol_with() {
        "$FFCTL" db init --db "$1" >/dev/null
        rc=0
        "$FFCTL" sync --db "$1" --server "$SRV_URL" --pin "$SRV_PIN" --enrol "$2" >"$TMP/out" 2>"$TMP/err" || rc=$?
    }
    enrol_with "$TMP/$name-c1.db" "$code"
    [ "$rc" -eq 0 ] && ok || bad "$name: a fresh code refused: $(cat "$TMP/err")"
    enrol_with "$TMP/$name-c2.db" "$code"
    [ "$rc" -eq 1 ] && ok || bad "$name: a used code: exit $rc, not 1"
    code=$("$FF_SERVER" enrol-code --db "$SRV_DB" --kind desk --ttl 1)
    sleep 2
    enrol_with "$TMP/$name-c3.db" "$code"
    [ "$rc" -eq 1 ] && ok || bad "$name: an expired code: exit $rc, not 1"
    stop_bg "$name"
}

security sqlite
if [ -x "$SRC/tests/tools/pg_temp.sh" ]; then
    chmod 711 "$TMP" # the cluster runs as another user when we are root
    PG_DIR=$TMP/pg
    SRV_DB_URL=$("$SRC/tests/tools/pg_temp.sh" start "$PG_DIR") || bad "pg_temp.sh start"
    [ -n "$SRV_DB_URL" ] && security pg
    unset SRV_DB_URL
else
    echo "note: tests/tools/pg_temp.sh missing: PostgreSQL not tested here"
fi
finish

# shellcheck shell=bash disable=SC2034  # sourced: the sync client tests use what it sets
# sync_client.sh - helpers of the client's tests (tests/cli/sync_client_*.sh), on top of
# common.sh (or app.sh, which sources it):
#   need_server                 fail at once unless fieldflow-server is built;
#                               (a missing one is a failure, never a skip)
#   srv_start [PORT]            fieldflow-server on 127.0.0.1:PORT (0: a free one), data in
#                               $TMP/srv; sets SRV_URL, SRV_PIN, SRV_LISTEN, SRV_DB, SRV_PID
#   srv_stop [SIGNAL]           signal it (TERM; KILL for a crash) and wait
#   new_code KIND [ARGS...]     a one-time enrolment code (printed)
#   own_event DB TYPE ID PAYLOAD  one event of DB's own (ffctl db restore), stamped from the
#                               wall clock after the device's last seq
#   own_events DB N             N case.created events, the same way
SRV_PID=

need_server() {
    if [ ! -x "${FF_SERVER:-}" ]; then
        echo "FAIL: FF_SERVER is not a built fieldflow-server" >&2
        exit 1
    fi
}

srv_cleanup() {
    [ -n "$SRV_PID" ] && kill -9 "$SRV_PID" 2>/dev/null
    cleanup_tmp
}
trap srv_cleanup EXIT

srv_start() {
    local port=${1:-0} i
    mkdir -p "$TMP/srv"
    SRV_DB="sqlite:$TMP/srv/server.db"
    "$FF_SERVER" serve --listen "127.0.0.1:$port" --data "$TMP/srv" --db "$SRV_DB" \
        >"$TMP/srv.out" 2>>"$TMP/srv.log" &
    SRV_PID=$!
    for i in $(seq 100); do
        [ "$(wc -l <"$TMP/srv.out")" -ge 2 ] && break
        sleep 0.1
    done
    SRV_URL=$(sed -n 's/^listening //p' "$TMP/srv.out")
    SRV_PIN=$(sed -n 's/^pin //p' "$TMP/srv.out")
    SRV_LISTEN=${SRV_URL#https://}
    [ -n "$SRV_URL" ] && [ -n "$SRV_PIN" ] || {
        bad "fieldflow-server did not start: $(tail -3 "$TMP/srv.log")"
        return 1
    }
}

srv_stop() {
    [ -n "$SRV_PID" ] || return 0
    kill "-${1:-TERM}" "$SRV_PID" 2>/dev/null
    wait "$SRV_PID" 2>/dev/null
    SRV_PID=
}

new_code() {
    "$FF_SERVER" enrol-code --db "$SRV_DB" --kind "$@"
}

own_event() {
    local db=$1 type=$2 id=$3 payload=$4 dev seq
    dev=$("$FFCTL" db init --db "$db") || return 1
    seq=$("$FFCTL" db stats --db "$db" | sed -n 's/.*"local_seq":\([0-9]*\).*/\1/p')
    printf '{"id":"%s:%d","device":"%s","seq":%d,"hlc":"%012x0000","entity":"%s","entity_id":"%s","type":"%s","payload":%s,"author":null,"schema":1}\n' \
        "$dev" $((seq + 1)) "$dev" $((seq + 1)) "$(date +%s%3N)" "${type%%.*}" "$id" "$type" \
        "$payload" >"$TMP/own.jsonl"
    "$FFCTL" db restore --db "$db" "$TMP/own.jsonl" >/dev/null
}

own_events() {
    local db=$1 n=$2 dev seq ms i
    dev=$("$FFCTL" db init --db "$db") || return 1
    seq=$("$FFCTL" db stats --db "$db" | sed -n 's/.*"local_seq":\([0-9]*\).*/\1/p')
    ms=$(date +%s%3N)
    for ((i = 1; i <= n; i++)); do
        printf '{"id":"%s:%d","device":"%s","seq":%d,"hlc":"%012x%04x","entity":"case","entity_id":"c-%s-%d","type":"case.created","payload":{"touchpoint":"kiosk","request_type":"order"},"author":null,"schema":1}\n' \
            "$dev" $((seq + i)) "$dev" $((seq + i)) $((ms + i / 65536)) $((i % 65536)) "$dev" $((seq + i))
    done >"$TMP/own.jsonl"
    "$FFCTL" db restore --db "$db" "$TMP/own.jsonl" >/dev/null
}

#!/usr/bin/env bash
# sync_faults.sh - the loopback story through tests/tools/ffproxy with faults on (drops,
# stalls, delays, truncations and resets at random points, also inside TLS records and
# bodies), while `ffctl sync` is killed with -9 at random moments (mid-batch: pushes of
# 1000+ events) and the server is killed with -9 and restarted on its port; on PostgreSQL
# the database is restarted in the middle too. After healing: every event any device wrote
# is in the server's log exactly once (zero lost, zero duplicated), every replica holds each
# event once, and the replicas converge (lib/sync.sh: converged, story_checks).
#
# Random choices come from one seed, printed; FF_FAULT_SEED=N replays the same choices
# (the proxy's faults included; timings still differ, so where a kill lands may too).
set -u

# shellcheck source=lib/sync.sh
. "$(dirname "$0")/lib/sync.sh"
need_server

SEED=${FF_FAULT_SEED:-$(($(date +%s%N) % 1000000))}
echo "sync_faults: seed $SEED (replay: FF_FAULT_SEED=$SEED)"
RANDOM=$SEED
# Under ASan (10x slower processes) fewer rounds keep it inside CTest's 900 s.
ROUNDS=${FF_FAULT_ROUNDS:-$([ -n "${ASAN_OPTIONS:-}" ] && echo 3 || echo 6)}
export SYNC_TIMEOUT=90

# bulk DB N: N more events of DB's device: customers of its own and edits of them.
bulk() {
    local db=$1 n=$2 i id first
    for ((i = 0; i < n; i += 2)); do
        id=bulk-${db##*/}-$RANDOM$RANDOM-$i
        ev "$db" customer.created "$id" "{\"name\":\"Bulk $i\",\"phone\":\"+45 $RANDOM\",\"site\":\"A\"}"
        first=$EV_ID
        ev "$db" customer.edited "$id" "{\"field\":\"email\",\"value\":\"b$i@example.com\",\"prev\":[\"$first\"]}"
    done
    ev_commit "$db"
}

# restart_server: kill -9, then start again on the same port and data (the proxy's target).
restart_server() {
    local port=$SRV_PORT i
    stop_bg "$SRV_NAME" KILL
    for i in 1 2 3 4 5; do
        SRV_LISTEN=127.0.0.1:$port start_server "$SRV_NAME" && return 0
        sleep 1
    done
    bad "the server did not come back on port $port"
    return 1
}

# faulty_sync DB [kill]: one `ffctl sync` that may be (with "kill": is) killed with -9 after
# a random 5-255 ms. It must end 0 (done), 3 (unreachable: faults) or be killed; 1 (refused)
# or another code is a bug.
faulty_sync() {
    local db=$1 r=$((RANDOM % 3))
    if [ "$r" -eq 0 ] || [ "${2:-}" = kill ]; then
        local ms=$((5 + RANDOM % 250)) # a push of 1000 events takes ~100 ms here
        rc=0
        # in a subshell whose stderr drops the shell's "Killed" notice
        (
            timeout -s KILL "$((ms / 1000)).$(printf %03d $((ms % 1000)))" "$FFCTL" sync --db "$db" \
                --retries 1 >"$TMP/sync.out" 2>"$TMP/sync.err"
            exit $?
        ) 2>/dev/null || rc=$?
        [ "$rc" -eq 137 ] && KILLS=$((KILLS + 1)) && return
    else
        sync_dev "$db" --retries 1
    fi
    case $rc in
    0 | 3) ;;
    *) bad "ffctl sync --db $(basename "$db") under faults exited $rc: $(head -3 "$TMP/sync.err")" ;;
    esac
}

# bg_sync DB / bg_check: faulty_sync in the background (while the server or the database is
# killed), its verdict counted after the wait.
bg_sync() {
    (
        rc=0
        timeout "$SYNC_TIMEOUT" "$FFCTL" sync --db "$1" >"$TMP/bg.out" 2>"$TMP/bg.err" || rc=$?
        echo "$rc" >"$TMP/bg.rc"
    ) &
    BG_SYNC=$!
}
bg_check() {
    wait "$BG_SYNC" # not a bare wait: the server is a child too
    case $(cat "$TMP/bg.rc") in
    0 | 3) ok ;;
    *) bad "ffctl sync while the server went away exited $(cat "$TMP/bg.rc"): $(head -3 "$TMP/bg.err")" ;;
    esac
}

# faults NAME: the whole run against a fresh server (SRV_DB_URL picks the backend).
faults() {
    local name=$1 k=$TMP/$1-kiosk.db e=$TMP/$1-eng.db d=$TMP/$1-desk.db round db
    KILLS=0
    SRV_LISTEN=127.0.0.1:0 start_server "$name" || return
    proxy_start "$name-proxy" "$SRV_PORT" "$SEED" || return
    ENROL_URL=https://127.0.0.1:$PROXY_PORT
    enrol "$k" kiosk --site A && enrol "$e" engineer --engineer eng-1 && enrol "$d" desk || return
    story_round0 "$e" && sync_dev "$e" && [ "$rc" -eq 0 ] || bad "$name: round 0"
    story_round1 "$k" "$e" "$d" || return
    echo "faults drop=1 stall=1 delay=2 truncate=3 reset=3 none=2" >"$PROXY_CTL"
    local server_kills=0
    for round in $(seq "$ROUNDS"); do
        echo "$name: round $round ($SECONDS s)"
        for db in "$k" "$e" "$d"; do bulk "$db" $((50 + RANDOM % 1200)); done
        for db in $(printf '%s\n' "$k" "$e" "$d" | shuf --random-source=<(yes "$SEED$round")); do
            faulty_sync "$db"
        done
        # one more, killed mid-way for sure, on a device with a few batches waiting
        bulk "$k" 1600
        faulty_sync "$k" kill
        if [ $((RANDOM % 2)) -eq 0 ]; then
            # kill -9 the server while a device pushes
            bg_sync "$d"
            sleep "0.$((RANDOM % 9 + 1))"
            restart_server || return
            server_kills=$((server_kills + 1))
            bg_check
        fi
        if [ -n "${SRV_DB_URL:-}" ] && [ "$round" -eq $(((ROUNDS + 1) / 2)) ]; then
            bg_sync "$e"
            sleep 0.3
            "$SRC/tests/tools/pg_temp.sh" restart "$PG_DIR" >/dev/null && ok ||
                bad "pg_temp.sh restart"
            bg_check
            echo "$name: PostgreSQL restarted in round $round"
        fi
    done
    story_round2 "$k" "$e" "$d" || return
    for db in "$k" "$e" "$d"; do faulty_sync "$db"; done
    echo "$name: $ROUNDS rounds, $KILLS ffctl sync killed, $server_kills server kills;" \
        "proxy: $(grep -cE ': (drop|stall|delay|truncate|reset)' "$TMP/$name-proxy.log") faulty connections"
    grep -qE ': (truncate|reset)' "$TMP/$name-proxy.log" && ok || bad "$name: the proxy cut nothing"

    echo pass >"$PROXY_CTL" # heal
    restart_server || return
    sync_quiet "$k" "$e" "$d" && ok || bad "$name: did not settle after healing"
    converged "$name" "$(server_fold "$name")" "$k" "$e" "$d"
    story_checks "$name" "$(server_fold "$name")" "$k" "$e" "$d"

    # Zero lost: each device's own events are all in the server's fold (its whole log).
    for db in "$k" "$e" "$d"; do
        "$FFCTL" db dump --events --db "$db" | grep -o "^{\"id\":\"$(dev_id "$db"):[0-9]*\"" |
            cut -d'"' -f4 | sort >"$TMP/own.ids"
        [ -n "$(comm -23 "$TMP/own.ids" "$TMP/fold.ids")" ] &&
            bad "$name: $(basename "$db"): $(comm -23 "$TMP/own.ids" "$TMP/fold.ids" | wc -l) events lost" || ok
    done
    # Zero duplicated: the global log holds each id once and as many as the fold.
    local counts
    if [ -z "${SRV_DB_URL:-}" ]; then
        counts=$(sqlite3 "$SRV_DATA/server.db" 'SELECT count(*), count(DISTINCT id) FROM log' 2>&1)
    else
        counts=$(psql "$SRV_DB_URL" -Atc 'SELECT count(*), count(DISTINCT id) FROM log' 2>&1 | tr '|' ' ')
        counts=${counts// /|}
    fi
    [ "$counts" = "$(wc -l <"$TMP/fold.ids")|$(wc -l <"$TMP/fold.ids")" ] && ok ||
        bad "$name: global log count|distinct = $counts, the fold has $(wc -l <"$TMP/fold.ids")"
    stop_bg "$name-proxy"
    stop_bg "$name"
}

faults sqlite
if [ -x "$SRC/tests/tools/pg_temp.sh" ]; then
    chmod 711 "$TMP" # the cluster runs as another user when we are root
    PG_DIR=$TMP/pg
    SRV_DB_URL=$("$SRC/tests/tools/pg_temp.sh" start "$PG_DIR") || bad "pg_temp.sh start"
    [ -n "$SRV_DB_URL" ] && faults pg
    unset SRV_DB_URL
else
    echo "note: tests/tools/pg_temp.sh missing: PostgreSQL not tested here"
fi
finish

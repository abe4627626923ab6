# shellcheck shell=bash disable=SC2034  # sourced: the sync tests use what it sets
# sync.sh - helpers of the sync tests (tests/cli/sync_*.sh), on top of common.sh.
#
# Processes
#   start_bg NAME CMD...        start CMD in the background (stdout $TMP/NAME.start, stderr
#                               $TMP/NAME.err, pid $TMP/NAME.pid), wait for its first stdout
#                               line (20 s) and print it; every such process is killed at exit
#   stop_bg NAME [SIGNAL]       signal it (TERM) and wait for it
#   start_server NAME [ARGS...] fieldflow-server on a free loopback port, data in $TMP/NAME;
#                               sets SRV_URL (https://127.0.0.1:PORT), SRV_PIN, SRV_PORT,
#                               SRV_DATA, SRV_DB (the --db URL, sqlite by default, or
#                               $SRV_DB_URL when set), SRV_NAME
#   server_fold NAME            the path of that server's fold store (its device-format db)
#   proxy_start NAME TARGET_PORT SEED   ffproxy in front of the server; PROXY_PORT, PROXY_CTL
# Devices
#   new_code KIND [ARGS...]     a one-time enrolment code from $SRV_DB (printed)
#   enrol DB KIND [ARGS...]     a new device store enrolled through `ffctl sync --enrol`
#   sync_dev DB [ARGS...]       one `ffctl sync` pass; the line in $TMP/sync.out, code in $rc;
#                               PUSHED PULLED PENDING REJECTED from its line
#   sync_quiet DB...            sync every device in turn until two rounds in a row (1.5 s
#                               apart, so the server's rules thread had its turn) move nothing
# Events (written on a device as its own events through `ffctl db restore`, which stamps
# nothing: the generator gives device, gapless seq and an hlc from the device's clock)
#   ev DB TYPE ENTITY_ID PAYLOAD   queue one event of DB's device; prints its id in $EV_ID
#   ev_commit DB                   store DB's queued events (one transaction)
#   set_skew DB MS                 DB's clock runs MS ahead (negative: behind) of the wall
# Checks
#   dump_of DB OUT              sorted `ffctl db dump` of DB
#   event_ids DB OUT            sorted event ids of DB's log (one a line)
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PROXY=$SRC/tests/tools/ffproxy
BG_NAMES=()

sync_cleanup() {
    local n
    for n in "${BG_NAMES[@]}"; do
        [ -f "$TMP/$n.pid" ] && kill -9 "$(cat "$TMP/$n.pid")" 2>/dev/null
    done
    [ -n "${PG_DIR:-}" ] && "$SRC/tests/tools/pg_temp.sh" stop "$PG_DIR" >/dev/null 2>&1
    cleanup_tmp
}
trap sync_cleanup EXIT

# Skips (exit 0) a sync test while the part it needs is not in this tree yet; once the
# source is there, a missing binary is a failure.
need_server() {
    if [ -z "${FF_SERVER:-}" ]; then
        if [ -f "$SRC/sync/server/main.c" ]; then
            echo "FAIL: FF_SERVER is not set although sync/server/main.c exists" >&2
            exit 1
        fi
        echo "skipped: fieldflow-server is not in this tree yet"
        exit 0
    fi
    if ! "$FFCTL" sync --help >/dev/null 2>&1; then
        if [ -f "$SRC/src/ffctl/cmd_sync.c" ]; then
            echo "FAIL: ffctl sync --help fails although src/ffctl/cmd_sync.c exists" >&2
            exit 1
        fi
        echo "skipped: ffctl sync is not in this tree yet"
        exit 0
    fi
}

start_bg() {
    local name=$1 i
    shift
    "$@" >"$TMP/$name.start" 2>"$TMP/$name.err" &
    echo $! >"$TMP/$name.pid"
    BG_NAMES+=("$name")
    for i in $(seq 200); do
        [ -s "$TMP/$name.start" ] && break
        if ! kill -0 "$(cat "$TMP/$name.pid")" 2>/dev/null; then
            echo "FAIL: $name exited before it printed anything:" >&2
            sed 's/^/    /' "$TMP/$name.err" >&2
            return 1
        fi
        sleep 0.1
    done
    head -1 "$TMP/$name.start"
}

stop_bg() {
    local pid
    pid=$(cat "$TMP/$1.pid" 2>/dev/null) || return 0
    kill "-${2:-TERM}" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -f "$TMP/$1.pid"
}

start_server() {
    local name=$1 i
    shift
    SRV_NAME=$name
    SRV_DATA=$TMP/$name
    mkdir -p "$SRV_DATA"
    SRV_DB=${SRV_DB_URL:-sqlite:$SRV_DATA/server.db}
    start_bg "$name" "$FF_SERVER" serve --listen "${SRV_LISTEN:-127.0.0.1:0}" --data "$SRV_DATA" \
        --db "$SRV_DB" "$@" >/dev/null || return 1
    for i in $(seq 100); do
        grep -q '^pin ' "$TMP/$name.start" && break
        sleep 0.1
    done
    SRV_URL=$(sed -n 's/^listening //p' "$TMP/$name.start" | head -1)
    SRV_PIN=$(sed -n 's/^pin //p' "$TMP/$name.start" | head -1)
    SRV_PORT=${SRV_URL##*:}
    if [ -z "$SRV_URL" ] || [ -z "$SRV_PIN" ]; then
        echo "FAIL: $name printed no listening/pin lines:" >&2
        sed 's/^/    /' "$TMP/$name.start" "$TMP/$name.err" >&2
        return 1
    fi
}

server_fold() {
    echo "$TMP/$1/fold-${2:-main}.db"
}

proxy_start() {
    local line
    PROXY_CTL=$TMP/$1.ctl
    echo pass >"$PROXY_CTL"
    line=$(start_bg "$1" "$PROXY" --target "127.0.0.1:$2" --seed "$3" --control "$PROXY_CTL" \
        --log "$TMP/$1.log" --stall 2 --max-delay 0.2) || return 1
    PROXY_PORT=${line#*listening 127.0.0.1:}
    PROXY_PORT=${PROXY_PORT%% *}
}

new_code() {
    "$FF_SERVER" enrol-code --db "$SRV_DB" --kind "$@"
}

enrol() {
    local db=$1 code
    shift
    code=$(new_code "$@") || {
        bad "enrol-code $*"
        return 1
    }
    "$FFCTL" db init --db "$db" >/dev/null || return 1
    rc=0
    "$FFCTL" sync --db "$db" --server "${ENROL_URL:-$SRV_URL}" --pin "$SRV_PIN" --enrol "$code" \
        >"$TMP/sync.out" 2>"$TMP/sync.err" || rc=$?
    if [ "$rc" -ne 0 ]; then
        bad "enrol $db ($*): exit $rc: $(cat "$TMP/sync.err")"
        return 1
    fi
}

sync_dev() {
    local db=$1 line
    shift
    rc=0
    timeout "${SYNC_TIMEOUT:-120}" "$FFCTL" sync --db "$db" "$@" >"$TMP/sync.out" 2>"$TMP/sync.err" ||
        rc=$?
    line=$(grep -m1 '^sync: ' "$TMP/sync.out")
    PUSHED=$(sed -n 's/.*pushed \([0-9]*\).*/\1/p' <<<"$line")
    PULLED=$(sed -n 's/.*pulled \([0-9]*\).*/\1/p' <<<"$line")
    PENDING=$(sed -n 's/.*pending \([0-9]*\).*/\1/p' <<<"$line")
    REJECTED=$(sed -n 's/.*rejected \([0-9]*\).*/\1/p' <<<"$line")
}

sync_quiet() {
    local round quiet=0 db moved
    for round in $(seq "${QUIET_ROUNDS:-30}"); do
        moved=0
        for db in "$@"; do
            sync_dev "$db"
            if [ "$rc" -ne 0 ] || [ -z "$PUSHED" ]; then
                moved=1
                continue
            fi
            [ "$PUSHED" -ne 0 ] || [ "$PULLED" -ne 0 ] || [ "$PENDING" -ne 0 ] && moved=1
        done
        if [ "$moved" -eq 0 ]; then
            quiet=$((quiet + 1))
            [ "$quiet" -ge 2 ] && return 0
        else
            quiet=0
        fi
        sleep 1.5
    done
    echo "sync_quiet: not quiet after ${QUIET_ROUNDS:-30} rounds; last: rc $rc, $(cat "$TMP/sync.out" "$TMP/sync.err")" >&2
    return 1
}

declare -A EV_DEV EV_SEQ EV_HLC EV_SKEW

ev_load() {
    local db=$1 stats
    [ -n "${EV_DEV[$db]:-}" ] && return 0
    EV_DEV[$db]=$("$FFCTL" db init --db "$db") || return 1
    stats=$("$FFCTL" db stats --db "$db") || return 1
    EV_SEQ[$db]=$(grep -o '"local_seq":[0-9]*' <<<"$stats" | cut -d: -f2)
    EV_HLC[$db]=0
    : "${EV_SKEW[$db]:=0}"
    : >"$TMP/ev.$(basename "$db")"
}

set_skew() {
    EV_SKEW[$1]=$2
}

ev() {
    local db=$1 type=$2 id=$3 payload=$4 dev seq wall hlc
    ev_load "$db" || return 1
    dev=${EV_DEV[$db]}
    seq=$((EV_SEQ[$db] + 1))
    EV_SEQ[$db]=$seq
    wall=$(($(date +%s%3N) + EV_SKEW[$db]))
    hlc=$((wall << 16))
    [ "$hlc" -le "${EV_HLC[$db]}" ] && hlc=$((EV_HLC[$db] + 1))
    EV_HLC[$db]=$hlc
    EV_ID=$dev:$seq
    printf '{"id":"%s","device":"%s","seq":%d,"hlc":"%016x","entity":"%s","entity_id":"%s","type":"%s","payload":%s,"author":null,"schema":1}\n' \
        "$EV_ID" "$dev" "$seq" "$hlc" "${type%%.*}" "$id" "$type" "$payload" \
        >>"$TMP/ev.$(basename "$db")"
}

ev_commit() {
    local db=$1 f
    f=$TMP/ev.$(basename "$db")
    [ -s "$f" ] || return 0
    if ! "$FFCTL" db restore --db "$db" "$f" >"$TMP/restore.out" 2>&1; then
        bad "ev_commit $db: $(cat "$TMP/restore.out")"
        unset "EV_DEV[$db]"
        return 1
    fi
    : >"$f"
}

# The device id of DB (after ev_load or enrol).
dev_id() {
    "$FFCTL" db init --db "$1"
}

dump_of() {
    "$FFCTL" db dump --db "$1" | sort >"$2"
}

event_ids() {
    "$FFCTL" db dump --events --db "$1" | grep -o '^{"id":"[^"]*"' | cut -d'"' -f4 | sort >"$2"
}

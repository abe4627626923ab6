# shellcheck shell=bash disable=SC2034  # sourced: the sync tests use what it sets
# sync.sh - helpers of the sync tests (tests/cli/sync_*.sh), on top of common.sh.
#
# FF_KEEP_TMP=1 keeps $TMP (stores, logs) for a look after a failure.
# Processes
#   start_bg NAME CMD...        start CMD in the background (stdout $TMP/NAME.start, stderr
#                               $TMP/NAME.err, pid $TMP/NAME.pid), wait for its first stdout
#                               line (20 s) and print it; every such process is killed at exit
#                               (by its pid file, so also when started inside a $(...))
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

# Every process start_bg started still has its pid file (also those started inside a $(...)).
sync_cleanup() {
    local f
    for f in "$TMP"/*.pid; do
        [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
    done
    wait 2>/dev/null # and say nothing of it
    [ -n "${PG_DIR:-}" ] && "$SRC/tests/tools/pg_temp.sh" stop "$PG_DIR" >/dev/null 2>&1
    if [ -n "${FF_KEEP_TMP:-}" ]; then echo "kept $TMP" >&2; else cleanup_tmp; fi
}
trap sync_cleanup EXIT

# Fails the test at once when the server or `ffctl sync` is not built: never a silent pass.
need_server() {
    if [ ! -x "${FF_SERVER:-}" ]; then
        echo "FAIL: FF_SERVER is not a built fieldflow-server" >&2
        exit 1
    fi
    if ! "$FFCTL" sync --help >/dev/null 2>&1; then
        echo "FAIL: ffctl sync --help fails" >&2
        exit 1
    fi
}

start_bg() {
    local name=$1 i
    shift
    "$@" >"$TMP/$name.start" 2>"$TMP/$name.err" &
    echo $! >"$TMP/$name.pid"
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
    : >"$TMP/ev.${db##*/}"
}

set_skew() {
    EV_SKEW[$1]=$2
}

ev() {
    local db=$1 type=$2 id=$3 payload=$4 dev seq wall hlc seen
    ev_load "$db" || return 1
    dev=${EV_DEV[$db]}
    seq=$((EV_SEQ[$db] + 1))
    EV_SEQ[$db]=$seq
    wall=$((${EPOCHREALTIME/./} / 1000 + EV_SKEW[$db])) # no fork a event
    hlc=$((wall << 16))
    # Like the device's own clock: after everything it has seen (the store's high-water mark
    # moves with every import), so an edit orders after the version it names.
    if [ ! -s "$TMP/ev.${db##*/}" ]; then
        seen=$(sqlite3 "$db" "SELECT value FROM meta WHERE key = 'hlc'" 2>/dev/null)
        [ -n "$seen" ] && [ $((16#$seen)) -gt "${EV_HLC[$db]}" ] && EV_HLC[$db]=$((16#$seen))
    fi
    [ "$hlc" -le "${EV_HLC[$db]}" ] && hlc=$((EV_HLC[$db] + 1))
    EV_HLC[$db]=$hlc
    EV_ID=$dev:$seq
    printf '{"id":"%s","device":"%s","seq":%d,"hlc":"%016x","entity":"%s","entity_id":"%s","type":"%s","payload":%s,"author":null,"schema":1}\n' \
        "$EV_ID" "$dev" "$seq" "$hlc" "${type%%.*}" "$id" "$type" "$payload" \
        >>"$TMP/ev.${db##*/}"
}

ev_commit() {
    local db=$1 f
    f=$TMP/ev.${db##*/}
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

# The shared story of the loopback and fault tests, on a kiosk of site A ($1), the
# engineer eng-1 ($2) and a desk ($3). Round 1 creates: a kiosk customer and case with a
# visit request, a desk customer and case assigned to eng-1 with a visit request for the
# SAME slot (the server confirms one, rejects the other). Round 2,
# after everyone synced: the kiosk and the desk edit the kiosk customer's phone from the
# same version (a conflict every replica lists once), the desk re-prioritises the kiosk
# case, the engineer starts work on the desk case and adds a note.
SLOT=$((($(date +%s) / 86400 + 1) * 86400000 + 9 * 3600000))
# Round 0: eng-1 publishes the slot and another one; the caller syncs it before round 1,
# so both requests meet a free slot and the server's choice is between them.
story_round0() {
    local e=$1 slot_end=$((SLOT + 3600000))
    ev "$e" engineer.availability_published eng-1 "{\"slots\":[{\"start\":$SLOT,\"end\":$slot_end},{\"start\":$((SLOT + 7200000)),\"end\":$((SLOT + 10800000))}]}"
    ev_commit "$e"
}
story_round1() {
    local k=$1 e=$2 d=$3 slot_end=$((SLOT + 3600000))
    ev "$k" customer.created c1 '{"name":"Ann Kiosk","phone":"+45 11111111","site":"A"}'
    STORY_C1=$EV_ID
    ev "$k" case.created k1 '{"touchpoint":"kiosk","request_type":"service_request","customer_id":"c1","description":"boiler cold"}'
    STORY_K1=$EV_ID
    ev "$k" visit.requested v1 "{\"case_id\":\"k1\",\"engineer_id\":\"eng-1\",\"start\":$SLOT,\"end\":$slot_end}"
    ev "$d" customer.created c2 '{"name":"Bo Desk","phone":"+45 22222222","site":"B"}'
    ev "$d" case.created k2 '{"touchpoint":"phone","request_type":"complaint","customer_id":"c2","assignee":"eng-1","priority":2}'
    STORY_K2=$EV_ID
    ev "$d" visit.requested v2 "{\"case_id\":\"k2\",\"engineer_id\":\"eng-1\",\"start\":$SLOT,\"end\":$slot_end}"
    ev_commit "$k" && ev_commit "$d"
}
story_round2() {
    local k=$1 e=$2 d=$3
    ev "$k" customer.edited c1 "{\"field\":\"phone\",\"value\":\"+45 33333333\",\"prev\":[\"$STORY_C1\"]}"
    ev "$d" customer.edited c1 "{\"field\":\"phone\",\"value\":\"+45 44444444\",\"prev\":[\"$STORY_C1\"]}"
    ev "$d" case.field_edited k1 "{\"field\":\"priority\",\"value\":1,\"prev\":[\"$STORY_K1\"]}"
    ev "$e" case.status_changed k2 '{"status":"in_progress","prev":[]}'
    ev "$e" case.note_added k2 '{"text":"bring a spare pump"}'
    ev_commit "$k" && ev_commit "$e" && ev_commit "$d"
}

# converged NAME FOLD KIOSK ENGINEER DESK: the checks every sync test ends with. The desk
# (scope: everything) equals the server's fold, dump and log; the kiosk's and the engineer's
# projections are rows of the server's (their scopes are parts of it); each replica holds
# each event once; nothing is pending.
converged() {
    local name=$1 fold=$2 db
    shift 2
    dump_of "$fold" "$TMP/fold.dump"
    event_ids "$fold" "$TMP/fold.ids"
    [ -s "$TMP/fold.ids" ] || bad "$name: the server's fold holds no event"
    dump_of "${*: -1}" "$TMP/desk.dump"
    event_ids "${*: -1}" "$TMP/desk.ids"
    if cmp -s "$TMP/fold.dump" "$TMP/desk.dump"; then ok; else
        bad "$name: desk dump != server fold dump:"
        diff "$TMP/fold.dump" "$TMP/desk.dump" | head -20 >&2
    fi
    check "$name: desk log == server fold log" cmp -s "$TMP/fold.ids" "$TMP/desk.ids"
    for db in "$@"; do
        dump_of "$db" "$TMP/dev.dump"
        if [ -n "$(comm -23 "$TMP/dev.dump" "$TMP/fold.dump")" ]; then
            bad "$name: $(basename "$db") has rows the server's fold has not:"
            comm -23 "$TMP/dev.dump" "$TMP/fold.dump" | head -10 >&2
        else ok; fi
        "$FFCTL" db dump --events --db "$db" | grep -o '^{"id":"[^"]*"' | sort | uniq -d >"$TMP/dups"
        [ -s "$TMP/dups" ] && bad "$name: $(basename "$db") holds an event twice" || ok
        "$FFCTL" db stats --db "$db" | grep -q '"pending":0[,}]' && ok ||
            bad "$name: $(basename "$db") still has pending events: $("$FFCTL" db stats --db "$db")"
    done
}

# story_checks NAME FOLD KIOSK ENGINEER DESK: what the story must end as, on top of converged.
story_checks() {
    local name=$1 fold=$2 k=$3 e=$4 d=$5 n
    n=$(grep -Ec '^visits\|"v[12]"\|.*"confirmed"' "$TMP/fold.dump")
    [ "$n" -eq 1 ] && ok || bad "$name: $n visits of the double-booked slot confirmed, not 1"
    n=$(grep -Ec '^visits\|"v[12]"\|.*"rejected"' "$TMP/fold.dump")
    [ "$n" -eq 1 ] && ok || bad "$name: $n visits of the double-booked slot rejected, not 1"
    grep -E '^visits\|"v[12]"\|.*"rejected"' "$TMP/fold.dump" | grep -q 'not available' &&
        bad "$name: a request was rejected as not available: the slot was published first" || ok
    for db in "$k" "$d"; do
        n=$("$FFCTL" db conflicts --db "$db" | grep -o '"entity_id":"c1","field":"phone"' | wc -l)
        [ "$n" -eq 1 ] && ok || bad "$name: $(basename "$db") lists the phone conflict $n times"
    done
    "$FFCTL" db dump --events --db "$k" | grep -q 'Bo Desk' &&
        bad "$name: the kiosk of site A got site B's customer" || ok
    "$FFCTL" db dump --events --db "$e" | grep -q '"entity_id":"c1"' &&
        ! "$FFCTL" db dump --events --db "$e" | grep -q '"entity_id":"k1"' &&
        bad "$name: the engineer got a customer without its case" || ok
    grep -q '^notes|.*"bring a spare pump"' "$TMP/fold.dump" && ok ||
        bad "$name: the engineer's note is not on the server"
}

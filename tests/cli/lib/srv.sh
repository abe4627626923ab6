# shellcheck shell=bash disable=SC2034  # sourced: the tests use what it sets
# srv.sh - helpers for the fieldflow-server tests (tests/cli/srv_*.sh), after common.sh.
#
#   srv_start DIR [FLAGS...]  start $SERVER --data DIR on a free loopback port; sets $URL,
#                             $PIN, $SRV_PID, $CA (the made certificate); logs in DIR/log
#   srv_stop                  SIGTERM, wait; $srv_rc is its exit code
#   api METHOD PATH [CURL ARGS...]  one HTTPS request (pinned key and CA checked); the
#                             status in $code, the body in $TMP/body, headers in $TMP/hdr
#   enrol CODE DEVICE         POST /v1/enrol; sets $AT (access) and $RT (refresh)
#   ev DEVICE SEQ HLC ENTITY ID TYPE PAYLOAD   one event line
#   now_hlc                   an hlc of the current wall clock
#   jget FILE KEY             a top-level JSON member of FILE (python3)
#   count_events              the events in the log (through /metrics)

SERVER=${FF_SERVER:?FF_SERVER must name the fieldflow-server binary}

srv_start() {
    local dir=$1
    shift
    mkdir -p "$dir"
    "$SERVER" serve --data "$dir" --listen 127.0.0.1:0 "$@" >"$dir/out" 2>>"$dir/log" &
    SRV_PID=$!
    for _ in $(seq 300); do # a loaded machine (or ASan) can take seconds
        grep -q '^pin ' "$dir/out" 2>/dev/null && break
        kill -0 "$SRV_PID" 2>/dev/null || break
        sleep 0.1
    done
    URL=$(sed -n 's/^listening //p' "$dir/out")
    PIN=$(sed -n 's/^pin //p' "$dir/out")
    CA="$dir/cert.pem"
    [ -n "$URL" ] && [ -n "$PIN" ] && return 0
    echo "srv_start: no start lines; its log:" >&2
    tail -5 "$dir/log" >&2
    return 1
}

srv_stop() {
    kill -TERM "$SRV_PID" 2>/dev/null
    srv_rc=0
    wait "$SRV_PID" || srv_rc=$?
}

api() {
    local method=$1 path=$2
    shift 2
    if [ "$method" = HEAD ]; then set -- -I "$@"; else set -- -X "$method" "$@"; fi
    code=$(curl -s -o "$TMP/body" -D "$TMP/hdr" -w '%{http_code}' --cacert "$CA" \
        --pinnedpubkey "$PIN" "$@" "$URL$path")
}

jget() {
    python3 -c 'import json,sys; v=json.loads(open(sys.argv[1]).readline()).get(sys.argv[2]); print(json.dumps(v) if isinstance(v,(dict,list)) else v)' "$1" "$2"
}

enrol() {
    api POST /v1/enrol -H 'Content-Type: application/json' \
        -d "{\"code\":\"$1\",\"device_id\":\"$2\",\"name\":\"test\"}"
    AT=$(jget "$TMP/body" access_token 2>/dev/null)
    RT=$(jget "$TMP/body" refresh_token 2>/dev/null)
}

ev() {
    printf '{"id":"%s:%s","device":"%s","seq":%s,"hlc":"%s","entity":"%s","entity_id":"%s","type":"%s","payload":%s,"author":null,"schema":1}\n' \
        "$1" "$2" "$1" "$2" "$3" "$4" "$5" "$6" "$7"
}

now_hlc() {
    printf '%012x%04x' "$(($(date +%s%N) / 1000000))" "${1:-1}"
}

count_events() {
    curl -s --cacert "$CA" "$URL/metrics" | sed -n 's/^fieldflow_events \([0-9]*\)$/\1/p'
}

#!/usr/bin/env bash
# sync_client_ffctl.sh - `ffctl sync` against a real fieldflow-server on loopback TLS: usage
# errors change nothing; not enrolled says so (1); a wrong pin refuses and says "pin
# mismatch" (1) and enrols nothing; enrol, push, pull between two devices; server stopped
# (and killed with -9) -> exit 3 with every event kept, then back -> it all goes through; the
# server's log restored from an older backup -> 410, a clean re-sync, and the lost events are
# sent again; kill -9 of ffctl sync mid-push loses and doubles nothing;
# revoked -> "enrol again" (1) with the events kept; --status JSON.
set -u
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/sync_client.sh
. "$(dirname "$0")/lib/sync_client.sh"

A=$TMP/a.db
B=$TMP/b.db

run sync --help
expect help 0 out "ffctl sync --db DEVICE.db --server"
run sync --db "$A" --server https://127.0.0.1:1
expect enrol-needs-all 2 err "--server, --pin and --enrol together"
run sync --db "$A" --wait 99
expect wait-range 2 err "--wait '99'"
run sync --db "$A" --frobnicate
expect unknown-option 2 err "unknown option"
run sync --db "$A" --status --wait 3
expect status-alone 2 err "--status takes only --db"
check "usage errors create no store" test ! -e "$A"

run sync --db "$A" --status
expect status-fresh 0 out '"server":null' '"pending":0' '"online":false'
run sync --db "$A"
expect not-enrolled 1 err "enrol first"

need_server
srv_start 0 || finish
port=${SRV_LISTEN##*:}

code=$(new_code desk)
run sync --db "$A" --server "$SRV_URL" --pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" --enrol "$code"
expect wrong-pin 1 err "pin mismatch"
run sync --db "$A" --status
expect wrong-pin-enrols-nothing 0 out '"server":null'
run sync --db "$A" --server "$SRV_URL" --pin "$SRV_PIN" --enrol "$code" --name "desk A"
expect enrol-a 0 out "enrolled" "sync: pushed 0, pulled 0, pending 0, rejected 0"
run sync --db "$B" --server "$SRV_URL" --pin "$SRV_PIN" --enrol "$(new_code desk)"
expect enrol-b 0 out "enrolled"
run sync --db "$B" --server "$SRV_URL" --pin "$SRV_PIN" --enrol "$code"
expect code-single-use 1 err "enrolment refused"

own_events "$A" 3
run sync --db "$A"
expect push 0 out "sync: pushed 3," "pending 0,"
run sync --db "$B"
expect pull 0 out "pulled 3,"
run sync --db "$B"
expect pull-again-nothing 0 out "sync: pushed 0, pulled 0,"

for sig in TERM KILL; do
    srv_stop $sig
    own_events "$A" 2
    run sync --db "$A" --retries 1
    expect "down-$sig" 3 err "unreachable"
    run sync --db "$A" --status
    expect "down-$sig-kept" 0 out '"pending":2' '"online":false'
    srv_start "$port" || finish
    run sync --db "$A"
    expect "up-$sig" 0 out "sync: pushed 2," "pending 0,"
    run sync --db "$B"
    expect "up-$sig-pulled" 0 out "pulled 2,"
done
# kill -9 of ffctl sync mid-push: the next pass sends the rest; B gets each event once.
own_events "$A" 5000
"$FFCTL" sync --db "$A" >/dev/null 2>&1 &
kpid=$!
sleep "0.0$((RANDOM % 9 + 1))"
kill -9 "$kpid" 2>/dev/null
wait "$kpid" 2>/dev/null
run sync --db "$A"
expect after-kill 0 out "pending 0,"
run sync --db "$B"
expect b-after-kill 0 out "pulled 5000,"
"$FFCTL" db dump --events --db "$B" | grep -o '^{"id":"[^"]*"' | sort | uniq -d >"$TMP/dups"
check "no event twice after the kill" test ! -s "$TMP/dups"

"$FFCTL" db dump --db "$A" >"$TMP/a.dump"
"$FFCTL" db dump --db "$B" >"$TMP/b.dump"
check "both devices fold to the same state" cmp -s "$TMP/a.dump" "$TMP/b.dump"

# The server's log restored from an older backup (a new epoch): A's cursor gets 410 and A
# pulls again from the start; the server lost A's two latest events, which A sends again.
"$FF_SERVER" backup --db "$SRV_DB" "$TMP/backup.db" >/dev/null 2>&1 || bad "backup"
own_events "$A" 2
run sync --db "$A"
expect before-restore 0 out "sync: pushed 2,"
srv_stop TERM
"$FF_SERVER" restore --db "$SRV_DB" "$TMP/backup.db" >/dev/null 2>&1 || bad "restore"
srv_start "$port" || finish
run sync --db "$A"
expect after-restore 0 out "pending 0,"
C=$TMP/c.db
run sync --db "$C" --server "$SRV_URL" --pin "$SRV_PIN" --enrol "$(new_code desk)"
expect enrol-c 0 out "enrolled"
"$FFCTL" db dump --events --db "$A" | grep -c '"type":"case.created"' >"$TMP/a.n"
"$FFCTL" db dump --events --db "$C" | grep -c '"type":"case.created"' >"$TMP/c.n"
check "the restored server has every event of A again ($(cat "$TMP/a.n") vs $(cat "$TMP/c.n"))" \
    cmp -s "$TMP/a.n" "$TMP/c.n"
run sync --db "$B"
expect b-after-restore 0 out "pulled 2,"

run sync --db "$A" --status
expect status 0 out "\"server\":\"$SRV_URL\"" '"pending":0' '"online":true' '"cursor":"e'

dev=$("$FFCTL" db init --db "$A")
"$FF_SERVER" revoke --db "$SRV_DB" "$dev" >/dev/null 2>&1 || bad "revoke $dev"
own_events "$A" 1
run sync --db "$A"
expect revoked 1 err "revoked" "enrol again"
run sync --db "$A" --status
expect revoked-kept 0 out '"pending":1'

# Enrolled again with a code made for this device: same id, the queue goes out, once.
run sync --db "$A" --server "$SRV_URL" --pin "$SRV_PIN" --enrol "$(new_code desk)"
expect enrol-again-plain-code 1 err "device_exists" "enrol-code --device"
again=$("$FF_SERVER" enrol-code --db "$SRV_DB" --device "$dev" --ttl 60) || bad "enrol-code --device"
"$FF_SERVER" enrol-code --db "$SRV_DB" --device "$dev" --kind kiosk >/dev/null 2>&1 &&
    bad "enrol-code --device with --kind accepted"
run sync --db "$B" --server "$SRV_URL" --pin "$SRV_PIN" --enrol "$again"
expect code-for-another-device 1 err "code"
run sync --db "$A" --server "$SRV_URL" --pin "$SRV_PIN" --enrol "$again"
expect enrolled-again 0 out "enrolled" "pending 0,"
run sync --db "$A" --server "$SRV_URL" --pin "$SRV_PIN" --enrol "$again"
expect code-used-once 1 err "code"
run sync --db "$C"
"$FFCTL" db dump --events --db "$C" | grep -c "\"id\":\"$dev:" >"$TMP/c.own"
"$FFCTL" db dump --events --db "$A" | grep -c "\"id\":\"$dev:" >"$TMP/a.own"
check "A has events of its own ($(cat "$TMP/a.own"))" test "$(cat "$TMP/a.own")" -gt 2
check "after enrolling again every event of A reached C once ($(cat "$TMP/a.own") vs $(cat "$TMP/c.own"))" \
    cmp -s "$TMP/a.own" "$TMP/c.own"

srv_stop TERM
finish

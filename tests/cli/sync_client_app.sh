#!/usr/bin/env bash
# sync_client_app.sh - the kiosk app on a store enrolled with a real fieldflow-server: its sync
# thread pushes the session's events while the session goes on, the server's answer turns the
# requested visit into a confirmed one on the ending screen (on the request's first
# alternative: another device booked the slot first), the staff screen behind the PIN
# shows the sync state (en, da, es screenshots), and a desk device receives the kiosk's case.
# Without a server the staff screen says sync is not set up (app_admin.sh).
set -u
# shellcheck source=lib/app.sh
. "$(dirname "$0")/lib/app.sh"
# shellcheck source=lib/sync_client.sh
. "$(dirname "$0")/lib/sync_client.sh"

need_server
srv_start 0 || finish

K=$TMP/kiosk.db
D=$TMP/desk.db
echo "expect-screen attract" >"$TMP/init.script"
app "$K" "$TMP/init.script" # a new store is seeded with the KB and availability
check "seeded: $(cat "$TMP/err")" test "$rc" -eq 0
run sync --db "$K" --server "$SRV_URL" --pin "$SRV_PIN" --enrol "$(new_code kiosk --site S1)"
expect enrol-kiosk 0 out "enrolled"
run sync --db "$D" --server "$SRV_URL" --pin "$SRV_PIN" --enrol "$(new_code desk)"
expect enrol-desk 0 out "enrolled"

# The desk books engineer Anna's 2026-12-02 08:00 first: the kiosk's request for the same
# slot must come back confirmed on its first alternative, the next morning.
own_event "$D" visit.requested v-desk \
    '{"case_id":"k-desk","engineer_id":"eng-anna","start":1796198400000,"end":1796212800000}'
run sync --db "$D" --wait 3
expect desk-books-first 0 out "sync: pushed 1,"

mkdir -p "$XDG_CONFIG_HOME/fieldflow"
echo "admin_pin_hash = $("$APP" --hash-pin 2468)" >"$XDG_CONFIG_HOME/fieldflow/fieldflow.conf"
staff() { # the staff screen in language $1
    printf 'tap kiosk.lang.%s\n' es da en es da en
    printf 'tap admin.%s\n' 2 4 6 8 ok
    echo "expect-screen staff"
    echo "locale $1"
    echo "check-ui"
    echo "screenshot staff-$1"
}
{
    sed -n '/^tap attract.start/,/^expect-text 2026-12-02 08:00/p' "$SCRIPTS/ending_visit.script"
    echo "expect-text requested"
    # the thread pushes the request, the server confirms it, the long-poll brings it back
    for _ in $(seq 40); do echo "sleep-real 250"; done
    echo "expect-text 2026-12-03 08:00 UTC: confirmed"
    echo "screenshot ending-confirmed"
    echo "tap rate.3"
    echo "tap end.finish"
    echo "sleep-real 3000"
    staff en
    echo "expect-text Sync: online"
    echo "expect-text Events waiting to be sent: 0"
    echo "tap staff.close"
    echo "expect-screen attract"
    staff da
    echo "expect-text Synkronisering: online"
    echo "tap staff.close"
    staff es
    echo "expect-text Sincronización: en línea"
    echo "tap staff.close"
    echo "size 480x800"
    echo "theme large-text"
    staff da # the longest strings, portrait, larger text
    echo "tap staff.exit"
} >"$TMP/visit.script"
app "$K" "$TMP/visit.script"
check "kiosk session with sync: $(head -c 2000 "$TMP/err")" test "$rc" -eq 0
check "left kiosk mode from the staff screen" grep -q "left kiosk mode" "$TMP/out"

run sync --db "$K" --status
expect kiosk-sent-everything 0 out '"pending":0' '"online":true'
run sync --db "$D"
expect desk-pulls 0 out "sync: pushed 0,"
dump "$D"
has cases '"kiosk"' && ok || bad "the desk has no case from the kiosk"
has visits '"confirmed"' && ok || bad "the desk has no confirmed visit"

srv_stop TERM
finish

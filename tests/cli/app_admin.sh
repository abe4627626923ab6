#!/usr/bin/env bash
# app_admin.sh - leaving kiosk mode: the hidden knock on the language buttons opens the PIN
# dialog; a wrong PIN is refused (and, without a hash in the config, every PIN is); the
# right one (its argon2id hash from `fieldflow --hash-pin`) opens the staff screen, whose
# "leave kiosk mode" leaves.
set -u
# shellcheck source=lib/app.sh
. "$(dirname "$0")/lib/app.sh"

knock() {
    printf 'tap kiosk.lang.%s\n' es da en es da en
    echo "expect-screen admin"
    echo "check-ui"
}
pin() { for ((i = 0; i < ${#1}; i++)); do echo "tap admin.${1:i:1}"; done; echo "tap admin.ok"; }

{
    echo "tap kiosk.lang.es"
    echo "tap kiosk.lang.en"
    echo "expect-screen attract"
    knock
    pin 2468
    echo "expect-text Wrong PIN"
    echo "tap admin.cancel"
    echo "expect-screen attract"
} >"$TMP/nohash.script"
app "$TMP/a.db" "$TMP/nohash.script"
check "no hash: $(cat "$TMP/err")" test "$rc" -eq 0
check "no hash: never leaves" bash -c "! grep -q 'left kiosk mode' '$TMP/out'"

hash=$("$APP" --hash-pin 2468)
check "--hash-pin gives an argon2id hash" grep -q '^\$argon2id\$' <<<"$hash"
mkdir -p "$XDG_CONFIG_HOME/fieldflow"
echo "admin_pin_hash = $hash" >"$XDG_CONFIG_HOME/fieldflow/fieldflow.conf"
{
    knock
    pin 1357
    echo "expect-text Wrong PIN"
    pin 2468
    echo "expect-screen staff"
    echo "expect-text Sync: not set up"
    echo "check-ui"
    echo "tap staff.exit"
    echo "expect-screen never-reached"
} >"$TMP/pin.script"
app "$TMP/b.db" "$TMP/pin.script"
check "right PIN: $(cat "$TMP/err")" test "$rc" -eq 0
check "right PIN, then leave kiosk mode" grep -q 'left kiosk mode at .*pin.script:23' "$TMP/out"

finish

#!/usr/bin/env bash
# app_idle.sh - the idle wipe: "still there?" after the idle time, then the session ends and
# no value the customer typed is on screen (tests/app/idle.script) or anywhere in the
# process's memory (a core dump of the running app is searched for it).
set -u
# shellcheck source=lib/app.sh
. "$(dirname "$0")/lib/app.sh"

app "$TMP/idle.db" "$SCRIPTS/idle.script" --locale da
check "idle: $(cat "$TMP/err")" test "$rc" -eq 0

# Under ASan, free() is the sanitizer's (the kiosk's wiping free() steps aside) and a core
# of a sanitized process maps terabytes of shadow: the memory search runs in the other builds.
if [ -n "${ASAN_OPTIONS:-}" ]; then
    finish
fi
# The secret is typed key by key, so it appears in no file the app reads.
secret=qzxjvq
{
    echo "tap attract.start"
    echo "tap q.next"
    echo "tap q.opt.information"
    echo "tap q.opt.other"
    for ((i = 0; i < ${#secret}; i++)); do echo "tap kb.${secret:i:1}"; done
    echo "expect-text $secret" | tr 'a-z' 'a-z'
    echo "wait 90000"
    echo "expect-screen attract"
    echo "echo wiped"
    echo "sleep-real 20000"
} >"$TMP/wipe.script"
sed -i "s/^expect-text $secret$/expect-screen question/" "$TMP/wipe.script"
"$APP" --software --idle 60 --store "$TMP/wipe.db" --script "$TMP/wipe.script" >"$TMP/wout" 2>"$TMP/werr" &
pid=$!
for _ in $(seq 200); do
    grep -q wiped "$TMP/wout" && break
    sleep 0.1
done
if ! grep -q wiped "$TMP/wout"; then
    bad "wipe: the script did not reach the attract screen: $(cat "$TMP/werr")"
elif ! command -v gcore >/dev/null; then
    bad "wipe: gcore (gdb) is missing"
else
    gcore -o "$TMP/core" "$pid" >/dev/null 2>&1
    if [ -s "$TMP/core.$pid" ]; then
        check "wipe: '$secret' is still in the process's memory" \
            bash -c "! grep -aq '$secret' '$TMP/core.$pid'"
    else
        bad "wipe: no core dump of $pid (ptrace not allowed?)"
    fi
fi
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

finish

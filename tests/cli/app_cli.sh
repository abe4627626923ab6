#!/usr/bin/env bash
# app_cli.sh - fieldflow's command line: --help, refused flags (exit 2, naming the flag),
# script errors at FILE:LINE (exit 1), and a run in a real X window under Xvfb.
set -u
# shellcheck source=lib/app.sh
. "$(dirname "$0")/lib/app.sh"

"$APP" --help >"$TMP/out" 2>&1
check "--help exits 0" test $? -eq 0
check "--help names --script" grep -q -- '--script FILE' "$TMP/out"
for args in "--size 10" "--locale fr" "--theme pink" "--idle 1" "--mode engineer" "--bogus" \
    "--clock-start 5" "--clock-start -1 --script x" "--clock-start 9x --script x"; do
    # shellcheck disable=SC2086
    "$APP" $args >"$TMP/out" 2>"$TMP/err"
    r=$?
    check "$args: exit 2" test $r -eq 2
    check "$args: names the flag" grep -q -- "${args%% *}" "$TMP/err"
done

printf 'tap attract.start\ntap no.such.widget\n' >"$TMP/bad.script"
app "$TMP/a.db" "$TMP/bad.script"
check "unknown widget: exit 1" test "$rc" -eq 1
check "unknown widget: FILE:LINE" grep -q "bad.script:2: tap: no visible widget \"no.such.widget\"" "$TMP/err"
printf 'frobnicate\n' >"$TMP/bad2.script"
app "$TMP/a.db" "$TMP/bad2.script"
check "unknown command: FILE:LINE" grep -q 'bad2.script:1: unknown command "frobnicate"' "$TMP/err"
printf 'expect-text Nowhere to be seen\n' >"$TMP/bad3.script"
app "$TMP/a.db" "$TMP/bad3.script"
check "expect-text fails" test "$rc" -eq 1

# Read aloud: with the toggle on, the question is spoken into SDL audio (espeak-ng on its
# worker thread); off, nothing is.
printf 'tap kiosk.read\ntap attract.start\ntap q.next\n' >"$TMP/speak.script"
FF_APP_SPEECH_LOG=1 app "$TMP/s.db" "$TMP/speak.script" --locale da
check "read aloud: $(cat "$TMP/err")" grep -Eq '^speech: [1-9][0-9]* samples queued' "$TMP/out"
printf 'tap attract.start\ntap q.next\n' >"$TMP/quiet.script"
FF_APP_SPEECH_LOG=1 app "$TMP/q.db" "$TMP/quiet.script"
check "silent without read aloud" grep -q '^speech: 0 samples queued' "$TMP/out"

# The same script in a real X window (Xvfb), through the window system's input path.
if command -v xvfb-run >/dev/null; then
    rm -f "$TMP/x.db"
    SDL_VIDEODRIVER=x11 xvfb-run -a -s "-screen 0 1280x800x24" \
        "$APP" --software --store "$TMP/x.db" --script "$SCRIPTS/ending_escalated.script" \
        --screenshots "$TMP" >"$TMP/out" 2>"$TMP/err"
    check "xvfb: $(cat "$TMP/err")" test $? -eq 0
    check "xvfb: a screenshot" test -s "$TMP/ending-escalated.png"
else
    bad "xvfb-run is missing (scripts/install-deps installs xvfb)"
fi

finish

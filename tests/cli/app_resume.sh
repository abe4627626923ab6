#!/usr/bin/env bash
# app_resume.sh - power cut mid-run: the app is killed with SIGKILL in the middle of a
# question; started again it offers to resume, and carries on from the same step. Started
# again only after the idle time has passed (--clock-start moves the script's fake clock),
# the old run is discarded: its steps stay recorded, its snapshot is gone, a new session
# starts at step 1.
set -u
# shellcheck source=lib/app.sh
. "$(dirname "$0")/lib/app.sh"

cat >"$TMP/first.script" <<'S'
tap attract.start
tap q.next
tap q.opt.information
tap q.opt.other
expect-screen question
echo mid-run
sleep-real 30000
S
cat >"$TMP/second.script" <<'S'
expect-screen resume
check-ui
screenshot resume
tap resume.yes
expect-screen question
expect-text question
tap q.field.question
type Still here
tap q.submit
expect-text Name
S
# kill_mid_run STORE: the first script against STORE, killed with SIGKILL at the question
kill_mid_run() {
    "$APP" --software --store "$1" --script "$TMP/first.script" >"$TMP/fout" 2>"$TMP/ferr" &
    local pid=$!
    for _ in $(seq 200); do
        grep -q mid-run "$TMP/fout" && break
        sleep 0.1
    done
    check "first run reached the question: $(cat "$TMP/ferr")" grep -q mid-run "$TMP/fout"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
    check "a snapshot was left" test -s "$1.run"
}

kill_mid_run "$TMP/r.db"
app "$TMP/r.db" "$TMP/second.script"
check "resume: $(cat "$TMP/err")" test "$rc" -eq 0
dump "$TMP/r.db"
check "one run only" test "$(grep -c '^runs|' "$TMP/dump")" -eq 1

# Discard: the idle time (60 s here) has passed when the app starts again.
echo "expect-screen attract" >"$TMP/late.script"
printf 'tap attract.start\nexpect-screen question\nexpect-text Step 1 of\n' >"$TMP/new.script"
kill_mid_run "$TMP/d.db"
app "$TMP/d.db" "$TMP/late.script" --clock-start 70
check "discarded: $(cat "$TMP/err")" test "$rc" -eq 0
check "the old snapshot is gone" test ! -e "$TMP/d.db.run"
app "$TMP/d.db" "$TMP/new.script" --clock-start 80
check "a new session from step 1: $(cat "$TMP/err")" test "$rc" -eq 0
dump "$TMP/d.db"
check "the old run's steps stay recorded" has run_steps '"query-topic"'
check "the new session is a second run" test "$(grep -c '^runs|' "$TMP/dump")" -eq 2
# ... and before the idle time has passed, the same snapshot is offered
kill_mid_run "$TMP/e.db"
app "$TMP/e.db" "$TMP/second.script" --clock-start 50
check "offered before the idle time: $(cat "$TMP/err")" test "$rc" -eq 0

finish

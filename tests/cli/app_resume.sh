#!/usr/bin/env bash
# app_resume.sh - power cut mid-run: the app is killed with SIGKILL in the middle of a
# question; started again it offers to resume, and carries on from the same step.
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
"$APP" --software --store "$TMP/r.db" --script "$TMP/first.script" >"$TMP/fout" 2>"$TMP/ferr" &
pid=$!
for _ in $(seq 200); do
    grep -q mid-run "$TMP/fout" && break
    sleep 0.1
done
check "first run reached the question: $(cat "$TMP/ferr")" grep -q mid-run "$TMP/fout"
kill -9 "$pid"
wait "$pid" 2>/dev/null
app "$TMP/r.db" "$TMP/second.script"
check "resume: $(cat "$TMP/err")" test "$rc" -eq 0
dump "$TMP/r.db"
check "one run only" test "$(grep -c '^runs|' "$TMP/dump")" -eq 1

finish

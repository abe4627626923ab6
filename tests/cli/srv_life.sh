#!/usr/bin/env bash
# srv_life.sh - fieldflow-server's life cycle: a config file with flags over it, SIGTERM in
# the middle of a big push (the push commits whole or not at all, and the server exits 0),
# an online backup while pushes go on, and a restore that gives the log a new epoch (old
# cursors get 410; nothing of the backup is lost).
set -u

# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/srv.sh
. "$(dirname "$0")/lib/srv.sh"
trap 'kill -9 $SRV_PID $PUSH_PID 2>/dev/null; cleanup_tmp' EXIT
PUSH_PID=

D="$TMP/d"
mkdir -p "$D"
printf 'listen = 127.0.0.1:1\ninstance = east\nthreads = 2\n' >"$TMP/conf"
check "config + flags start" srv_start "$D" --config "$TMP/conf"
if grep -q ':1$' "$D/out"; then bad "the file's listen won over the flag"; else ok; fi
api GET /v1/health
check "instance from the file" grep -q '"instance":"east"' "$TMP/body"
enrol "$("$SERVER" enrol-code --data "$D" --kind desk)" desk
AD=$AT

# A push of 1000 events uploaded slowly; SIGTERM arrives mid-upload.
H=$(now_hlc 1)
{
    echo '{"device":"desk","count":1000}'
    for i in $(seq 1000); do
        ev desk "$i" "$H" kb "kb$i" kb.published \
            '{"lang":"en","title":"A title long enough to take a while","body":"Some body text that is not short at all."}'
    done
} >"$TMP/big"
curl -s -o "$TMP/big.out" -w '%{http_code}' --cacert "$CA" --limit-rate 100k \
    -H "Authorization: Bearer $AD" -H 'Content-Type: application/x-ndjson' \
    --data-binary @"$TMP/big" "$URL/v1/push" >"$TMP/big.code" &
PUSH_PID=$!
sleep 1
srv_stop
wait "$PUSH_PID"
PUSH_PID=
check "SIGTERM mid-push exits 0" test "$srv_rc" = 0
check "the server said it stopped" grep -q '"msg":"stopped"' "$D/log"
check "the push was cut by the stop or finished" test -s "$TMP/big.code"
check "server restarts" srv_start "$D"
n=$(count_events)
echo "mid-push SIGTERM: push answered $(cat "$TMP/big.code")"
if [ "$(cat "$TMP/big.code")" = 200 ]; then
    check "push answered: all 1000 stored" test "$n" = 1000
else
    check "push not answered: all or nothing ($n)" test "$n" = 0 -o "$n" = 1000
fi

# Online backup while another push goes on, then restore into a stopped server.
{
    echo '{"device":"desk","count":1}'
    ev desk 1001 "$H" kb kb1001 kb.published '{"lang":"en","title":"T","body":"B"}'
} >"$TMP/one"
api POST /v1/push -H "Authorization: Bearer $AD" -H 'Content-Type: application/x-ndjson' \
    --data-binary @"$TMP/one"
"$SERVER" backup --db "sqlite:$D/server.db" "$TMP/backup.db" >"$TMP/out" 2>"$TMP/err"
rc=$?
expect backup 0 out "backup: done"
before=$(count_events)
api GET '/v1/pull?after=&limit=5' -H "Authorization: Bearer $AD"
OLD=$(jget "$TMP/body" cursor)
{
    echo '{"device":"desk","count":1}'
    ev desk 1002 "$H" kb kb1002 kb.published '{"lang":"en","title":"T","body":"B"}'
} >"$TMP/two"
api POST /v1/push -H "Authorization: Bearer $AD" -H 'Content-Type: application/x-ndjson' \
    --data-binary @"$TMP/two"
check "push after the backup" test "$(count_events)" = $((before + 1))
srv_stop
"$SERVER" restore --db "sqlite:$D/server.db" "$TMP/backup.db" >"$TMP/out" 2>"$TMP/err"
rc=$?
expect restore 0 out "restore: done"
check "server starts on the restore" srv_start "$D"
check "the backup's events are back" test "$(count_events)" = "$before"
api GET "/v1/pull?after=$OLD" -H "Authorization: Bearer $AD"
check "old cursor 410 after restore" test "$code" = 410
api GET '/v1/pull?after=&limit=5000' -H "Authorization: Bearer $AD"
check "pull from the start" test "$code" = 200 -a "$(jget "$TMP/body" count)" = "$before"
# A waiting long-poll does not hold the stop up: it answers at once with what it has.
curl -s --cacert "$CA" -H "Authorization: Bearer $AD" -o "$TMP/lp" -w '%{http_code}' \
    "$URL/v1/pull?after=$(jget "$TMP/body" cursor)&wait=30" >"$TMP/lp.code" &
PUSH_PID=$!
for _ in $(seq 50); do # until the long-poll is being handled (this request is the other one)
    curl -s --cacert "$CA" "$URL/metrics" | grep -q '^fieldflow_requests_in_flight 2$' && break
    sleep 0.1
done
t0=$(date +%s%N)
srv_stop
wait "$PUSH_PID"
PUSH_PID=
ms=$((($(date +%s%N) - t0) / 1000000))
check "stops cleanly" test "$srv_rc" = 0
check "stop with a long-poll took ${ms} ms" test "$ms" -lt 3000
check "the long-poll was answered" test "$(cat "$TMP/lp.code")" = 200
finish

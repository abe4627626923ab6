#!/usr/bin/env bash
# srv_pg.sh - fieldflow-server on a real PostgreSQL (tests/tools/pg_temp.sh): two instances
# over one database; a push through one reaches a long-poll on the other within a second
# (the 250 ms head poll); health says 503 while the database is down and the same server
# serves again after PostgreSQL restarts (broken pool connections are reopened).
set -u

# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/srv.sh
. "$(dirname "$0")/lib/srv.sh"
PG="$SRC/tests/tools/pg_temp.sh"
PGDIR="$TMP/pg"
B_PID=
LP_PID=
trap 'kill -9 $SRV_PID $B_PID $LP_PID 2>/dev/null; "$PG" stop "$PGDIR" >/dev/null 2>&1; cleanup_tmp' EXIT

mkdir -p "$PGDIR"
chmod 777 "$TMP" "$PGDIR" # postgres runs as another user when we are root
DB=$("$PG" start "$PGDIR") || {
    bad "PostgreSQL did not start"
    finish
}

# Instance b first; its URL, pin and CA are kept before a starts.
check "instance b starts" srv_start "$TMP/b" --db "$DB" --instance b
B_PID=$SRV_PID B_URL=$URL B_PIN=$PIN B_CA=$CA
check "instance a starts" srv_start "$TMP/a" --db "$DB" --instance a

enrol "$("$SERVER" enrol-code --db "$DB" --kind desk)" desk
check "enrol through a" test "$code" = 201
AD=$AT

# A long-poll on b, a push through a.
curl -s --cacert "$B_CA" --pinnedpubkey "$B_PIN" -H "Authorization: Bearer $AD" \
    -o "$TMP/lp" "$B_URL/v1/pull?after=&wait=20" &
LP_PID=$!
sleep 1
H=$(now_hlc 1)
{
    echo '{"device":"desk","count":1}'
    ev desk 1 "$H" kb kb1 kb.published '{"lang":"en","title":"T","body":"B"}'
} >"$TMP/p1"
t0=$(date +%s%N)
api POST /v1/push -H "Authorization: Bearer $AD" -H 'Content-Type: application/x-ndjson' \
    --data-binary @"$TMP/p1"
check "push through a" grep -q '"status":"a"' "$TMP/body"
wait "$LP_PID"
LP_PID=
ms=$((($(date +%s%N) - t0) / 1000000))
check "b's long-poll woke in ${ms} ms" test "$ms" -lt 1000
check "b's long-poll got it" grep -qF '"id":"desk:1"' "$TMP/lp"

# The database goes away and comes back.
"$PG" stop "$PGDIR" >/dev/null
api GET /v1/health
check "health 503 while the database is down" test "$code" = 503
check "503 code" grep -q '"code":"unavailable"' "$TMP/body"
"$PG" restart "$PGDIR" >/dev/null
{
    echo '{"device":"desk","count":1}'
    ev desk 2 "$H" kb kb2 kb.published '{"lang":"en","title":"T2","body":"B2"}'
} >"$TMP/p2"
for _ in 1 2 3 4 5; do
    api POST /v1/push -H "Authorization: Bearer $AD" -H 'Content-Type: application/x-ndjson' \
        --data-binary @"$TMP/p2"
    [ "$code" = 200 ] && break
    sleep 0.5
done
check "push after the restart" grep -q '"acked_seq":2' "$TMP/body"
srv_stop
check "a stops cleanly" test "$srv_rc" = 0
SRV_PID=$B_PID
srv_stop
B_PID=
check "b stops cleanly" test "$srv_rc" = 0
finish

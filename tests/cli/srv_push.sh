#!/usr/bin/env bash
# srv_push.sh - fieldflow-server push, pull and attachments over real TLS: applied,
# duplicate, forgery, not_own, clock_ahead (flagged), seq_gap; whole-body refusals (bad_json
# with its line, count, bad gzip, 413, 415) that store nothing; pull in scope, cursors, 410
# for a foreign epoch, a long-poll answered within a second of another device's push; and
# resumable, hash-checked attachments.
set -u

# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/srv.sh
. "$(dirname "$0")/lib/srv.sh"
trap 'kill -9 $SRV_PID $LP_PID 2>/dev/null; cleanup_tmp' EXIT
LP_PID=

D="$TMP/d"
check "server starts" srv_start "$D"
enrol "$("$SERVER" enrol-code --data "$D" --kind kiosk --site s1)" k1
AK1=$AT
enrol "$("$SERVER" enrol-code --data "$D" --kind kiosk --site s2)" k2
AK2=$AT
enrol "$("$SERVER" enrol-code --data "$D" --kind desk)" desk
AD=$AT
enrol "$("$SERVER" enrol-code --data "$D" --kind engineer --engineer e1)" eng
AE=$AT
check "four devices enrolled" test -n "$AK1" -a -n "$AK2" -a -n "$AD" -a -n "$AE"

push() { # push TOKEN FILE [CURL ARGS...]
    local tok=$1 file=$2
    shift 2
    api POST /v1/push -H "Authorization: Bearer $tok" -H 'Content-Type: application/x-ndjson' \
        --data-binary @"$file" "$@"
}
pull() { # pull TOKEN QUERY [CURL ARGS...]
    api GET "/v1/pull?$2" -H "Authorization: Bearer $1" "${@:3}"
}
body_has() { grep -qF -- "$1" "$TMP/body"; }

H=$(now_hlc 1)
{
    echo '{"device":"k1","count":2}'
    ev k1 1 "$H" customer c1 customer.created '{"name":"Ann","site":"s1"}'
    ev k1 2 "$H" case k9 case.created '{"customer_id":"c1","touchpoint":"kiosk","request_type":"complaint"}'
} >"$TMP/p1"
push "$AK1" "$TMP/p1"
check "push 200" test "$code" = 200
check "applied" body_has '"acked_seq":2,"status":"aa"'
check "checkpoint" grep -qE '"checkpoint":"e[0-9]+\.2"' "$TMP/body"
push "$AK1" "$TMP/p1"
check "duplicate" body_has '"acked_seq":2,"status":"dd"'

FUTURE=$(printf '%012x0001' "$(($(date +%s%N) / 1000000 + 30 * 3600 * 1000))")
{
    echo '{"device":"k1","count":4}'
    ev k1 1 "$H" customer c1 customer.created '{"name":"Mallory"}'
    ev k1 3 "$FUTURE" customer c3 customer.created '{"name":"Later"}'
    ev k2 1 "$H" customer c4 customer.created '{"name":"Other"}'
    ev k1 5 "$H" customer c5 customer.created '{"name":"Gap"}'
} >"$TMP/p2"
push "$AK1" "$TMP/p2"
check "refusals 200" test "$code" = 200
check "refusal letters" body_has '"acked_seq":3,"status":"rrrr"'
check "forgery" body_has '{"id":"k1:1","code":"forgery"'
check "clock_ahead" body_has '{"id":"k1:3","code":"clock_ahead","message":"hlc is 30.0 h ahead'
check "not_own" body_has '{"id":"k2:1","code":"not_own"'
check "seq_gap" body_has '{"id":"k1:5","code":"seq_gap"'
api GET /metrics
check "device flagged" body_has 'fieldflow_devices{state="flagged"} 1'
check "two events stored" test "$(count_events)" = 2

# Whole-body refusals: nothing stored.
{
    echo '{"device":"k1","count":2}'
    ev k1 4 "$H" customer c6 customer.created '{"name":"Fine"}'
    echo '{"id":"k1:5","device":"k1"'
} >"$TMP/p3"
push "$AK1" "$TMP/p3"
check "bad line 400" test "$code" = 400
check "bad line field" body_has '"code":"bad_json"'
check "bad line number" body_has '"field":"line 3"'
head -2 "$TMP/p3" >"$TMP/p4"
sed -i '1s/"count":2/"count":5/' "$TMP/p4"
push "$AK1" "$TMP/p4"
check "count mismatch" body_has '"field":"count"'
{
    echo '{"device":"k2","count":0}'
} >"$TMP/p5"
push "$AK1" "$TMP/p5"
check "head of another device 403" test "$code" = 403
api POST /v1/push -H "Authorization: Bearer $AK1" -H 'Content-Type: text/plain' \
    --data-binary @"$TMP/p1"
check "415" test "$code" = 415
check "415 code" body_has '"code":"media_type"'
printf 'not gzip at all' >"$TMP/notgz"
push "$AK1" "$TMP/notgz" -H 'Content-Encoding: gzip'
check "bad gzip 400" body_has '"code":"bad_gzip"'
head -c $((9 * 1024 * 1024)) /dev/zero | tr '\0' 'x' >"$TMP/big"
push "$AK1" "$TMP/big"
check "oversize 413" test "$code" = 413
check "oversize code" body_has '"code":"too_large"'
head -c $((17 * 1024 * 1024)) /dev/zero | gzip -c >"$TMP/bomb.gz"
push "$AK1" "$TMP/bomb.gz" -H 'Content-Encoding: gzip'
check "gzip bomb 413" test "$code" = 413
check "nothing stored by refused bodies" test "$(count_events)" = 2
head -2 "$TMP/p3" | sed '1s/"count":2/"count":1/' | gzip -c >"$TMP/p6.gz"
push "$AK1" "$TMP/p6.gz" -H 'Content-Encoding: gzip' -H 'Accept-Encoding: gzip' --compressed
check "gzip push applied" body_has '"acked_seq":4,"status":"a"'

# Pull: scope and cursors.
{
    echo '{"device":"desk","count":3}'
    ev desk 1 "$H" kb kb1 kb.published '{"lang":"en","title":"T","body":"B"}'
    ev desk 2 "$H" customer c7 customer.created '{"name":"Eve"}'
    ev desk 3 "$H" case k7 case.created '{"customer_id":"c7","touchpoint":"phone","request_type":"complaint","assignee":"e1"}'
} >"$TMP/pd"
push "$AD" "$TMP/pd"
check "desk push" body_has '"status":"aaa"'
pull "$AK2" 'after=&limit=100'
check "k2 pull 200" test "$code" = 200
check "k2 sees kb" body_has '"id":"desk:1"'
if body_has '"k1:'; then bad "kiosk of site s2 got site s1 events"; else ok; fi
if body_has '"entity_id":"k7"'; then bad "kiosk got a desk case outside its site"; else ok; fi
pull "$AK1" 'after=&limit=100'
check "k1 sees own" body_has '"id":"k1:2"'
pull "$AE" 'after=&limit=100'
check "engineer sees assigned case" body_has '"id":"desk:3"'
check "engineer sees its customer" body_has '"id":"desk:2"'
if body_has '"entity_id":"k9"'; then bad "engineer got an unassigned case"; else ok; fi
pull "$AD" 'after=&limit=2'
check "desk page of 2" grep -q '"count":2' "$TMP/body"
check "more" grep -q '"more":true' "$TMP/body"
CUR=$(jget "$TMP/body" cursor)
pull "$AD" "after=$CUR&limit=1000"
check "rest after cursor" test "$(($(wc -l <"$TMP/body") - 1))" = 4
CUR=$(jget "$TMP/body" cursor)
pull "$AD" "after=$CUR"
check "caught up" grep -q '"count":0' "$TMP/body"
pull "$AD" 'after=&limit=1000' --compressed
check "a big page is gzipped when asked" grep -qi '^Content-Encoding: gzip' "$TMP/hdr"
check "and inflates to the page" grep -q '"id":"desk:3"' "$TMP/body"
pull "$AD" 'after=e12345.1'
check "foreign epoch 410" test "$code" = 410
check "410 code" body_has '"code":"cursor_too_old"'
pull "$AD" "after=${CUR%.*}.99999"
check "beyond the end 410" test "$code" = 410
pull "$AD" 'limit=0'
check "limit 0 is 400" body_has '"field":"limit"'
pull "$AD" 'wait=31'
check "wait 31 is 400" body_has '"field":"wait"'

# Long-poll: k2 waits; the desk pushes; k2 has it within a second.
pull "$AK2" 'after='
CUR2=$(jget "$TMP/body" cursor)
curl -s --cacert "$CA" -H "Authorization: Bearer $AK2" -o "$TMP/lp" \
    "$URL/v1/pull?after=$CUR2&wait=20" &
LP_PID=$!
sleep 1
{
    echo '{"device":"desk","count":1}'
    ev desk 4 "$H" kb kb2 kb.published '{"lang":"en","title":"T2","body":"B2"}'
} >"$TMP/pd2"
t0=$(date +%s%N)
push "$AD" "$TMP/pd2"
wait "$LP_PID"
t1=$(date +%s%N)
LP_PID=
ms=$(((t1 - t0) / 1000000))
check "long-poll woke in ${ms} ms" test "$ms" -lt 1000
check "long-poll got it" grep -qF '"id":"desk:4"' "$TMP/lp"
t0=$(date +%s%N)
pull "$AK2" "after=$(jget "$TMP/lp" cursor)&wait=1"
ms=$((($(date +%s%N) - t0) / 1000000))
check "long-poll times out empty" test "$ms" -ge 900 -a "$code" = 200
check "empty page" body_has '"count":0'

# The rules thread answers a visit request (an event of device server-main) and the kiosk
# that asked pulls the answer.
T0=$((($(date +%s) + 86400) * 1000))
{
    echo '{"device":"k1","count":1}'
    ev k1 5 "$(now_hlc 2)" visit v1 visit.requested \
        "{\"case_id\":\"k9\",\"engineer_id\":\"e1\",\"start\":$T0,\"end\":$((T0 + 3600000))}"
} >"$TMP/pv"
push "$AK1" "$TMP/pv"
check "visit request applied" body_has '"status":"a"'
VCP=$(jget "$TMP/body" checkpoint)
for _ in $(seq 30); do
    pull "$AK1" "after=$VCP&wait=1"
    grep -qE '"device":"server-main".*"type":"visit\.(confirmed|rejected)"' "$TMP/body" && break
done
check "the server answered the visit" grep -qE '"entity_id":"v1","type":"visit\.(confirmed|rejected)"' "$TMP/body"

# Attachments: resumable and hash-checked.
printf 'signature-bytes-0123456789' >"$TMP/att"
SHA=$(sha256sum "$TMP/att" | cut -d' ' -f1)
N=$(stat -c %s "$TMP/att")
att() { api "$1" "/v1/attachments/$SHA" -H "Authorization: Bearer $AK1" "${@:2}"; }
att HEAD
check "unknown attachment 404" test "$code" = 404
head -c 10 "$TMP/att" >"$TMP/a1"
tail -c +11 "$TMP/att" >"$TMP/a2"
att PUT -H 'Content-Type: application/octet-stream' -H "Content-Range: bytes 0-9/$N" \
    --data-binary @"$TMP/a1"
check "first piece 200" test "$code" = 200
att HEAD
check "partial 206" test "$code" = 206
check "FF-Received" grep -qi '^FF-Received: 10' "$TMP/hdr"
att PUT -H 'Content-Type: application/octet-stream' -H "Content-Range: bytes 4-13/$N" \
    --data-binary @"$TMP/a1"
check "wrong offset 409" test "$code" = 409
att PUT -H 'Content-Type: application/octet-stream' \
    -H "Content-Range: bytes 10-$((N - 1))/$N" --data-binary @"$TMP/a2"
check "last piece 201" test "$code" = 201
att GET
check "get back" cmp -s "$TMP/body" "$TMP/att"
att HEAD
check "complete 200" grep -qi "^Content-Length: $N" "$TMP/hdr"
SHA=$(printf 'x' | sha256sum | cut -d' ' -f1)
att PUT -H 'Content-Type: application/octet-stream' -H 'Content-Range: bytes 0-0/1' \
    --data-binary 'y'
check "hash mismatch 400" body_has '"code":"hash_mismatch"'
att HEAD
check "mismatch dropped" test "$code" = 404
api GET /v1/attachments/nothex -H "Authorization: Bearer $AK1"
check "bad name 404" test "$code" = 404

srv_stop
check "stops cleanly" test "$srv_rc" = 0
finish

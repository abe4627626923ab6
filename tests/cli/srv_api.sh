#!/usr/bin/env bash
# srv_api.sh - fieldflow-server over real TLS on loopback: start lines and the pin, --help,
# config errors, health, metrics, enrolment (single use, expiry, wrong code, device_exists),
# token refresh and rotation, wrong/expired/revoked tokens (401, nothing changes), and the
# rate limit on failed authentications (429 + Retry-After).
set -u

# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/srv.sh
. "$(dirname "$0")/lib/srv.sh"
trap 'kill -9 $SRV_PID 2>/dev/null; cleanup_tmp' EXIT

D="$TMP/d"
# --help and usage errors: exit 0 / 2, nothing started.
"$SERVER" --help >"$TMP/out" 2>&1
rc=$?
expect help 0 out "enrol-code" "--listen"
"$SERVER" serve --frobnicate 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
expect unknown-flag 2 err "unknown option --frobnicate"
printf 'listen = 127.0.0.1:0\n# a comment\n  threads = many\n' >"$TMP/bad.conf"
"$SERVER" serve --config "$TMP/bad.conf" --data "$D" >"$TMP/out" 2>"$TMP/err"
rc=$?
expect config-error 1 err "bad.conf:3:13: threads: want 1 to 256"
if [ -e "$D" ]; then bad "a refused config made $D"; else ok; fi

check "server starts" srv_start "$D" --access-ttl 2
check "listening line" grep -qE '^listening https://127\.0\.0\.1:[0-9]+$' "$D/out"
check "pin line" grep -qE '^pin sha256//[A-Za-z0-9+/]{43}=$' "$D/out"
check "key is 0600" test "$(stat -c %a "$D/key.pem")" = 600
"$SERVER" pin --data "$D" >"$TMP/pin" 2>&1
check "pin command agrees" test "$(cat "$TMP/pin")" = "pin $PIN"
# The pin is the key's: curl refuses another one.
if curl -s --cacert "$CA" --pinnedpubkey 'sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' \
    "$URL/v1/health" >/dev/null; then bad "a wrong pin was accepted"; else ok; fi

api GET /v1/health
check "health 200" test "$code" = 200
check "health body" grep -q '"status":"ok"' "$TMP/body"
check "server time header" grep -qi '^FF-Server-Time: [0-9]\{13\}' "$TMP/hdr"
api GET /v1/nothing
check "404" test "$code" = 404
check "404 code" grep -q '"code":"not_found"' "$TMP/body"
api DELETE /v1/health
check "405" test "$code" = 405

# Enrolment: a code works once; a wrong code is 403; an expired one too.
K=$("$SERVER" enrol-code --data "$D" --kind kiosk --site s1)
check "code format" grep -qE '^[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}$' <<<"$K"
enrol WRONG-COD-E00 k1
check "wrong code 403" test "$code" = 403
check "wrong code body" grep -q '"code":"code_invalid"' "$TMP/body"
enrol "$(tr 'A-Z' 'a-z' <<<"$K")" k1 # typed in lower case still counts
check "enrol 201" test "$code" = 201
check "enrol pin" grep -qF "\"server_key_pin\":\"$PIN\"" "$TMP/body"
check "enrol scope" grep -qF '"scope":{"kind":"kiosk","site":"s1"}' "$TMP/body"
AT1=$AT RT1=$RT
api GET /v1/pull -H "Authorization: Bearer $AT1"
check "pull with token" test "$code" = 200
enrol "$K" k2
check "code single use" test "$code" = 403
K2=$("$SERVER" enrol-code --data "$D" --kind desk)
enrol "$K2" k1
check "device_exists 409" test "$code" = 409
enrol "$K2" d1
check "code kept after 409" test "$code" = 201
K3=$("$SERVER" enrol-code --data "$D" --kind engineer --engineer e1 --ttl 1)
sleep 1.5
enrol "$K3" e1dev
check "expired code 403" test "$code" = 403

# Tokens: a pull works with the access token; refresh rotates; the old refresh token still
# works (5 minutes of grace); an expired access token is 401 token_expired.
api POST /v1/token -H 'Content-Type: application/json' -d "{\"refresh_token\":\"$RT1\"}"
check "refresh 200" test "$code" = 200
AT2=$(jget "$TMP/body" access_token)
RT2=$(jget "$TMP/body" refresh_token)
check "new tokens differ" test "$AT2" != "$AT1" -a "$RT2" != "$RT1" -a -n "$AT2"
api POST /v1/token -H 'Content-Type: application/json' -d "{\"refresh_token\":\"$RT1\"}"
check "old refresh in grace" test "$code" = 200
sleep 2.2
api GET /v1/pull -H "Authorization: Bearer $AT2"
check "expired access 401" test "$code" = 401
check "expired code" grep -q '"code":"token_expired"' "$TMP/body"
api POST /v1/token -H 'Content-Type: application/json' -d "{\"refresh_token\":\"$RT2\"}"
AT3=$(jget "$TMP/body" access_token)

# No change on 401: a push with a wrong, a missing or a revoked token stores nothing.
H=$(now_hlc)
{
    echo '{"device":"k1","count":1}'
    ev k1 1 "$H" customer c1 customer.created '{"name":"A"}'
} >"$TMP/push"
before=$(count_events)
api POST /v1/push -H 'Authorization: Bearer nope' -H 'Content-Type: application/x-ndjson' \
    --data-binary @"$TMP/push"
check "wrong token 401" test "$code" = 401
check "wrong token code" grep -q '"code":"token_invalid"' "$TMP/body"
api POST /v1/push -H 'Content-Type: application/x-ndjson' --data-binary @"$TMP/push"
check "no token 401" test "$code" = 401
check "no token code" grep -q '"code":"token_missing"' "$TMP/body"
"$SERVER" revoke --data "$D" k1 >/dev/null
api POST /v1/push -H "Authorization: Bearer $AT3" -H 'Content-Type: application/x-ndjson' \
    --data-binary @"$TMP/push"
check "revoked 401" test "$code" = 401
check "revoked code" grep -q '"code":"device_revoked"' "$TMP/body"
api POST /v1/token -H 'Content-Type: application/json' -d "{\"refresh_token\":\"$RT2\"}"
check "revoked refresh 401" test "$code" = 401
check "nothing stored by refused pushes" test "$(count_events)" = "$before"
"$SERVER" revoke --data "$D" nobody >/dev/null 2>"$TMP/err"
rc=$?
expect revoke-unknown 1 err "no device 'nobody'"

# Rate limit: 30 failed authentications a minute per address, then 429 with Retry-After,
# even for a good token.
for _ in $(seq 30); do api GET /v1/pull -H 'Authorization: Bearer bad'; done
api GET /v1/pull -H 'Authorization: Bearer bad'
check "429 after 30 failures" test "$code" = 429
check "429 code" grep -q '"code":"rate_limited"' "$TMP/body"
check "Retry-After" grep -qi '^Retry-After: [0-9]' "$TMP/hdr"

# Enrolment attempts: 10 a minute per address (this test made some already), then 429.
for _ in $(seq 11); do
    enrol WRONG-COD-E00 x1
    [ "$code" = 429 ] && break
done
check "enrolment rate limit 429" test "$code" = 429
check "enrolment Retry-After" grep -qi '^Retry-After: [0-9]' "$TMP/hdr"

api GET /metrics
check "metrics 200" test "$code" = 200
check "metrics requests" grep -q 'fieldflow_requests_total{endpoint="pull",status="401"}' "$TMP/body"
check "metrics devices" grep -q 'fieldflow_devices{state="revoked"} 1' "$TMP/body"
check "metrics latency" grep -q 'fieldflow_pull_seconds_bucket{le="+Inf"}' "$TMP/body"

srv_stop
check "SIGTERM exits 0" test "$srv_rc" = 0
check "logs are JSON lines" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert {"ts", "level", "msg"} <= o.keys()' "$D/log"
for secret in "$AT1" "$RT1" "$K" "test"; do
    if grep -qF "$secret" "$D/log"; then bad "the log holds a secret or a name: $secret"; else ok; fi
done
finish

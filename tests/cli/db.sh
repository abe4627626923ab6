#!/usr/bin/env bash
# db.sh - `ffctl db`: init, import (all or nothing, dedupe), stats, dump, conflicts,
# rebuild, check, the default path, and exit codes.
set -u

# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

# ffctl db prints its errors and results to either stream; these checks look at both, so
# run keeps them together in $TMP/out.
run() {
    rc=0
    "$FFCTL" "$@" >"$TMP/out" 2>&1 || rc=$?
}

DB="$TMP/a.db"
H=0193a1b2c3d40001
ev() { # ev DEVICE SEQ HLC ENTITY ID TYPE PAYLOAD
    printf '{"id":"%s:%s","device":"%s","seq":%s,"hlc":"%s","entity":"%s","entity_id":"%s","type":"%s","payload":%s,"author":null,"schema":1}\n' \
        "$1" "$2" "$1" "$2" "$3" "$4" "$5" "$6" "$7"
}
{
    ev peer 1 0193a1b2c3d40001 customer c1 customer.created '{"name":"Søren Ångström","phone":"+45 12345678"}'
    ev peer 2 0193a1b2c3d40002 case k1 case.created '{"customer_id":"c1","touchpoint":"phone","request_type":"complaint","priority":1}'
    ev peer 3 0193a1b2c3d40003 case k1 case.field_edited '{"field":"priority","value":2,"prev":["peer:2"]}'
    ev other 1 0193a1b2c3d40004 case k1 case.field_edited '{"field":"priority","value":4,"prev":["peer:2"]}'
    ev other 2 0193a1b2c3d40005 gizmo g1 gizmo.spun '{"rpm":33}'
} >"$TMP/events.jsonl"

run db --help
expect help 0 out "ffctl db init"
run db
expect no-verb 2 out "usage"
run db frobnicate --db "$DB"
expect unknown-verb 2 out "unknown verb"

run db init --db "$DB"
expect init 0 out
DEVICE=$(cat "$TMP/out")
run db init --db "$DB"
expect init-again 0 out "$DEVICE"

run db import "$TMP/events.jsonl" --db "$DB"
expect import 0 out "5 events read, 5 new"
run db import --db "$DB" <"$TMP/events.jsonl"
expect import-again 0 out "5 events read, 0 new"

run db stats --db "$DB"
expect stats 0 out '"events":5' '"unknown":1' '"cases":1' '"conflicts":1'
run db conflicts --db "$DB"
expect conflicts 0 out '"field":"priority"' '"version":"other:1","value":4' '"version":"peer:3","value":2'
run db dump --db "$DB"
expect dump 0 out 'cases|"k1"|"c1"|"phone"|"complaint"|null|4|' 'customers|"c1"|"Søren Ångström"'
cp "$TMP/out" "$TMP/dump1"
run db dump --events --db "$DB"
expect dump-events 0 out '"id":"other:2"' '"type":"gizmo.spun"'
run db rebuild --db "$DB"
expect rebuild 0 out
run db dump --db "$DB"
if cmp -s "$TMP/out" "$TMP/dump1"; then ok; else bad "dump after rebuild differs"; fi
run db check --db "$DB"
expect check 0 out "ok"

# A bad line refuses the whole import and names the line, the event and the field.
{
    ev peer 4 0193a1b2c3d40006 case k1 case.note_added '{"text":"fine"}'
    ev peer 5 0193a1b2c3d40007 feedback f1 feedback.given '{"score":11}'
} >"$TMP/bad.jsonl"
run db import "$TMP/bad.jsonl" --db "$DB"
expect bad-import 1 out "bad.jsonl:2" "event peer:5: payload.score" "nothing imported"
run db stats --db "$DB"
expect nothing-imported 0 out '"events":5'
echo 'not json' | "$FFCTL" db import --db "$DB" >"$TMP/out" 2>&1
rc=$?
expect not-json 1 out "stdin:1" "not valid JSON"

# An event from a clock more than 24 h ahead is refused by name.
ev far 1 7fff00000000000a case k9 case.note_added '{"text":"from the future"}' >"$TMP/far.jsonl"
run db import "$TMP/far.jsonl" --db "$DB"
expect far-future 1 out "event far:1: hlc" "24 h"

# Corrupting the projections is caught by check (fold equality), and rebuild repairs it.
sqlite3 "$DB" "UPDATE cases SET priority = 1" 2>/dev/null || true
if command -v sqlite3 >/dev/null; then
    run db check --db "$DB"
    expect check-corrupt 1 out "differ from a rebuild"
    run db rebuild --db "$DB"
    run db check --db "$DB"
    expect check-repaired 0 out "ok"
fi

# The default path follows XDG_DATA_HOME.
XDG_DATA_HOME="$TMP/xdg" "$FFCTL" db init >"$TMP/out" 2>&1
rc=$?
expect default-path 0 out
if [ -f "$TMP/xdg/fieldflow/device.db" ]; then ok; else bad "no $TMP/xdg/fieldflow/device.db"; fi

# A file from a newer build is refused.
if command -v sqlite3 >/dev/null; then
    sqlite3 "$TMP/new.db" "PRAGMA user_version = 42"
    run db stats --db "$TMP/new.db"
    expect newer 1 out "schema version 42"
fi

finish

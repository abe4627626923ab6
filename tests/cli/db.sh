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
# A usage error is found before the store is opened: exit 2, nothing created anywhere.
run db frobnicate --db "$DB"
expect unknown-verb 2 out "unknown verb"
if [ -e "$DB" ]; then bad "unknown verb created $DB"; else ok; fi
mkdir -p "$TMP/home"
HOME="$TMP/home" XDG_DATA_HOME= "$FFCTL" db import --db >"$TMP/out" 2>&1
rc=$?
expect import-db-no-path 2 out "--db needs a path"
if [ -z "$(ls -A "$TMP/home")" ]; then ok; else bad "a usage error wrote under \$HOME: $(ls -R "$TMP/home")"; fi
run db import --bogus --db "$DB"
expect import-bad-flag 2 out "unexpected argument '--bogus'"
if [ -e "$DB" ]; then bad "a bad flag created $DB"; else ok; fi

run db init --db "$DB"
expect init 0 out
DEVICE=$(cat "$TMP/out")
if [[ $DEVICE =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]; then
    ok
else
    bad "init printed '$DEVICE', not a device id"
fi
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

# Parsing takes exactly one event a line: a second object or trailing bytes are refused;
# empty lines and lines of blanks are skipped alike.
{
    ev peer 4 0193a1b2c3d40006 case k1 case.note_added '{"text":"one"}' | tr -d '\n'
    ev peer 5 0193a1b2c3d40007 case k1 case.note_added '{"text":"two"}'
} >"$TMP/two.jsonl"
run db import "$TMP/two.jsonl" --db "$DB"
expect two-objects 1 out "two.jsonl:1" "more after the first JSON value" "nothing imported"
{
    printf '   \n\n\t\n'
    ev peer 4 0193a1b2c3d40006 case k1 case.note_added '{"text":"one"}' | tr -d '\n'
    printf ' trailing\n'
} >"$TMP/trailing.jsonl"
run db import "$TMP/trailing.jsonl" --db "$DB"
expect trailing-garbage 1 out "trailing.jsonl:4" "more after"
{
    printf '   \n\n\t\n'
    ev peer 4 0193a1b2c3d40006 case k1 case.note_added '{"text":"one"}'
    printf '  \n'
} >"$TMP/blanks.jsonl"
run db import "$TMP/blanks.jsonl" --db "$DB"
expect blank-lines 0 out "1 events read, 1 new"

# A 300 MB line is refused after reading its first 512 KiB: the cap applies while reading.
truncate -s 300M "$TMP/huge.jsonl"
exec 3<"$TMP/huge.jsonl"
"$FFCTL" db import --db "$DB" <&3 >"$TMP/out" 2>&1
rc=$?
pos=$(awk '/^pos:/ {print $2}' "/proc/$$/fdinfo/3")
exec 3<&-
expect huge-line 1 out "stdin:1" "longer than 524288 bytes" "nothing imported"
if [ "${pos:-0}" -lt 2000000 ]; then ok; else bad "read $pos bytes of a 300 MB line"; fi
rm -f "$TMP/huge.jsonl"

# Same id, other content: refused by id, recorded for the back office, nothing imported.
ev peer 1 0193a1b2c3d40001 customer c1 customer.created '{"name":"Mallory"}' >"$TMP/forged.jsonl"
run db import "$TMP/forged.jsonl" --db "$DB"
expect forged 1 out "event peer:1: forged" "nothing imported"
run db forgeries --db "$DB"
expect forgeries 0 out '"id":"peer:1"' 'Mallory'
run db dump --db "$DB"
expect forged-not-folded 0 out 'customers|"c1"|"Søren Ångström"'

# restore takes only this device's own events.
run db restore "$TMP/events.jsonl" --db "$DB"
expect restore-foreign 1 out "a restore takes only this device's" "nothing imported"

# Corrupting the projections is caught by check (fold equality), and rebuild repairs it.
# The sqlite3 CLI is a test dependency (scripts/install-deps): missing, these checks fail.
if command -v sqlite3 >/dev/null; then
    check "sqlite3 changes the projection" sqlite3 "$DB" "UPDATE cases SET priority = 1"
    run db check --db "$DB"
    expect check-corrupt 1 out "differ from a rebuild"
    run db rebuild --db "$DB"
    run db check --db "$DB"
    expect check-repaired 0 out "ok"
else
    bad "sqlite3 CLI missing: check/rebuild of a corrupted projection not tested"
fi

# The default path follows XDG_DATA_HOME.
XDG_DATA_HOME="$TMP/xdg" "$FFCTL" db init >"$TMP/out" 2>&1
rc=$?
expect default-path 0 out
if [ -f "$TMP/xdg/fieldflow/device.db" ]; then ok; else bad "no $TMP/xdg/fieldflow/device.db"; fi

# A file from a newer build is refused.
if command -v sqlite3 >/dev/null; then
    check "sqlite3 makes a newer file" sqlite3 "$TMP/new.db" "PRAGMA user_version = 42"
    run db stats --db "$TMP/new.db"
    expect newer 1 out "schema version 42"
else
    bad "sqlite3 CLI missing: a file from a newer build not tested"
fi

finish

#!/usr/bin/env bash
# export.sh - ffctl export and ffctl import end to end: formats, locale, highlight, exit
# codes, DOT round trip, and that Graphviz never writes to our stderr.
set -u
# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"

cat > "$TMP/demo.json" <<'JSON'
{"format": 1, "id": "demo", "version": 1, "title": {"en": "Demo", "da": "Demo"},
 "category": "triage", "audience": "any", "touchpoints": ["telephone"], "locales": ["en", "da"],
 "nodes": [
  {"id": "start", "kind": "start", "title": {"en": "Start", "da": "Start"}, "next": "powered"},
  {"id": "powered", "kind": "decision",
   "title": {"en": "Is the device powered on and showing lights?", "da": "Er enheden tændt?"},
   "options": [{"id": "yes", "label": {"en": "Yes", "da": "Ja"}, "target": "restart"},
               {"id": "no", "label": {"en": "No", "da": "Nej"}, "target": "phone"}]},
  {"id": "restart", "kind": "step", "title": {"en": "Restart the router", "da": "Genstart routeren"},
   "next": "fixed"},
  {"id": "phone", "kind": "input", "title": {"en": "Your phone number", "da": "Dit telefonnummer"},
   "fields": [{"name": "phone", "type": "phone", "label": {"en": "Phone", "da": "Telefon"}}],
   "next": "visit"},
  {"id": "fixed", "kind": "end", "title": {"en": "Fixed", "da": "Løst"}, "outcome": "resolved",
   "success": true},
  {"id": "visit", "kind": "end", "title": {"en": "Visit booked", "da": "Besøg bestilt"},
   "outcome": "visit_requested", "success": false}]}
JSON

"$FFCTL" export "$TMP/demo.json" --format svg > "$TMP/out.svg" 2> "$TMP/err"
check "svg export exits 0" test $? -eq 0
check "svg has the svg element" grep -q '</svg>' "$TMP/out.svg"
check "svg has the labels" grep -q '>Restart the router<' "$TMP/out.svg"
check "nothing on stderr" test ! -s "$TMP/err"

"$FFCTL" export "$TMP/demo.json" --format svg --locale da -o "$TMP/da.svg"
check "locale da" grep -q '>Genstart routeren<' "$TMP/da.svg"
run export "$TMP/demo.json" --format svg --locale fr -o "$TMP/fr.svg"
expect "undeclared locale: drawn in the fallback, with a note" 0 err \
    'ffctl export: chart "demo" has no "fr" texts; drawing "en"'

"$FFCTL" export "$TMP/demo.json" --format png -o "$TMP/out.png"
check "png signature" test "$(head -c 8 "$TMP/out.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a
"$FFCTL" export "$TMP/demo.json" --format pdf | head -c 4 > "$TMP/pdf.head"
check "pdf to a pipe" test "$(cat "$TMP/pdf.head")" = "%PDF"

"$FFCTL" export "$TMP/demo.json" --format mermaid > "$TMP/out.mmd"
check "mermaid header" test "$(head -n 1 "$TMP/out.mmd")" = "flowchart TD"
check "mermaid decision edge" grep -q '    powered -->|"Yes"| restart' "$TMP/out.mmd"

cat > "$TMP/run.json" <<'JSON'
[{"seq": 1, "chart": "demo", "node": "start", "event": "enter"},
 {"seq": 2, "chart": "demo", "node": "powered", "event": "enter"},
 {"seq": 3, "chart": "demo", "node": "powered", "event": "choose", "answer": "yes"},
 {"seq": 4, "chart": "demo", "node": "restart", "event": "enter"}]
JSON
"$FFCTL" export "$TMP/demo.json" --format dot --highlight "$TMP/run.json" > "$TMP/lit.dot"
check "highlighted nodes: start, powered, restart" test "$(grep -c 'penwidth=3' "$TMP/lit.dot")" -eq 3
check "highlighted edges: start -> powered -> restart" \
    test "$(grep -c 'penwidth=2.5' "$TMP/lit.dot")" -eq 2

"$FFCTL" export "$TMP/demo.json" --format dot -o "$TMP/demo.dot"
"$FFCTL" import "$TMP/demo.dot" -o "$TMP/back.json" 2> "$TMP/err"
check "dot round trip imports" test $? -eq 0
check "round trip reports nothing (our marks carry what DOT cannot)" test ! -s "$TMP/err"
check "round trip keeps the decision" grep -q '"kind": "decision"' "$TMP/back.json"

"$FFCTL" import "$FF_SOURCE_DIR/tests/fuzz/seeds/dot_import/messy.dot" > "$TMP/messy.json" 2> "$TMP/err"
check "messy import still makes a chart" test $? -eq 0
for code in shape-as-step cluster-ignored unlabeled-option branch-as-decision label-dropped; do
    check "messy import reports $code" grep -q "\[$code\]" "$TMP/err"
done

# A hand-drawn DOT (a cluster, an HTML label, an unknown shape, ends with no outcome): the
# exact report, in order, and a chart that validates.
(cd "$SRC/tests/charts/dot" && "$FFCTL" import handwritten.dot -o "$TMP/hw.json" 2> "$TMP/err")
check "hand-drawn import exits 0" test $? -eq 0
check "hand-drawn import reports exactly handwritten.expect" \
    diff -u "$SRC/tests/charts/dot/handwritten.expect" "$TMP/err"
check "hand-drawn import validates" "$FFCTL" validate --quiet "$TMP/hw.json"

# Every shipped chart through its own DOT and back: nothing reported, and the imported
# charts validate together (they call each other). Equality: tests/unit/test_import.c.
for f in "$SRC"/assets/flowcharts/*.json; do
    id=$(basename "$f" .json)
    "$FFCTL" export "$f" --format dot -o "$TMP/$id.dot"
    "$FFCTL" import "$TMP/$id.dot" -o "$TMP/$id.back.json" 2> "$TMP/$id.err"
    check "$id: DOT import exits 0" test $? -eq 0
    check "$id: nothing to report" test ! -s "$TMP/$id.err"
done
check "the imported charts validate together" "$FFCTL" validate --quiet "$TMP"/*.back.json

# A real run's transcript drives the highlight: ffctl run --transcript, then export it.
printf '\n7\n\n' > "$TMP/kiosk.answers"
"$FFCTL" run "$SRC/assets/flowcharts/kiosk-triage.json" --answers "$TMP/kiosk.answers" \
    --fake-clock --transcript "$TMP/kiosk.t.json" > /dev/null
check "kiosk run reaches an end" test $? -eq 0
"$FFCTL" export "$SRC/assets/flowcharts/kiosk-triage.json" --format dot \
    --highlight "$TMP/kiosk.t.json" -o "$TMP/kiosk.lit.dot"
check "run transcript highlights welcome, ask-request, call-staff and the end" \
    test "$(grep -c 'penwidth=3' "$TMP/kiosk.lit.dot")" -eq 4
check "and the three edges between them" test "$(grep -c 'penwidth=2.5' "$TMP/kiosk.lit.dot")" -eq 3
"$FFCTL" export "$SRC/assets/flowcharts/kiosk-triage.json" --format svg --locale da \
    --highlight "$TMP/kiosk.t.json" -o "$TMP/kiosk.lit.svg"
check "highlighted svg in da" grep -q 'Tal med en medarbejder' "$TMP/kiosk.lit.svg"

printf 'digraph { a -> b; b -> a; }' > "$TMP/loop.dot"
"$FFCTL" import "$TMP/loop.dot" > /dev/null 2> "$TMP/err"
check "no valid chart: exit 1" test $? -eq 1
printf 'digraph { a -> ; }' > "$TMP/syntax.dot"
"$FFCTL" import "$TMP/syntax.dot" > /dev/null 2> "$TMP/err"
check "syntax error: exit 1" test $? -eq 1
check "syntax error is reported with the file" grep -q 'syntax.dot.*dot-syntax' "$TMP/err"

"$FFCTL" export "$TMP/demo.json" --format jpeg > /dev/null 2>&1
check "unknown format: exit 2" test $? -eq 2

# Files that cannot be read or written: exit 3, "ffctl CMD:" and the path on stderr, nothing
# on stdout; unknown options: exit 2.
run export "$TMP/demo.json" --format svg --highlight "$TMP/missing.json"
refused "missing transcript" 3 "ffctl export: cannot read $TMP/missing.json"
run export "$TMP/demo.json" --format svg -o "$TMP/no/dir/x.svg"
refused "unwritable output" 3 "ffctl export: cannot write $TMP/no/dir/x.svg"
run import "$TMP/missing.dot"
refused "missing dot" 3 "ffctl import: cannot read $TMP/missing.dot"
run import "$TMP/demo.dot" -o "$TMP/no/dir/x.json"
refused "unwritable json" 3 "ffctl import: cannot write $TMP/no/dir/x.json"
run export "$TMP/demo.json" --format svg --bogus
refused "export: unknown option" 2 "ffctl export: unknown option '--bogus'"
run import "$TMP/demo.dot" --locale
refused "import: value missing" 2 "ffctl import: a value must follow '--locale'"
run stats --bogus "$TMP/demo.json"
refused "stats: unknown option" 2 "ffctl stats: unknown option '--bogus'"
for c in validate stats export import run; do
    run "$c" --help
    expect "$c --help" 0 out "usage: ffctl $c"
done
run --version
expect "--version" 0 out "ffctl "

finish

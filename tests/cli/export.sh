#!/usr/bin/env bash
# export.sh - ffctl export and ffctl import end to end: formats, locale, highlight, exit
# codes, DOT round trip, and that Graphviz never writes to our stderr.
set -u
FFCTL=${FF_FFCTL:?set FF_FFCTL to the ffctl binary}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
check() { # check "what" command...
    local what=$1; shift
    if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}

cat > "$T/demo.json" <<'JSON'
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

"$FFCTL" export "$T/demo.json" --format svg > "$T/out.svg" 2> "$T/err"
check "svg export exits 0" test $? -eq 0
check "svg has the svg element" grep -q '</svg>' "$T/out.svg"
check "svg has the labels" grep -q '>Restart the router<' "$T/out.svg"
check "nothing on stderr" test ! -s "$T/err"

"$FFCTL" export "$T/demo.json" --format svg --locale da -o "$T/da.svg"
check "locale da" grep -q '>Genstart routeren<' "$T/da.svg"

"$FFCTL" export "$T/demo.json" --format png -o "$T/out.png"
check "png signature" test "$(head -c 8 "$T/out.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a
"$FFCTL" export "$T/demo.json" --format pdf | head -c 4 > "$T/pdf.head"
check "pdf to a pipe" test "$(cat "$T/pdf.head")" = "%PDF"

"$FFCTL" export "$T/demo.json" --format mermaid > "$T/out.mmd"
check "mermaid header" test "$(head -n 1 "$T/out.mmd")" = "flowchart TD"
check "mermaid decision edge" grep -q '    powered -->|"Yes"| restart' "$T/out.mmd"

cat > "$T/run.json" <<'JSON'
[{"seq": 1, "chart": "demo", "node": "start", "event": "enter"},
 {"seq": 2, "chart": "demo", "node": "powered", "event": "enter"},
 {"seq": 3, "chart": "demo", "node": "powered", "event": "choose", "answer": "yes"},
 {"seq": 4, "chart": "demo", "node": "restart", "event": "enter"}]
JSON
"$FFCTL" export "$T/demo.json" --format dot --highlight "$T/run.json" > "$T/lit.dot"
check "highlighted nodes: start, powered, restart" test "$(grep -c 'penwidth=3' "$T/lit.dot")" -eq 3
check "highlighted edges: start -> powered -> restart" \
    test "$(grep -c 'penwidth=2.5' "$T/lit.dot")" -eq 2

"$FFCTL" export "$T/demo.json" --format dot -o "$T/demo.dot"
"$FFCTL" import "$T/demo.dot" -o "$T/back.json" 2> "$T/err"
check "dot round trip imports cleanly" test $? -eq 0 -a ! -s "$T/err"
check "round trip keeps the decision" grep -q '"kind": "decision"' "$T/back.json"

"$FFCTL" import "$FF_SOURCE_DIR/tests/fuzz/seeds/dot_import/messy.dot" > "$T/messy.json" 2> "$T/err"
check "messy import still makes a chart" test $? -eq 0
for code in unknown-shape html-label cluster-ignored unlabeled-option extra-edge label-ignored; do
    check "messy import reports $code" grep -q "\[$code\]" "$T/err"
done

printf 'digraph { a -> b; b -> a; }' > "$T/loop.dot"
"$FFCTL" import "$T/loop.dot" > /dev/null 2> "$T/err"
check "no valid chart: exit 1" test $? -eq 1
printf 'digraph { a -> ; }' > "$T/syntax.dot"
"$FFCTL" import "$T/syntax.dot" > /dev/null 2> "$T/err"
check "syntax error: exit 1" test $? -eq 1
check "syntax error is reported with the file" grep -q 'syntax.dot.*dot-syntax' "$T/err"

"$FFCTL" export "$T/demo.json" --format jpeg > /dev/null 2>&1
check "unknown format: exit 2" test $? -eq 2

echo "$fails failed"
test "$fails" -eq 0

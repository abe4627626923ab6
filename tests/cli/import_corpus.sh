#!/usr/bin/env bash
# import_corpus.sh - ffctl import over real Mermaid and draw.io files: the shared corpus
# (../shared/corpora/mermaid and drawio, beside the clone; read in place, never copied here)
# and tests/charts/import/real-mm. Every file's result must match
# tests/charts/import/real-mm/corpus.expect: "ok" (a chart that validates) or
# "refused CODE LINE:COL" (exit 1, nothing written, the first error located in the file).
# Also: refusals in words, the format guess, and our Mermaid export imported back.
set -u
# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=tests/cli/lib/import.sh
. "$(dirname "$0")/lib/import.sh"

CORPORA="$SRC/../shared/corpora"
EXPECT="$SRC/tests/charts/import/real-mm/corpus.expect"
check "the shared corpus is beside the clone ($CORPORA/mermaid)" test -d "$CORPORA/mermaid"
check "the shared corpus is beside the clone ($CORPORA/drawio)" test -d "$CORPORA/drawio"

import_corpus import_corpus "$EXPECT" "$CORPORA" real-mm "$CORPORA"/mermaid/*.mmd "$CORPORA"/drawio/*.drawio \
    "$SRC"/tests/charts/import/real-mm/*.mmd "$SRC"/tests/charts/import/real-mm/*.drawio

# A refusal names the file, the line and the column, and says why in words.
printf 'flowchart TD\n  a --> b\n  b --> c[never closed\n' >"$TMP/open.mmd"
run import "$TMP/open.mmd"
refused "syntax error located" 1 "open.mmd:3:10: error: graph: text not closed by ']'" \
    "no valid chart from this mermaid file"
printf 'sequenceDiagram\n  A->>B: hi\n' >"$TMP/seq.mmd"
run import "$TMP/seq.mmd"
refused "other diagram types" 1 "seq.mmd:1:1: error: graph: 'sequenceDiagram' is not a Mermaid flowchart"
printf '<?xml version="1.0"?>\n<!DOCTYPE mxfile [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<mxfile>&x;</mxfile>\n' \
    >"$TMP/xxe.drawio"
run import "$TMP/xxe.drawio"
refused "external entities refused" 1 "[drawio-doctype]"
check "nothing of /etc/passwd" sh -c "! grep -q root: '$TMP/err'"

# The format is guessed from the content too.
printf 'graph LR\n  s([Start]) --> q{Ok?}\n  q -->|Yes| e([Done])\n  q -->|No| f([Stop])\n' \
    >"$TMP/drawing.txt"
run import "$TMP/drawing.txt"
expect "mermaid guessed from content" 0 out '"kind": "decision"'
cp "$CORPORA/drawio/05-array-filter-ru.drawio" "$TMP/page.txt"
run import "$TMP/page.txt"
expect "draw.io guessed from content" 0 out '"kind": "start"'

# Our own Mermaid export comes back as the same chart (in detail: test_import_mermaid.c).
"$FFCTL" export "$SRC/assets/flowcharts/kiosk-triage.json" --format mermaid -o "$TMP/kiosk.mmd"
run import "$TMP/kiosk.mmd" -o "$TMP/kiosk.json"
expect "own export imports back" 0 err
check "same chart, x- keys aside" python3 - "$SRC/assets/flowcharts/kiosk-triage.json" \
    "$TMP/kiosk.json" <<'PY'
import json, sys
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
strip = lambda o: ({k: strip(v) for k, v in o.items() if not k.startswith("x-")}
                   if isinstance(o, dict) else [strip(v) for v in o] if isinstance(o, list) else o)
sys.exit(0 if strip(a) == strip(b) else 1)
PY

finish

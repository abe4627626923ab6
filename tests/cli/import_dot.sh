#!/usr/bin/env bash
# import_dot.sh - ffctl import over real DOT files: the shared corpus (../shared/corpora/dot,
# beside the clone; read in place, never copied here) and tests/charts/import/real. Every
# file's result must match tests/charts/import/dot.expect: "ok" (a chart that validates) or
# "refused CODE LINE:COL" (exit 1, nothing written, the first error located in the DOT).
# Also: the format guess, --from, and the round trip of a shipped chart through DOT.
set -u
# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=tests/cli/lib/import.sh
. "$(dirname "$0")/lib/import.sh"

CORPORA="$SRC/../shared/corpora"
EXPECT="$SRC/tests/charts/import/dot.expect"
check "the shared corpus is beside the clone ($CORPORA/dot)" test -d "$CORPORA/dot"

import_corpus import_dot "$EXPECT" "$CORPORA" real "$CORPORA"/dot/*.gv "$SRC"/tests/charts/import/real/*.dot

# A refusal names the file, the line and the column, and says why in words.
run import "$CORPORA/dot/ER.gv"
expect "undirected refusal" 1 err "ER.gv:1:1: error: graph: an undirected graph" \
    "ffctl import: $CORPORA/dot/ER.gv: no valid chart from this dot file"
check "nothing on stdout when refused" test ! -s "$TMP/out"

# Latin-1 text comes out as UTF-8.
run import "$CORPORA/dot/Latin1.gv"
expect "latin1" 0 out '"title": {"en": "áâãäåæçèéêëìíîïðñòóôõöøùúûü"}'

# --locale names the language the drawing is written in.
run import "$SRC/tests/charts/import/real/when_flowchart.dot" --locale de
expect "locale de" 0 out '"locales": ["de"]' '"title": {"de": "Need to show information?"}'

# The format: guessed from the extension or the content, or said with --from.
cp "$SRC/tests/charts/import/real/when_flowchart.dot" "$TMP/drawing.txt"
run import "$TMP/drawing.txt"
expect "guessed from content" 0 out '"id": "when_flowchart"'
run import "$TMP/drawing.txt" --from dot
expect "--from dot" 0 out '"id": "when_flowchart"'
run import "$TMP/drawing.txt" --from svg
refused "--from unknown" 2 "ffctl import: --from svg: not a format"
printf 'hello\n' >"$TMP/what.txt"
run import "$TMP/what.txt"
refused "no format" 1 "cannot tell its format"

# An existing output file is left alone when the import is refused.
echo keep >"$TMP/keep.json"
run import "$CORPORA/dot/ER.gv" -o "$TMP/keep.json"
check "refused import leaves -o untouched" grep -qx keep "$TMP/keep.json"

# Our own export comes back as the same chart (equality in detail: test_import.c).
"$FFCTL" export "$SRC/assets/flowcharts/order.json" --format dot -o "$TMP/order.dot"
run import "$TMP/order.dot" -o "$TMP/order.json"
expect "own export imports back" 0 err
check "nothing to report on our own export" test ! -s "$TMP/err"
check "same nodes, options and texts" python3 - "$SRC/assets/flowcharts/order.json" \
    "$TMP/order.json" <<'PY'
import json, sys
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
strip = lambda o: ({k: strip(v) for k, v in o.items() if not k.startswith("x-")}
                   if isinstance(o, dict) else [strip(v) for v in o] if isinstance(o, list) else o)
sys.exit(0 if strip(a) == strip(b) else 1)
PY

finish

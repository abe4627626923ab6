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

CORPORA="$SRC/../shared/corpora"
EXPECT="$SRC/tests/charts/import/real-mm/corpus.expect"
check "the shared corpus is beside the clone ($CORPORA/mermaid)" test -d "$CORPORA/mermaid"
check "the shared corpus is beside the clone ($CORPORA/drawio)" test -d "$CORPORA/drawio"

# One line per file, as corpus.expect writes it.
result() {
    local file=$1 name=$2 out="$TMP/result.json"
    rm -f "$out"
    rc=0
    "$FFCTL" import "$file" -o "$out" >"$TMP/out" 2>"$TMP/err" || rc=$?
    if [ "$rc" -eq 0 ]; then
        if "$FFCTL" validate --quiet "$out" >/dev/null 2>&1; then
            echo "$name ok"
        else
            echo "$name imported-but-invalid"
        fi
        return
    fi
    [ -e "$out" ] && echo "$name wrote-output-despite-exit-$rc"
    local first
    first=$(grep -m1 ': error: ' "$TMP/err" |
        sed -nE 's/^.*:([0-9]+):([0-9]+): error: .*\[([a-z-]+)\]$/\3 \1:\2/p')
    echo "$name refused-exit-$rc ${first:-unlocated}" | sed 's/refused-exit-1 /refused /'
}

: >"$TMP/got"
for f in "$CORPORA"/mermaid/*.mmd "$CORPORA"/drawio/*.drawio \
    "$SRC"/tests/charts/import/real-mm/*.mmd "$SRC"/tests/charts/import/real-mm/*.drawio; do
    [ -e "$f" ] || continue
    case "$f" in
    "$CORPORA"/*) name="corpora/${f#"$CORPORA"/}" ;;
    *) name="real-mm/$(basename "$f")" ;;
    esac
    result "$f" "$name" >>"$TMP/got"
done
grep -v '^#' "$EXPECT" >"$TMP/want"
check "every file imports or is refused as corpus.expect says" diff -u "$TMP/want" "$TMP/got"
ok_count=$(grep -c ' ok$' "$TMP/got")
echo "import_corpus: $ok_count of $(wc -l <"$TMP/got") real Mermaid and draw.io files import to a valid chart"

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

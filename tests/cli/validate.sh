#!/usr/bin/env bash
# validate.sh - `ffctl validate` and `ffctl stats` on the good and bad chart corpora:
# exit codes, the exact first finding of every bad chart on stderr, "ok" lines on stdout,
# subchart lookup beside the calling file, --werror, --quiet, usage and unreadable files.
set -euo pipefail

# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"

cd "$SRC/tests/charts"

# Every good chart alone, and all together.
for f in good/*.json; do
    run validate "$f"
    expect "$f" 0 out "$f: ok ("
done
run validate good/*.json
expect "good together" 0 out "good/warnings.json: ok (4 warnings)" "good/demo.json: ok (0 warnings)"
expect "warnings on stderr" 0 err \
    "good/warnings.json:52:7: warning: \$.nodes[1].options: node \"ask\": 8 options at one decision"

# Every bad chart: exit 1 and its .expect line (with the path as given) on stderr. A
# warn-* chart loads; with --werror its first warning makes it fail the same way.
for f in bad/*.json; do
    case $f in bad/warn-*) run validate --werror "$f" ;; *) run validate "$f" ;; esac
    want="bad/$(head -n 1 "${f%.json}.expect")"
    if [ "$rc" -ne 1 ]; then
        bad "$f: exit $rc, want 1"
    elif [ "$(head -n 1 "$TMP/err")" != "$want" ]; then
        bad "$f: first finding '$(head -n 1 "$TMP/err")', want '$want'"
    elif [ -s "$TMP/out" ]; then
        bad "$f: printed an ok line"
    else
        ok
    fi
done

# Library cases: the charts of each directory validated together.
for d in bad/lib-*/; do
    d=${d%/}
    line=$(head -n 1 "$d.expect")
    case $d in
    bad/lib-warn-*)
        run validate --werror "$d"/*.json
        expect "$d" 1 err "$d/${line%%: warning*}: warning" "${line##* }" ;;
    *)
        run validate "$d"/*.json
        expect "$d" 1 err "$d/${line%%: error*}: error" "${line##* }" ;;
    esac
done

# A bad chart does not hide a good one.
run validate bad/dup-node.json good/demo.json
expect "mixed" 1 out "good/demo.json: ok (0 warnings)"
if grep -qF "bad/dup-node.json: ok" "$TMP/out"; then bad "mixed: bad file said ok"; else ok; fi

# Subcharts are found beside the calling file: minimal.json calls demo -> good/demo.json.
run validate good/minimal.json
expect "callee beside" 0 out "good/minimal.json: ok (0 warnings)"
cp good/minimal.json "$TMP/alone.json"
run validate "$TMP/alone.json"
expect "callee missing" 1 err "alone.json:" "unknown subchart \"demo\"" "[unknown-subchart]"

# A broken callee named on the command line is loaded (and reported) once, not again as
# <id>.json beside its caller; a file named twice is read once.
mkdir "$TMP/lib"
cp good/minimal.json "$TMP/lib/minimal.json"
cp bad/no-start.json "$TMP/lib/demo.json"
run validate "$TMP/lib/minimal.json" "$TMP/lib/demo.json" "$TMP/lib/demo.json"
expect "broken callee" 1 err "demo.json:33:3: error: \$.nodes: the chart has no start node"
if [ "$(grep -c 'no-start' "$TMP/err")" -eq 1 ]; then ok; else bad "broken callee reported twice"; fi

# --werror, --quiet.
run validate --werror good/warnings.json
expect "werror" 1 err "[deep-path]"
run validate --quiet good/warnings.json
expect "quiet" 0 out
if [ -s "$TMP/out" ] || [ -s "$TMP/err" ]; then bad "quiet printed something"; else ok; fi
run validate --quiet bad/no-start.json
expect "quiet errors" 1 err "[no-start]"

# Usage and unreadable files.
run validate
expect "no files" 2 err "usage: ffctl validate"
run validate --bogus good/demo.json
expect "bad option" 2 err "unknown option"
run validate --help
expect "help" 0 out "usage: ffctl validate"
run validate good/demo.json "$TMP/missing.json"
expect "unreadable" 3 err "missing.json" "[unreadable]"

# stats
run stats good/minimal.json
expect "stats" 0 out "nodes: 7" "decisions: 1" "options: 2" "longest path: 7 nodes" \
    "ends: visit_requested 1" "locales: pt-BR"
run stats --json good/demo.json
expect "stats json" 0 out '"nodes": 5' '"longest_path": 5' '"resolved": 1'
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/out" 2>/dev/null ||
    ! command -v python3 >/dev/null; then ok; else bad "stats --json is not JSON"; fi
run stats bad/no-start.json
expect "stats bad" 1 err "[no-start]"
run stats
expect "stats usage" 2 err "usage: ffctl stats"

finish

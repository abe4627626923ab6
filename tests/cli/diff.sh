#!/usr/bin/env bash
# diff.sh - `ffctl diff OLD NEW [--json]`: the text report (groups, one line per change at
# NEW's file:line:col, broken ids announced), the JSON report (parsed by python3 and checked
# against the schema in docs/internals/diff.md), a node id reused for another kind (refused),
# bad and unreadable input, usage errors, and a real shipped chart against an edited copy.
set -euo pipefail

# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"

cd "$SRC/tests/charts/diff"

# Text: every group, the NEW side's positions, OLD's for what NEW lacks.
run diff base.json changed.json
expect "text" 0 out \
    "base.json (diff-demo version 1) -> changed.json (diff-demo version 2): 43 changes" \
    "node ids: 7 kept, 2 added, 1 BROKEN (analytics keyed on them lose their history): done-bad" \
    "chart:" "time_limits:" "nodes:" "options:" "fields:" "actions:" "texts:" \
    "  changed.json: chart: version: 1 -> 2" \
    "  changed.json:21:77: node \"ask\" option \"info\": moved: target: \"kb\" -> \"kb2\"" \
    "  changed.json:51:5: node \"kb\": moved: incoming: ask -> kb2" \
    "  changed.json:50:5: node \"kb2\": added (kb)" \
    "  base.json:66:5: node \"done-bad\": removed (end): id BROKEN" \
    "  changed.json:16:5: node \"ask\": order of options: help, info -> info, help" \
    "  changed.json:31:9: node \"form\" field \"name\": min: 2 -> (none)" \
    "  changed.json:36:9: node \"form\" field \"kind\" choice \"heat\": added" \
    "  changed.json:52:5: node \"act\" action \"escalate\": level: 2 -> 3" \
    "  base.json:52:5: node \"act\" action \"escalate#2\": removed" \
    "  changed.json:36:9: node \"form\" field \"kind\" choice \"gas\": label [da]: \"Gas\" -> \"Naturgas\"" \
    "  changed.json:12:5: time limit \"visit\": added"
expect "broken ids on stderr" 0 err \
    "ffctl diff: warning: changed.json drops 1 node id (broken for analytics): done-bad"
# Groups come in a fixed order and each change is one line under its group.
if [ "$(grep -c '^[a-z_]*:$' "$TMP/out")" -eq 7 ] &&
    [ "$(grep -c '^  ' "$TMP/out")" -eq 43 ] &&
    [ "$(grep '^[a-z_]*:$' "$TMP/out" | tr -d '\n')" = "chart:time_limits:nodes:options:fields:actions:texts:" ]; then
    ok
else
    bad "text: groups or line count"
    sed 's/^/    /' "$TMP/out" >&2
fi

# The other way round: added and removed swap, positions on the new NEW (base.json).
run diff changed.json base.json
expect "reverse" 0 out "node ids: 7 kept, 1 added, 2 BROKEN" \
    "  base.json:66:5: node \"done-bad\": added (end)" \
    "  changed.json:50:5: node \"kb2\": removed (kb): id BROKEN" \
    "  base.json:24:9: node \"ask\" option \"bye\": added, goes to \"done-bad\""

# Identical charts (also with nodes and keys in another order): no changes, nothing on stderr.
for pair in "base.json base.json" "base.json shuffled.json" "shuffled.json base.json"; do
    # shellcheck disable=SC2086  # two file names
    run diff $pair
    expect "identical $pair" 0 out ": no changes"
    if [ -s "$TMP/err" ]; then bad "identical $pair: stderr"; else ok; fi
done

# A locale dropped is one change.
run diff base.json locales.json
expect "locales" 0 out "1 change" "  locales.json: chart: locales: en, da -> en"

# JSON: parses, has the documented keys, and agrees with itself.
check_json() { # FILE: the JSON report to check; python3 exits non-zero on any mismatch
    python3 - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"format", "old", "new", "identical", "version_increased", "node_ids", "counts",
                  "changes"}, d.keys()
assert d["version_increased"] == (d["new"]["version"] > d["old"]["version"])
assert d["format"] == 1
for side in ("old", "new"):
    assert set(d[side]) == {"file", "id", "version"}
keys = {"group", "op", "entity", "limit", "node", "item", "choice", "attr", "locale",
        "old", "new", "old_pos", "new_pos"}
groups = ["chart", "time_limits", "nodes", "options", "fields", "actions", "texts"]
order = []
for c in d["changes"]:
    assert set(c) == keys, c
    assert c["op"] in ("added", "removed", "changed", "moved"), c
    assert c["group"] in groups
    order.append(groups.index(c["group"]))
    for p in ("old_pos", "new_pos"):
        assert c[p] is None or (c[p]["line"] >= 1 and c[p]["col"] >= 1), c
    assert c["op"] != "added" or c["old_pos"] is None
    assert c["op"] != "removed" or c["new_pos"] is None
assert order == sorted(order), "changes not grouped"
n = {op: sum(c["op"] == op for c in d["changes"]) for op in ("added", "removed", "changed", "moved")}
assert n == d["counts"], (n, d["counts"])
assert d["identical"] == (not d["changes"])
ids = d["node_ids"]
assert ids["broken"] == [c["node"] for c in d["changes"]
                         if c["entity"] == "node" and c["op"] == "removed"]
assert ids["added"] == [c["node"] for c in d["changes"]
                        if c["entity"] == "node" and c["op"] == "added"]
print(json.dumps(d, ensure_ascii=False))
EOF
}

run diff --json base.json changed.json
expect "json" 0 out '"changes": ['
if check_json "$TMP/out" >"$TMP/json"; then ok; else bad "json: schema"; fi
if python3 - "$TMP/json" <<'EOF'; then ok; else bad "json: values"; fi
import json, sys
d = json.loads(open(sys.argv[1]).read())
assert d["old"] == {"file": "base.json", "id": "diff-demo", "version": 1}
assert d["node_ids"] == {"kept": 7, "broken": ["done-bad"], "added": ["kb2", "done-later"]}
assert len(d["changes"]) == 43
want = {"group": "options", "op": "moved", "entity": "option", "limit": None, "node": "ask",
        "item": "info", "choice": None, "attr": "target", "locale": None, "old": "kb",
        "new": "kb2", "old_pos": {"line": 23, "col": 77}, "new_pos": {"line": 21, "col": 77}}
assert want in d["changes"], [c for c in d["changes"] if c["item"] == "info"]
t = [c for c in d["changes"] if c["group"] == "texts" and c["node"] == "done"]
assert t == [{"group": "texts", "op": "changed", "entity": "node", "limit": None, "node": "done",
              "item": None, "choice": None, "attr": "title", "locale": "da", "old": "Færdig",
              "new": "Færdig!", "old_pos": {"line": 65, "col": 5},
              "new_pos": {"line": 65, "col": 5}}], t
EOF

run diff --json base.json shuffled.json
expect "json identical" 0 out '"identical": true'
if check_json "$TMP/out" >/dev/null; then ok; else bad "json identical: schema"; fi

# Texts with quotes, backslashes, tabs and newlines survive both outputs.
python3 - base.json "$TMP/quotes.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["nodes"][0]["title"]["en"] = 'Say "hi"\\ \tthen\nwait'
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
EOF
run diff --json base.json "$TMP/quotes.json"
expect "json escapes" 0 out '"new": "Say \"hi\"\\ \tthen\nwait"'
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["changes"][0]["new"] == "Say \"hi\"\\ \tthen\nwait"' "$TMP/out"; then ok; else bad "json escapes: value"; fi
run diff base.json "$TMP/quotes.json"
expect "same version" 0 err "quotes.json changes the chart but its version (1) is not higher than the old one (1)"
expect "text escapes" 0 out 'node "start": title [en]: "Start" -> "Say \"hi\"\\ '$'\t''then\nwait"'

# A node id reused for another kind: refused at NEW's "id" key, nothing on stdout.
run diff base.json kind.json
refused "kind changed" 1 \
    'kind.json:21:6: error: $.nodes[2].id: node "kb": this id is of kind "kb" in base.json:51:5 (version 1) and of kind "step" here' \
    "kind.json:24:7: error: \$.nodes[4].id: node \"done\"" "[kind-changed]"
run diff --json kind.json base.json
refused "kind changed, reversed" 1 "base.json:51:6: error: \$.nodes[3].id" "[kind-changed]"

# Bad input: the loader's findings, exit 1; unreadable: exit 3; both sides are reported.
run diff base.json ../bad/dup-node.json
refused "bad NEW" 1 "../bad/dup-node.json:" "[duplicate-id]"
run diff ../bad/dup-node.json "$TMP/none.json"
refused "bad OLD, missing NEW" 3 "../bad/dup-node.json:" "none.json" "[unreadable]"

# "-" reads one side from standard input, named <stdin> in the report and in findings.
rc=0
"$FFCTL" diff - changed.json <base.json >"$TMP/out" 2>"$TMP/err" || rc=$?
expect "stdin OLD" 0 out "<stdin> (diff-demo version 1) -> changed.json (diff-demo version 2): 43 changes" \
    "  <stdin>:66:5: node \"done-bad\": removed (end): id BROKEN"
rc=0
printf '{"format": 1,\n' | "$FFCTL" diff base.json - >"$TMP/out" 2>"$TMP/err" || rc=$?
refused "stdin bad" 1 "<stdin>:2:1: error: \$: malformed JSON" "[json-syntax]"
run diff - -
refused "stdin twice" 2 "only one of OLD and NEW can be read from standard input"

# Usage.
run diff
refused "no files" 2 "usage: ffctl diff"
run diff base.json
refused "one file" 2 "usage: ffctl diff"
run diff base.json changed.json base.json
refused "three files" 2 "ffctl diff: unexpected argument 'base.json'"
run diff --jsn base.json changed.json
refused "unknown option" 2 "ffctl diff: unknown option '--jsn'"
run diff --help
expect "help" 0 out "usage: ffctl diff [--json] OLD NEW" "exit: 0 compared"
run diff -- base.json changed.json
expect "--" 0 out "43 changes"
run --help
expect "listed" 0 out "diff OLD NEW [--json]"

# A real chart: every shipped chart against itself, then order.json against an edited copy.
for f in "$SRC"/assets/flowcharts/*.json; do
    run diff "$f" "$f"
    expect "$(basename "$f") itself" 0 out ": no changes"
done
python3 - "$SRC/assets/flowcharts/order.json" "$TMP/order.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["version"] += 1
nodes = {n["id"]: n for n in c["nodes"]}
nodes["check-stock"]["options"][2]["label"]["es"] = "Descatalogado"
nodes["order-item"]["fields"][1]["max"] = 99
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False, indent=2)
EOF
run diff "$SRC/assets/flowcharts/order.json" "$TMP/order.json"
expect "order v+1" 0 out "3 changes" "node ids: " "0 broken" \
    "order.json: chart: version: " \
    "node \"check-stock\" option \"discontinued\": label [es]: \"Ya no se comercializa\" -> \"Descatalogado\"" \
    "node \"order-item\" field \"quantity\": max: 50 -> 99"
# The committed version against the edited copy, as an author would run it (in a git tree).
if git -C "$SRC" rev-parse --verify -q HEAD:assets/flowcharts/order.json >/dev/null 2>&1; then
    rc=0
    git -C "$SRC" show HEAD:assets/flowcharts/order.json |
        "$FFCTL" diff --json - "$TMP/order.json" >"$TMP/out" 2>"$TMP/err" || rc=$?
    expect "git show | diff" 0 out '"file": "<stdin>"'
    if check_json "$TMP/out" >/dev/null; then ok; else bad "git show | diff: schema"; fi
fi

finish

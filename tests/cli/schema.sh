#!/usr/bin/env bash
# Checks every shipped chart (assets/flowcharts/*.json) against the JSON Schema
# (docs/flowchart-format.schema.json), and that the schema itself refuses a few bad charts.
# Needs python3 with jsonschema (Debian: python3-jsonschema); fails, not skips, without it.
set -uo pipefail
src=${FF_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src" || exit 1
# Debian's interpreter is the one python3-jsonschema installs into; a python3 earlier on
# PATH (pyenv, a venv) may lack it.
py=/usr/bin/python3
[ -x "$py" ] || py=python3

if ! "$py" -c 'import jsonschema' 2>/dev/null; then
    echo "schema.sh: python3-jsonschema is missing (scripts/install-deps installs it)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

"$py" - docs/flowchart-format.schema.json assets/flowcharts/*.json <<'PY'
import copy, json, sys
import jsonschema

schema_path, charts = sys.argv[1], sys.argv[2:]
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
passed = failed = 0

def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}{': ' + detail if detail else ''}")

try:
    jsonschema.Draft202012Validator.check_schema(schema)
    check("schema is valid 2020-12", True)
except jsonschema.SchemaError as e:
    check("schema is valid 2020-12", False, e.message)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1)
v = jsonschema.Draft202012Validator(schema)

check("charts found", len(charts) > 0, "no assets/flowcharts/*.json")
for path in charts:
    with open(path, encoding="utf-8") as f:
        chart = json.load(f)
    errs = sorted(v.iter_errors(chart), key=lambda e: list(e.absolute_path))
    check(path, not errs, "; ".join(
        "$." + ".".join(map(str, e.absolute_path)) + ": " + e.message[:200] for e in errs[:5]))

# The schema must refuse what the format forbids. Each mutation starts from a small good chart.
good = {
    "format": 1, "id": "t", "version": 1, "title": {"en": "T"}, "category": "test",
    "audience": "kiosk", "touchpoints": ["kiosk"], "locales": ["en"],
    "nodes": [
        {"id": "s", "kind": "start", "title": {"en": "S"}, "next": "d"},
        {"id": "d", "kind": "decision", "title": {"en": "D"}, "options": [
            {"id": "a", "label": {"en": "A"}, "target": "i"},
            {"id": "b", "label": {"en": "B"}, "target": "e"}]},
        {"id": "i", "kind": "input", "title": {"en": "I"}, "next": "x", "fields": [
            {"name": "n", "type": "number", "min": 1, "max": 5, "label": {"en": "N"}},
            {"name": "c", "type": "choice", "label": {"en": "C"},
             "choices": [{"id": "y", "label": {"en": "Y"}}]}]},
        {"id": "x", "kind": "action", "title": {"en": "X"}, "next": "e",
         "actions": [{"type": "escalate", "level": 2, "eta_minutes": 60}]},
        {"id": "e", "kind": "end", "title": {"en": "E"}, "outcome": "resolved", "success": True},
    ],
}
check("small good chart", v.is_valid(good), "; ".join(e.message for e in v.iter_errors(good)))
x_ok = copy.deepcopy(good); x_ok["x-editor"] = {"any": 1}; x_ok["nodes"][0]["x-pos"] = [1, 2]
x_ok["title"]["x-note"] = {"source": "seed"}
check("x- keys accepted", v.is_valid(x_ok))
opt = copy.deepcopy(good)
opt["nodes"][3]["actions"] = [{"type": "escalate", "level": 3}, {"type": "call_back"},
                              {"type": "request_visit"}, {"type": "record_outcome", "value": "escalated"}]
check("eta_minutes is optional", v.is_valid(opt), "; ".join(e.message for e in v.iter_errors(opt)))

def bad(name, mutate):
    c = copy.deepcopy(good)
    mutate(c)
    check("refuses " + name, not v.is_valid(c))

n = lambda c, i: c["nodes"][i]
bad("unknown top-level key", lambda c: c.update(colour="red"))
bad("unknown node key", lambda c: n(c, 0).update(colour="red"))
bad("format 2", lambda c: c.update(format=2))
bad("version 0", lambda c: c.update(version=0))
bad("bad id", lambda c: c.update(id="Kiosk Triage"))
bad("unknown audience", lambda c: c.update(audience="public"))
bad("empty touchpoints", lambda c: c.update(touchpoints=[]))
bad("repeated locale", lambda c: c.update(locales=["en", "en"]))
bad("text as a string", lambda c: c.update(title="T"))
bad("empty text", lambda c: c.update(title={"en": ""}))
bad("no start", lambda c: n(c, 0).update(kind="step"))
bad("two starts", lambda c: n(c, 4).update(kind="start", next="s") or [n(c, 4).pop(k) for k in ("outcome", "success")])
bad("start without next", lambda c: n(c, 0).pop("next"))
bad("unknown kind", lambda c: n(c, 0).update(kind="oval"))
bad("decision with one option", lambda c: n(c, 1)["options"].pop())
bad("decision with next", lambda c: n(c, 1).update(next="e"))
bad("input without fields", lambda c: n(c, 2).update(fields=[]))
bad("pattern on a number", lambda c: n(c, 2)["fields"][0].update(pattern="[0-9]+"))
bad("choices on a number", lambda c: n(c, 2)["fields"][0].update(choices=[{"id": "a", "label": {"en": "A"}}]))
bad("choice without choices", lambda c: n(c, 2)["fields"][1].pop("choices"))
bad("min on a date", lambda c: n(c, 2)["fields"].append({"name": "d", "type": "date", "min": 1, "label": {"en": "D"}}))
bad("unknown field type", lambda c: n(c, 2)["fields"][0].update(type="float"))
bad("field without label", lambda c: n(c, 2)["fields"][0].pop("label"))
bad("escalate level 5", lambda c: n(c, 3)["actions"][0].update(level=5))
bad("escalate without level", lambda c: n(c, 3)["actions"][0].pop("level"))
bad("negative eta", lambda c: n(c, 3)["actions"][0].update(eta_minutes=-1))
bad("unknown priority", lambda c: n(c, 3).update(actions=[{"type": "set_priority", "value": "asap"}]))
bad("value on create_case", lambda c: n(c, 3).update(actions=[{"type": "create_case", "value": "x"}]))
bad("record_outcome with a free word", lambda c: n(c, 3).update(actions=[{"type": "record_outcome", "value": "fixed"}]))
bad("repeated touchpoint", lambda c: c.update(touchpoints=["kiosk", "kiosk"]))
bad("non-locale key inside a text", lambda c: c.update(title={"en": "T", "note": "n"}))
bad("unknown action", lambda c: n(c, 3).update(actions=[{"type": "send_sms"}]))
bad("end without outcome", lambda c: n(c, 4).pop("outcome"))
bad("unknown outcome", lambda c: n(c, 4).update(outcome="done"))
bad("end with next", lambda c: n(c, 4).update(next="s"))
bad("kb without article", lambda c: c["nodes"].append({"id": "k", "kind": "kb", "title": {"en": "K"}, "next": "e"}))
bad("subchart without chart", lambda c: c["nodes"].append({"id": "k", "kind": "subchart", "title": {"en": "K"}, "next": "e"}))
bad("time limit of 0 s", lambda c: c.update(time_limits=[{"id": "t", "label": {"en": "T"}, "from": "s", "seconds": 0}]))
bad("unknown time-limit key", lambda c: c.update(time_limits=[{"id": "t", "label": {"en": "T"}, "from": "s", "seconds": 5, "until": "e"}]))

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY

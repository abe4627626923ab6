#!/usr/bin/env bash
# The content library that ships (PRODUCT.md, "the content library that ships"): exactly the
# ten charts, each with en/da/es, each valid with no errors and no warnings (--werror), alone
# and together (subcharts resolve), and each drawable by `ffctl export`.
#   FF_FFCTL=build/debug/ffctl FF_SOURCE_DIR=. bash tests/cli/shipped_charts.sh
set -uo pipefail
# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"

dir="$SRC/assets/flowcharts"

expected="after-sales-feedback complaint-escalation engineer-troubleshooting kiosk-triage
new-connection order payment service-request software-complaint technical-query"
expected=$(echo $expected | tr ' ' '\n' | sort)
found=$(cd "$dir" && ls -1 -- *.json 2>/dev/null | sed 's/\.json$//' | sort)
if [ "$found" = "$expected" ]; then ok; else
    bad "assets/flowcharts holds [$(echo $found)], expected [$(echo $expected)]"; fi

# Each file: its id is its name, it is version >= 1 and declares en, da and es.
for id in $expected; do
    f="$dir/$id.json"
    [ -f "$f" ] || { bad "$id: missing $f"; continue; }
    if python3 - "$f" "$id" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
problems = []
if c.get("id") != sys.argv[2]:
    problems.append(f"id is {c.get('id')!r}, not the file name")
for loc in ("en", "da", "es"):
    if loc not in c.get("locales", []):
        problems.append(f"locale {loc} not declared")
if not isinstance(c.get("version"), int) or c["version"] < 1:
    problems.append("version is not an integer >= 1")
for p in problems:
    print(f"{sys.argv[1]}: {p}")
sys.exit(1 if problems else 0)
PY
    then ok; else bad "$id: identity or locales"; fi
done

# Each chart alone (its subcharts are found beside it), with warnings as errors.
for id in $expected; do
    f="$dir/$id.json"
    [ -f "$f" ] || continue
    out=$("$FFCTL" validate --werror "$f" 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && ! grep -qE '(error|warning):' <<<"$out"; then ok; else
        bad "$id: ffctl validate --werror exit $rc"; echo "$out" | head -20; fi
done

# All together, as the library the devices load.
out=$("$FFCTL" validate --werror "$dir"/*.json 2>&1)
rc=$?
if [ $rc -eq 0 ] && ! grep -qE '(error|warning):' <<<"$out"; then ok; else
    bad "library: ffctl validate --werror exit $rc"; echo "$out" | head -40; fi

# Kiosk buttons (decision options, choice labels) fit FF_KIOSK_LABEL_MAX (40) characters in
# every language, also in the charts the kiosk calls, which the validator does not hold to it.
if python3 - "$dir" <<'PY'; then ok; else bad "kiosk buttons longer than 40 characters"; fi
import json, glob, sys
long = []
for p in sorted(glob.glob(sys.argv[1] + "/*.json")):
    c = json.load(open(p, encoding="utf-8"))
    if "kiosk" not in c["touchpoints"]:
        continue
    for n in c["nodes"]:
        labels = [o["label"] for o in n.get("options", [])]
        labels += [ch["label"] for f in n.get("fields", []) for ch in f.get("choices", [])]
        long += [(c["id"], n["id"], loc, t) for l in labels for loc, t in l.items() if len(t) > 40]
for x in long:
    print("too long:", *x)
sys.exit(1 if long else 0)
PY

# Every chart draws, in every locale.
for id in $expected; do
    f="$dir/$id.json"
    [ -f "$f" ] || continue
    for loc in en da es; do
        svg="$TMP/$id.$loc.svg"
        if "$FFCTL" export "$f" --format svg --locale "$loc" -o "$svg" >"$TMP/err" 2>&1 \
            && [ -s "$svg" ] && grep -q '<svg' "$svg"; then ok; else
            bad "$id: ffctl export --format svg --locale $loc"; head -5 "$TMP/err"; fi
    done
done

finish

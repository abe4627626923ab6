#!/usr/bin/env bash
# chart_flows.sh - scripted walks through the shipped charts (issue 7, section 1): each
# answer file in tests/charts/flows/ walks one branch, and the transcript must pass the
# listed nodes in order, skip the ones that must not appear, and end with the outcome.
# Dates in answer files are written @IN_N_DAYS@ and filled in relative to today.
#   FF_FFCTL=build/debug/ffctl FF_SOURCE_DIR=. bash tests/cli/chart_flows.sh
set -u

# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
charts="$SRC/assets/flowcharts"
flows="$SRC/tests/charts/flows"

# flow NAME CHART OUTCOME SUCCESS "NODES IN ORDER" ["NODES THAT MUST NOT APPEAR"]
flow() {
    local name=$1 chart=$2 outcome=$3 success=$4 nodes=$5 absent=${6:-}
    sed -e "s/@IN_7_DAYS@/$(date -d '+7 days' +%F)/g" \
        -e "s/@IN_30_DAYS@/$(date -d '+30 days' +%F)/g" \
        -e "s/@1_DAY_AGO@/$(date -d '-1 day' +%F)/g" "$flows/$name.txt" >"$TMP/$name.txt"
    rc=0
    # The real clock: dates are checked against today (--fake-clock starts in 1970).
    "$FFCTL" run "$charts/$chart.json" --answers "$TMP/$name.txt" \
        --transcript "$TMP/$name.json" >"$TMP/out" 2>&1 || rc=$?
    expect "$name" 0 out "outcome: $outcome ($success)"
    [ "$rc" -eq 0 ] || return
    if python3 - "$TMP/$name.json" "$nodes" "$absent" <<'PY'; then ok; else bad "$name: path"; fi
import json, sys
t = json.load(open(sys.argv[1]))
entered = [e["node"] for e in t if e["event"] == "enter"]
want, absent = sys.argv[2].split(), sys.argv[3].split()
it = iter(entered)
missing = [n for n in want if n not in it]  # consumes: checks order
if missing:
    sys.exit(f"not passed in order: {missing}; path: {' '.join(entered)}")
if set(absent) & set(entered):
    sys.exit(f"passed {sorted(set(absent) & set(entered))}; path: {' '.join(entered)}")
PY
}

# The gas question comes before any input, and the emergency end is not a success.
flow sr-gas-first service-request referred failure "incoming safety-check gas-emergency" \
    "identify record-details"
if python3 - "$TMP/sr-gas-first.json" <<'PY'; then ok; else bad "gas question not first"; fi
import json, sys
t = json.load(open(sys.argv[1]))
kinds = [e["kind"] for e in t if e["event"] == "enter"]
assert kinds[:2] == ["start", "decision"] and "input" not in kinds, kinds
PY
flow sr-no-engineer service-request case_created failure \
    "safety-check identify record-details urgency create-urgent-case engineer-available no-engineer no-engineer-call-back" \
    "choose-slot book-visit"
grep -q '"call_back"' "$TMP/sr-no-engineer.json" && ok || bad "sr-no-engineer: no call_back action"
flow sr-visit service-request resolved success \
    "safety-check identify record-details create-case engineer-available choose-slot book-visit open-account engineer-report report-outcome close-case case-closed" \
    "engineer-visit no-engineer"
expect "sr-visit: a past visit date is refused" 0 out "! Visit date: Enter a date on or after"

flow fb-low-score after-sales-feedback case_created success \
    "rate-now rate-score low-score low-score-contact contact-details arrange-contact thank-you-contact" \
    "rate-service"
flow fb-low-score-no-call after-sales-feedback case_created success \
    "rate-score low-score low-score-contact low-score-review low-score-noted" "contact-details"
flow fb-declined after-sales-feedback resolved success "rate-now no-feedback" "rate-score"

flow ce-director complaint-escalation referred failure \
    "record-complaint open-complaint first-level to-senior senior-resolved senior-overdue to-manager manager-resolved to-director director-resolved final-answer"
if python3 - "$TMP/ce-director.json" <<'PY'; then ok; else bad "ce-director: overdue notice"; fi
import json, sys
t = json.load(open(sys.argv[1]))
acts = [e for e in t if e["node"] == "senior-overdue" and e["event"] == "next"]
assert acts and [a["type"] for a in acts[0]["actions"]][0] == "call_back", acts
PY

flow nc-accept-offer new-connection visit_requested success \
    "application application-sent application-complete missing-fields complete-now missing-part complete-address application-complete register-application process-application supply-check send-offer offer-accepted book-connection connection-booked" \
    "complete-contact complete-connection"
flow nc-offer-declined new-connection resolved failure \
    "application-sent register-application send-offer offer-accepted offer-declined" "book-connection"

flow order-replacement order case_created success \
    "order-item check-stock replacement accept-replacement delivery place-order order-placed" \
    "substitute-item"
flow order-back-order order case_created success \
    "out-of-stock back-order-contact back-order back-ordered"

flow et-pressure engineer-troubleshooting resolved success \
    "safety-check fault-reading diagnose isolate replace-part test-run report signature outcome close-case"

# Rules the runner enforces from the field definitions (checked here on the charts, so a
# later edit cannot drop them): visit and connection dates are never in the past, and the
# connection postcode is a postcode field for the chart's countries.
if python3 - "$charts" <<'PY'; then ok; else bad "date and postcode rules"; fi
import json, sys
d = sys.argv[1]
def field(chart, node, name):
    c = json.load(open(f"{d}/{chart}.json"))
    n = [n for n in c["nodes"] if n["id"] == node][0]
    return c, [f for f in n["fields"] if f["name"] == name][0]
for chart, node, name in [("service-request", "choose-slot", "visit_date"),
                          ("new-connection", "application", "date_wanted"),
                          ("new-connection", "complete-connection", "date_wanted"),
                          ("order", "delivery", "date_wanted")]:
    c, f = field(chart, node, name)
    assert f.get("min_days", -1) >= 0, (chart, node, name)
c, f = field("new-connection", "application", "postcode")
assert f["type"] == "postcode" and "pattern" not in f and c.get("countries"), f
PY

finish

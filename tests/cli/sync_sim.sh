#!/usr/bin/env bash
# sync_sim.sh - the randomized simulation: N devices (two desks, kiosks of sites A and B,
# engineers eng-1 and eng-2, ...) against one fieldflow-server, once on SQLite and once on
# PostgreSQL (FF_SIM_BACKEND=sqlite or pg: only that one), for FF_SIM_STEPS steps. Each step one device, picked at random, goes
# offline or online, creates customers and cases, edits fields of what it has (edits that
# do not see each other conflict), requests a visit in one of few slots of an engineer
# (double bookings), or syncs if online. Every device has its own clock skew (up to 2 h
# either way, through the hlc it stamps). At the end everyone comes online and syncs until
# quiet; then
#   - the two desks and the server's fold are equal (sorted dump and log), every other
#     replica holds only rows the server holds, no replica holds an event twice;
#   - every field edited by two or more edits that did not see each other is listed as a
#     conflict exactly once on each desk and on the server, and nothing else is;
#   - every slot asked for is confirmed exactly once and no request is left undecided;
#   - no kiosk holds a customer or case made outside its site, no engineer a case that is
#     neither assigned to them nor has a visit requested for them.
# The seed is printed; FF_SIM_SEED=N replays the same choices.
set -u

# shellcheck source=lib/sync.sh
. "$(dirname "$0")/lib/sync.sh"
need_server

SEED=${FF_SIM_SEED:-$(($(date +%s%N) % 1000000))}
STEPS=${FF_SIM_STEPS:-$([ -n "${ASAN_OPTIONS:-}" ] && echo 60 || echo 120)} # ASan: 480 s at 120 steps
NDEV=${FF_SIM_DEVICES:-6}
echo "sync_sim: seed $SEED, $STEPS steps, $NDEV devices (replay: FF_SIM_SEED=$SEED)"

# simulate NAME: the whole simulation against a fresh server (SRV_DB_URL picks the backend).
simulate() {
    local NAME=$1 i db eng s slots step key syncs conflicts_expected
    RANDOM=$SEED
    declare -A CREATED EDITS CREATOR INSCOPE CUSTOMER
    start_server "$NAME" || return
    # The devices: kind and argument of their enrolment code, their database, online or not.
    DEVS=()
    KIND=()
    for i in $(seq 0 $((NDEV - 1))); do
        case $((i % 6)) in
        0 | 1) KIND[i]="desk" ;;
        2) KIND[i]="kiosk --site A" ;;
        3) KIND[i]="kiosk --site B" ;;
        4) KIND[i]="engineer --engineer eng-1" ;;
        5) KIND[i]="engineer --engineer eng-2" ;;
        esac
        DEVS[i]=$TMP/$NAME-dev$i.db
        # shellcheck disable=SC2086 # the kind's words are separate arguments
        enrol "${DEVS[i]}" ${KIND[i]} || return
        set_skew "${DEVS[i]}" $(((RANDOM % 14400 - 7200) * 1000))
    done
    ONLINE=()
    for i in "${!DEVS[@]}"; do ONLINE[i]=1; done

    # Eng-1 and eng-2 publish three slots each (from their own devices when they exist, else
    # from the first desk) and sync them at once, so every request meets published slots.
    DAY=$((($(date +%s) / 86400 + 2) * 86400000))
    SLOTS=("$((DAY + 8 * 3600000))" "$((DAY + 10 * 3600000))" "$((DAY + 13 * 3600000))")
    for eng in eng-1 eng-2; do
        db=${DEVS[0]}
        for i in "${!DEVS[@]}"; do [[ ${KIND[i]} == *"$eng" ]] && db=${DEVS[i]}; done
        slots=""
        for s in "${SLOTS[@]}"; do slots="$slots${slots:+,}{\"start\":$s,\"end\":$((s + 3600000))}"; done
        ev "$db" engineer.availability_published "$eng" "{\"slots\":[$slots]}"
        ev_commit "$db"
        sync_dev "$db"
        [ "$rc" -eq 0 ] || bad "$NAME: $eng's availability did not sync: $(head -3 "$TMP/sync.err")"
    done

    # The ledger: what was created (with the creating event, the prev of every edit), and how
    # many edits each (entity, field) got: two or more = a conflict (edits name only the
    # created version, so none sees another).
    CREATED=()
    EDITS=()
    CREATOR=()
    INSCOPE=()
    NCUST=0
    NCASE=0
    NVISIT=0

    # known DB TABLE: the ids of TABLE's rows DB holds now.
    known() {
        "$FFCTL" db dump --db "$1" | grep "^$2|" | cut -d'|' -f2 | tr -d '"'
    }

    # step_create I: device I makes a customer and a case, assigned to a random engineer or, on
    # an engineer's device, to that engineer (a case it gave away would leave its scope, and its
    # copy would go stale: the scope rule, not a sync fault).
    step_create() {
        local db=${DEVS[$1]} c k eng=eng-$((RANDOM % 2 + 1))
        [[ ${KIND[$1]} == engineer* ]] && eng=${KIND[$1]##* }
        NCUST=$((NCUST + 1))
        NCASE=$((NCASE + 1))
        c=cust-$NCUST
        k=case-$NCASE
        ev "$db" customer.created "$c" "{\"name\":\"Sim $NCUST\",\"phone\":\"+45 $RANDOM\",\"site\":\"A\"}"
        CREATED[$c]=$EV_ID
        CREATOR[$c]=$1
        CREATOR[$k]=$1
        CUSTOMER[$k]=$c
        INSCOPE[$k]=" $eng "
        INSCOPE[$c]=" $eng "
        ev "$db" case.created "$k" "{\"touchpoint\":\"phone\",\"request_type\":\"service_request\",\"customer_id\":\"$c\",\"assignee\":\"$eng\",\"priority\":$((RANDOM % 4 + 1))}"
        CREATED[$k]=$EV_ID
        ev_commit "$db"
    }

    step_edit() {
        local db=$1 ids id field
        if [ $((RANDOM % 2)) -eq 0 ]; then
            mapfile -t ids < <(known "$db" customers | grep '^cust-')
            [ ${#ids[@]} -gt 0 ] || return 0
            id=${ids[RANDOM % ${#ids[@]}]}
            field=$([ $((RANDOM % 2)) -eq 0 ] && echo phone || echo email)
            ev "$db" customer.edited "$id" "{\"field\":\"$field\",\"value\":\"v$RANDOM$RANDOM\",\"prev\":[\"${CREATED[$id]}\"]}"
        else
            mapfile -t ids < <(known "$db" cases | grep '^case-')
            [ ${#ids[@]} -gt 0 ] || return 0
            id=${ids[RANDOM % ${#ids[@]}]}
            field=description
            ev "$db" case.field_edited "$id" "{\"field\":\"$field\",\"value\":\"d$RANDOM$RANDOM\",\"prev\":[\"${CREATED[$id]}\"]}"
        fi
        EDITS[$id/$field]=$((${EDITS[$id/$field]:-0} + 1))
        ev_commit "$db"
    }

    step_visit() {
        local db=$1 ids id s eng=eng-$((RANDOM % 2 + 1))
        mapfile -t ids < <(known "$db" cases | grep '^case-')
        [ ${#ids[@]} -gt 0 ] || return 0
        id=${ids[RANDOM % ${#ids[@]}]}
        s=${SLOTS[RANDOM % ${#SLOTS[@]}]}
        NVISIT=$((NVISIT + 1))
        INSCOPE[$id]="${INSCOPE[$id]} $eng "
        INSCOPE[${CUSTOMER[$id]}]="${INSCOPE[${CUSTOMER[$id]}]} $eng "
        ev "$db" visit.requested "visit-$NVISIT" "{\"case_id\":\"$id\",\"engineer_id\":\"$eng\",\"start\":$s,\"end\":$((s + 3600000))}"
        ev_commit "$db"
    }

    syncs=0
    for step in $(seq "$STEPS"); do
        i=$((RANDOM % NDEV))
        db=${DEVS[i]}
        case $((RANDOM % 10)) in
        0) ONLINE[i]=$((1 - ONLINE[i])) ;;
        1 | 2) step_create "$i" ;;
        3 | 4) step_edit "$db" ;;
        5) step_visit "$db" ;;
        *)
            if [ "${ONLINE[i]}" -eq 1 ]; then
                sync_dev "$db"
                syncs=$((syncs + 1))
                [ "$rc" -eq 0 ] && ok || bad "$NAME: step $step: sync of dev$i exited $rc: $(head -3 "$TMP/sync.err")"
            fi
            ;;
        esac
    done
    conflicts_expected=0
    for key in "${!EDITS[@]}"; do [ "${EDITS[$key]}" -ge 2 ] && conflicts_expected=$((conflicts_expected + 1)); done
    echo "sync_sim: $NAME: $NCUST customers, $NCASE cases, $NVISIT visit requests, $syncs syncs," \
        "$conflicts_expected conflicts made"

    sync_quiet "${DEVS[@]}" && ok || bad "$NAME: the simulation did not settle"
    FOLD=$(server_fold "$NAME")
    converged "$NAME" "$FOLD" "${DEVS[@]:1}" "${DEVS[0]}"
    dump_of "${DEVS[1]}" "$TMP/desk2.dump"
    check "$NAME: the two desks are equal" cmp -s "$TMP/desk.dump" "$TMP/desk2.dump"

    # Conflicts: the expected (entity, field) pairs, each once, on each desk and the server.
    for key in "${!EDITS[@]}"; do
        [ "${EDITS[$key]}" -ge 2 ] && echo "\"entity_id\":\"${key%/*}\",\"field\":\"${key#*/}\""
    done | sort >"$TMP/conflicts.want"
    for db in "${DEVS[0]}" "${DEVS[1]}" "$FOLD"; do
        "$FFCTL" db conflicts --db "$db" | grep -o '"entity_id":"[^"]*","field":"[^"]*"' | sort >"$TMP/conflicts.got"
        if cmp -s "$TMP/conflicts.want" "$TMP/conflicts.got"; then ok; else
            bad "$NAME: conflicts on $(basename "$db") differ from the edits made (< made, > listed):"
            diff "$TMP/conflicts.want" "$TMP/conflicts.got" | head -10 >&2
        fi
    done

    # Double bookings: per (engineer, start) asked for, exactly one confirmed; none undecided.
    grep '^visits|"visit-' "$TMP/fold.dump" >"$TMP/visits"
    [ "$(wc -l <"$TMP/visits")" -eq "$NVISIT" ] && ok ||
        bad "$NAME: the server folded $(wc -l <"$TMP/visits") visits of $NVISIT requested"
    grep -q '"requested"' "$TMP/visits" && bad "$NAME: requests left undecided: $(grep -c '"requested"' "$TMP/visits")" || ok
    cut -d'|' -f4,5 "$TMP/visits" | sort -u | while IFS= read -r slot; do
        n=$(grep -F "|$slot|" "$TMP/visits" | grep -c '"confirmed"')
        [ "$n" -eq 1 ] || echo "slot $slot: $n confirmed"
    done >"$TMP/slots.bad"
    [ -s "$TMP/slots.bad" ] && bad "$NAME: double bookings not resolved: $(head -3 "$TMP/slots.bad")" || ok

    # Scope: what each kiosk and engineer holds of the simulation's customers and cases.
    local id owner
    for i in "${!DEVS[@]}"; do
        case ${KIND[i]} in
        kiosk*)
            for id in $(known "${DEVS[i]}" customers; known "${DEVS[i]}" cases); do
                [[ $id == cust-* || $id == case-* ]] || continue
                owner=${CREATOR[$id]:-}
                [ -n "$owner" ] && [ "${KIND[owner]}" = "${KIND[i]}" ] ||
                    bad "$NAME: dev$i (${KIND[i]}) holds $id, made by dev$owner (${KIND[owner]:-?})"
            done
            ;;
        engineer*)
            for id in $(known "${DEVS[i]}" customers; known "${DEVS[i]}" cases); do
                [[ $id == cust-* || $id == case-* ]] || continue
                [[ ${INSCOPE[$id]:-} == *" ${KIND[i]##* } "* ]] ||
                    bad "$NAME: dev$i (${KIND[i]}) holds $id, outside its scope"
            done
            ;;
        esac
    done
    ok
    stop_bg "$NAME"
}

if [ "${FF_SIM_BACKEND:-sqlite}" = sqlite ]; then
    simulate sqlite
fi
if [ "${FF_SIM_BACKEND:-pg}" = pg ]; then
    if [ -x "$SRC/tests/tools/pg_temp.sh" ]; then
        chmod 711 "$TMP" # the cluster runs as another user when we are root
        PG_DIR=$TMP/pg
        SRV_DB_URL=$("$SRC/tests/tools/pg_temp.sh" start "$PG_DIR") || bad "pg_temp.sh start"
        [ -n "$SRV_DB_URL" ] && simulate pg
        unset SRV_DB_URL
    else
        echo "note: tests/tools/pg_temp.sh missing: PostgreSQL not simulated here"
    fi
fi
finish

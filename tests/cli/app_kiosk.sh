#!/usr/bin/env bash
# app_kiosk.sh - every kiosk ending end to end in en, da and es (tests/app/ending_*.script),
# each checking the screen's language and the events the store holds afterwards; back.
set -u
# shellcheck source=lib/app.sh
. "$(dirname "$0")/lib/app.sh"

finish_word() { case $1 in en) echo Finish ;; da) echo Afslut ;; es) echo Terminar ;; esac; }
# the engine's own words: the remark without words (the customer's language) and the
# escalation's reason (the kiosk's --locale, for staff)
remark_word() { case $1 in en) echo 'step was confusing' ;; da) echo 'trin var forvirrende' ;; es) echo 'paso era confuso' ;; esac; }
reason_word() { case $1 in en) echo 'talk to a person' ;; da) echo 'tale med en person' ;; es) echo 'hablar con una persona' ;; esac; }

for lang in en da es; do
    for ending in information case visit escalated; do
        db="$TMP/$ending-$lang.db"
        # the ending screen speaks the customer's language
        sed "s/^tap end.finish$/expect-text $(finish_word "$lang")\ntap end.finish/" \
            "$SCRIPTS/ending_$ending.script" >"$TMP/s.script"
        app "$db" "$TMP/s.script" --locale "$lang"
        if [ "$rc" -ne 0 ]; then
            bad "$ending/$lang: exit $rc: $(cat "$TMP/err")"
            continue
        fi
        ok
        dump "$db"
        check "$ending/$lang: the run is recorded" has runs '"kiosk-triage"'
        check "$ending/$lang: its steps are recorded" has run_steps '"ask-request"'
        check "$ending/$lang: a rating" has feedback '\|[1-5]\|null\|[0-9]+$'
        case $ending in
        information)
            check "information/$lang: no case" bash -c "! grep -q '^cases|' '$TMP/dump'"
            check "information/$lang: the remark" has feedback "$(remark_word "$lang")"
            ;;
        case)
            check "case/$lang: a case with the answers" has cases '"technical_query".*Boiler noise'
            check "case/$lang: the phone in normal form" has cases '\+4512345678'
            ;;
        visit)
            check "visit/$lang: a service case" has cases '"service_request"'
            check "visit/$lang: the visit requested" has visits '"eng-anna"\|1796198400000\|[0-9]+\|"requested"'
            ;;
        escalated)
            check "escalated/$lang: an escalation" has escalations "$(reason_word "$lang")"
            check "escalated/$lang: a case" has cases '"kiosk"'
            ;;
        esac
    done
done

app "$TMP/back.db" "$SCRIPTS/back.script"
check "back: $(cat "$TMP/err")" test "$rc" -eq 0

finish

#!/usr/bin/env bash
# run.sh - `ffctl run` driven by --answers files and by stdin over the runner test charts:
# every node kind, refused input with localized messages, back/restart, subcharts, time
# limits, transcripts and exit codes.
set -u

# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
CHART="$SRC/tests/charts/runner/runner-main.json"

# run_answers NAME TEXT [ARGS...]: runs with TEXT as the --answers file.
run_answers() {
    printf '%s' "$2" >"$TMP/answers.txt"
    "$FFCTL" run "$CHART" --answers "$TMP/answers.txt" --fake-clock "${@:3}" >"$TMP/out" 2>&1
    rc=$?
}

# run_stdin TEXT [ARGS...]: the same answers through a pipe on stdin.
run_stdin() {
    printf '%s' "$1" | "$FFCTL" run "$CHART" --fake-clock "${@:2}" >"$TMP/out" 2>&1
    rc=$?
}

"$FFCTL" run --help >"$TMP/out" 2>&1; rc=$?
expect "help" 0 out "--answers FILE" "name=value" "back" "exit: 0"
"$FFCTL" run >"$TMP/out" 2>&1; rc=$?
expect "no file" 2 out "usage: ffctl run"
"$FFCTL" run "$CHART" --bogus >"$TMP/out" 2>&1; rc=$?
expect "bad option" 2 out "ffctl run: unknown option '--bogus'"
"$FFCTL" run "$TMP/missing.json" </dev/null >"$TMP/out" 2>&1; rc=$?
expect "missing file" 3 out "missing.json"
"$FFCTL" run "$CHART" --answers "$TMP/missing.txt" >"$TMP/out" 2>&1; rc=$?
expect "missing answers" 3 out "ffctl run: cannot read $TMP/missing.txt"
"$FFCTL" --help >"$TMP/out" 2>&1; rc=$?
expect "listed in ffctl --help" 0 out "run FILE [--locale L] [--answers FILE]"

# A decision by id, input as name=value pairs, an action, an end; transcript written.
run_answers "pairs" $'# comment\nnext\n\ncontact\nname=Ana\nphone=+45 1234 5678\nchannel=sms\nconsent=yes\n\nnext\n' \
    --transcript "$TMP/t.json"
expect "pairs" 0 out "actions: create_case, set_priority high, escalate level 2 (30 min)" \
    "outcome: case_created (success)"
if python3 - "$TMP/t.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
assert [e["seq"] for e in t] == list(range(1, len(t) + 1))
assert t[-1]["event"] == "end" and t[-1]["answer"] == "case_created"
sub = [e for e in t if e["event"] == "submit"][0]
assert sub["answer"] == {"name": "Ana", "phone": "+4512345678", "channel": "sms", "consent": "yes"}
act = [e for e in t if e["kind"] == "action" and e["event"] == "next"][0]
assert [a["type"] for a in act["actions"]] == ["create_case", "set_priority", "escalate"]
EOF
then ok; else bad "transcript content"; fi

# The same walk through stdin, options by number, one value per field in order.
run_stdin $'\n\n2\nAna\n+45 1234 5678\n\n\n\ncall\nno\n\n'
expect "stdin positional" 0 out "outcome: case_created (success)" "    2) Phone call" \
    "Contact by [required] > call"
if grep -q '\[sms\]\|sms|call' "$TMP/out"; then bad "choice ids shown"; else ok; fi

# Choices by their number or their label, in the run's language; stored as the id.
run_stdin $'\n\n2\nAna\n+45 1234 5678\n\n\n\nopkald\nJA\n\n' --locale da --transcript "$TMP/t3.json"
expect "choice by label" 0 out "Kontakt via [skal udfyldes] > opkald" "resultat: sag oprettet (lykkedes)"
check "choice label stored as id" grep -q '"channel":"call","consent":"yes"' "$TMP/t3.json"

# An empty answer at a decision asks again, saying what to type.
run_stdin $'\n\n\n1\n\n'
expect "empty choice" 0 out "! type an option's number (1-4)" "outcome: resolved (success)"

# kb node and a failure end.
run_stdin $'\n\n1\n\n'
expect "kb without a knowledge base" 0 out '(article "kb-opening-hours" is not in the knowledge base)' \
    "outcome: resolved (success)"
run_stdin $'\n\n1\n\n' --kb "$SRC/tests/charts/runner/kb" --locale da
expect "kb article" 0 out "  -- Åbningstider --" "  Mandag til fredag 8-17, lørdag 9-13." "resultat: løst"
run_stdin $'\n\n1\n\n' --kb "$TMP/nokb"
expect "kb dir missing" 3 out "ffctl run: knowledge base $TMP/nokb"
run_stdin $'\nnext\nother\n'
expect "failure end" 0 out "outcome: referred (failure)"

# Refused input is explained in the chart's locale, then asked again.
run_answers "da" $'\n\ncontact\nname=A\nphone=abc\nchannel=sms\nconsent=måske\n\n' --locale da
expect "da messages" 1 out "Navn: Skriv mindst 2 tegn." \
    "Telefon: Skriv et telefonnummer med 6 til 15 cifre, fx +45 12 34 56 78." \
    "! Må vi gemme dette?: Svar ja eller nej." \
    'Svarene sluttede, før forløbet gjorde: der kom ikke mere input ved "Dine oplysninger".'
if grep -q "ffctl run:" "$TMP/out"; then bad "end of input in C-ish words"; else ok; fi
run_answers "es" $'\n\ncontact\nname=\nphone=+34 91\nchannel=fax\nconsent=quizá\nemail=x\n\n' --locale es
expect "es messages" 1 out "Nombre: Este campo es obligatorio." \
    "Introduzca un número de teléfono de 6 a 15 cifras, p. ej. +34 612 34 56 78." \
    "Elija una de las opciones por su número o su nombre." "Responda sí o no." \
    "Introduzca una dirección de correo como nombre@ejemplo.es."
run_answers "wrong option" $'\n\nnope\n4\n'
expect "wrong option" 0 out '! "nope" is not one of the options; type a number from 1 to 4' \
    "outcome: referred"

# back and restart keywords, and b/r short forms.
run_answers "back" $'\n\ncontact\nback\nb\nb\n\n\n1\nrestart\n\nnext\nother\n'
expect "back restart" 0 out "outcome: referred (failure)"
run_answers "nothing to undo" $'back\n\n\nother\n'
expect "nothing to undo" 0 out "nothing to undo" "outcome: referred"

# Into the subchart and out to the caller's next node; back across the boundary.
run_answers "subchart" $'\n\nservice\n\n\nback\n\nyes\n' --locale es
expect "subchart" 0 out "[runner-sub v1] Diagnóstico" "¿Funciona ahora?" \
    "[runner-sub v1] Arreglado" "resultado: visita solicitada (éxito)"

# The 20 s answer limit breaks after 21 fake seconds of going back and forth.
steps=""
for _ in $(seq 11); do steps+=$'next\nback\n'; done
run_answers "limit" "$steps"$'next\nnext\nother\n' --transcript "$TMP/t2.json"
expect "limit" 0 out '! time limit "answer" exceeded' 'time limit "Answer the customer": exceeded'
if grep -q '"event":"limit_breached","time_ms":22000,"answer":null,"limit":"answer"' "$TMP/t2.json"; then
    ok
else
    bad "breach entry in transcript"
fi

# Running out of answers, quitting.
run_answers "ran out" $'\n'
expect "ran out" 1 out 'The answers ended before the run did: nothing more was typed at "Greet the customer".'
run_stdin $'\n\nq\n'
expect "quit" 1 out 'Stopped at "How can we help?"; the run was left unfinished.'

# A chart that does not load is refused with its findings.
mkdir -p "$TMP/broken"
printf '{"format": 1, "id": ' >"$TMP/broken/x.json"
"$FFCTL" run "$TMP/broken/x.json" </dev/null >"$TMP/out" 2>&1; rc=$?
expect "broken chart" 1 out "x.json"

finish

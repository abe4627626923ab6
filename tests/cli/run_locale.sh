#!/usr/bin/env bash
# run_locale.sh - `ffctl run` in Danish and Spanish through a chart with the localized
# inputs (tests/charts/runner/locale/): the gettext'd screen text, values as people type
# them and their normal forms in the transcript, a refused form asking again only for the
# fields that failed, min_days/max_days against the fake clock's date (1970-01-01 UTC),
# the knowledge-base article of a kb node, the end message of the called chart, and the
# end of input at a prompt said in words.
set -u

# shellcheck source=tests/cli/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
CHART="$SRC/tests/charts/runner/locale/locale-main.json"
KB="$SRC/tests/charts/runner/kb"

# walk NAME TEXT [ARGS...]: runs TEXT as the --answers file, with the fake clock.
walk() {
    printf '%s' "$2" >"$TMP/answers.txt"
    "$FFCTL" run "$CHART" --answers "$TMP/answers.txt" --fake-clock --kb "$KB" \
        --transcript "$TMP/t.json" "${@:3}" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    cat "$TMP/err" >>"$TMP/out"
}

# submitted KEY VALUE: the transcript's submit entry has KEY = VALUE.
# shellcheck disable=SC2317  # called through check
submitted() {
    python3 - "$TMP/t.json" "$1" "$2" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
sub = [e for e in t if e["event"] == "submit"]
sys.exit(0 if sub and sub[-1]["answer"].get(sys.argv[2]) == sys.argv[3] else 1)
PY
}

# Danish, one value per field, a refused form re-asking only its failed fields.
walk "da" $'\n12 34 56\n2100\n31.12.1969\n1.500\nja\neftermiddag\n12 34 56 78\n15-1-1970\n4,5\n\n\n1\n' --locale da
expect "da walk" 0 out "[Enter] fortsæt, b tilbage, r forfra, q afslut > " \
    "Telefon [skal udfyldes] > 12 34 56" "Er kedlen tændt? (ja/nej) [skal udfyldes] > ja" \
    "    2) Eftermiddag" \
    "! Telefon: Skriv et dansk telefonnummer med 8 cifre, fx 12 34 56 78 eller et spansk" \
    "! Besøgsdato: Skriv en dato den 01-01-1970 eller senere." \
    "! Tryk (bar): Skriv tallet uden tusindtalsseparator, fx 1200 eller 4,5." \
    "  -- Sådan nulstiller du kedlen --" "  Vent to minutter, før du prøver igen." \
    "[locale-sub v1] Kedlen virker igen." "[locale-main] Tak, vi kontakter dig." \
    "resultat: løst (lykkedes)"
# asked again: phone, date and pressure, and not postcode, yes/no or the choice
n=$(grep -c "^Postnummer \[skal udfyldes\] > " "$TMP/out")
check "postcode asked once ($n)" [ "$n" = 1 ]
n=$(grep -c "^Tidspunkt \[skal udfyldes\] > " "$TMP/out")
check "choice asked once ($n)" [ "$n" = 1 ]
n=$(grep -c "^Telefon \[skal udfyldes\] > " "$TMP/out")
check "phone asked twice ($n)" [ "$n" = 2 ]
n=$(grep -c "^Tryk (bar) > " "$TMP/out")
check "pressure asked twice ($n)" [ "$n" = 2 ]
check "da phone normalised" submitted phone "+4512345678"
check "da date normalised" submitted visit "1970-01-15"
check "da decimal comma" submitted pressure "4.5"
check "da yes" submitted working "yes"
check "da choice label stored as id" submitted slot "pm"
if grep -q "\[am\]\|\[pm\]\|am|pm" "$TMP/out"; then bad "choice ids shown"; else ok; fi

# Spanish, name=value pairs; the date beyond max_days, then accepted.
walk "es" $'\nphone=+34 612 34 56 78\npostcode=28001\nvisit=1/3/1970\nworking=SÍ\nslot=mañana\n\n31/01/1970\n\n\n2\n' --locale es
expect "es walk" 0 out "[Intro] continuar, b atrás, r reiniciar, q salir > " \
    "! Fecha de la visita: Introduzca una fecha igual o anterior al 31/01/1970." \
    "Fecha de la visita [obligatorio] > 31/01/1970" "  -- Cómo reiniciar la caldera --" \
    "elija (número) > 2" "[locale-sub v1] Un técnico irá en la fecha que eligió." \
    "resultado: resuelto (éxito)"
check "es phone normalised" submitted phone "+34612345678"
check "es date normalised" submitted visit "1970-01-31"
check "es yes" submitted working "yes"
check "es choice label" submitted slot "am"
n=$(grep -c "Teléfono \[obligatorio\] > " "$TMP/out")
check "es phone not asked again ($n)" [ "$n" = 1 ]

# A UK number and postcode in English; the default screen text is English.
walk "en" $'\n07700 900123\nsw1a 1aa\n1970-01-02\n\nno\n1\n\n\n1\n'
expect "en walk" 0 out "[Enter] continue, b back, r restart, q quit > " \
    "Is the boiler on? (yes/no) [required] > no" "outcome: resolved (success)"
check "en phone normalised" submitted phone "+447700900123"
check "en postcode normalised" submitted postcode "SW1A 1AA"

# End of input at a prompt: said in words, exit 1, no C-ish detail.
walk "eof da" $'\n12345678\n' --locale da
expect "eof da" 1 out \
    'Svarene sluttede, før forløbet gjorde: der kom ikke mere input ved "Dine oplysninger".'
if grep -q 'ffctl run:\|node "\|EOF\|errno' "$TMP/err"; then bad "eof message is C-ish"; else ok; fi
walk "eof es" $'\n' --locale es
expect "eof es" 1 out 'Las respuestas se acabaron antes que el recorrido: no se escribió nada más en "Sus datos".'
walk "eof en" ''
expect "eof en" 1 out 'The answers ended before the run did: nothing more was typed at "Welcome".'
# also at a re-asked field
walk "eof reask" $'\n1\n2100\n1970-01-02\n\nja\n1\n' --locale da
expect "eof reask" 1 out "! Telefon: Skriv et dansk telefonnummer" 'ved "Dine oplysninger"'

# The default knowledge base: the kb folder beside the chart's folder.
mkdir -p "$TMP/tree/charts" "$TMP/tree/kb"
cp "$SRC"/tests/charts/runner/locale/*.json "$TMP/tree/charts/"
cp "$KB"/*.json "$TMP/tree/kb/"
printf '\n12345678\n2100\n1970-01-02\n\nja\n1\n\n' | "$FFCTL" run "$TMP/tree/charts/locale-main.json" \
    --fake-clock --locale da >"$TMP/out" 2>&1; rc=$?
expect "kb beside the charts" 1 out "  -- Sådan nulstiller du kedlen --"
printf '{"format":1,"lang":"da","articles":[{"id":"x"}]}' >"$TMP/tree/kb/zz.json"
"$FFCTL" run "$TMP/tree/charts/locale-main.json" </dev/null >"$TMP/out" 2>&1; rc=$?
expect "broken kb refused" 1 out 'zz.json:1:37: $.articles[0]: "title" is missing'

finish

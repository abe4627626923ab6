# shellcheck shell=bash disable=SC2034  # sourced: the app tests use what it sets
# app.sh - helpers for the tests of the program `fieldflow` (tests/cli/app_*.sh), on top of
# common.sh: $APP (the binary, from FF_APP), $SCRIPTS (tests/app), and
#   app STORE SCRIPT [ARGS...]  run a --script against STORE (fresh if absent) under SDL's
#                               offscreen driver; stdout in $TMP/out, stderr $TMP/err, $rc
#   dump STORE                  `ffctl db dump` of STORE into $TMP/dump
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
APP=${FF_APP:?FF_APP must name the fieldflow binary}
SCRIPTS=$SRC/tests/app
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
export SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-dummy}
export XDG_CONFIG_HOME=$TMP/config
# Under ASan the suite asks for the slow unwinder (Graphviz's suppressions need it); the app
# never calls Graphviz, and every SDL/FreeType allocation unwinding slowly makes a script
# take minutes.
[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=1"

app() {
    local store=$1 script=$2
    shift 2
    rc=0
    "$APP" --store "$store" --script "$script" --screenshots "$TMP" --software --idle 60 "$@" \
        >"$TMP/out" 2>"$TMP/err" ||
        rc=$?
}

dump() {
    "$FFCTL" db dump --db "$1" >"$TMP/dump" 2>&1 || bad "ffctl db dump $1"
}

# has TABLE PATTERN: the dump has a row of TABLE matching the extended regex PATTERN
has() {
    grep -Eq "^$1\|.*$2" "$TMP/dump"
}

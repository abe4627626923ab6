# shellcheck shell=bash disable=SC2034  # sourced: the tests use what it sets
# common.sh - helpers shared by the tests/cli/*.sh tests (sourced, not run: CTest runs
# only tests/cli/*.sh, so this subfolder holds no test of its own).
#
# After sourcing: $FFCTL (the binary, from FF_FFCTL), $SRC (the source tree, from
# FF_SOURCE_DIR), $TMP (a private directory removed at exit), pass/fail counters, and
#   ok                        count a passed check
#   bad MESSAGE...            count a failed check and say why on stderr
#   check WHAT COMMAND...     run COMMAND; ok if it succeeds, else bad WHAT
#   run ARGS...               ffctl ARGS, stdout in $TMP/out, stderr in $TMP/err, code in $rc
#   expect NAME RC FILE NEEDLE...  the last run exited RC and $TMP/FILE holds every NEEDLE
#   refused NAME RC NEEDLE... the last run exited RC, said every NEEDLE on stderr and
#                             printed nothing on stdout (how every ffctl error must look)
#   finish                    print "N passed, N failed" and exit 0 only if none failed
# A test that needs its own exit trap calls cleanup_tmp from it.

FFCTL=${FF_FFCTL:?FF_FFCTL must name the ffctl binary}
SRC=${FF_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
TMP=$(mktemp -d)
cleanup_tmp() { rm -rf "$TMP"; }
trap cleanup_tmp EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL: $*" >&2
}

check() {
    local what=$1
    shift
    if "$@"; then ok; else bad "$what"; fi
}

run() {
    rc=0
    "$FFCTL" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
}

expect() {
    local name=$1 want=$2 file=$3
    shift 3
    if [ "$rc" -ne "$want" ]; then
        bad "$name: exit $rc, want $want"
        cat "$TMP/out" "$TMP/err" 2>/dev/null | sed 's/^/    /' >&2
        return
    fi
    for needle in "$@"; do
        if ! grep -qF -- "$needle" "$TMP/$file"; then
            bad "$name: $file lacks '$needle'"
            sed 's/^/    /' "$TMP/$file" >&2
            return
        fi
    done
    ok
}

refused() {
    local name=$1
    if [ -s "$TMP/out" ]; then
        bad "$name: printed on stdout"
        sed 's/^/    /' "$TMP/out" >&2
        return
    fi
    expect "$name" "$2" err "${@:3}"
}

finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit $?
}

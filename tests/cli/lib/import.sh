# shellcheck shell=bash
# import.sh - what the import corpus tests share: each file's result in the one-line form the
# .expect files write, and the comparison of a whole set against its .expect file.
# Sourced after common.sh (uses FFCTL, TMP, check).

# One line per file: "NAME ok", "NAME imported-but-invalid" or "NAME refused CODE LINE:COL".
import_result() {
    local file=$1 name=$2 out="$TMP/result.json"
    rm -f "$out"
    rc=0
    "$FFCTL" import "$file" -o "$out" >"$TMP/out" 2>"$TMP/err" || rc=$?
    if [ "$rc" -eq 0 ]; then
        if "$FFCTL" validate --quiet "$out" >/dev/null 2>&1; then
            echo "$name ok"
        else
            echo "$name imported-but-invalid"
        fi
        return
    fi
    [ -e "$out" ] && echo "$name wrote-output-despite-exit-$rc"
    local first
    first=$(grep -m1 ': error: ' "$TMP/err" |
        sed -nE 's/^.*:([0-9]+):([0-9]+): error: .*\[([a-z-]+)\]$/\3 \1:\2/p')
    echo "$name refused-exit-$rc ${first:-unlocated}" | sed 's/refused-exit-1 /refused /'
}

# import_corpus TAG EXPECT CORPORA LOCAL_PREFIX FILE...: every FILE's result (named
# corpora/... under CORPORA, LOCAL_PREFIX/basename otherwise) must be what EXPECT lists.
import_corpus() {
    local tag=$1 expect=$2 corpora=$3 prefix=$4 f name
    shift 4
    : >"$TMP/got"
    for f in "$@"; do
        [ -e "$f" ] || continue
        case "$f" in
        "$corpora"/*) name="corpora/${f#"$corpora"/}" ;;
        *) name="$prefix/$(basename "$f")" ;;
        esac
        import_result "$f" "$name" >>"$TMP/got"
    done
    grep -v '^#' "$expect" >"$TMP/want"
    check "every file imports or is refused as $(basename "$expect") says" \
        diff -u "$TMP/want" "$TMP/got"
    echo "$tag: $(grep -c ' ok$' "$TMP/got") of $(wc -l <"$TMP/got") real files import to a valid chart"
}

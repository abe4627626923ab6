#!/usr/bin/env bash
# symbols.sh - the library's public surface: every symbol libfieldflow exports starts with
# ff_ (internals are static or ff_<module>__name), the public headers stand alone and name
# no type of cJSON, Graphviz or SQLite, and those stay private to the library (ffctl's
# sources are compiled without Graphviz's include path).
set -euo pipefail
# shellcheck source=tests/cli/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

BUILD=${FF_BUILD_DIR:?FF_BUILD_DIR must name the build directory}
LIB="$BUILD/libfieldflow.a"
check "the library is built: $LIB" test -f "$LIB"

# Defined global symbols (code, data, bss, read-only); undefined and weak ones are imports.
nm -g --defined-only "$LIB" | awk 'NF == 3 && $2 ~ /^[TDBRC]$/ {print $3}' | sort -u >"$TMP/syms"
check "nm lists the library's symbols" test -s "$TMP/syms"
grep -v '^ff_' "$TMP/syms" >"$TMP/foreign" || true
if [ -s "$TMP/foreign" ]; then
    bad "exported without the ff_ prefix: $(tr '\n' ' ' <"$TMP/foreign")"
else
    ok
fi

for h in "$SRC"/include/fieldflow/*.h; do
    name=${h#"$SRC"/}
    if grep -nE 'cJSON|sqlite3|Agraph_t|Agnode_t|GVC_t|graphviz/|cjson/' "$h" |
        grep -vE '^[0-9]+: ?(/\*|\*)' >"$TMP/dep"; then
        bad "$name names a dependency's type: $(head -1 "$TMP/dep")"
    else
        ok
    fi
    # Stands alone with only include/ on the path: no dependency header is needed.
    if printf '#include "%s"\n' "${name#include/}" |
        "${CC:-cc}" -std=c17 -Wall -Wextra -Werror -fsyntax-only -I "$SRC/include" -x c - \
            2>"$TMP/cc"; then
        ok
    else
        bad "$name does not compile alone: $(head -3 "$TMP/cc")"
    fi
done

# ffctl links the library; Graphviz's include path must not reach ffctl's sources.
db="$BUILD/compile_commands.json"
check "compile_commands.json exists" test -f "$db"
if grep -E '"command".*src/ffctl/[a-z_]+\.c' "$db" | grep -q 'graphviz'; then
    bad "Graphviz's include path leaks into ffctl's compile commands"
else
    ok
fi

finish

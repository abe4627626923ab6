#!/usr/bin/env bash
# store_seam.sh - the storage seam (docs/internals/store.md): only the SQLite backend's files
# include sqlite3.h or call sqlite3_*, in the sources and in the built library's objects, so
# the fold and the merge rules reach storage only through store_backend.h.
set -euo pipefail
# shellcheck source=tests/cli/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

# The SQLite backend: the connection (open, migrations, statement cache, errors) and the
# operations of store_backend.h. A file added here must be storage, not rules.
SQLITE_FILES="store.c store_backend_sqlite.c"
is_backend() { case " $SQLITE_FILES " in *" $1 "*) return 0 ;; esac; return 1; }

n=0
for f in "$SRC"/src/lib/*.c "$SRC"/src/lib/*.h; do
    name=$(basename "$f")
    n=$((n + 1))
    is_backend "$name" && continue
    # comments may name SQLite; code may not
    if sed -e 's:/\*.*\*/::g' -e '/^ *\*/d' -e '/^ *\/\*/d' "$f" |
        grep -nE '#include *<sqlite3\.h>|sqlite3_[a-z_]+ *\(|SQLITE_[A-Z_]+' >"$TMP/hit"; then
        bad "$name uses SQLite outside the backend: $(head -1 "$TMP/hit")"
    else
        ok
    fi
done
check "the sources were found ($n files)" test "$n" -gt 20

BUILD=${FF_BUILD_DIR:?FF_BUILD_DIR must name the build directory}
LIB="$BUILD/libfieldflow.a"
check "the library is built: $LIB" test -f "$LIB"
nm -A --undefined-only "$LIB" | awk '$NF ~ /^sqlite3_/ {print $1}' |
    sed -E 's/^.*:([^:]+)\.o:$/\1/' | sort -u >"$TMP/users"
check "some object calls SQLite (the check sees calls)" test -s "$TMP/users"
while read -r obj; do
    if is_backend "$obj"; then ok; else bad "$obj.o calls sqlite3_* outside the backend"; fi
done <"$TMP/users"
# the fold, the merge rules and the seam's shared part call no SQLite
for f in store_fold.c store_fold_drive.c store_fold_erase.c store_fold_fields.c store_backend.c \
    store_log.c store_dump.c store_domain.c store_query.c store_check.c; do
    if grep -qx "$f" "$TMP/users"; then bad "$f.o calls SQLite"; else ok; fi
done

finish

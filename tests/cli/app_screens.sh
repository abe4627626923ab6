#!/usr/bin/env bash
# app_screens.sh - the UI-tree check (check-ui: target sizes and spacing, contrast, clipped
# text, missing glyphs, off screen) on every kiosk screen of tests/app/screens.script at
# 480x800, 1280x800 and 1920x1080, in each theme and language.
set -u
# shellcheck source=lib/app.sh
. "$(dirname "$0")/lib/app.sh"

for size in 480x800 1280x800 1920x1080; do
    for theme in normal high-contrast large-text; do
        for lang in en da es; do
            { echo "size $size"; echo "theme $theme"; cat "$SCRIPTS/screens.script"; } >"$TMP/s.script"
            app "$TMP/$size-$theme-$lang.db" "$TMP/s.script" --locale "$lang"
            check "$size $theme $lang: $(head -c 2000 "$TMP/err")" test "$rc" -eq 0
        done
    done
done

finish

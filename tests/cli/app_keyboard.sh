#!/usr/bin/env bash
# app_keyboard.sh - the on-screen keyboard in en, da and es at 480x800, 1280x800 and
# 1920x1080: the letters in the rows of a real keyboard (split in two near-equal lines where
# a row cannot fit at 48 px, i.e. at 480 px), every key of a row as wide as the others and
# the rows centred; Shift (one capital), a name starting with a capital by itself, long
# press for accents; check-ui on the keyboard, the accents and the digits page (their bottom
# lines scrolled into view); 480x800 also with larger text; the field and the whole keyboard
# visible without scrolling (expect-visible) at every size.
set -u
# shellcheck source=lib/app.sh
. "$(dirname "$0")/lib/app.sh"

rows_of() {
    case $1 in
    en) printf '%s\n' "q w e r t y u i o p" "a s d f g h j k l" "z x c v b n m" ;;
    da) printf '%s\n' "q w e r t y u i o p å" "a s d f g h j k l æ ø" "z x c v b n m" ;;
    es) printf '%s\n' "q w e r t y u i o p" "a s d f g h j k l ñ" "z x c v b n m" ;;
    esac
}

# expect ROW WIDE: expect-row and expect-centred lines for ROW (space-separated keys), whole
# when WIDE is 1, else in two lines, the first one the longer
expect() {
    local -a k
    read -ra k <<<"$1"
    local n=${#k[@]} parts=1 i from=0
    [ "$2" -eq 0 ] && [ "$n" -gt 7 ] && parts=2
    for ((p = 0; p < parts; p++)); do
        local count=$(((n - from + parts - p - 1) / (parts - p))) ids=""
        for ((i = from; i < from + count; i++)); do ids="$ids kb.${k[i]}"; done
        echo "expect-row$ids"
        echo "expect-centred q.field.name kb.${k[from]} kb.${k[from + count - 1]}"
        from=$((from + count))
    done
}

for run in 480x800/normal 480x800/large-text 1280x800/normal 1920x1080/normal; do
    size=${run%/*} theme=${run#*/} wide=1
    [ "$size" = 480x800 ] && wide=0
    for lang in en da es; do
        {
            echo "size $size"
            echo "theme $theme"
            echo "tap attract.start"
            echo "tap q.next"
            echo "tap q.opt.information"
            echo "tap q.opt.other"
            echo "tap q.field.question"
            echo "type Q"
            echo "tap q.submit"
            rows_of "$lang" | while read -r row; do expect "$row" "$wide"; done
            [ "$wide" = 1 ] && echo "expect-row kb.shift kb.backspace"
            # the field and the whole keyboard in sight without scrolling (issue 8)
            echo "expect-visible q.field.name kb.shift kb.space kb.backspace kb.mode"
            echo "check-ui"
            echo "tap kb.j"
            echo "tap kb.o"
            echo "tap kb.s"
            echo "hold kb.e"                          # long press: é ê... offered
            echo "check-ui"
            echo "tap kb.acc.é"
            echo "expect-text José"
            echo "expect-no-text JO"                  # Shift was one capital only
            echo "tap kb.shift"
            echo "tap kb.m"
            echo "tap kb.a"
            echo "expect-text JoséMa"
            echo "hold kb.n"
            echo "tap kb.acc.ñ"
            echo "hold kb.u"
            echo "tap kb.acc.ü"
            echo "expect-text JoséMañü"
            for _ in 1 2 3 4 5 6 7 8; do echo "tap kb.backspace"; done
            echo "tap kb.a"                           # empty again: a capital again
            echo "tap kb.n"
            echo "tap kb.a"
            echo "expect-text Ana"
            echo "tap kb.backspace"                   # the bottom line, scrolled into view
            echo "expect-text An"
            echo "check-ui"
            echo "tap kb.mode"
            echo "expect-row kb.1 kb.2 kb.3 kb.4 kb.5"
            echo "check-ui"
            echo "tap kb.7"
            echo "expect-text An7"
            echo "tap kb.space"
            echo "check-ui"
            echo "screenshot kb-$size-$theme-$lang"
            if [ "$wide" = 0 ]; then # folded header: one tap opens language and accessibility
                echo "expect-no-text English"
                echo "tap kiosk.a11y"
                echo "check-ui"
                echo "screenshot a11y-$size-$theme-$lang"
                echo "tap kiosk.lang.es"
                echo "tap kiosk.a11y.ok"
                echo "expect-text Idioma / Accesibilidad"
                echo "expect-visible q.field.name kb.space kb.backspace"
            else # landscape: the side panel as before
                echo "expect-visible kiosk.lang.en kiosk.lang.da kiosk.lang.es kiosk.read"
            fi
        } >"$TMP/k.script"
        app "$TMP/k-$size-$theme-$lang.db" "$TMP/k.script" --locale "$lang"
        check "$size $theme $lang: $(head -c 2000 "$TMP/err")" test "$rc" -eq 0
    done
done

finish

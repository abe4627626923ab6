/* ui_text.c - UTF-8 for the widgets: code points, graphemes, editing, wrapping, ellipsis.
 *
 * Text from outside (typing, the chart) may be any bytes; the editor keeps its buffer valid
 * UTF-8 at all times, with cursor and anchor on grapheme boundaries, so a half character is
 * never shown, stored or deleted. Graphemes here are a base code point plus what extends it:
 * combining marks, variation selectors, emoji modifiers, tags, and a code point after a
 * zero-width joiner; regional indicators pair into flags. That is a subset of UAX #29 that
 * covers the en/da/es text and emoji a kiosk sees, without Unicode tables.
 */
#include <string.h>

#include "ui_int.h"

/* The length of the valid UTF-8 sequence at s[i..len) and its code point, 0 if invalid. */
static size_t decode(const char *s, size_t len, size_t i, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s + i;
    size_t room = len - i, n;
    uint32_t c, min;
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    } else if ((p[0] & 0xE0) == 0xC0) {
        n = 2, c = p[0] & 0x1F, min = 0x80;
    } else if ((p[0] & 0xF0) == 0xE0) {
        n = 3, c = p[0] & 0x0F, min = 0x800;
    } else if ((p[0] & 0xF8) == 0xF0) {
        n = 4, c = p[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (room < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (p[k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

bool ui_utf8_valid(const char *s, size_t len)
{
    uint32_t cp;
    for (size_t i = 0, n; i < len; i += n)
        if ((n = decode(s, len, i, &cp)) == 0)
            return false;
    return true;
}

size_t ui_utf8_next(const char *s, size_t len, size_t i)
{
    uint32_t cp;
    if (i >= len)
        return len;
    size_t n = decode(s, len, i, &cp);
    return i + (n ? n : 1);
}

size_t ui_utf8_prev(const char *s, size_t i)
{
    size_t k = 0;
    while (i > 0 && k < 4) {
        i--, k++;
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            break;
    }
    return i;
}

static bool extends(uint32_t c)
{
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x0483 && c <= 0x0489) ||
           (c >= 0x0591 && c <= 0x05BD) || (c >= 0x0610 && c <= 0x061A) ||
           (c >= 0x064B && c <= 0x065F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
           (c >= 0x1DC0 && c <= 0x1DFF) || c == 0x200C || c == 0x200D ||
           (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE00 && c <= 0xFE0F) ||
           (c >= 0xFE20 && c <= 0xFE2F) || (c >= 0x1F3FB && c <= 0x1F3FF) ||
           (c >= 0xE0020 && c <= 0xE007F) || (c >= 0xE0100 && c <= 0xE01EF);
}

static bool regional(uint32_t c)
{
    return c >= 0x1F1E6 && c <= 0x1F1FF;
}

static uint32_t cp_at(const char *s, size_t len, size_t i)
{
    uint32_t cp = 0xFFFD;
    decode(s, len, i, &cp);
    return cp;
}

size_t ui_grapheme_next(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return len;
    uint32_t first = cp_at(s, len, i), prev = first;
    size_t j = ui_utf8_next(s, len, i);
    if (regional(first) && j < len && regional(cp_at(s, len, j)))
        j = ui_utf8_next(s, len, j);
    while (j < len) {
        uint32_t c = cp_at(s, len, j);
        if (!extends(c) && prev != 0x200D)
            break;
        prev = c;
        j = ui_utf8_next(s, len, j);
    }
    return j;
}

size_t ui_grapheme_prev(const char *s, size_t len, size_t i)
{
    size_t p = 0, q;
    while ((q = ui_grapheme_next(s, len, p)) < i && q > p)
        p = q;
    return i == 0 ? 0 : p;
}

/* The first grapheme boundary at or after i. */
static size_t snap_up(const char *s, size_t len, size_t i)
{
    size_t p = 0;
    while (p < i && p < len)
        p = ui_grapheme_next(s, len, p);
    return p < len ? p : len;
}

/* ---- editing ---- */

/* Drops invalid bytes and control characters (a field is one line) in place. */
static size_t sanitize(char *s, size_t len)
{
    size_t w = 0;
    uint32_t cp;
    for (size_t i = 0, n; i < len; i += n ? n : 1) {
        n = decode(s, len, i, &cp);
        if (n == 0 || cp < 0x20 || cp == 0x7F)
            continue;
        memmove(s + w, s + i, n);
        w += n;
    }
    return w;
}

void ui_edit_fix(struct ui_edit *e)
{
    e->len = strnlen(e->buf, e->cap - 1);
    e->len = sanitize(e->buf, e->len);
    e->buf[e->len] = '\0';
    e->cursor = snap_up(e->buf, e->len, e->cursor);
    e->anchor = snap_up(e->buf, e->len, e->anchor);
}

static void cut(struct ui_edit *e, size_t a, size_t b)
{
    memmove(e->buf + a, e->buf + b, e->len - b + 1);
    e->len -= b - a;
    e->cursor = e->anchor = a;
}

static bool cut_selection(struct ui_edit *e)
{
    if (e->cursor == e->anchor)
        return false;
    size_t a = e->cursor < e->anchor ? e->cursor : e->anchor;
    size_t b = e->cursor < e->anchor ? e->anchor : e->cursor;
    cut(e, a, b);
    return true;
}

bool ui_edit_insert(struct ui_edit *e, const char *s, size_t n)
{
    char tmp[UI_EVENT_TEXT];
    if (n > sizeof tmp)
        n = sizeof tmp;
    memcpy(tmp, s, n);
    n = sanitize(tmp, n);
    size_t room = e->cap - 1 - e->len +
                  (e->cursor > e->anchor ? e->cursor - e->anchor : e->anchor - e->cursor);
    while (n > room) /* cut at a code point boundary */
        n = ui_utf8_prev(tmp, n);
    if (n == 0)
        return false;
    cut_selection(e);
    memmove(e->buf + e->cursor + n, e->buf + e->cursor, e->len - e->cursor + 1);
    memcpy(e->buf + e->cursor, tmp, n);
    e->len += n;
    e->cursor = e->anchor = snap_up(e->buf, e->len, e->cursor + n);
    return true;
}

static void move_to(struct ui_edit *e, size_t to, bool select)
{
    e->cursor = to;
    if (!select)
        e->anchor = to;
}

bool ui_edit_key(struct ui_edit *e, enum ui_key key, unsigned mods)
{
    bool shift = mods & UI_MOD_SHIFT, sel = e->cursor != e->anchor;
    size_t lo = e->cursor < e->anchor ? e->cursor : e->anchor;
    size_t hi = e->cursor < e->anchor ? e->anchor : e->cursor;
    switch (key) {
    case UI_KEY_LEFT:
        move_to(e, sel && !shift ? lo : ui_grapheme_prev(e->buf, e->len, e->cursor), shift);
        return false;
    case UI_KEY_RIGHT:
        move_to(e, sel && !shift ? hi : ui_grapheme_next(e->buf, e->len, e->cursor), shift);
        return false;
    case UI_KEY_HOME:
        move_to(e, 0, shift);
        return false;
    case UI_KEY_END:
        move_to(e, e->len, shift);
        return false;
    case UI_KEY_SELECT_ALL:
        e->anchor = 0;
        e->cursor = e->len;
        return false;
    case UI_KEY_BACKSPACE:
        if (cut_selection(e))
            return true;
        if (e->cursor == 0)
            return false;
        cut(e, ui_grapheme_prev(e->buf, e->len, e->cursor), e->cursor);
        return true;
    case UI_KEY_DELETE:
        if (cut_selection(e))
            return true;
        if (e->cursor == e->len)
            return false;
        cut(e, e->cursor, ui_grapheme_next(e->buf, e->len, e->cursor));
        return true;
    default:
        return false;
    }
}

/* ---- wrapping and ellipsis ---- */

size_t ui_wrap(ui_measure_fn m, void *mu, const char *text, int size_px, enum ui_font_style st,
               int max_w, size_t *starts, size_t cap)
{
    size_t len = strlen(text), n = 0, i = 0;
    for (;;) {
        if (n < cap)
            starts[n] = i;
        n++;
        size_t j = i, next = len;
        while (j < len) {
            size_t k = j;
            while (k < len && text[k] != ' ' && text[k] != '\n')
                k++;
            if (m(mu, text + i, k - i, size_px, st) > max_w) {
                if (j > i) {
                    next = j;
                    break;
                }
                /* one word wider than the line: break it between graphemes */
                size_t g = ui_grapheme_next(text, len, i), h;
                while ((h = ui_grapheme_next(text, len, g)) <= k && h > g &&
                       m(mu, text + i, h - i, size_px, st) <= max_w)
                    g = h;
                next = g;
                break;
            }
            while (k < len && text[k] == ' ')
                k++;
            if (k < len && text[k] == '\n') {
                next = k + 1;
                break;
            }
            j = k;
        }
        if (next >= len)
            return n;
        i = next;
    }
}

bool ui_ellipsize(ui_measure_fn m, void *mu, const char *text, int size_px, enum ui_font_style st,
                  int max_w, char *out, size_t cap)
{
    static const char ell[] = "\xE2\x80\xA6"; /* U+2026 */
    size_t len = strlen(text), g = 0, h;
    if (cap == 0)
        return len > 0;
    if (m(mu, text, len, size_px, st) <= max_w && len < cap) {
        memcpy(out, text, len + 1);
        return false;
    }
    int ew = m(mu, ell, 3, size_px, st);
    while ((h = ui_grapheme_next(text, len, g)) > g && h + 3 < cap &&
           m(mu, text, h, size_px, st) + ew <= max_w)
        g = h;
    while (g > 0 && text[g - 1] == ' ')
        g--;
    memcpy(out, text, g);
    if (g + 3 < cap) {
        memcpy(out + g, ell, 3);
        g += 3;
    }
    out[g] = '\0';
    return true;
}

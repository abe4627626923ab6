/* app_keys.c - the on-screen keyboard (see app_keys.h).
 *
 * A pad is a few lines of keys. Widths are counted in half keys (a letter key is 2, Shift
 * and Delete 3, a key of width 0 takes what the widest line leaves, at least 2), so a line
 * of H half keys is H/2 * (key + gap) - gap wide whatever its mix: every letter key of a
 * page gets the same width and each line is centred on its own. The key width is what the
 * widest line allows, capped so a 1080p keyboard still looks like a keyboard; when even
 * 48 px keys do not fit, long rows are split and Shift and Delete move to the bottom line.
 * Nothing is kept between frames but struct app_keys_state, which the caller owns.
 */
#include <stdio.h>
#include <string.h>

#include "app_i18n.h"
#include "app_keys.h"

#define KEY_MIN 48  /* logical px: the smallest touch target */
#define KEY_GAP 8   /* logical px between keys */
#define KEY_MAX 80  /* logical px: the widest a key gets */
#define MAX_LINE 16 /* keys on one line */
#define MAX_LINES 10

enum key_kind { KEY_CHAR, KEY_ACCENT, KEY_SHIFT, KEY_MODE, KEY_SPACE, KEY_DELETE };

struct key {
    enum key_kind kind;
    char text[8]; /* KEY_CHAR: what it types, lower case */
    int half;     /* width in half keys; 0 = the rest of the widest line */
};

struct line {
    struct key keys[MAX_LINE];
    int n;
};

/* The rows of a page, top to bottom, then the bottom line's characters before and after
 * Space. NULL rows are absent. */
struct page {
    const char *rows[4];
    const char *pre, *post;
    bool shift, mode, space, accents;
};

enum app_pad app_pad_for(enum ff_field_type t)
{
    switch (t) {
    case FF_FIELD_NUMBER:
        return APP_PAD_NUMBER;
    case FF_FIELD_PHONE:
        return APP_PAD_PHONE;
    case FF_FIELD_EMAIL:
        return APP_PAD_EMAIL;
    default:
        return APP_PAD_TEXT;
    }
}

static struct page page_of(enum app_pad pad, const char *lang, bool digits)
{
    static const char *const digit_row = "1 2 3 4 5 6 7 8 9 0";
    static const char *const en[3] = {"q w e r t y u i o p", "a s d f g h j k l", "z x c v b n m"};
    static const char *const da[3] = {"q w e r t y u i o p å", "a s d f g h j k l æ ø",
                                      "z x c v b n m"};
    static const char *const es[3] = {"q w e r t y u i o p", "a s d f g h j k l ñ",
                                      "z x c v b n m"};
    bool comma = strcmp(lang, "en") != 0;
    switch (pad) {
    case APP_PAD_NUMBER:
        return (struct page){
            .rows = {"1 2 3", "4 5 6", "7 8 9", comma ? ", 0 -" : ". 0 -"}, .pre = "", .post = ""};
    case APP_PAD_PHONE:
        return (struct page){.rows = {"1 2 3", "4 5 6", "7 8 9"}, .pre = "+ 0", .post = ""};
    case APP_PAD_EMAIL:
        return (struct page){.rows = {digits ? digit_row : en[0],
                                      digits ? "+ ' & ! # % = ?" : en[1], digits ? NULL : en[2]},
                             .pre = "@ . - _",
                             .post = "",
                             .mode = true};
    case APP_PAD_TEXT:
        break;
    }
    if (digits)
        return (struct page){.rows = {digit_row, "@ & ( ) / + ? !", "- ' , . : ; #"},
                             .pre = "",
                             .post = "",
                             .mode = true,
                             .space = true};
    const char *const *r = !strcmp(lang, "da") ? da : !strcmp(lang, "es") ? es : en;
    return (struct page){.rows = {r[0], r[1], r[2]},
                         .pre = ",",
                         .post = ". -",
                         .shift = true,
                         .mode = true,
                         .space = true,
                         .accents = true};
}

void app_keys_upper(const char *letter, char out[8])
{
    snprintf(out, 8, "%s", letter);
    unsigned char c0 = (unsigned char)out[0], c1 = (unsigned char)out[1];
    if (c0 >= 'a' && c0 <= 'z' && !out[1])
        out[0] = (char)(c0 - 'a' + 'A');
    /* U+00E0..U+00FE (but U+00F7, the division sign) are the capitals U+00C0..U+00DE */
    else if (c0 == 0xC3 && c1 >= 0xA0 && c1 <= 0xBE && c1 != 0xB7 && !out[2])
        out[1] = (char)(c1 - 0x20);
}

/* The accented forms a long press on `base` offers, space-separated, or NULL. */
static const char *accents_of(const char *base)
{
    static const char *const table[][2] = {{"a", "á"}, {"e", "é"},   {"i", "í"},
                                           {"o", "ó"}, {"u", "ú ü"}, {"n", "ñ"}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (!strcmp(base, table[i][0]))
            return table[i][1];
    return NULL;
}

static void add(struct line *l, enum key_kind kind, const char *text, int half)
{
    if (l->n >= MAX_LINE)
        return;
    struct key *k = &l->keys[l->n++];
    k->kind = kind;
    snprintf(k->text, sizeof k->text, "%s", text ? text : "");
    k->half = half;
}

/* Adds the characters of a space-separated list, from the first to the count-th. */
static void add_chars(struct line *l, const char *p, int from, int count, enum key_kind kind)
{
    for (int i = 0; *p && i < from + count; i++) {
        size_t n = strcspn(p, " ");
        char key[8];
        snprintf(key, sizeof key, "%.*s", (int)(n < sizeof key ? n : sizeof key - 1), p);
        if (i >= from)
            add(l, kind, key, 2);
        p += n;
        p += strspn(p, " ");
    }
}

static int count_chars(const char *p)
{
    int n = 0;
    for (; *p; n++) {
        p += strcspn(p, " ");
        p += strspn(p, " ");
    }
    return n;
}

static int half_of(const struct line *l)
{
    int h = 0;
    for (int i = 0; i < l->n; i++)
        h += l->keys[i].half ? l->keys[i].half : 2;
    return h;
}

/* Splits the pad into lines for keys of at most `fit` half keys a line (0 = no limit);
 * `compact`: larger text, so a split pad's Space shows a symbol. */
static int build(const struct page *pg, int fit, bool compact, const struct app_keys_state *st,
                 struct line *lines)
{
    int nl = 0;
    memset(lines, 0, MAX_LINES * sizeof *lines);
    const char *acc = st->accent[0] ? accents_of(st->accent) : NULL;
    if (acc)
        add_chars(&lines[nl++], acc, 0, 8, KEY_ACCENT);
    int last = 0;
    for (int r = 0; r < 4 && pg->rows[r]; r++)
        last = r;
    bool moved = false; /* Shift and Delete go to the bottom line */
    for (int r = 0; r < 4 && pg->rows[r] && nl < MAX_LINES - 2; r++) {
        int n = count_chars(pg->rows[r]);
        bool edge = pg->mode && r == last; /* the row with Shift and Delete around it */
        if (edge && fit && 2 * n + 6 > fit)
            moved = true;
        int parts = fit && 2 * n > fit ? (2 * n + fit - 1) / fit : 1;
        for (int p = 0, from = 0; p < parts && nl < MAX_LINES - 1; p++) {
            int count = (n - from + parts - p - 1) / (parts - p); /* the first line longer */
            struct line *l = &lines[nl++];
            if (edge && !moved && pg->shift)
                add(l, KEY_SHIFT, NULL, 3);
            add_chars(l, pg->rows[r], from, count, KEY_CHAR);
            if (edge && !moved && p == parts - 1)
                add(l, KEY_DELETE, NULL, 3);
            from += count;
        }
    }
    struct line *d = &lines[nl++];
    if (pg->mode)
        add(d, KEY_MODE, NULL, 3);
    if (moved && pg->shift) /* a glyph: one key is enough, leaving Space room for its word */
        add(d, KEY_SHIFT, NULL, 2);
    add_chars(d, pg->pre, 0, 8, KEY_CHAR);
    if (pg->space) /* split and larger text: the word does not fit, the keyboard symbol does */
        add(d, KEY_SPACE, moved && compact ? "␣" : NULL, 0);
    add_chars(d, pg->post, 0, 8, KEY_CHAR);
    if (!pg->mode || moved)
        add(d, KEY_DELETE, NULL, pg->space || pg->mode ? 3 : 0);
    int room = pg->space ? 4 : 0; /* Space gets three keys' width, for its word */
    for (int j = d->n - 1; fit && j >= 0 && half_of(d) + room > fit; j--)
        if (d->keys[j].kind == KEY_CHAR) /* too narrow: the last characters are on page 2 */
            memmove(&d->keys[j], &d->keys[j + 1], (size_t)(--d->n - j) * sizeof d->keys[0]);
    return nl;
}

static bool append(char *buf, size_t cap, const char *s)
{
    size_t n = strlen(buf), m = strlen(s);
    if (n + m + 1 > cap)
        return false;
    memcpy(buf + n, s, m + 1);
    return true;
}

static void backspace(char *buf)
{
    size_t n = strlen(buf);
    while (n > 0) {
        unsigned char c = (unsigned char)buf[--n];
        if ((c & 0xC0) != 0x80)
            break;
    }
    buf[n] = '\0';
}

/* One key at r; returns true when buf changed. */
static bool key(struct ui *ui, const struct page *pg, const struct key *k, struct ui_rect r,
                struct app_keys_state *st, char *buf, size_t cap)
{
    char id[24], label[8];
    ui_layout_set_next(ui, r);
    switch (k->kind) {
    case KEY_SHIFT:
        if (ui_button(ui, "kb.shift", "⇧"))
            st->shift = !st->shift;
        return false;
    case KEY_MODE:
        if (ui_button(ui, "kb.mode", st->digits ? "abc" : "123")) {
            st->digits = !st->digits;
            st->accent[0] = '\0';
        }
        return false;
    case KEY_SPACE:
        return ui_button(ui, "kb.space", k->text[0] ? k->text : TR("Space")) &&
               append(buf, cap, " ");
    case KEY_DELETE:
        if (!ui_button(ui, "kb.backspace", "⌫") || !buf[0])
            return false;
        backspace(buf);
        return true;
    case KEY_CHAR:
    case KEY_ACCENT:
        break;
    }
    snprintf(id, sizeof id, k->kind == KEY_ACCENT ? "kb.acc.%s" : "kb.%s", k->text);
    if (st->shift)
        app_keys_upper(k->text, label);
    else
        snprintf(label, sizeof label, "%s", k->text);
    int res = pg->accents && accents_of(k->text) ? ui_button_hold(ui, id, label)
                                                 : (ui_button(ui, id, label) ? UI_RES_CLICK : 0);
    if (res & UI_RES_LONG_PRESS)
        snprintf(st->accent, sizeof st->accent, "%s", k->text);
    if (!(res & UI_RES_CLICK) || !append(buf, cap, label))
        return false;
    st->shift = false;
    st->accent[0] = '\0';
    return true;
}

/* The most half keys on one line, at least one key's worth. */
static int widest_of(const struct line *lines, int nl)
{
    int widest = 2;
    for (int i = 0; i < nl; i++)
        widest = half_of(&lines[i]) > widest ? half_of(&lines[i]) : widest;
    return widest;
}

/* One line, centred, keys w px wide (gap between), h logical px high; the key of width 0
 * makes the line `full` px wide. Returns true when buf changed. */
static bool draw_line(struct ui *ui, const struct page *pg, const struct line *l, int w, int h,
                      int full, struct app_keys_state *st, char *buf, size_t cap)
{
    int gap = ui_px(ui, KEY_GAP), fixed = 0;
    bool flex = false, changed = false;
    for (int j = 0; j < l->n; j++) {
        if (l->keys[j].half)
            fixed += l->keys[j].half * (w + gap) / 2 - gap;
        else
            flex = true;
    }
    int span = flex ? full : half_of(l) * (w + gap) / 2 - gap;
    struct ui_rect slot = ui_layout_take(ui, h);
    int x = slot.x + (slot.w - span) / 2;
    for (int j = 0; j < l->n; j++) {
        const struct key *k = &l->keys[j];
        int kw = k->half ? k->half * (w + gap) / 2 - gap : span - fixed - (l->n - 1) * gap;
        changed |= key(ui, pg, k, (struct ui_rect){x, slot.y, kw, slot.h}, st, buf, cap);
        x += kw + gap;
    }
    return changed;
}

bool app_keys(struct ui *ui, enum app_pad pad, const char *lang, bool name,
              struct app_keys_state *st, char *buf, size_t cap)
{
    if (pad != APP_PAD_TEXT || st->digits)
        st->shift = false;
    else if (name && !buf[0] && !st->auto_done)
        st->shift = st->auto_done = true; /* a name starts with a capital */
    if (buf[0])
        st->auto_done = false;
    struct page pg = page_of(pad, lang, st->digits && pad != APP_PAD_NUMBER);
    int avail = ui_layout_free(ui).w, gap = ui_px(ui, KEY_GAP), min = ui_px(ui, KEY_MIN);
    struct line lines[MAX_LINES];
    int nl = build(&pg, 0, false, st, lines), widest = widest_of(lines, nl);
    int w = 2 * (avail + gap) / widest - gap;
    if (w < min) { /* split: as many whole keys a line as fit */
        int fit = 2 * ((avail + gap) / (min + gap));
        bool large = ui_current_theme(ui)->text_scale > 1.0;
        nl = build(&pg, fit > 2 ? fit : 2, large, st, lines);
        widest = widest_of(lines, nl);
        w = 2 * (avail + gap) / widest - gap;
    }
    int max = ui_px(ui, KEY_MAX);
    w = w > max ? max : w < min ? min : w;
    int full = widest * (w + gap) / 2 - gap; /* the widest line's width */
    int h = w >= ui_px(ui, 56) ? 56 : KEY_MIN;
    bool changed = false;
    for (int i = 0; i < nl; i++)
        changed |= draw_line(ui, &pg, &lines[i], w, h, full, st, buf, cap);
    return changed;
}

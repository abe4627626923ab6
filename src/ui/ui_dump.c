/* ui_dump.c - the widget tree as text: what the script driver prints and reviewers read.
 *
 * One line per widget in call order, indented by its depth (list, dialog), with the facts a
 * test or a person checks: role, id, rect, shown text, colours and the state flags. The text
 * is quoted with " and \ escaped, so a line can be matched with a simple pattern.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui_int.h"

static const char *const role_names[] = {
    [UI_ROLE_LABEL] = "label",
    [UI_ROLE_BUTTON] = "button",
    [UI_ROLE_TOGGLE] = "toggle",
    [UI_ROLE_CHIP] = "chip",
    [UI_ROLE_TAB] = "tab",
    [UI_ROLE_PROGRESS] = "progress",
    [UI_ROLE_IMAGE] = "image",
    [UI_ROLE_TEXTFIELD] = "textfield",
    [UI_ROLE_LIST] = "list",
    [UI_ROLE_LIST_ITEM] = "list-item",
    [UI_ROLE_DIALOG] = "dialog",
    [UI_ROLE_TOAST] = "toast",
    [UI_ROLE_SIGNATURE] = "signature",
};

const char *ui_role_name(enum ui_role role)
{
    if ((unsigned)role < sizeof role_names / sizeof role_names[0] && role_names[role])
        return role_names[role];
    return "?";
}

struct out {
    char *p;
    size_t cap, len;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->len + n < o->cap)
        memcpy(o->p + o->len, s, n);
    o->len += n;
}

static void putf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct out *o, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(o, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void quoted(struct out *o, const char *s)
{
    put(o, "\"", 1);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            put(o, "\\", 1);
        put(o, s, 1);
    }
    put(o, "\"", 1);
}

static int depth(const struct ui_widget *w, size_t i)
{
    int d = 0;
    for (int p = w[i].parent; p >= 0 && d < 8; p = w[p].parent)
        d++;
    return d;
}

size_t ui_dump(const struct ui *ui, char *out, size_t cap)
{
    struct out o = {out, cap, 0};
    const struct ui_widget *w = ui->widgets;
    size_t last_line = 0;
    for (size_t i = 0; i < ui->nwidgets; i++) {
        for (int d = depth(w, i); d > 0; d--)
            put(&o, "  ", 2);
        putf(&o, "%s %s %d,%d %dx%d", ui_role_name(w[i].role), w[i].id, w[i].rect.x, w[i].rect.y,
             w[i].rect.w, w[i].rect.h);
        if (w[i].text && *w[i].text) {
            put(&o, " ", 1);
            quoted(&o, w[i].text);
            putf(&o, " fg #%02X%02X%02X bg #%02X%02X%02X", w[i].fg.r, w[i].fg.g, w[i].fg.b,
                 w[i].bg.r, w[i].bg.g, w[i].bg.b);
        }
        static const char *const flags[] = {" focused", " pressed", " checked", " clipped"};
        bool on[] = {w[i].focused, w[i].pressed, w[i].checked, w[i].text_clipped};
        for (size_t f = 0; f < sizeof on / sizeof on[0]; f++)
            if (on[f])
                put(&o, flags[f], strlen(flags[f]));
        put(&o, "\n", 1);
        if (o.len < cap)
            last_line = o.len;
    }
    if (cap > 0)
        out[o.len < cap ? o.len : last_line] = '\0';
    return o.len;
}

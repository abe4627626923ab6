/* ui_check.c - the UI-tree checker: what a reviewer would flag on a frame, by widget id.
 *
 * Works on a plain widget array so tests can check hand-made bad frames as well as real ones.
 * Rules: interactive widgets are at least 48x48 logical px and 8 logical px apart from each
 * other (same layer only: a dialog covers what is below it); text reaches the theme's
 * contrast; no text was ellipsized or cut; nothing visible lies outside the screen; no id is
 * used twice. A widget in a list (row, button, label) is judged on the part its viewport
 * shows: target size on the whole rect (a row half scrolled out is still a finger-sized
 * target), spacing and the screen on the visible part; one scrolled entirely out of the
 * viewport is not judged at all (the list hides it by design).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui_int.h"

struct sink {
    struct ui_finding *out;
    size_t cap, n;
};

static void add(struct sink *s, enum ui_finding_kind k, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add(struct sink *s, enum ui_finding_kind k, const char *id, const char *fmt, ...)
{
    if (s->n < s->cap) {
        struct ui_finding *f = &s->out[s->n];
        f->kind = k;
        snprintf(f->id, sizeof f->id, "%s", id);
        char what[160];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        snprintf(f->message, sizeof f->message, "%s: %s", id, what);
    }
    s->n++;
}

const char *ui_finding_name(enum ui_finding_kind k)
{
    switch (k) {
    case UI_FIND_TARGET_SIZE:
        return "target-size";
    case UI_FIND_SPACING:
        return "spacing";
    case UI_FIND_CONTRAST:
        return "contrast";
    case UI_FIND_CLIPPED:
        return "clipped";
    case UI_FIND_OFF_SCREEN:
        return "off-screen";
    case UI_FIND_DUPLICATE_ID:
        return "duplicate-id";
    }
    return "?";
}

static bool inside(struct ui_rect in, struct ui_rect r)
{
    return r.x >= in.x && r.y >= in.y && r.x + r.w <= in.x + in.w && r.y + r.h <= in.y + in.h;
}

/* The gap between two rects: negative if they overlap. */
static int gap(struct ui_rect a, struct ui_rect b)
{
    int gx = a.x > b.x ? a.x - (b.x + b.w) : b.x - (a.x + a.w);
    int gy = a.y > b.y ? a.y - (b.y + b.h) : b.y - (a.y + a.h);
    return gx > gy ? gx : gy;
}

/* Whether w sits in a list (its clip is the list's viewport). */
static bool in_list(const struct ui_widget *all, size_t n, const struct ui_widget *w)
{
    return w->parent >= 0 && (size_t)w->parent < n && all[w->parent].role == UI_ROLE_LIST;
}

/* The part of w that can be seen: its rect cut to its clip (the screen, or a list's viewport
 * where rows scroll out). */
static struct ui_rect visible(const struct ui_widget *w)
{
    return ui_intersect(w->rect, w->clip);
}

static bool empty(struct ui_rect r)
{
    return r.w <= 0 || r.h <= 0;
}

static void check_one(const struct ui_widget *w, bool listed, const struct ui_check_opts *o,
                      struct sink *s)
{
    /* inside a list, what the viewport hides is not off screen but scrolled away; elsewhere
     * the clip is the screen itself and says nothing */
    bool in_view = memcmp(&w->clip, &o->screen, sizeof w->clip) != 0;
    struct ui_rect vis = in_view ? visible(w) : w->rect;
    int min = (int)(48 * o->scale + 0.5);
    if (listed && empty(vis) && !empty(w->rect))
        return; /* scrolled out of its list's viewport: nobody can see or touch it */
    if (w->interactive && (w->rect.w < min || w->rect.h < min))
        add(s, UI_FIND_TARGET_SIZE, w->id, "%dx%d px, targets need %dx%d px (scale %.2f)",
            w->rect.w, w->rect.h, min, min, o->scale);
    if (w->text && *w->text && w->font_px > 0) {
        double c = ui_contrast(w->fg, w->bg);
        if (c + 1e-9 < o->min_contrast)
            add(s, UI_FIND_CONTRAST, w->id, "text contrast %.2f:1, the theme needs %.1f:1", c,
                o->min_contrast);
    }
    if (w->text_clipped)
        add(s, UI_FIND_CLIPPED, w->id, "text does not fit and was cut: \"%.60s\"", w->text);
    if (!empty(vis) && !inside(o->screen, vis))
        add(s, UI_FIND_OFF_SCREEN, w->id, "at %d,%d %dx%d, %s outside the %dx%d screen", vis.x,
            vis.y, vis.w, vis.h, empty(ui_intersect(vis, o->screen)) ? "entirely" : "partly",
            o->screen.w, o->screen.h);
    else if (!empty(w->rect) && empty(vis))
        add(s, UI_FIND_OFF_SCREEN, w->id, "at %d,%d %dx%d, not visible at all", w->rect.x,
            w->rect.y, w->rect.w, w->rect.h);
}

size_t ui_check_tree(const struct ui_widget *w, size_t n, const struct ui_check_opts *o,
                     struct ui_finding *out, size_t cap)
{
    struct sink s = {out, cap, 0};
    int min_gap = (int)(8 * o->scale + 0.5);
    for (size_t i = 0; i < n; i++) {
        check_one(&w[i], in_list(w, n, &w[i]), o, &s);
        for (size_t j = i + 1; j < n; j++) {
            if (w[i].id[0] && strcmp(w[i].id, w[j].id) == 0)
                add(&s, UI_FIND_DUPLICATE_ID, w[j].id, "used by widgets %zu and %zu", i, j);
            if (!w[i].interactive || !w[j].interactive || w[i].layer != w[j].layer)
                continue;
            /* spacing is what a finger meets: the parts a list's viewport shows */
            struct ui_rect a = visible(&w[i]), b = visible(&w[j]);
            if (empty(a) || empty(b))
                continue;
            int g = gap(a, b);
            if (g < min_gap)
                add(&s, UI_FIND_SPACING, w[j].id, "%d px from %s, targets need %d px between",
                    g < 0 ? 0 : g, w[i].id, min_gap);
        }
    }
    return s.n;
}

size_t ui_check(const struct ui *ui, struct ui_finding *out, size_t cap)
{
    struct ui_check_opts o = {ui_screen(ui), ui->scale, ui->theme->min_contrast};
    return ui_check_tree(ui->widgets, ui->nwidgets, &o, out, cap);
}

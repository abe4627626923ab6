/* ui_widgets.c - the simple widgets: label, button, toggle, choice chips, tabs, progress, image.
 *
 * Each call places itself (ui_layout_next), records itself in the widget tree, reacts to the
 * pointer and keys through ui_behave and emits its draw commands. Every target is at least
 * UI_TARGET logical px high and grows with its label, which wraps onto up to UI_TARGET_LINES
 * lines before it is ellipsized (ui_text_block, also used by list rows); colours come from the
 * theme pairs that ui_theme_pairs lists, so what the checker measures is what the theme test
 * proved.
 */
#include <stdio.h>
#include <string.h>

#include "ui_int.h"

#define LABEL_MAX 512 /* bytes of a target's label as shown; longer is ellipsized */

static struct ui_color text_bg(const struct ui *ui)
{
    return ui->layer == 1 ? ui->theme->surface : ui->theme->bg;
}

/* Records the text a widget shows (and how) on widget w; w < 0 is a widget that did not fit. */
static void text_widget(struct ui *ui, int w, const char *s, size_t n, int px, struct ui_color fg,
                        struct ui_color bg, bool cut)
{
    if (w < 0)
        return;
    struct ui_widget *wd = &ui->widgets[w];
    wd->text = ui_strdup_frame(ui, s, n);
    wd->fg = fg;
    wd->bg = bg;
    wd->font_px = px;
    wd->text_clipped = cut;
}

/* One line of text in r (centred or left-aligned), ellipsized; records it on widget w. */
static void text_in(struct ui *ui, int w, struct ui_rect r, const char *s, int px,
                    enum ui_font_style st, struct ui_color fg, struct ui_color bg, bool centre)
{
    char buf[LABEL_MAX];
    int pad = ui_px(ui, 12);
    bool cut =
        ui_ellipsize(ui->measure, ui->measure_user, s, px, st, r.w - 2 * pad, buf, sizeof buf);
    size_t n = strlen(buf);
    int tw = ui_measure(ui, buf, n, px, st);
    int x = centre ? r.x + (r.w - tw) / 2 : r.x + pad;
    ui_push_text(ui, x, r.y + (r.h - ui_line_h(px)) / 2, buf, n, px, st, fg);
    text_widget(ui, w, buf, n, px, fg, bg, cut);
}

int ui_target_lines(const struct ui *ui, const char *s, int px, enum ui_font_style st, int w)
{
    size_t starts[UI_TARGET_LINES];
    int maxw = w - 2 * ui_px(ui, 12);
    size_t len = strlen(s);
    /* the common cases first, since a 1,000-row list places every row each frame: short
     * enough that even 1 em a byte fits (no glyph of DejaVu or Noto is wider; were one, the
     * label would be cut and flagged, not hidden), or one measured line */
    if (!strchr(s, '\n') && ((int)len * px <= maxw || ui_measure(ui, s, len, px, st) <= maxw))
        return 1;
    size_t n = ui_wrap(ui->measure, ui->measure_user, s, px, st, maxw, starts, UI_TARGET_LINES);
    return n < 1 ? 1 : n > UI_TARGET_LINES ? UI_TARGET_LINES : (int)n;
}

int ui_target_h(const struct ui *ui, int font_px, int lines)
{
    int h = lines * ui_line_h(font_px) + 2 * ui_px(ui, 12), min = ui_px(ui, UI_TARGET);
    return h > min ? h : min;
}

/* The end of line i of a wrap (trailing spaces and newlines dropped). */
static size_t line_end(const char *s, const size_t *starts, size_t i, size_t n, size_t len)
{
    size_t b = i + 1 < n ? starts[i + 1] : len;
    while (b > starts[i] && (s[b - 1] == ' ' || s[b - 1] == '\n'))
        b--;
    return b;
}

void ui_text_block(struct ui *ui, int w, struct ui_rect r, const char *s, int px,
                   enum ui_font_style st, struct ui_color fg, struct ui_color bg, bool centre)
{
    int pad = ui_px(ui, 12), lh = ui_line_h(px), maxw = r.w - 2 * pad;
    size_t starts[UI_TARGET_LINES], len = strlen(s);
    size_t n = ui_wrap(ui->measure, ui->measure_user, s, px, st, maxw, starts, UI_TARGET_LINES);
    size_t fit = (size_t)((r.h - 2 * pad) / lh), shown = n;
    fit = fit < 1 ? 1 : fit > UI_TARGET_LINES ? UI_TARGET_LINES : fit;
    if (shown > fit)
        shown = fit;
    if (shown <= 1 && n <= 1) {
        text_in(ui, w, r, s, px, st, fg, bg, centre);
        return;
    }
    char shown_text[LABEL_MAX], line[LABEL_MAX];
    size_t used = 0;
    bool cut = false;
    int y = r.y + (r.h - (int)shown * lh) / 2;
    for (size_t i = 0; i < shown; i++, y += lh) {
        size_t a = starts[i], k;
        if (i + 1 == shown && shown < n) { /* the last line that fits takes the rest, cut */
            cut =
                ui_ellipsize(ui->measure, ui->measure_user, s + a, px, st, maxw, line, sizeof line);
            k = strlen(line);
        } else {
            k = line_end(s, starts, i, n, len) - a;
            k = k < sizeof line - 1 ? k : sizeof line - 1;
            memcpy(line, s + a, k);
            line[k] = '\0';
        }
        int tw = ui_measure(ui, line, k, px, st);
        ui_push_text(ui, centre ? r.x + (r.w - tw) / 2 : r.x + pad, y, line, k, px, st, fg);
        int wrote =
            snprintf(shown_text + used, sizeof shown_text - used, "%s%s", i ? " " : "", line);
        if (wrote > 0)
            used += (size_t)wrote < sizeof shown_text - used ? (size_t)wrote
                                                             : sizeof shown_text - 1 - used;
    }
    if (cut)
        text_widget(ui, w, shown_text, used, px, fg, bg, true);
    else
        text_widget(ui, w, s, len, px, fg, bg, false);
}

void ui_label(struct ui *ui, const char *id, const char *text, int size, enum ui_font_style st)
{
    if (!text)
        text = "";
    int px = ui_text_px(ui, size > 0 ? size : UI_BODY_PX), lh = ui_line_h(px);
    size_t starts[64];
    size_t n =
        ui_wrap(ui->measure, ui->measure_user, text, px, st, ui_layout_next_w(ui), starts, 64);
    size_t shown = n < 64 ? n : 64, len = strlen(text);
    struct ui_rect r = ui_layout_next(ui, (int)shown * lh);
    int w = id ? ui_push_widget(ui, id, UI_ROLE_LABEL, r) : -1; /* NULL: drawn, not recorded */
    for (size_t i = 0; i < shown; i++) {
        size_t a = starts[i], b = i + 1 < n ? starts[i + 1] : len;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\n'))
            b--;
        ui_push_text(ui, r.x, r.y + (int)i * lh, text + a, b - a, px, st, ui->theme->text);
    }
    if (w >= 0) {
        struct ui_widget *wd = &ui->widgets[w];
        wd->text = ui_strdup_frame(ui, text, len);
        wd->fg = ui->theme->text;
        wd->bg = text_bg(ui);
        wd->font_px = px;
        wd->text_clipped = n > shown;
    }
}

static int button(struct ui *ui, const char *id, const char *label, bool hold)
{
    const struct ui_theme *t = ui->theme;
    int px = ui_text_px(ui, UI_BODY_PX);
    int lines = ui_target_lines(ui, label, px, UI_FONT_BOLD, ui_layout_next_w(ui));
    struct ui_rect r = ui_layout_next(ui, ui_target_h(ui, px, lines));
    uint64_t h = ui_hash(id);
    int w = ui_push_widget(ui, id, UI_ROLE_BUTTON, r);
    int res = hold ? ui_behave_hold(ui, h, r, w) : ui_behave(ui, h, r, w);
    bool down = w >= 0 && ui->widgets[w].pressed;
    struct ui_color bg = down ? t->pressed : t->primary, fg = down ? t->on_pressed : t->on_primary;
    ui_push_rect(ui, r, bg, ui_px(ui, 8), 0);
    ui_text_block(ui, w, r, label, px, UI_FONT_BOLD, fg, bg, true);
    ui_draw_focus(ui, r, w);
    return res;
}

bool ui_button(struct ui *ui, const char *id, const char *label)
{
    return button(ui, id, label, false) & UI_RES_CLICK;
}

int ui_button_hold(struct ui *ui, const char *id, const char *label)
{
    return button(ui, id, label, true);
}

bool ui_toggle(struct ui *ui, const char *id, const char *label, bool *on)
{
    const struct ui_theme *t = ui->theme;
    int px = ui_text_px(ui, UI_BODY_PX);
    int sw = ui_px(ui, 52), sh = ui_px(ui, 28), m = ui_px(ui, 12);
    /* the switch keeps its whole size at the right; the label wraps in what is left */
    int lines = ui_target_lines(ui, label, px, UI_FONT_REGULAR, ui_layout_next_w(ui) - sw - m);
    struct ui_rect r = ui_layout_next(ui, ui_target_h(ui, px, lines));
    uint64_t h = ui_hash(id);
    int w = ui_push_widget(ui, id, UI_ROLE_TOGGLE, r);
    bool changed = ui_behave(ui, h, r, w) & UI_RES_CLICK;
    if (changed)
        *on = !*on;
    int lw = r.w - sw - m;
    struct ui_rect track = {r.x + (lw > 0 ? lw : 0), r.y + (r.h - sh) / 2, sw, sh};
    struct ui_rect label_r = {r.x, r.y, lw > 0 ? lw : 0, r.h};
    ui_push_rect(ui, r, t->surface, ui_px(ui, 8), 0);
    ui_push_rect(ui, r, t->border, ui_px(ui, 8),
                 ui_px(ui, w >= 0 && ui->widgets[w].pressed ? 3 : 1));
    ui_text_block(ui, w, label_r, label, px, UI_FONT_REGULAR, t->text, t->surface, false);
    ui_push_rect(ui, track, *on ? t->primary : t->control, sh / 2, 0);
    ui_push_rect(ui, track, t->border, sh / 2, ui_px(ui, 1));
    int k = sh - ui_px(ui, 6);
    struct ui_rect knob = {*on ? track.x + sw - k - ui_px(ui, 3) : track.x + ui_px(ui, 3),
                           track.y + ui_px(ui, 3), k, k};
    ui_push_rect(ui, knob, t->surface, k / 2, 0);
    if (w >= 0)
        ui->widgets[w].checked = *on;
    ui_draw_focus(ui, r, w);
    return changed;
}

/* Left/Right on a focused member of a chip or tab group move the selection. */
static int arrow_step(struct ui *ui, uint64_t h)
{
    int step = 0;
    if (ui->focus != h || !ui_live(ui))
        return 0;
    for (size_t i = 0; i < ui->nev; i++)
        if (ui->ev[i].kind == UI_EV_KEY)
            step += ui->ev[i].key == UI_KEY_RIGHT ? 1 : ui->ev[i].key == UI_KEY_LEFT ? -1 : 0;
    return step;
}

/* One chip or tab at r; returns the index it asks to select, or -1. */
static int group_member(struct ui *ui, const char *id, int i, int n, const char *label,
                        struct ui_rect r, bool selected, enum ui_role role)
{
    const struct ui_theme *t = ui->theme;
    char cid[160];
    snprintf(cid, sizeof cid, "%s.%d", id, i);
    uint64_t h = ui_hash(cid);
    int w = ui_push_widget(ui, cid, role, r);
    int res = ui_behave(ui, h, r, w), want = -1;
    bool down = w >= 0 && ui->widgets[w].pressed;
    struct ui_color bg = down ? t->pressed : selected ? t->primary : t->control;
    struct ui_color fg = down ? t->on_pressed : selected ? t->on_primary : t->on_control;
    ui_push_rect(ui, r, bg, ui_px(ui, role == UI_ROLE_TAB ? 4 : 24), 0);
    if (!selected)
        ui_push_rect(ui, r, t->border, ui_px(ui, role == UI_ROLE_TAB ? 4 : 24), ui_px(ui, 1));
    if (role == UI_ROLE_CHIP)
        ui_text_block(ui, w, r, label, ui_text_px(ui, UI_BODY_PX), UI_FONT_REGULAR, fg, bg, true);
    else
        text_in(ui, w, r, label, ui_text_px(ui, UI_BODY_PX), UI_FONT_REGULAR, fg, bg, true);
    if (w >= 0)
        ui->widgets[w].checked = selected;
    ui_draw_focus(ui, r, w);
    if (res & UI_RES_CLICK)
        want = i;
    int step = arrow_step(ui, h);
    if (step) {
        ui_want_timer(ui, ui->now);
        want = i + step < 0 ? 0 : i + step >= n ? n - 1 : i + step;
        snprintf(cid, sizeof cid, "%s.%d", id, want);
        ui->focus = ui_hash(cid);
        ui->focus_visible = true;
    }
    return want;
}

/* A chip's width for its label (one line if the line has room) and its height. */
static void chip_size(const struct ui *ui, const char *label, int px, int maxw, int *cw, int *ch)
{
    int min = ui_target_h(ui, px, 1);
    int w = ui_measure(ui, label, strlen(label), px, UI_FONT_REGULAR) + 2 * ui_px(ui, 20);
    *cw = w < min ? min : w > maxw ? maxw : w;
    *ch = ui_target_h(ui, px, ui_target_lines(ui, label, px, UI_FONT_REGULAR, *cw));
}

/* The chips of the line that starts at chip i: returns the first chip of the next line and
 * the line's height (its tallest chip). */
static int chip_line(const struct ui *ui, const char *const *labels, int n, int i, int maxw,
                     int *line_h)
{
    int px = ui_text_px(ui, UI_BODY_PX), gap = ui_px(ui, UI_GAP), x = 0;
    *line_h = 0;
    for (; i < n; i++) {
        int cw, ch;
        chip_size(ui, labels[i], px, maxw, &cw, &ch);
        if (x > 0 && x + cw > maxw)
            break;
        *line_h = ch > *line_h ? ch : *line_h;
        x += cw + gap;
    }
    return i;
}

bool ui_chips(struct ui *ui, const char *id, const char *const *labels, int n, int *selected)
{
    int px = ui_text_px(ui, UI_BODY_PX), gap = ui_px(ui, UI_GAP);
    int maxw = ui_layout_next_w(ui), total = 0, want = -1, lh;
    for (int i = 0; i < n;) { /* first pass: the lines' heights */
        i = chip_line(ui, labels, n, i, maxw, &lh);
        total += lh + gap;
    }
    struct ui_rect area = ui_layout_next(ui, total > gap ? total - gap : ui_target_h(ui, px, 1));
    int y = area.y;
    for (int i = 0; i < n; y += lh + gap) {
        int end = chip_line(ui, labels, n, i, area.w, &lh), x = area.x;
        for (; i < end; i++) {
            int cw, ch;
            chip_size(ui, labels[i], px, area.w, &cw, &ch);
            struct ui_rect r = {x, y, cw, lh};
            int got = group_member(ui, id, i, n, labels[i], r, *selected == i, UI_ROLE_CHIP);
            if (got >= 0)
                want = got;
            x += cw + gap;
        }
    }
    if (want < 0 || want == *selected)
        return false;
    *selected = want;
    return true;
}

bool ui_tabs(struct ui *ui, const char *id, const char *const *labels, int n, int *selected)
{
    int px = ui_text_px(ui, UI_BODY_PX), gap = ui_px(ui, UI_GAP), want = -1;
    struct ui_rect area = ui_layout_next(ui, ui_target_h(ui, px, 1));
    if (n <= 0)
        return false;
    int avail = area.w - gap * (n - 1);
    for (int i = 0; i < n; i++) {
        int x0 = area.x + avail * i / n + gap * i, x1 = area.x + avail * (i + 1) / n + gap * i;
        struct ui_rect r = {x0, area.y, x1 - x0, area.h};
        int got = group_member(ui, id, i, n, labels[i], r, *selected == i, UI_ROLE_TAB);
        if (got >= 0)
            want = got;
    }
    if (want < 0 || want == *selected)
        return false;
    *selected = want;
    return true;
}

void ui_progress(struct ui *ui, const char *id, double value, const char *label)
{
    const struct ui_theme *t = ui->theme;
    int px = ui_text_px(ui, UI_BODY_PX), bar = ui_px(ui, 12);
    int lh = label && *label ? ui_line_h(px) + ui_px(ui, 4) : 0;
    struct ui_rect r = ui_layout_next(ui, lh + bar);
    int w = ui_push_widget(ui, id, UI_ROLE_PROGRESS, r);
    if (lh) {
        struct ui_rect lr = {r.x - ui_px(ui, 12), r.y, r.w + 2 * ui_px(ui, 12), ui_line_h(px)};
        text_in(ui, w, lr, label, px, UI_FONT_REGULAR, t->text, text_bg(ui), false);
    }
    value = value < 0 ? 0 : value > 1 ? 1 : value;
    struct ui_rect track = {r.x, r.y + lh, r.w, bar};
    struct ui_rect fill = {r.x, r.y + lh, (int)(r.w * value + 0.5), bar};
    ui_push_rect(ui, track, t->control, bar / 2, 0);
    ui_push_rect(ui, track, t->border, bar / 2, ui_px(ui, 1));
    if (fill.w > 0)
        ui_push_rect(ui, fill, t->primary, bar / 2, 0);
}

void ui_image(struct ui *ui, const char *id, const char *name, int w, int h)
{
    struct ui_rect r = ui_layout_next(ui, ui_px(ui, h));
    int pw = ui_px(ui, w);
    if (pw < r.w)
        r.w = pw;
    ui_push_widget(ui, id, UI_ROLE_IMAGE, r);
    ui_push_cmd(ui, &(struct ui_cmd){.type = UI_CMD_IMAGE,
                                     .rect = r,
                                     .text = ui_strdup_frame(ui, name, strlen(name))});
}

/* ui_field.c - the single-line text field: typing, cursor, selection, scrolling.
 *
 * The caller owns the buffer (like microui's textbox); the field keeps only the cursor, the
 * anchor and the horizontal scroll per id. All editing goes through ui_text.c's ui_edit, which
 * keeps the buffer valid UTF-8 whatever arrives, so the field only routes input and draws.
 * The cursor does not blink: a blink would need a timer frame twice a second and an idle
 * kiosk must sleep.
 */
#include <string.h>

#include "ui_int.h"

/* The grapheme boundary nearest to x px into the text. */
static size_t boundary_at(struct ui *ui, const char *s, size_t len, int px, int x)
{
    size_t best = 0, i = 0;
    int best_d = x < 0 ? -x : x;
    while (i < len) {
        i = ui_grapheme_next(s, len, i);
        int d = ui_measure(ui, s, i, px, UI_FONT_REGULAR) - x;
        d = d < 0 ? -d : d;
        if (d < best_d)
            best = i, best_d = d;
    }
    return best;
}

/* Keys and text for the focused field, in the order they came. */
static int edit(struct ui *ui, struct ui_edit *e)
{
    int res = 0;
    for (size_t i = 0; i < ui->nev; i++) {
        const struct ui_event *ev = &ui->ev[i];
        bool enter = ev->kind == UI_EV_KEY && ev->key == UI_KEY_ENTER;
        if (enter)
            res |= UI_RES_SUBMIT;
        else if ((ev->kind == UI_EV_TEXT && ui_edit_insert(e, ui->evtext + ev->off, ev->len)) ||
                 (ev->kind == UI_EV_KEY && ui_edit_key(e, ev->key, ev->mods)))
            res |= UI_RES_CHANGE;
    }
    return res;
}

static void draw_text(struct ui *ui, struct ui_rect in, const struct ui_edit *e, int scroll, int px)
{
    const struct ui_theme *t = ui->theme;
    size_t lo = e->cursor < e->anchor ? e->cursor : e->anchor;
    size_t hi = e->cursor < e->anchor ? e->anchor : e->cursor;
    int y = in.y + (in.h - ui_line_h(px)) / 2, x = in.x - scroll;
    int xlo = x + ui_measure(ui, e->buf, lo, px, UI_FONT_REGULAR);
    int xhi = x + ui_measure(ui, e->buf, hi, px, UI_FONT_REGULAR);
    ui_push_text(ui, x, y, e->buf, lo, px, UI_FONT_REGULAR, t->on_control);
    if (hi > lo) {
        ui_push_rect(ui, (struct ui_rect){xlo, y, xhi - xlo, ui_line_h(px)}, t->primary, 0, 0);
        ui_push_text(ui, xlo, y, e->buf + lo, hi - lo, px, UI_FONT_REGULAR, t->on_primary);
    }
    ui_push_text(ui, xhi, y, e->buf + hi, e->len - hi, px, UI_FONT_REGULAR, t->on_control);
}

int ui_textfield(struct ui *ui, const char *id, char *buf, size_t cap, const char *placeholder)
{
    const struct ui_theme *t = ui->theme;
    int px = ui_text_px(ui, UI_BODY_PX), pad = ui_px(ui, 12);
    int h = ui_line_h(px) + 2 * pad, min = ui_px(ui, UI_TARGET);
    struct ui_rect r = ui_layout_next(ui, h > min ? h : min);
    struct ui_rect in = {r.x + pad, r.y, r.w - 2 * pad, r.h};
    uint64_t hid = ui_hash(id);
    int w = ui_push_widget(ui, id, UI_ROLE_TEXTFIELD, r);
    int res = ui_behave(ui, hid, r, w) & ~UI_RES_CLICK;
    struct ui_state *st = ui_state_get(ui, hid, UI_ST_FIELD);
    if (!buf || cap == 0)
        return 0;
    struct ui_edit e = {.buf = buf, .cap = cap};
    buf[cap - 1] = '\0';
    uint64_t before = ui_hash(buf); /* "changed" means different after the frame's edits */
    if (st) {
        e.cursor = st->u.field.cursor;
        e.anchor = st->u.field.anchor;
    }
    ui_edit_fix(&e);
    int scroll = st ? st->u.field.scroll_x : 0;
    if (ui->active == hid && ui->pressed_edge)
        e.cursor = e.anchor = boundary_at(ui, e.buf, e.len, px, ui->down_x - in.x + scroll);
    bool focused = ui->focus == hid && ui_live(ui);
    if (focused)
        res |= edit(ui, &e) & ~UI_RES_CHANGE;
    if (ui_hash(buf) != before)
        res |= UI_RES_CHANGE;
    if (res)
        ui_want_timer(ui, ui->now);
    int cx = ui_measure(ui, e.buf, e.cursor, px, UI_FONT_REGULAR);
    if (cx - scroll > in.w)
        scroll = cx - in.w;
    if (cx < scroll)
        scroll = cx;
    if (st) {
        st->u.field.cursor = e.cursor;
        st->u.field.anchor = e.anchor;
        st->u.field.scroll_x = scroll;
    }
    ui_push_rect(ui, r, t->control, ui_px(ui, 6), 0);
    ui_push_rect(ui, r, focused ? t->primary : t->border, ui_px(ui, 6), ui_px(ui, focused ? 3 : 1));
    ui_push_clip(ui, ui_intersect(in, ui_current_clip(ui)));
    if (e.len == 0 && placeholder && !focused)
        ui_push_text(ui, in.x, in.y + (in.h - ui_line_h(px)) / 2, placeholder, strlen(placeholder),
                     px, UI_FONT_REGULAR, t->placeholder);
    else
        draw_text(ui, in, &e, scroll, px);
    if (focused) {
        int x = in.x + cx - scroll, y = in.y + (in.h - ui_line_h(px)) / 2;
        ui_push_cmd(ui, &(struct ui_cmd){.type = UI_CMD_LINE,
                                         .rect = {x, y, 0, 0},
                                         .x2 = x,
                                         .y2 = y + ui_line_h(px),
                                         .color = t->on_control,
                                         .thickness = ui_px(ui, 2)});
    }
    ui_push_clip(ui, ui_current_clip(ui));
    if (w >= 0) {
        struct ui_widget *wd = &ui->widgets[w];
        wd->text = ui_strdup_frame(ui,
                                   e.len         ? e.buf
                                   : placeholder ? placeholder
                                                 : "",
                                   e.len         ? e.len
                                   : placeholder ? strlen(placeholder)
                                                 : 0);
        wd->fg = e.len == 0 && placeholder && !focused ? t->placeholder : t->on_control;
        wd->bg = t->control;
        wd->font_px = px;
    }
    ui_draw_focus(ui, r, w);
    return res;
}

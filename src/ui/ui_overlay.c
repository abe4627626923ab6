/* ui_overlay.c - what sits above the screen: the modal dialog (layer 1) and toasts (layer 2).
 *
 * Commands carry their layer and ui_frame_end sorts them stably, so a dialog or toast may be
 * called anywhere in the frame and still draws on top. A dialog is modal from its second
 * frame: ui_live() then refuses input to layer 0 (the frame it first appears in, the widgets
 * before it were already asked). Its panel is sized by its content: the panel's rect command
 * is patched at ui_dialog_end, and it is centred with last frame's height.
 */
#include <stdio.h>
#include <string.h>

#include "ui_int.h"

int ui_dialog_begin(struct ui *ui, const char *id, const char *title)
{
    const struct ui_theme *t = ui->theme;
    uint64_t hid = ui_hash(id);
    int res = 0;
    ui->modal = hid;
    ui->layer = 1;
    struct ui_state *st = ui_state_get(ui, hid, UI_ST_DIALOG);
    ui->dialog_st = st;
    struct ui_rect screen = ui_screen(ui);
    int margin = ui_px(ui, UI_PAD), maxw = ui_px(ui, 640);
    int w = screen.w - 2 * margin < maxw ? screen.w - 2 * margin : maxw;
    int h = st && st->u.dialog.h ? st->u.dialog.h : screen.h / 2;
    int y = (screen.h - h) / 2;
    struct ui_rect panel = {(screen.w - w) / 2, y > margin ? y : margin, w, h};
    ui_push_rect(ui, screen, t->scrim, 0, 0);
    size_t at = ui->ncmd;
    ui_push_rect(ui, panel, t->surface, ui_px(ui, 12), 0);
    ui->dialog_cmd = ui->ncmd > at ? at : SIZE_MAX; /* SIZE_MAX: the frame overflowed */
    int wi = ui_push_widget(ui, id, UI_ROLE_DIALOG, panel);
    ui->dialog_widget = wi;
    ui_layout_push(ui, panel);
    if (title && *title) {
        char tid[160];
        snprintf(tid, sizeof tid, "%s.title", id);
        ui_label(ui, tid, title, 24, UI_FONT_BOLD);
    }
    if (wi >= 0) {
        ui->widgets[wi].text = ui_strdup_frame(ui, title ? title : "", title ? strlen(title) : 0);
        ui->widgets[wi].fg = t->text;
        ui->widgets[wi].bg = t->surface;
        ui->widgets[wi].font_px = ui_text_px(ui, 24);
    }
    for (size_t i = 0; i < ui->nev; i++)
        if (ui->ev[i].kind == UI_EV_KEY && ui->ev[i].key == UI_KEY_ESCAPE)
            res |= UI_RES_DISMISS;
    if (res)
        ui_want_timer(ui, ui->now);
    return res;
}

void ui_dialog_end(struct ui *ui)
{
    if (ui->layer != 1)
        return;
    struct ui_box *b = ui_layout_top(ui);
    int pad = ui_px(ui, UI_PAD), gap = ui_px(ui, UI_GAP);
    int wi = ui->dialog_widget;
    if (ui->dialog_cmd < ui->ncmd) {
        struct ui_rect *panel = &ui->cmds[ui->dialog_cmd].rect;
        int h = b->y - gap + pad - panel->y;
        panel->h = h;
        if (wi >= 0)
            ui->widgets[wi].rect.h = h;
        if (ui->dialog_st && ui->dialog_st->u.dialog.h != h) {
            ui->dialog_st->u.dialog.h = h;
            ui_want_timer(ui, ui->now); /* centre it with its real height */
        }
    }
    ui_layout_pop(ui);
    ui->layer = 0;
    ui->dialog_widget = -1;
    ui->dialog_st = NULL;
}

bool ui_toast(struct ui *ui, const char *id, const char *text, uint32_t duration_ms)
{
    const struct ui_theme *t = ui->theme;
    struct ui_state *st = ui_state_get(ui, ui_hash(id), UI_ST_TOAST);
    if (!st)
        return false;
    if (st->u.toast.seen_frame == 0 || st->u.toast.seen_frame + 1 != ui->frame)
        st->u.toast.start_ms = ui->now;
    st->u.toast.seen_frame = ui->frame;
    uint64_t end = st->u.toast.start_ms + duration_ms;
    if (ui->now >= end)
        return false;
    ui_want_timer(ui, end);
    int px = ui_text_px(ui, UI_BODY_PX), pad = ui_px(ui, 16), margin = ui_px(ui, 32);
    int tw = ui_measure(ui, text, strlen(text), px, UI_FONT_REGULAR) + 2 * pad;
    int maxw = ui->width - 2 * ui_px(ui, UI_PAD), h = ui_line_h(px) + 2 * pad;
    int w = tw < maxw ? tw : maxw;
    struct ui_rect r = {(ui->width - w) / 2, ui->height - margin - h, w, h};
    int saved = ui->layer;
    ui->layer = 2;
    int wi = ui_push_widget(ui, id, UI_ROLE_TOAST, r);
    ui_push_rect(ui, r, t->toast, ui_px(ui, 8), 0);
    char buf[512];
    bool cut = ui_ellipsize(ui->measure, ui->measure_user, text, px, UI_FONT_REGULAR, w - 2 * pad,
                            buf, sizeof buf);
    size_t n = strlen(buf);
    ui_push_text(ui, r.x + pad, r.y + pad, buf, n, px, UI_FONT_REGULAR, t->on_toast);
    if (wi >= 0) {
        struct ui_widget *wd = &ui->widgets[wi];
        wd->text = ui_strdup_frame(ui, buf, n);
        wd->fg = t->on_toast;
        wd->bg = t->toast;
        wd->font_px = px;
        wd->text_clipped = cut;
        wd->parent = -1;
    }
    ui->layer = saved;
    return true;
}

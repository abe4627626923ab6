/* ui_list.c - a vertical list that scrolls by touch: drag, fling with inertia, rubber band.
 *
 * Physics run on now_ms only, in steps of at most STEP_MS so a late frame lands where a
 * timely one would. A fling decays exponentially (time constant FLING_TAU, as phones do); past
 * an end the finger meets a rubber band (the further, the stiffer) and a released list springs
 * back with SPRING_TAU. While it moves the list asks for a timer frame 16 ms on; at rest it
 * asks for none, so an idle screen sleeps. Rows outside the viewport are laid out (to learn
 * the content height) but emit nothing. The content height is last frame's: a list learns its
 * rows only at ui_list_end.
 */
#include <math.h>
#include <string.h>

#include "ui_int.h"

#define STEP_MS 16      /* physics step and timer period while moving */
#define FLING_TAU 325.0 /* ms for a fling's speed to fall to 1/e */
#define SPRING_TAU 90.0 /* ms for a rubber-band overshoot to fall to 1/e */
#define OUT_TAU 20.0    /* ms for the speed to die once past an end */
#define MIN_VEL 0.02    /* px/ms below which a list is at rest */
#define RUBBER 0.55     /* rubber band stiffness: the first px past an end move 0.55 px */
#define HOLD_MS 50      /* a finger still this long before it lifts means no fling */

static double max_offset(const struct ui_state *st, struct ui_rect view)
{
    double m = st->u.list.content_h - view.h;
    return m > 0 ? m : 0;
}

/* How far the content goes past an end when the finger pulls it d px past. */
static double rubber(double d, double dim)
{
    double a = fabs(d), r = a * dim * RUBBER / (dim + RUBBER * a);
    return d < 0 ? -r : r;
}

static void drag(struct ui *ui, struct ui_state *st, struct ui_rect view, int y)
{
    double raw = st->u.list.drag_offset0 + (st->u.list.drag_y0 - y), max = max_offset(st, view);
    double dt = (double)(ui->now - st->u.list.last_move);
    if (y != st->u.list.last_y) {
        double inst = (st->u.list.last_y - y) / (dt > 1 ? dt : 1);
        st->u.list.vel = 0.8 * inst + 0.2 * st->u.list.vel;
        st->u.list.last_y = y;
        st->u.list.last_move = ui->now;
    } else if (dt > HOLD_MS) {
        st->u.list.vel = 0;
    }
    st->u.list.offset = raw < 0     ? rubber(raw, view.h)
                        : raw > max ? max + rubber(raw - max, view.h)
                                    : raw;
}

static void animate(struct ui *ui, struct ui_state *st, struct ui_rect view)
{
    double max = max_offset(st, view), *o = &st->u.list.offset, *v = &st->u.list.vel;
    for (uint64_t left = ui->now - ui->prev_now; left > 0;
         left -= left < STEP_MS ? left : STEP_MS) {
        double s = (double)(left < STEP_MS ? left : STEP_MS);
        double target = *o < 0 ? 0 : *o > max ? max : *o;
        if (*o != target) {
            bool outward = (*o < 0 && *v < 0) || (*o > max && *v > 0);
            if (outward && fabs(*v) > MIN_VEL) {
                *o += *v * OUT_TAU * (1 - exp(-s / OUT_TAU)); /* exact for v(t) = v e^-t/tau */
                *v *= exp(-s / OUT_TAU);
            } else {
                *v = 0;
                *o = target + (*o - target) * exp(-s / SPRING_TAU);
                if (fabs(*o - target) < 0.5)
                    *o = target;
            }
        } else {
            *o += *v * FLING_TAU * (1 - exp(-s / FLING_TAU));
            *v *= exp(-s / FLING_TAU);
        }
    }
    bool inside = *o >= 0 && *o <= max;
    if (inside && fabs(*v) < MIN_VEL) {
        *v = 0;
        st->u.list.moving = false;
    }
}

/* The pointer this frame: start, follow or end a drag; a touch stops a fling. */
static void pointer(struct ui *ui, struct ui_state *st, struct ui_rect view, uint64_t id)
{
    bool live = ui_live(ui), in = ui_contains(view, ui->down_x, ui->down_y);
    if (st->u.list.dragging) {
        drag(ui, st, view, ui->down ? ui->py : ui->up_y);
        if (!ui->down) {
            st->u.list.dragging = false;
            st->u.list.moving = true;
        }
        return;
    }
    if (live && in && ui->pressed_edge && st->u.list.moving) {
        st->u.list.moving = false; /* a finger on a moving list stops it, and taps nothing */
        st->u.list.vel = 0;
        if (!ui->active)
            ui->active = id;
    }
    if (live && ui->wheel && ui_contains(view, ui->px, ui->py)) {
        double max = max_offset(st, view), o = st->u.list.offset + ui->wheel;
        st->u.list.offset = o < 0 ? 0 : o > max ? max : o;
        st->u.list.vel = 0;
        st->u.list.moving = false;
        ui->wheel = 0; /* one list takes it */
    }
    int slop = ui_px(ui, UI_TOUCH_SLOP), dy = ui->py - ui->down_y;
    if (live && in && ui->down && (dy > slop || dy < -slop)) {
        st->u.list.dragging = true;
        st->u.list.moving = false;
        st->u.list.drag_offset0 = st->u.list.offset;
        st->u.list.drag_y0 = ui->down_y;
        st->u.list.last_y = ui->down_y;
        st->u.list.last_move = ui->prev_now;
        st->u.list.vel = 0;
        ui->active = id; /* the rows under the finger lose their press */
        drag(ui, st, view, ui->py);
    }
}

void ui_list_begin(struct ui *ui, const char *id, int h)
{
    if (ui->list.open) {
        ui_error(ui, "list %s: lists do not nest", id);
        ui_list_end(ui);
    }
    struct ui_rect free = ui_layout_free(ui);
    struct ui_rect view = ui_layout_next(ui, h > 0 ? ui_px(ui, h) : free.h);
    uint64_t hid = ui_hash(id);
    int w = ui_push_widget(ui, id, UI_ROLE_LIST, view);
    struct ui_state *st = ui_state_get(ui, hid, UI_ST_LIST);
    if (w >= 0) {
        ui->widgets[w].bg = ui->theme->surface;
        ui->widgets[w].fg = ui->theme->text;
    }
    if (st) {
        pointer(ui, st, view, hid);
        if (!st->u.list.dragging && st->u.list.moving)
            animate(ui, st, view);
        if (st->u.list.moving)
            ui_want_timer(ui, ui->now + STEP_MS);
    }
    ui_push_rect(ui, view, ui->theme->surface, 0, 0);
    ui_push_clip(ui, view);
    int pad = ui_px(ui, UI_GAP);
    double off = st ? st->u.list.offset : 0;
    ui->list = (struct ui_list_ctx){.open = true, .st = st, .view = view, .widget = w, .id = hid};
    if (ui_layout_push_pad(ui, view, pad)) {
        struct ui_box *b = ui_layout_top(ui);
        b->y -= (int)lround(off);
        b->r.h = 1 << 28; /* rows flow past the viewport */
        ui->list.content_top = b->y - pad;
    }
}

bool ui_list_item(struct ui *ui, const char *id, const char *text)
{
    const struct ui_theme *t = ui->theme;
    int px = ui_text_px(ui, UI_BODY_PX);
    int lines = ui_target_lines(ui, text, px, UI_FONT_REGULAR, ui_layout_next_w(ui));
    struct ui_rect r = ui_layout_next(ui, ui_target_h(ui, px, lines));
    struct ui_rect v = ui->list.view;
    int reach = r.h + ui_px(ui, UI_GAP);
    struct ui_rect near = {v.x, v.y - reach, v.w, v.h + 2 * reach};
    if (!ui->list.open || ui_intersect(r, near).h == 0)
        return false; /* scrolled out: placed, not built */
    uint64_t hid = ui_hash(id);
    int w = ui_push_widget(ui, id, UI_ROLE_LIST_ITEM, r);
    int res = ui_behave(ui, hid, r, w);
    if (ui_intersect(r, v).h == 0) {
        /* the row just beyond each edge is in the focus order (so Down and Tab reach it and
         * it scrolls in) but draws nothing */
        if (w >= 0 && ui->widgets[w].focus_visible)
            ui_list_scroll_to(ui, r);
        return res & UI_RES_CLICK;
    }
    bool down = w >= 0 && ui->widgets[w].pressed;
    struct ui_color bg = down ? t->pressed : t->control, fg = down ? t->on_pressed : t->on_control;
    ui_push_rect(ui, r, bg, ui_px(ui, 6), 0);
    ui_text_block(ui, w, r, text, px, UI_FONT_REGULAR, fg, bg, false);
    if (w >= 0 && ui->widgets[w].focus_visible)
        ui_list_scroll_to(ui, r);
    ui_draw_focus(ui, r, w);
    return res & UI_RES_CLICK;
}

void ui_list_scroll_to(struct ui *ui, struct ui_rect item)
{
    struct ui_state *st = ui->list.st;
    struct ui_rect v = ui->list.view;
    int pad = ui_px(ui, UI_GAP);
    if (!st)
        return;
    double d = 0;
    if (item.y < v.y + pad)
        d = item.y - (v.y + pad);
    else if (item.y + item.h > v.y + v.h - pad)
        d = item.y + item.h - (v.y + v.h - pad);
    if (d != 0) {
        st->u.list.offset += d;
        ui_want_timer(ui, ui->now); /* draw it where it now is */
    }
}

void ui_list_end(struct ui *ui)
{
    if (!ui->list.open)
        return;
    struct ui_state *st = ui->list.st;
    struct ui_box *b = ui_layout_top(ui);
    struct ui_rect v = ui->list.view;
    if (st) {
        st->u.list.content_h = b->y - ui->list.content_top; /* the last gap is the padding */
        double max = max_offset(st, v);
        if (!st->u.list.dragging && !st->u.list.moving &&
            (st->u.list.offset < 0 || st->u.list.offset > max)) {
            st->u.list.moving = true; /* the rows shrank under it: settle */
            ui_want_timer(ui, ui->now + STEP_MS);
        }
        if (max > 0) { /* a scroll indicator (not a target) */
            double frac = v.h / st->u.list.content_h, pos = st->u.list.offset / max;
            pos = pos < 0 ? 0 : pos > 1 ? 1 : pos;
            int th = (int)(v.h * frac), bw = ui_px(ui, 4);
            struct ui_rect bar = {v.x + v.w - bw - ui_px(ui, 2), v.y + (int)((v.h - th) * pos), bw,
                                  th};
            ui_push_rect(ui, bar, ui->theme->border, bw / 2, 0);
        }
    }
    if (ui_live(ui) && ui->pressed_edge && !ui->active && ui_contains(v, ui->down_x, ui->down_y))
        ui->active = ui->list.id; /* a press between rows can still drag */
    ui_layout_pop(ui);
    ui->list.open = false;
    ui_push_clip(ui, ui_screen(ui));
}

double ui_list_offset(const struct ui *ui, const char *id)
{
    uint64_t h = ui_hash(id);
    for (size_t i = 0; i < ui->nstates; i++)
        if (ui->states[i].id == h && ui->states[i].kind == UI_ST_LIST)
            return ui->states[i].u.list.offset;
    return 0;
}

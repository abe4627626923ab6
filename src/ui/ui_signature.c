/* ui_signature.c - the signature pad: strokes from a finger or the mouse, kept by the caller.
 *
 * The core sees the pointer once a frame (its latest position), so a stroke is the polyline
 * of the positions frames saw while the pen was down on the pad; points closer than 2
 * logical px to the last one add nothing. Workload: one pad on the engineer's report screen,
 * a few hundred points.
 */
#include <string.h>

#include "ui_int.h"

#define SIG_MIN_STEP 2 /* logical px between kept points */
#define SIG_LINE 3     /* logical px of ink */

static bool pen_up_at(const struct ui_signature *sig, size_t i)
{
    return sig->pts[i].x == UI_SIG_PEN_UP;
}

static void add_point(struct ui_signature *sig, struct ui_sig_point p)
{
    if (sig->n < sig->cap)
        sig->pts[sig->n++] = p;
    else
        sig->full = true;
}

/* The pen's position on the pad in logical px, clamped to the pad. */
static struct ui_sig_point pen_at(const struct ui *ui, struct ui_rect r)
{
    int x = ui->px < r.x ? r.x : ui->px >= r.x + r.w ? r.x + r.w - 1 : ui->px;
    int y = ui->py < r.y ? r.y : ui->py >= r.y + r.h ? r.y + r.h - 1 : ui->py;
    double s = ui->scale > 0 ? ui->scale : 1.0;
    return (struct ui_sig_point){(int16_t)((x - r.x) / s), (int16_t)((y - r.y) / s)};
}

static bool stroke_open(const struct ui_signature *sig)
{
    return sig->n > 0 && !pen_up_at(sig, sig->n - 1);
}

/* Records the pen while it is down on the pad; returns UI_RES_CHANGE when a stroke ends. */
static int track(struct ui *ui, uint64_t h, struct ui_rect r, struct ui_signature *sig)
{
    if (!ui_live(ui) || ui->active != h)
        return 0;
    if (ui->down) {
        struct ui_sig_point p = pen_at(ui, r);
        bool open = stroke_open(sig);
        const struct ui_sig_point *last = open ? &sig->pts[sig->n - 1] : NULL;
        int dx = last ? p.x - last->x : SIG_MIN_STEP, dy = last ? p.y - last->y : 0;
        if (ui->pressed_edge && open)
            add_point(sig, (struct ui_sig_point){UI_SIG_PEN_UP, 0});
        if (ui->pressed_edge || dx * dx + dy * dy >= SIG_MIN_STEP * SIG_MIN_STEP)
            add_point(sig, p);
        return 0;
    }
    if (ui->released_edge && stroke_open(sig)) {
        add_point(sig, (struct ui_sig_point){UI_SIG_PEN_UP, 0});
        ui_want_timer(ui, ui->now);
        return UI_RES_CHANGE;
    }
    return 0;
}

static void draw(struct ui *ui, struct ui_rect r, const struct ui_signature *sig)
{
    const struct ui_theme *t = ui->theme;
    int ink = ui_px(ui, SIG_LINE);
    ui_push_rect(ui, r, t->surface, ui_px(ui, 8), 0);
    ui_push_rect(ui, r, t->border, ui_px(ui, 8), ui_px(ui, 1));
    int base = r.y + r.h - ui_px(ui, 24); /* the line people sign on */
    struct ui_cmd line = {.type = UI_CMD_LINE,
                          .rect = {r.x + ui_px(ui, 16), base, 0, 0},
                          .color = t->border,
                          .thickness = ui_px(ui, 1),
                          .x2 = r.x + r.w - ui_px(ui, 16),
                          .y2 = base};
    ui_push_cmd(ui, &line);
    for (size_t i = 1; i < sig->n; i++) {
        if (pen_up_at(sig, i) || pen_up_at(sig, i - 1))
            continue;
        struct ui_cmd c = {
            .type = UI_CMD_LINE,
            .rect = {r.x + ui_px(ui, sig->pts[i - 1].x), r.y + ui_px(ui, sig->pts[i - 1].y), 0, 0},
            .color = t->text,
            .thickness = ink,
            .x2 = r.x + ui_px(ui, sig->pts[i].x),
            .y2 = r.y + ui_px(ui, sig->pts[i].y)};
        ui_push_cmd(ui, &c);
    }
}

int ui_signature_pad(struct ui *ui, const char *id, struct ui_signature *sig, int h)
{
    struct ui_rect r = ui_layout_next(ui, ui_px(ui, h));
    uint64_t hid = ui_hash(id);
    int w = ui_push_widget(ui, id, UI_ROLE_SIGNATURE, r);
    ui_behave(ui, hid, r, w);
    int res = sig && sig->pts ? track(ui, hid, r, sig) : 0;
    draw(ui, r, sig && sig->pts ? sig : &(struct ui_signature){0});
    if (w >= 0)
        ui->widgets[w].checked = sig && ui_signature_strokes(sig) > 0;
    ui_draw_focus(ui, r, w);
    return res;
}

void ui_signature_clear(struct ui_signature *sig)
{
    if (!sig)
        return;
    if (sig->pts)
        explicit_bzero(sig->pts, sig->cap * sizeof(struct ui_sig_point));
    sig->n = 0;
    sig->full = false;
}

size_t ui_signature_strokes(const struct ui_signature *sig)
{
    size_t k = 0;
    for (size_t i = 0; sig && sig->pts && i < sig->n; i++)
        k += pen_up_at(sig, i) || i + 1 == sig->n;
    return k;
}

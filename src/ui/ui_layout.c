/* ui_layout.c - where the next widget goes: columns, rows, containers.
 *
 * A stack of boxes (the screen, then any pushed rect, list or dialog). In a box, widgets flow
 * down in a column, each full width, UI_GAP apart; ui_layout_row shares one line among the
 * next n widgets. Sizes are physical px (the scale is applied by the callers' ui_px), so the
 * same code fills 480x800 portrait and 1920x1080 landscape; the app picks the structure
 * (one column or two) from ui_layout_free().
 */
#include <string.h>

#include "ui_int.h"

struct ui_box *ui_layout_top(struct ui *ui)
{
    return &ui->box[ui->depth];
}

bool ui_layout_push_pad(struct ui *ui, struct ui_rect r, int pad)
{
    if (ui->depth + 1 >= UI_LAYOUT_DEPTH) {
        ui->overflow = true;
        ui_error(ui, "layout: containers nested deeper than %d", UI_LAYOUT_DEPTH);
        return false;
    }
    struct ui_box *b = &ui->box[++ui->depth];
    memset(b, 0, sizeof *b);
    int w = r.w - 2 * pad, h = r.h - 2 * pad;
    b->r = (struct ui_rect){r.x + pad, r.y + pad, w > 0 ? w : 0, h > 0 ? h : 0};
    b->y = b->r.y;
    return true;
}

void ui_layout_reset(struct ui *ui)
{
    ui->depth = -1;
    ui->has_next = false;
    ui_layout_push_pad(ui, ui_screen(ui), ui_px(ui, UI_PAD));
}

void ui_layout_push(struct ui *ui, struct ui_rect r)
{
    ui_layout_push_pad(ui, r, ui_px(ui, UI_PAD));
}

void ui_layout_pop(struct ui *ui)
{
    if (ui->depth > 0)
        ui->depth--;
}

static void row_set(struct ui *ui, int n, const int *weights, int height)
{
    struct ui_box *b = ui_layout_top(ui);
    if (n < 1)
        n = 1;
    if (n > UI_ROW_MAX) {
        ui->overflow = true;
        ui_error(ui, "layout: a row of %d widgets, at most %d share one line", n, UI_ROW_MAX);
        n = UI_ROW_MAX;
    }
    b->row_n = b->row_count = n;
    b->row_i = 0;
    b->row_h = height > 0 ? ui_px(ui, height) : 0;
    if (height < 0)
        b->row_h = ui_layout_free(ui).h;
    b->row_total = 0;
    b->row_tallest = 0;
    for (int i = 0; i < n; i++) {
        b->row_weights[i] = weights && weights[i] > 0 ? weights[i] : 1;
        b->row_total += b->row_weights[i];
    }
}

void ui_layout_row(struct ui *ui, int n, int height)
{
    row_set(ui, n, NULL, height);
}

void ui_layout_row_weights(struct ui *ui, int n, const int *weights, int height)
{
    row_set(ui, n, weights, height);
}

struct ui_rect ui_layout_take(struct ui *ui, int h)
{
    return ui_layout_next(ui, ui_px(ui, h));
}

void ui_layout_set_next(struct ui *ui, struct ui_rect r)
{
    ui->next = r;
    ui->has_next = true;
}

void ui_layout_space(struct ui *ui, int h)
{
    ui_layout_top(ui)->y += ui_px(ui, h);
}

struct ui_rect ui_layout_free(const struct ui *ui)
{
    const struct ui_box *b = &ui->box[ui->depth];
    int h = b->r.y + b->r.h - b->y;
    return (struct ui_rect){b->r.x, b->y, b->r.w, h > 0 ? h : 0};
}

/* The x and width of the row's next slot. */
static void row_slot(const struct ui *ui, const struct ui_box *b, int *x, int *w)
{
    int gap = ui_px(ui, UI_GAP), avail = b->r.w - gap * (b->row_count - 1), before = 0;
    for (int i = 0; i < b->row_i; i++)
        before += b->row_weights[i];
    *x = b->r.x + avail * before / b->row_total + gap * b->row_i;
    int x_end =
        b->r.x + avail * (before + b->row_weights[b->row_i]) / b->row_total + gap * b->row_i;
    *w = x_end - *x;
}

int ui_layout_next_w(const struct ui *ui)
{
    const struct ui_box *b = &ui->box[ui->depth];
    int x, w;
    if (ui->has_next)
        return ui->next.w;
    if (b->row_n == 0)
        return b->r.w;
    row_slot(ui, b, &x, &w);
    return w;
}

struct ui_rect ui_layout_next(struct ui *ui, int natural_h)
{
    if (ui->has_next) {
        ui->has_next = false;
        return ui->next;
    }
    struct ui_box *b = ui_layout_top(ui);
    int gap = ui_px(ui, UI_GAP);
    if (b->row_n == 0) {
        struct ui_rect r = {b->r.x, b->y, b->r.w, natural_h};
        b->y += natural_h + gap;
        return r;
    }
    int x, w;
    row_slot(ui, b, &x, &w);
    int h = b->row_h ? b->row_h : natural_h;
    struct ui_rect r = {x, b->y, w, h};
    if (h > b->row_tallest)
        b->row_tallest = h;
    b->row_i++;
    if (--b->row_n == 0)
        b->y += b->row_tallest + gap;
    return r;
}

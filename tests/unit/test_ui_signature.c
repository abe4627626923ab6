/* test_ui_signature.c - the signature pad: strokes from drags, pen-up marks, the end of a
 * stroke reported once, points kept in logical px at any scale, a full buffer, clearing. */
#include <stdio.h>

#include "test_ui_kit.h"

static struct ui_sig_point pts[64];
static struct ui_signature sig = {.pts = pts, .cap = 64};
static int res;

static void pad(struct ui *ui, uint64_t now)
{
    struct ui_frame_result fr;
    ui_frame_begin(ui, now);
    ui_label(ui, "sign.title", "Customer's signature", 20, UI_FONT_BOLD);
    res = ui_signature_pad(ui, "sign.pad", &sig, 200);
    ui_frame_end(ui, &fr);
}

static int ink_lines(struct ui *ui)
{
    size_t n;
    const struct ui_cmd *c = ui_commands(ui, &n);
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += c[i].type == UI_CMD_LINE && c[i].thickness > ui_px(ui, 1);
    return k;
}

/* One stroke: down at (x0,y0), moves by (dx,dy) `steps` times, up. Pad-relative physical px. */
static void stroke(struct ui *ui, uint64_t *now, int x0, int y0, int dx, int dy, int steps)
{
    struct ui_rect r = kit_rect(ui, "sign.pad");
    int x = r.x + x0, y = r.y + y0;
    ui_pointer_down(ui, x, y);
    pad(ui, *now += 16);
    CHECK_INT(res, 0);
    for (int i = 0; i < steps; i++) {
        ui_pointer_move(ui, x += dx, y += dy);
        pad(ui, *now += 16);
        CHECK_INT(res, 0);
    }
    ui_pointer_up(ui, x, y);
    pad(ui, *now += 16);
    CHECK_INT(res, UI_RES_CHANGE);
    pad(ui, *now += 16); /* reported once */
    CHECK_INT(res, 0);
}

static void test_strokes(double scale)
{
    struct ui *ui = kit_new(480, 800, scale, UI_THEME_NORMAL);
    uint64_t now = 0;
    ui_signature_clear(&sig);
    pad(ui, now);
    CHECK_INT(ui_find(ui, "sign.pad")->role, UI_ROLE_SIGNATURE);
    CHECK(ui_find(ui, "sign.pad")->interactive);
    CHECK(!ui_find(ui, "sign.pad")->checked);
    CHECK_INT(ink_lines(ui), 0);

    stroke(ui, &now, 10, 10, 10, 5, 4);
    CHECK_INT(ui_signature_strokes(&sig), 1);
    CHECK_INT(sig.n, 6); /* 5 points and the pen-up mark */
    CHECK_INT(sig.pts[0].x, (int)(10 / scale));
    CHECK_INT(sig.pts[4].x, (int)(50 / scale));
    CHECK_INT(sig.pts[4].y, (int)(30 / scale));
    CHECK_INT(sig.pts[5].x, UI_SIG_PEN_UP);
    CHECK_INT(ink_lines(ui), 4);
    CHECK(ui_find(ui, "sign.pad")->checked);

    stroke(ui, &now, 100, 40, 1, 0, 3); /* moves under 2 logical px are not kept */
    CHECK_INT(ui_signature_strokes(&sig), 2);
    CHECK_INT(sig.n, 6 + (scale > 1 ? 2 : 3));
    CHECK_INT(ink_lines(ui), 4 + (scale > 1 ? 0 : 1));

    ui_signature_clear(&sig);
    CHECK_INT(sig.n, 0);
    CHECK_INT(pts[0].x, 0);
    pad(ui, now += 16);
    CHECK_INT(ink_lines(ui), 0);
    CHECK(!ui_find(ui, "sign.pad")->checked);
    ui_destroy(ui);
}

/* A pen leaving the pad is clamped to its edge; a press outside draws nothing. */
static void test_edges(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_HIGH_CONTRAST);
    uint64_t now = 0;
    ui_signature_clear(&sig);
    pad(ui, now);
    struct ui_rect r = kit_rect(ui, "sign.pad");
    ui_pointer_down(ui, r.x + 5, r.y + 5);
    pad(ui, now += 16);
    ui_pointer_move(ui, r.x - 50, r.y + r.h + 50);
    pad(ui, now += 16);
    CHECK_INT(sig.pts[1].x, 0);
    CHECK_INT(sig.pts[1].y, r.h - 1);
    ui_pointer_up(ui, r.x - 50, r.y + r.h + 50);
    pad(ui, now += 16);
    CHECK_INT(res, UI_RES_CHANGE);

    size_t before = sig.n;
    ui_pointer_down(ui, r.x + r.w / 2, r.y - 30); /* on the title, not the pad */
    pad(ui, now += 16);
    ui_pointer_move(ui, r.x + r.w / 2, r.y + 40);
    pad(ui, now += 16);
    ui_pointer_up(ui, r.x + r.w / 2, r.y + 40);
    pad(ui, now += 16);
    CHECK_INT(sig.n, before);
    CHECK_INT(res, 0);
    ui_destroy(ui);
}

/* A full buffer keeps what it has, says so, and never writes past cap. */
static void test_full(void)
{
    struct ui_sig_point small[5] = {0};
    struct ui_sig_point guard = {77, 77};
    struct ui_signature s = {.pts = small, .cap = 4};
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    small[4] = guard;
    ui_frame_begin(ui, 0);
    ui_signature_pad(ui, "pad", &s, 200);
    ui_frame_end(ui, &fr);
    struct ui_rect r = kit_rect(ui, "pad");
    ui_pointer_down(ui, r.x + 5, r.y + 5);
    for (int i = 1; i <= 8; i++) {
        ui_frame_begin(ui, (uint64_t)i * 16);
        ui_signature_pad(ui, "pad", &s, 200);
        ui_frame_end(ui, &fr);
        ui_pointer_move(ui, r.x + 5 + 10 * i, r.y + 5);
    }
    CHECK_INT(s.n, 4);
    CHECK(s.full);
    CHECK_INT(small[4].x, 77);
    ui_signature_clear(&s);
    CHECK(!s.full);
    ui_destroy(ui);
}

int main(void)
{
    test_strokes(1.0);
    test_strokes(2.0);
    test_edges();
    test_full();
    return ff_test_finish();
}

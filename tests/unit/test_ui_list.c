/* test_ui_list.c - the touch list over simulated time: taps on rows, drags that cancel the
 * row's press, flings with inertia that come to rest, rubber bands at both ends, a touch that
 * stops a fling, and 1,000 rows that cost only the visible ones. */
#include <math.h>
#include <stdio.h>

#include "test_ui_kit.h"

static int nrows = 1000;
static int clicked = -1;

static void list(struct ui *ui, uint64_t now, struct ui_frame_result *fr)
{
    ui_frame_begin(ui, now);
    ui_label(ui, "title", "Articles", 28, UI_FONT_BOLD);
    clicked = -1;
    ui_list_begin(ui, "kb", 0);
    for (int i = 0; i < nrows; i++) {
        char id[32], text[48];
        snprintf(id, sizeof id, "kb.%d", i);
        snprintf(text, sizeof text, "Article number %d", i);
        if (ui_list_item(ui, id, text))
            clicked = i;
    }
    ui_list_end(ui);
    ui_frame_end(ui, fr);
}

static double offset(struct ui *ui)
{
    return ui_list_offset(ui, "kb");
}

/* Runs timer frames every 16 ms until the list asks for none; returns the time. */
static uint64_t settle(struct ui *ui, uint64_t now, double *max_seen, double *min_seen)
{
    struct ui_frame_result fr = {.next_timer_ms = now};
    for (int i = 0; i < 1000 && fr.next_timer_ms != UI_NO_TIMER; i++) {
        now += 16;
        list(ui, now, &fr);
        double o = offset(ui);
        if (max_seen && o > *max_seen)
            *max_seen = o;
        if (min_seen && o < *min_seen)
            *min_seen = o;
    }
    CHECK(fr.next_timer_ms == UI_NO_TIMER);
    return now;
}

static void test_tap_and_virtual_rows(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    list(ui, 0, &fr);
    size_t n, rows = 0;
    const struct ui_widget *w = ui_widgets(ui, &n);
    for (size_t i = 0; i < n; i++)
        rows += w[i].role == UI_ROLE_LIST_ITEM;
    CHECK(rows > 5 && rows < 20); /* only what is on screen is built */
    CHECK(!fr.overflow);
    struct ui_rect r = kit_rect(ui, "kb.3");
    ui_pointer_down(ui, kit_cx(r), kit_cy(r));
    list(ui, 10, &fr);
    CHECK(ui_find(ui, "kb.3")->pressed);
    ui_pointer_up(ui, kit_cx(r), kit_cy(r));
    list(ui, 60, &fr);
    CHECK_INT(clicked, 3);
    list(ui, 70, &fr);
    CHECK(fr.next_timer_ms == UI_NO_TIMER);
    struct ui_finding f[8];
    CHECK_INT(ui_check(ui, f, 8), 0);
    ui_destroy(ui);
}

static void test_drag(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    list(ui, 0, &fr);
    struct ui_rect r = kit_rect(ui, "kb.5");
    int x = kit_cx(r), y = kit_cy(r);
    ui_pointer_down(ui, x, y);
    list(ui, 0, &fr);
    CHECK(ui_find(ui, "kb.5")->pressed);
    uint64_t t = 0;
    for (int k = 1; k <= 10; k++) { /* 200 px up, slowly */
        ui_pointer_move(ui, x, y - 20 * k);
        list(ui, t += 100, &fr);
    }
    CHECK(fabs(offset(ui) - 200) < 1);
    CHECK(!ui_find(ui, "kb.5") || !ui_find(ui, "kb.5")->pressed); /* the drag took the press */
    CHECK(ui_find(ui, "kb.0") == NULL && ui_find(ui, "kb.14"));   /* rows scrolled out and in */
    list(ui, t += 300, &fr); /* hold still, then lift: no fling */
    ui_pointer_up(ui, x, y - 200);
    list(ui, t += 16, &fr);
    CHECK_INT(clicked, -1);
    t = settle(ui, t, NULL, NULL);
    CHECK(fabs(offset(ui) - 200) < 5);
    ui_destroy(ui);
}

static void test_fling(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    list(ui, 0, &fr);
    int x = 240, y = 700;
    uint64_t t = 0;
    ui_pointer_down(ui, x, y);
    list(ui, t, &fr);
    for (int k = 1; k <= 4; k++) { /* 50 px per 16 ms: a quick flick */
        ui_pointer_move(ui, x, y - 50 * k);
        list(ui, t += 16, &fr);
    }
    double at_release = offset(ui);
    ui_pointer_up(ui, x, y - 250);
    list(ui, t += 16, &fr);
    CHECK(fr.next_timer_ms == t + 16); /* it moves on its own, and says when to wake */
    double prev = offset(ui), step0 = 0, last_step = 0;
    for (int k = 0; k < 20; k++) {
        list(ui, t += 16, &fr);
        double step = offset(ui) - prev;
        CHECK(step >= 0); /* always onwards */
        if (k == 0)
            step0 = step;
        last_step = step;
        prev = offset(ui);
    }
    CHECK(last_step < step0); /* and slowing down */
    double max = 0;
    t = settle(ui, t, &max, NULL);
    double travelled = offset(ui) - at_release;
    CHECK(travelled > 400 && travelled < 2000);
    fprintf(stderr, "fling: %.0f px after release, at rest at t=%llu ms\n", travelled,
            (unsigned long long)t);
    list(ui, t += 5000, &fr);
    CHECK(!fr.changed);

    /* a touch on a moving list stops it and taps nothing */
    ui_pointer_down(ui, x, y);
    list(ui, t += 16, &fr);
    for (int k = 1; k <= 4; k++) {
        ui_pointer_move(ui, x, y - 60 * k);
        list(ui, t += 16, &fr);
    }
    ui_pointer_up(ui, x, y - 240);
    list(ui, t += 16, &fr);
    list(ui, t += 16, &fr);
    double moving = offset(ui);
    ui_pointer_down(ui, x, 400);
    list(ui, t += 16, &fr);
    ui_pointer_up(ui, x, 400);
    list(ui, t += 16, &fr);
    CHECK_INT(clicked, -1);
    CHECK(fabs(offset(ui) - moving) < 60);
    list(ui, t += 16, &fr);
    CHECK(fr.next_timer_ms == UI_NO_TIMER);
    ui_destroy(ui);
}

static void test_rubber_band(void)
{
    nrows = 30;
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    list(ui, 0, &fr);
    uint64_t t = 0;
    /* pull down at the top: it gives, less than the finger moved */
    ui_pointer_down(ui, 240, 200);
    list(ui, t, &fr);
    for (int k = 1; k <= 10; k++) {
        ui_pointer_move(ui, 240, 200 + 30 * k);
        list(ui, t += 50, &fr);
    }
    CHECK(offset(ui) < -20 && offset(ui) > -300 * 0.55);
    double top = kit_rect(ui, "kb.0").y;
    ui_pointer_up(ui, 240, 500);
    list(ui, t += 16, &fr);
    double max = -1e9;
    t = settle(ui, t, &max, NULL);
    CHECK(offset(ui) == 0); /* back exactly at the top */
    CHECK(max <= 0.5);      /* without overshooting the other way */
    CHECK(kit_rect(ui, "kb.0").y < top);

    /* fling hard towards the end: it stops at the end, springs back, and rests there */
    ui_pointer_down(ui, 240, 700);
    list(ui, t += 16, &fr);
    for (int k = 1; k <= 5; k++) {
        ui_pointer_move(ui, 240, 700 - 100 * k);
        list(ui, t += 16, &fr);
    }
    ui_pointer_up(ui, 240, 200);
    list(ui, t += 16, &fr);
    double maxo = 0;
    t = settle(ui, t, &maxo, NULL);
    double end = offset(ui);
    struct ui_rect last = kit_rect(ui, "kb.29");
    const struct ui_widget *lw = ui_find(ui, "kb");
    CHECK(last.y + last.h <= lw->rect.y + lw->rect.h);      /* the last row is in view */
    CHECK(last.y + last.h >= lw->rect.y + lw->rect.h - 20); /* at the bottom */
    fprintf(stderr, "overshoot %.0f px\n", maxo - end);
    CHECK(maxo > end);       /* it went past, then back */
    CHECK(maxo - end < 200); /* not far */

    /* a very late frame (the board was busy) lands at rest too */
    ui_pointer_down(ui, 240, 300);
    list(ui, t += 16, &fr);
    ui_pointer_move(ui, 240, 600);
    list(ui, t += 16, &fr);
    ui_pointer_up(ui, 240, 600);
    list(ui, t += 16, &fr);
    list(ui, t += 5000, &fr);
    list(ui, t += 16, &fr);
    CHECK(fr.next_timer_ms == UI_NO_TIMER);
    double o = offset(ui);
    CHECK(o >= 0 && o <= end + 0.5);
    ui_destroy(ui);
    nrows = 1000;
}

static void test_keyboard_scrolls(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    uint64_t t = 0;
    list(ui, t, &fr);
    for (int k = 0; k < 30; k++) {
        ui_key(ui, UI_KEY_DOWN, 0);
        list(ui, t += 16, &fr);
        if (fr.next_timer_ms <= t)
            list(ui, t, &fr); /* the frame it asked for: drawn where it scrolled to */
    }
    CHECK(offset(ui) > 500);
    const struct ui_widget *w = ui_find(ui, "kb.29");
    const struct ui_widget *l = ui_find(ui, "kb");
    CHECK(w && w->focused && w->focus_visible);
    if (w && l)
        CHECK(w->rect.y >= l->rect.y && w->rect.y + w->rect.h <= l->rect.y + l->rect.h);
    ui_key(ui, UI_KEY_ENTER, 0);
    list(ui, t += 16, &fr);
    CHECK_INT(clicked, 29);
    ui_destroy(ui);
}

static void test_wheel(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    list(ui, 0, &fr);
    ui_pointer_move(ui, 240, 400);
    ui_scroll(ui, 120);
    ui_scroll(ui, 60);
    list(ui, 16, &fr);
    CHECK(offset(ui) == 180 && fr.changed);
    ui_scroll(ui, -1000); /* stops at the top, no rubber band */
    list(ui, 32, &fr);
    CHECK(offset(ui) == 0);
    ui_pointer_move(ui, 240, 20); /* over the title, not the list */
    ui_scroll(ui, 100);
    list(ui, 48, &fr);
    CHECK(offset(ui) == 0 && !fr.changed);
    CHECK(fr.next_timer_ms == UI_NO_TIMER);
    ui_destroy(ui);
}

int main(void)
{
    test_wheel();
    test_keyboard_scrolls();
    test_tap_and_virtual_rows();
    test_drag();
    test_fling();
    test_rubber_band();
    return ff_test_finish();
}

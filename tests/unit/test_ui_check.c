/* test_ui_check.c - themes and the UI-tree checker: every colour pair of every theme reaches
 * its contrast; the WCAG formula on known values; the checker passes good frames and names
 * the widget in each kind of bad one (hand-made trees and real frames). */
#include <stdio.h>

#include "test_ui_kit.h"

#define C(v) ((struct ui_color){(uint8_t)((v) >> 16), (uint8_t)((v) >> 8), (uint8_t)(v), 255})

static void test_contrast(void)
{
    static const struct {
        uint32_t a, b;
        double want;
    } cases[] = {
        {0x000000, 0xFFFFFF, 21.0}, {0xFFFFFF, 0xFFFFFF, 1.0}, {0x777777, 0xFFFFFF, 4.48},
        {0x767676, 0xFFFFFF, 4.54}, {0x595959, 0xFFFFFF, 7.0}, {0xFF0000, 0xFFFFFF, 4.0},
        {0x0000FF, 0x000000, 2.44},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = ui_contrast(C(cases[i].a), C(cases[i].b));
        char what[64];
        snprintf(what, sizeof what, "#%06X on #%06X: %.3f", cases[i].a, cases[i].b, got);
        CHECK_MSG(got > cases[i].want - 0.01 && got < cases[i].want + 0.01, what);
        CHECK(got == ui_contrast(C(cases[i].b), C(cases[i].a)));
    }
    CHECK(ui_luminance(C(0xFFFFFF)) == 1.0 && ui_luminance(C(0)) == 0.0);
}

static void test_themes(void)
{
    CHECK(ui_theme_get(UI_THEME_COUNT) == NULL);
    for (int id = 0; id < UI_THEME_COUNT; id++) {
        const struct ui_theme *t = ui_theme_get(id);
        struct ui_color_pair p[32];
        size_t n = ui_theme_pairs(t, p, 32);
        CHECK(n > 8 && n <= 32);
        for (size_t i = 0; i < n; i++) {
            double c = ui_contrast(p[i].fg, p[i].bg);
            char what[96];
            snprintf(what, sizeof what, "%s %s: %.2f:1 < %.1f:1", t->name, p[i].what, c, p[i].min);
            CHECK_MSG(c >= p[i].min, what);
            CHECK(p[i].min >= 3.0);
        }
    }
    CHECK(ui_theme_get(UI_THEME_NORMAL)->min_contrast >= 4.5);
    CHECK(ui_theme_get(UI_THEME_HIGH_CONTRAST)->min_contrast >= 7.0);
    CHECK(ui_theme_get(UI_THEME_LARGE_TEXT)->text_scale == 1.5);
}

static const struct ui_check_opts opts = {{0, 0, 480, 800}, 1.0, 4.5};

static struct ui_widget target(const char *id, int x, int y, int w, int h)
{
    return (struct ui_widget){.id = id,
                              .role = UI_ROLE_BUTTON,
                              .rect = {x, y, w, h},
                              .clip = {0, 0, 480, 800},
                              .text = "OK",
                              .fg = C(0xFFFFFF),
                              .bg = C(0x0B5CAD),
                              .font_px = 18,
                              .parent = -1,
                              .interactive = true};
}

static void test_bad_trees(void)
{
    struct ui_finding f[8];
    struct ui_widget good[] = {target("a", 16, 16, 200, 48), target("b", 16, 72, 200, 48),
                               target("c", 224, 16, 48, 48)};
    CHECK_INT(ui_check_tree(good, 3, &opts, f, 8), 0);

    static const struct {
        const char *why;
        struct ui_widget w[2];
        size_t n;
        enum ui_finding_kind kind;
        const char *id;
        const char *says;
    } bad[] = {
        {"small", {{0}}, 1, UI_FIND_TARGET_SIZE, "small", "40x48 px"},
        {"close", {{0}}, 2, UI_FIND_SPACING, "close.2", "4 px from close.1"},
        {"overlap", {{0}}, 2, UI_FIND_SPACING, "overlap.2", "0 px from"},
        {"grey", {{0}}, 1, UI_FIND_CONTRAST, "grey", "contrast 4.48:1"},
        {"cut", {{0}}, 1, UI_FIND_CLIPPED, "cut", "Yes, ple"},
        {"off", {{0}}, 1, UI_FIND_OFF_SCREEN, "off", "partly outside the 480x800 screen"},
        {"gone", {{0}}, 1, UI_FIND_OFF_SCREEN, "gone", "entirely outside"},
        {"twice", {{0}}, 2, UI_FIND_DUPLICATE_ID, "twice", "widgets 0 and 1"},
    };
    struct ui_widget w[8][2] = {
        {target("small", 16, 16, 40, 48)},
        {target("close.1", 16, 16, 100, 48), target("close.2", 120, 16, 100, 48)},
        {target("overlap.1", 16, 16, 100, 48), target("overlap.2", 60, 30, 100, 48)},
        {target("grey", 16, 16, 100, 48)},
        {target("cut", 16, 16, 100, 48)},
        {target("off", 440, 16, 100, 48)},
        {target("gone", 16, 900, 100, 48)},
        {target("twice", 16, 16, 100, 48), target("twice", 16, 200, 100, 48)},
    };
    w[3][0].fg = C(0x777777), w[3][0].bg = C(0xFFFFFF);
    w[4][0].text = "Yes, ple\xE2\x80\xA6", w[4][0].text_clipped = true;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = ui_check_tree(w[i], bad[i].n, &opts, f, 8);
        CHECK_MSG(n == 1, bad[i].why);
        if (n < 1)
            continue;
        CHECK(f[0].kind == bad[i].kind);
        CHECK_STR(f[0].id, bad[i].id);
        CHECK_MSG(strstr(f[0].message, bad[i].says) != NULL, f[0].message);
    }
    /* at scale 2 the same 48 px button is too small; in high contrast 4.5:1 is too little */
    struct ui_check_opts big = opts;
    big.scale = 2.0;
    CHECK_INT(ui_check_tree(good, 1, &big, f, 8), 1);
    CHECK(f[0].kind == UI_FIND_TARGET_SIZE && strstr(f[0].message, "96x96"));
    struct ui_widget mid = target("mid", 16, 16, 100, 48);
    mid.fg = C(0x595959), mid.bg = C(0xFFFFFF); /* 7.0:1 */
    struct ui_check_opts hc = opts;
    hc.min_contrast = 7.0;
    CHECK_INT(ui_check_tree(&mid, 1, &opts, f, 8), 0);
    CHECK_INT(ui_check_tree(&mid, 1, &hc, f, 8), 0);
    mid.fg = C(0x5A5A5A);
    CHECK_INT(ui_check_tree(&mid, 1, &hc, f, 8), 1);
    /* more findings than room: counted all, wrote cap */
    struct ui_widget many[3] = {target("x", 0, 0, 10, 10), target("y", 5, 5, 10, 10),
                                target("z", 9, 9, 10, 10)};
    size_t n = ui_check_tree(many, 3, &opts, f, 2);
    CHECK(n > 2);
    CHECK_INT(strcmp(ui_finding_name(UI_FIND_SPACING), "spacing"), 0);
}

static void bad_frame(struct ui *ui)
{
    struct ui_frame_result fr;
    ui_frame_begin(ui, 0);
    ui_button(ui, "ok", "OK");
    ui_layout_set_next(ui, (struct ui_rect){16, 300, 40, 40});
    ui_button(ui, "tiny", "x");
    ui_layout_set_next(ui, (struct ui_rect){400, 400, 200, 48});
    ui_button(ui, "half-out", "Go");
    ui_layout_row(ui, 2, 0);
    /* 21 letters a line in a half-width button: 4 lines do not fit the 3 a button wraps to */
    ui_button(ui, "long", "Yes, I would like an engineer to visit my home on Tuesday morning");
    ui_button(ui, "next", "No");
    ui_frame_end(ui, &fr);
}

static void test_real_frames(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    bad_frame(ui);
    struct ui_finding f[16];
    size_t n = ui_check(ui, f, 16);
    int size = 0, off = 0, cut = 0;
    for (size_t i = 0; i < n && i < 16; i++) {
        size += f[i].kind == UI_FIND_TARGET_SIZE && !strcmp(f[i].id, "tiny");
        off += f[i].kind == UI_FIND_OFF_SCREEN && !strcmp(f[i].id, "half-out");
        cut += f[i].kind == UI_FIND_CLIPPED && !strcmp(f[i].id, "long");
    }
    CHECK_INT(n, 3);
    CHECK(size == 1 && off == 1 && cut == 1);
    ui_destroy(ui);
}

int main(void)
{
    test_contrast();
    test_themes();
    test_bad_trees();
    test_real_frames();
    return ff_test_finish();
}

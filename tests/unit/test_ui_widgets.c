/* test_ui_widgets.c - what the app engineer found in the widget core (issue 8): target labels
 * that wrap instead of being cut, the checker judging widgets in a list on what the viewport
 * shows, ui_label without an id, rows wider than 8, the placeholder's colour and a toggle
 * whose switch stays whole. The fake font is 0.5 em a letter, so large text (27 px) is 13 px
 * a letter. */
#include <stdio.h>

#include "test_ui_kit.h"

static const char *const LONG_OPT = "Yes, my boiler is older than fifteen years";

/* The TEXT commands drawn inside r. */
static int texts_in(struct ui *ui, struct ui_rect r)
{
    size_t n;
    const struct ui_cmd *c = ui_commands(ui, &n);
    int k = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i].type == UI_CMD_TEXT && c[i].rect.y >= r.y && c[i].rect.y < r.y + r.h &&
            c[i].rect.x >= r.x && c[i].rect.x < r.x + r.w)
            k++;
    return k;
}

static size_t check(struct ui *ui, struct ui_finding *f, size_t cap)
{
    size_t n = ui_check(ui, f, cap);
    for (size_t i = 0; i < n && i < cap; i++)
        fprintf(stderr, "  finding: %s\n", f[i].message);
    return n;
}

static void test_targets_wrap(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_LARGE_TEXT);
    struct ui_frame_result fr;
    const char *opts[] = {"No", LONG_OPT};
    int sel = -1;
    ui_frame_begin(ui, 0);
    ui_button(ui, "b", LONG_OPT);
    ui_chips(ui, "c", opts, 2, &sel);
    ui_list_begin(ui, "l", 400);
    ui_list_item(ui, "l.0", LONG_OPT);
    ui_list_end(ui);
    ui_frame_end(ui, &fr);
    const char *ids[] = {"b", "c.1", "l.0"};
    for (size_t i = 0; i < 3; i++) {
        const struct ui_widget *w = ui_find(ui, ids[i]);
        CHECK_MSG(w && !w->text_clipped, ids[i]);
        CHECK_MSG(w && w->rect.h >= 2 * (27 * 5 + 3) / 4, ids[i]); /* two lines of 27 px */
        CHECK_MSG(w && texts_in(ui, w->rect) == 2, ids[i]);
        CHECK_MSG(w && !strcmp(w->text, LONG_OPT), ids[i]);
    }
    struct ui_finding f[8];
    CHECK_INT(check(ui, f, 8), 0);

    /* a fixed row height is a bound: what does not fit there is ellipsized (and flagged) */
    ui_frame_begin(ui, 10);
    ui_layout_row(ui, 1, 48);
    ui_button(ui, "b", LONG_OPT);
    ui_frame_end(ui, &fr);
    CHECK(ui_find(ui, "b")->text_clipped);
    CHECK_INT(texts_in(ui, ui_find(ui, "b")->rect), 1);
    ui_destroy(ui);
}

#define VIEW                                                                                       \
    {                                                                                              \
        16, 100, 448, 400                                                                          \
    }

static struct ui_widget in_list(const char *id, int y)
{
    return (struct ui_widget){.id = id,
                              .role = UI_ROLE_BUTTON,
                              .rect = {32, y, 200, 48},
                              .clip = VIEW,
                              .text = "OK",
                              .fg = {255, 255, 255, 255},
                              .bg = {11, 92, 173, 255},
                              .font_px = 18,
                              .parent = 0,
                              .interactive = true};
}

static void test_check_list_viewport(void)
{
    static const struct ui_check_opts o = {{0, 0, 480, 800}, 1.0, 4.5};
    struct ui_widget outside = in_list("bar", 510);
    outside.clip = o.screen;
    outside.parent = -1;
    struct ui_widget tree[] = {
        {.id = "l", .role = UI_ROLE_LIST, .rect = VIEW, .clip = {0, 0, 480, 800}, .parent = -1},
        in_list("gone", 30),  /* scrolled entirely above the viewport */
        in_list("half", 470), /* half under the viewport's bottom edge (500) */
        outside,              /* 10 px below what "half" shows, 0 px from its whole rect */
    };
    tree[1].role = UI_ROLE_LABEL;
    tree[1].interactive = false;
    struct ui_finding f[8];
    CHECK_INT(ui_check_tree(tree, 4, &o, f, 8), 0);
    outside.rect.y = 504; /* 4 px below the viewport: too close to "half" */
    tree[3] = outside;
    CHECK_INT(ui_check_tree(tree, 4, &o, f, 8), 1);
    CHECK(f[0].kind == UI_FIND_SPACING && !strcmp(f[0].id, "bar"));
    /* outside a list, a widget nobody can see is still reported */
    tree[1].parent = -1;
    tree[3].rect.y = 600;
    CHECK_INT(ui_check_tree(tree, 4, &o, f, 8), 1);
    CHECK(f[0].kind == UI_FIND_OFF_SCREEN && !strcmp(f[0].id, "gone"));

    /* a real frame: buttons and labels in a list, most of them scrolled out of view */
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    ui_frame_begin(ui, 0);
    ui_list_begin(ui, "content", 300);
    for (int i = 0; i < 12; i++) {
        char id[32];
        snprintf(id, sizeof id, "content.label.%d", i);
        ui_label(ui, id, "Which of these fits?", 0, UI_FONT_REGULAR);
        snprintf(id, sizeof id, "content.opt.%d", i);
        ui_button(ui, id, "This one");
    }
    ui_list_end(ui);
    ui_button(ui, "next", "Next");
    ui_frame_end(ui, &fr);
    CHECK(ui_find(ui, "content.opt.11") != NULL);
    CHECK_INT(check(ui, f, 8), 0);
    ui_destroy(ui);
}

static void test_label_null(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    ui_frame_begin(ui, 0);
    ui_label(ui, NULL, "Decoration", 0, UI_FONT_REGULAR);
    ui_label(ui, "empty", NULL, 0, UI_FONT_REGULAR);
    ui_frame_end(ui, &fr);
    size_t n;
    ui_widgets(ui, &n);
    CHECK_INT(n, 1);
    CHECK_STR(ui_find(ui, "empty")->text, "");
    CHECK_INT(kit_count_cmds(ui, UI_CMD_TEXT, "Decoration"), 1);
    CHECK(!fr.overflow);
    ui_destroy(ui);
}

static void test_row_bound(void)
{
    struct ui *ui = kit_new(1920, 1080, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    char id[32];
    ui_frame_begin(ui, 0);
    ui_layout_row(ui, 12, 0); /* a keyboard row: 12 keys on one line */
    for (int i = 0; i < 12; i++) {
        snprintf(id, sizeof id, "k.%d", i);
        ui_button(ui, id, "q");
    }
    ui_frame_end(ui, &fr);
    CHECK(!fr.overflow);
    CHECK_INT(kit_rect(ui, "k.11").y, kit_rect(ui, "k.0").y);
    CHECK(kit_rect(ui, "k.11").x > kit_rect(ui, "k.10").x);

    ui_frame_begin(ui, 10);
    ui_layout_row(ui, UI_ROW_MAX + 1, 0);
    for (int i = 0; i <= UI_ROW_MAX; i++) {
        snprintf(id, sizeof id, "k.%d", i);
        ui_button(ui, id, "q");
    }
    ui_frame_end(ui, &fr);
    CHECK(fr.overflow);
    CHECK_MSG(strstr(ui_last_error(ui), "row") != NULL, ui_last_error(ui));
    ui_destroy(ui);
}

static void test_placeholder(void)
{
    for (int id = 0; id < UI_THEME_COUNT; id++) {
        const struct ui_theme *t = ui_theme_get(id);
        struct ui_color_pair p[32];
        size_t n = ui_theme_pairs(t, p, 32), found = 0;
        for (size_t i = 0; i < n && i < 32; i++)
            if (!strcmp(p[i].what, "placeholder/control")) {
                found++;
                CHECK(p[i].min >= t->min_contrast);
                CHECK_MSG(ui_contrast(p[i].fg, p[i].bg) >= t->min_contrast, t->name);
            }
        CHECK_INT(found, 1);
        char what[96];
        snprintf(what, sizeof what, "%s: placeholder %.2f:1 from typed text", t->name,
                 ui_contrast(t->placeholder, t->on_control));
        CHECK_MSG(ui_contrast(t->placeholder, t->on_control) >= 2.0, what);

        struct ui *ui = kit_new(480, 800, 1.0, id);
        struct ui_frame_result fr;
        char buf[32] = "";
        ui_frame_begin(ui, 0);
        ui_textfield(ui, "name", buf, sizeof buf, "Your name");
        ui_frame_end(ui, &fr);
        size_t nc;
        const struct ui_cmd *c = ui_commands(ui, &nc);
        int drawn = 0;
        for (size_t i = 0; i < nc; i++)
            if (c[i].type == UI_CMD_TEXT && !strcmp(c[i].text, "Your name"))
                drawn += !memcmp(&c[i].color, &t->placeholder, sizeof c[i].color);
        CHECK_MSG(drawn == 1, t->name);
        CHECK(!memcmp(&ui_find(ui, "name")->fg, &t->placeholder, sizeof t->placeholder));
        ui_destroy(ui);
    }
}

static void test_toggle_fits(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_LARGE_TEXT);
    struct ui_frame_result fr;
    bool on = true;
    ui_frame_begin(ui, 0);
    ui_layout_push(ui, (struct ui_rect){0, 0, 300, 800}); /* a side panel, 268 px inside */
    ui_toggle(ui, "read", "Leer en voz alta", &on);
    ui_layout_pop(ui);
    ui_frame_end(ui, &fr);
    const struct ui_widget *w = ui_find(ui, "read");
    CHECK(w && !w->text_clipped && !strcmp(w->text, "Leer en voz alta"));
    struct ui_rect r = kit_rect(ui, "read");
    size_t n;
    const struct ui_cmd *c = ui_commands(ui, &n);
    int tracks = 0, track_x = r.x + r.w, lines = 0;
    for (size_t i = 0; i < n; i++) {
        struct ui_rect q = c[i].rect;
        if (c[i].type == UI_CMD_RECT && q.w == 52 && q.h == 28) {
            tracks++;
            track_x = q.x;
            CHECK(q.x >= r.x && q.x + q.w <= r.x + r.w && q.y >= r.y && q.y + q.h <= r.y + r.h);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (c[i].type == UI_CMD_TEXT) {
            lines++;
            int end = c[i].rect.x +
                      kit_measure(NULL, c[i].text, strlen(c[i].text), c[i].font_px, c[i].style);
            CHECK_MSG(end <= track_x, c[i].text); /* the label stays left of the switch */
        }
    CHECK_INT(tracks, 2); /* fill and outline */
    CHECK_INT(lines, 2);
    struct ui_finding f[4];
    CHECK_INT(check(ui, f, 4), 0);
    ui_destroy(ui);
}

int main(void)
{
    test_targets_wrap();
    test_check_list_viewport();
    test_label_null();
    test_row_bound();
    test_placeholder();
    test_toggle_fits();
    return ff_test_finish();
}

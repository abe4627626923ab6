/* test_ui.c - the widget layer's core driven as a person would: taps, presses that wander
 * off, keyboard focus, toggles, chips, tabs, dialogs, toasts, redraw and timers, layouts from
 * 480x800 portrait to 1920x1080 landscape. Asserts on the widget tree and the draw commands. */
#include <stdio.h>
#include <stdlib.h>

#include "fieldflow/mem.h"
#include "test_ui_kit.h"

static bool b_ok, b_cancel, b_help;

static void three_buttons(struct ui *ui, uint64_t now, struct ui_frame_result *fr)
{
    ui_frame_begin(ui, now);
    ui_label(ui, "title", "How can we help?", 28, UI_FONT_BOLD);
    b_ok = ui_button(ui, "ok", "OK");
    b_cancel = ui_button(ui, "cancel", "Cancel");
    b_help = ui_button(ui, "help", "Talk to a person");
    ui_frame_end(ui, fr);
}

static bool has_rect_colour(struct ui *ui, struct ui_color c, bool outline)
{
    size_t n;
    const struct ui_cmd *cmd = ui_commands(ui, &n);
    for (size_t i = 0; i < n; i++)
        if (cmd[i].type == UI_CMD_RECT && !memcmp(&cmd[i].color, &c, sizeof c) &&
            (cmd[i].thickness > 0) == outline)
            return true;
    return false;
}

static void test_tap(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    const struct ui_theme *t = ui_current_theme(ui);
    struct ui_frame_result fr;
    three_buttons(ui, 0, &fr);
    CHECK(fr.changed);
    CHECK(fr.next_timer_ms == UI_NO_TIMER);
    struct ui_rect ok = kit_rect(ui, "ok");
    CHECK(ok.h >= 48 && ok.w > 48);
    CHECK_INT(kit_count_cmds(ui, UI_CMD_TEXT, "OK"), 1);

    ui_pointer_down(ui, kit_cx(ok), kit_cy(ok));
    three_buttons(ui, 10, &fr);
    CHECK(!b_ok);
    CHECK(ui_find(ui, "ok")->pressed); /* feedback on touch-down */
    CHECK(!ui_find(ui, "cancel")->pressed);
    CHECK(has_rect_colour(ui, t->pressed, false));
    CHECK(fr.changed);

    ui_pointer_up(ui, kit_cx(ok), kit_cy(ok));
    three_buttons(ui, 20, &fr);
    CHECK(b_ok);
    CHECK(fr.next_timer_ms == 20); /* the caller reacts: one more frame at once */
    CHECK(!b_cancel && !b_help);
    CHECK(!ui_find(ui, "ok")->pressed);
    CHECK(!has_rect_colour(ui, t->pressed, false));

    /* a tap within one frame (down and up before it) is a click too */
    struct ui_rect c = kit_rect(ui, "cancel");
    ui_pointer_down(ui, kit_cx(c), kit_cy(c));
    ui_pointer_up(ui, kit_cx(c), kit_cy(c));
    three_buttons(ui, 30, &fr);
    CHECK(b_cancel && !b_ok);

    /* a press that wanders off before it lifts is no click, nor a click on the other one */
    ui_pointer_down(ui, kit_cx(ok), kit_cy(ok));
    three_buttons(ui, 40, &fr);
    ui_pointer_move(ui, kit_cx(c), kit_cy(c));
    three_buttons(ui, 50, &fr);
    CHECK(!ui_find(ui, "ok")->pressed);
    CHECK(!ui_find(ui, "cancel")->pressed);
    ui_pointer_up(ui, kit_cx(c), kit_cy(c));
    three_buttons(ui, 60, &fr);
    CHECK(!b_ok && !b_cancel);

    /* nothing changed, nothing to draw, nothing to wake up for */
    three_buttons(ui, 70, &fr);
    CHECK(!fr.changed);
    CHECK(fr.next_timer_ms == UI_NO_TIMER);
    ui_destroy(ui);
}

static void test_keyboard(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    const struct ui_theme *t = ui_current_theme(ui);
    struct ui_frame_result fr;
    three_buttons(ui, 0, &fr);
    CHECK(!has_rect_colour(ui, t->focus, true));
    ui_key(ui, UI_KEY_TAB, 0);
    three_buttons(ui, 1, &fr);
    CHECK(ui_find(ui, "ok")->focused && ui_find(ui, "ok")->focus_visible);
    CHECK(has_rect_colour(ui, t->focus, true)); /* the focus ring */
    ui_key(ui, UI_KEY_TAB, 0);
    ui_key(ui, UI_KEY_TAB, 0);
    three_buttons(ui, 2, &fr);
    CHECK(ui_find(ui, "help")->focused && !ui_find(ui, "ok")->focused);
    ui_key(ui, UI_KEY_TAB, 0); /* wraps around */
    three_buttons(ui, 3, &fr);
    CHECK(ui_find(ui, "ok")->focused);
    ui_key(ui, UI_KEY_TAB, UI_MOD_SHIFT);
    three_buttons(ui, 4, &fr);
    CHECK(ui_find(ui, "help")->focused);
    ui_key(ui, UI_KEY_UP, 0);
    three_buttons(ui, 5, &fr);
    CHECK(ui_find(ui, "cancel")->focused);
    ui_key(ui, UI_KEY_ENTER, 0);
    three_buttons(ui, 6, &fr);
    CHECK(b_cancel && !b_ok && !b_help);
    /* a touch hides the ring */
    struct ui_rect ok = kit_rect(ui, "ok");
    ui_pointer_down(ui, kit_cx(ok), kit_cy(ok));
    three_buttons(ui, 7, &fr);
    CHECK(ui_find(ui, "ok")->focused && !ui_find(ui, "ok")->focus_visible);
    CHECK(!has_rect_colour(ui, t->focus, true));
    ui_destroy(ui);
}

static bool tog;
static int chip = -1, tab;
static bool r_toggle, r_chips, r_tabs;
static const char *const chip_labels[] = {"Yes", "No", "I am not sure", "Later", "Never mind"};
static const char *const tab_labels[] = {"Cases", "Visits", "Sync"};

static void controls(struct ui *ui, uint64_t now, struct ui_frame_result *fr)
{
    ui_frame_begin(ui, now);
    r_tabs = ui_tabs(ui, "tabs", tab_labels, 3, &tab);
    r_toggle = ui_toggle(ui, "hc", "High contrast", &tog);
    r_chips = ui_chips(ui, "answer", chip_labels, 5, &chip);
    ui_progress(ui, "progress", 3 / 7.0, "Step 3 of about 7");
    ui_frame_end(ui, fr);
}

static void tap(struct ui *ui, const char *id,
                void (*frame)(struct ui *, uint64_t, struct ui_frame_result *), uint64_t now)
{
    struct ui_frame_result fr;
    struct ui_rect r = kit_rect(ui, id);
    ui_pointer_down(ui, kit_cx(r), kit_cy(r));
    frame(ui, now, &fr);
    ui_pointer_up(ui, kit_cx(r), kit_cy(r));
    frame(ui, now + 50, &fr);
}

static void test_controls(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    controls(ui, 0, &fr);
    CHECK(!ui_find(ui, "hc")->checked);
    tap(ui, "hc", controls, 100);
    CHECK(r_toggle && tog && ui_find(ui, "hc")->checked);
    tap(ui, "hc", controls, 200);
    CHECK(r_toggle && !tog);

    CHECK(ui_find(ui, "answer.4") != NULL);
    CHECK(kit_rect(ui, "answer.4").y > kit_rect(ui, "answer.0").y); /* wrapped to a line 2 */
    tap(ui, "answer.2", controls, 300);
    CHECK(r_chips && chip == 2);
    CHECK(!ui_find(ui, "answer.2")->checked); /* drawn before it knew */
    controls(ui, 360, &fr);                   /* the frame the tap asked for */
    CHECK(ui_find(ui, "answer.2")->checked);
    CHECK(!ui_find(ui, "answer.1")->checked);
    ui_key(ui, UI_KEY_LEFT, 0);
    controls(ui, 400, &fr);
    CHECK(r_chips && chip == 1);
    controls(ui, 410, &fr);
    CHECK(ui_find(ui, "answer.1")->focused);
    tap(ui, "answer.1", controls, 500); /* the selected one again: no change */
    CHECK(!r_chips && chip == 1);

    tap(ui, "tabs.2", controls, 600);
    CHECK(r_tabs && tab == 2);
    controls(ui, 660, &fr);
    CHECK(ui_find(ui, "tabs.2")->checked);
    ui_key(ui, UI_KEY_RIGHT, 0); /* at the end: stays */
    controls(ui, 700, &fr);
    CHECK(!r_tabs && tab == 2);
    CHECK_STR(ui_find(ui, "progress")->text, "Step 3 of about 7");

    struct ui_finding f[16];
    size_t nf = ui_check(ui, f, 16);
    CHECK_INT(nf, 0);
    for (size_t i = 0; i < nf && i < 16; i++)
        fprintf(stderr, "  %s\n", f[i].message);
    ui_destroy(ui);
}

static int dialog_res;
static bool d_yes, b_under;

static void with_dialog(struct ui *ui, uint64_t now, struct ui_frame_result *fr)
{
    ui_frame_begin(ui, now);
    dialog_res = ui_dialog_begin(ui, "still", "Are you still there?");
    ui_label(ui, "still.text", "The session ends in 20 seconds.", 0, UI_FONT_REGULAR);
    d_yes = ui_button(ui, "still.yes", "Yes, continue");
    ui_dialog_end(ui);
    b_under = ui_button(ui, "under", "Under the dialog");
    ui_frame_end(ui, fr);
}

static void test_dialog(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    with_dialog(ui, 0, &fr);
    with_dialog(ui, 1, &fr);
    CHECK(fr.next_timer_ms == UI_NO_TIMER); /* it has settled where it stays */
    /* the dialog was called first, yet draws above the button */
    size_t n, panel = 0, under = 0;
    const struct ui_cmd *c = ui_commands(ui, &n);
    for (size_t i = 0; i < n; i++) {
        if (c[i].type == UI_CMD_TEXT && !strcmp(c[i].text, "Under the dialog"))
            under = i;
        if (c[i].type == UI_CMD_TEXT && !strcmp(c[i].text, "Yes, continue"))
            panel = i;
    }
    CHECK(under > 0 && panel > under);
    const struct ui_widget *d = ui_find(ui, "still");
    const struct ui_widget *yes = ui_find(ui, "still.yes");
    CHECK(d && yes && yes->layer == 1 && yes->parent == (int)(d - ui_widgets(ui, &n)));
    CHECK(yes->rect.y > d->rect.y && yes->rect.y + yes->rect.h <= d->rect.y + d->rect.h);
    CHECK(d->rect.y > 100); /* centred */

    tap(ui, "under", with_dialog, 100); /* modal: the button below takes nothing */
    CHECK(!b_under);
    tap(ui, "still.yes", with_dialog, 200);
    CHECK(d_yes);
    ui_key(ui, UI_KEY_TAB, 0);
    with_dialog(ui, 300, &fr);
    CHECK(ui_find(ui, "still.yes")->focused); /* Tab stays inside the dialog */
    ui_key(ui, UI_KEY_TAB, 0);
    with_dialog(ui, 310, &fr);
    CHECK(ui_find(ui, "still.yes")->focused);
    CHECK(dialog_res == 0);
    ui_key(ui, UI_KEY_ESCAPE, 0);
    with_dialog(ui, 400, &fr);
    CHECK(dialog_res & UI_RES_DISMISS);
    ui_destroy(ui);
}

static bool toast_on;

static void with_toast(struct ui *ui, uint64_t now, struct ui_frame_result *fr)
{
    ui_frame_begin(ui, now);
    ui_button(ui, "b", "Send");
    toast_on = ui_toast(ui, "sent", "Your request was sent", 3000);
    ui_frame_end(ui, fr);
}

static void test_toast_and_timers(void)
{
    struct ui *ui = kit_new(1280, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    with_toast(ui, 1000, &fr);
    CHECK(toast_on && fr.changed);
    CHECK(fr.next_timer_ms == 4000); /* the core says when to wake up */
    CHECK_INT(ui_find(ui, "sent")->layer, 2);
    CHECK(ui_find(ui, "sent")->rect.y + ui_find(ui, "sent")->rect.h <= 800);
    with_toast(ui, 2500, &fr);
    CHECK(toast_on && !fr.changed);
    with_toast(ui, 4000, &fr);
    CHECK(!toast_on && fr.changed && ui_find(ui, "sent") == NULL);
    CHECK(fr.next_timer_ms == UI_NO_TIMER); /* idle: sleep until input */
    with_toast(ui, 9000, &fr);
    CHECK(!toast_on && !fr.changed);
    ui_destroy(ui);
}

static char name[64] = "Ana";
static bool on2;
static int sel2 = 1;

/* A kiosk-like screen: one column in portrait, two columns in landscape. */
static void screen(struct ui *ui, uint64_t now, struct ui_frame_result *fr)
{
    static const char *const langs[] = {"English", "Dansk", "Español"};
    ui_frame_begin(ui, now);
    struct ui_rect free = ui_layout_free(ui);
    bool wide = free.w > free.h;
    if (wide) {
        ui_layout_row_weights(ui, 2, (const int[]){2, 1}, -1);
        struct ui_rect left = ui_layout_take(ui, 0), right = ui_layout_take(ui, 0);
        CHECK(left.w > right.w && left.h == free.h);
        ui_layout_push(ui, right);
    }
    ui_label(ui, "q", "Is there a smell of gas in the house?", 28, UI_FONT_BOLD);
    ui_layout_row(ui, 2, 0);
    ui_button(ui, "yes", "Yes");
    ui_button(ui, "no", "No");
    ui_tabs(ui, "lang", langs, 3, &sel2);
    ui_toggle(ui, "large", "Larger text", &on2);
    ui_textfield(ui, "name", name, sizeof name, "Your name");
    ui_progress(ui, "step", 0.5, "Step 3 of about 6");
    ui_list_begin(ui, "kb", 0);
    for (int i = 0; i < 30; i++) {
        char id[32], text[32];
        snprintf(id, sizeof id, "kb.%d", i);
        snprintf(text, sizeof text, "Article %d", i);
        ui_list_item(ui, id, text);
    }
    ui_list_end(ui);
    if (wide)
        ui_layout_pop(ui);
    ui_frame_end(ui, fr);
}

static void test_sizes(void)
{
    static const struct {
        int w, h;
        double scale;
    } sizes[] = {{480, 800, 1.0}, {1280, 800, 1.0}, {1920, 1080, 1.5}, {1920, 1080, 1.0}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int th = 0; th < UI_THEME_COUNT; th++) {
            struct ui *ui = kit_new(sizes[s].w, sizes[s].h, sizes[s].scale, th);
            struct ui_frame_result fr;
            screen(ui, 0, &fr);
            CHECK(!fr.overflow);
            struct ui_finding f[16];
            size_t nf = ui_check(ui, f, 16);
            char what[64];
            snprintf(what, sizeof what, "%dx%d theme %d", sizes[s].w, sizes[s].h, th);
            CHECK_MSG(nf == 0, what);
            for (size_t i = 0; i < nf && i < 16; i++)
                fprintf(stderr, "  %s: %s\n", what, f[i].message);
            struct ui_rect yes = kit_rect(ui, "yes");
            CHECK(yes.h >= ui_px(ui, 48));
            CHECK(kit_rect(ui, "no").x - (yes.x + yes.w) >= ui_px(ui, 8));
            if (sizes[s].w > sizes[s].h)
                CHECK(yes.x > sizes[s].w / 2); /* the right-hand column */
            const struct ui_widget *q = ui_find(ui, "q");
            CHECK(q && q->font_px == (int)(ui_px(ui, 28) * ui_current_theme(ui)->text_scale + .5));
            ui_destroy(ui);
        }
}

static void test_resize_and_scale(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    screen(ui, 0, &fr);
    int w1 = kit_rect(ui, "yes").w;
    ui_set_screen(ui, 800, 480, 2.0);
    screen(ui, 10, &fr);
    CHECK(fr.changed);
    CHECK(kit_rect(ui, "yes").h >= 96);
    CHECK(kit_rect(ui, "yes").w != w1);
    ui_set_theme(ui, UI_THEME_HIGH_CONTRAST);
    screen(ui, 20, &fr);
    CHECK(fr.changed);
    CHECK(!memcmp(&ui_find(ui, "q")->bg, &ui_theme_get(UI_THEME_HIGH_CONTRAST)->bg,
                  sizeof(struct ui_color)));
    ui_destroy(ui);
}

static void test_create_and_reset(void)
{
    struct ui *ui = NULL;
    struct ui_config bad = {.width = 0, .height = 800, .measure = kit_measure};
    CHECK(ui_create(&bad, &ui) == FF_EINVAL && ui == NULL);
    bad.width = 480;
    bad.measure = NULL;
    CHECK(ui_create(&bad, &ui) == FF_EINVAL && ui == NULL);
    bad.measure = kit_measure;
    bad.theme = UI_THEME_COUNT;
    CHECK(ui_create(&bad, &ui) == FF_EINVAL && ui == NULL);
    ui_destroy(NULL);

    /* every allocation failing in turn: FF_ENOMEM, nothing leaked (ASan) */
    struct ui_config cfg = {.width = 480, .height = 800, .measure = kit_measure};
    for (long k = 0;; k++) {
        ff_mem_fail_after(k);
        enum ff_err e = ui_create(&cfg, &ui);
        ff_mem_fail_after(-1);
        if (e == FF_OK) {
            CHECK(k > 0);
            break;
        }
        CHECK(e == FF_ENOMEM && ui == NULL);
    }

    /* a frame over its capacity is cut short and says so */
    struct ui_config small = {
        .width = 480, .height = 800, .measure = kit_measure, .max_widgets = 2};
    struct ui *s = NULL;
    CHECK(ui_create(&small, &s) == FF_OK);
    struct ui_frame_result fr;
    three_buttons(s, 0, &fr);
    CHECK(fr.overflow && strstr(ui_last_error(s), "widgets"));
    ui_destroy(s);
    /* every capacity tiny: frames are cut short, never out of bounds (ASan) */
    for (size_t cap = 4; cap < 40; cap += 5) {
        struct ui_config tiny = {.width = 480,
                                 .height = 800,
                                 .measure = kit_measure,
                                 .max_commands = cap,
                                 .max_widgets = cap,
                                 .arena_bytes = cap * 4,
                                 .max_states = 1};
        CHECK(ui_create(&tiny, &s) == FF_OK);
        with_dialog(s, 0, &fr);
        CHECK(fr.overflow && *ui_last_error(s));
        screen(s, 10, &fr);
        with_toast(s, 20, &fr);
        size_t n;
        ui_commands(s, &n);
        CHECK(n <= cap);
        ui_widgets(s, &n);
        CHECK(n <= cap);
        ui_destroy(s);
    }

    /* reset: the session's text leaves the arena, focus goes */
    screen(ui, 0, &fr);
    ui_key(ui, UI_KEY_TAB, 0);
    screen(ui, 1, &fr);
    CHECK(ui_find(ui, "yes")->focused);
    ui_reset(ui);
    size_t n;
    CHECK(ui_widgets(ui, &n) && n == 0);
    screen(ui, 2, &fr);
    CHECK(!ui_find(ui, "yes")->focused);
    ui_destroy(ui);
}

static void test_dump(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    three_buttons(ui, 0, &fr);
    ui_key(ui, UI_KEY_TAB, 0);
    struct ui_rect c = kit_rect(ui, "cancel");
    three_buttons(ui, 1, &fr);
    ui_pointer_down(ui, kit_cx(c), kit_cy(c));
    three_buttons(ui, 2, &fr);
    char out[1024];
    size_t n = ui_dump(ui, out, sizeof out);
    CHECK(n == strlen(out));
    CHECK_STR(out, "label title 16,16 448x35 \"How can we help?\" fg #1A1A1A bg #F5F5F0\n"
                   "button ok 16,59 448x48 \"OK\" fg #FFFFFF bg #0B5CAD\n"
                   "button cancel 16,115 448x48 \"Cancel\" fg #FFFFFF bg #083F78 focused "
                   "pressed\n"
                   "button help 16,171 448x48 \"Talk to a person\" fg #FFFFFF bg #0B5CAD\n");
    char small[100];
    size_t need = ui_dump(ui, small, sizeof small);
    CHECK(need == n);
    CHECK(strlen(small) < sizeof small && small[strlen(small) - 1] == '\n');
    CHECK(!strncmp(small, out, strlen(small)));
    CHECK_STR(ui_role_name(UI_ROLE_LIST_ITEM), "list-item");
    ui_destroy(ui);
}

static int hold_res;
static bool plain;

static void keys(struct ui *ui, uint64_t now, struct ui_frame_result *fr)
{
    ui_frame_begin(ui, now);
    ui_layout_row(ui, 2, 0);
    hold_res = ui_button_hold(ui, "key.a", "a");
    plain = ui_button(ui, "plain", "OK");
    ui_frame_end(ui, fr);
}

static void test_long_press(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    keys(ui, 1000, &fr);
    struct ui_rect a = kit_rect(ui, "key.a"), p = kit_rect(ui, "plain");
    /* a short tap is a click */
    ui_pointer_down(ui, kit_cx(a), kit_cy(a));
    keys(ui, 1010, &fr);
    CHECK(fr.next_timer_ms == 1510); /* wake up when it becomes a long press */
    ui_pointer_up(ui, kit_cx(a), kit_cy(a));
    keys(ui, 1100, &fr);
    CHECK(hold_res == UI_RES_CLICK);
    /* held: a long press at 500 ms, once, and no click on release */
    ui_pointer_down(ui, kit_cx(a), kit_cy(a));
    keys(ui, 2000, &fr);
    CHECK(hold_res == 0);
    keys(ui, 2400, &fr);
    CHECK(hold_res == 0 && fr.next_timer_ms == 2500);
    keys(ui, 2500, &fr);
    CHECK(hold_res == UI_RES_LONG_PRESS);
    keys(ui, 2600, &fr);
    CHECK(hold_res == 0 && fr.next_timer_ms == UI_NO_TIMER);
    ui_pointer_up(ui, kit_cx(a), kit_cy(a));
    keys(ui, 2700, &fr);
    CHECK(hold_res == 0);
    /* held, but slid off before 500 ms: nothing */
    ui_pointer_down(ui, kit_cx(a), kit_cy(a));
    keys(ui, 3000, &fr);
    ui_pointer_move(ui, kit_cx(p), kit_cy(p));
    keys(ui, 3600, &fr);
    CHECK(hold_res == 0);
    ui_pointer_up(ui, kit_cx(p), kit_cy(p));
    keys(ui, 3700, &fr);
    CHECK(hold_res == 0 && !plain);
    /* a plain button pressed slowly still clicks */
    ui_pointer_down(ui, kit_cx(p), kit_cy(p));
    keys(ui, 4000, &fr);
    CHECK(fr.next_timer_ms == UI_NO_TIMER);
    ui_pointer_up(ui, kit_cx(p), kit_cy(p));
    keys(ui, 6000, &fr);
    CHECK(plain);
    ui_destroy(ui);
}

int main(void)
{
    test_long_press();
    test_dump();
    test_tap();
    test_keyboard();
    test_controls();
    test_dialog();
    test_toast_and_timers();
    test_sizes();
    test_resize_and_scale();
    test_create_and_reset();
    return ff_test_finish();
}

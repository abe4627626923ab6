/* test_ui_text.c - UTF-8 in the widget layer: graphemes, the editor, the text field driven by
 * taps and keys, word wrapping and ellipsis with a fake monospace font. */
#include <stdio.h>

#include "test_ui_kit.h"
#include "ui_int.h"

#define ACUTE "\xCC\x81" /* U+0301 COMBINING ACUTE ACCENT */
#define FLAG_DK "\xF0\x9F\x87\xA9\xF0\x9F\x87\xB0"
#define FAMILY "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7" /* woman ZWJ girl */

static void test_graphemes(void)
{
    static const struct {
        const char *s;
        size_t first; /* end of the first grapheme */
    } cases[] = {
        {"abc", 1},
        {"\xC3\xB8l", 2},                         /* ø */
        {"e" ACUTE "x", 3},                       /* e + combining acute */
        {"e" ACUTE ACUTE "x", 5},                 /* two marks */
        {FLAG_DK "x", 8},                         /* a regional indicator pair */
        {FAMILY "x", 11},                         /* a ZWJ sequence */
        {"\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD!", 8}, /* thumbs up + skin tone */
        {"\xFF"
         "a",
         1}, /* an invalid byte is a grapheme of its own */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *s = cases[i].s;
        size_t len = strlen(s);
        CHECK_INT(ui_grapheme_next(s, len, 0), cases[i].first);
        CHECK_INT(ui_grapheme_prev(s, len, cases[i].first), 0);
    }
    CHECK(ui_utf8_valid("a\xC3\xB8", 3));
    CHECK(!ui_utf8_valid("\xC0\xAF", 2));         /* overlong */
    CHECK(!ui_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    CHECK(!ui_utf8_valid("\xF4\x90\x80\x80", 4)); /* past U+10FFFF */
    CHECK(!ui_utf8_valid("\xC3", 1));             /* cut */
}

static void test_edit(void)
{
    char buf[16] = "";
    struct ui_edit e = {.buf = buf, .cap = sizeof buf};
    ui_edit_fix(&e);
    CHECK(ui_edit_insert(&e, "S\xC3\xB8ren", 6));
    CHECK_STR(buf, "S\xC3\xB8ren");
    CHECK_INT(e.cursor, 6);
    ui_edit_key(&e, UI_KEY_HOME, 0);
    ui_edit_key(&e, UI_KEY_RIGHT, 0);
    ui_edit_key(&e, UI_KEY_RIGHT, 0); /* over ø, two bytes, one step */
    CHECK_INT(e.cursor, 3);
    CHECK(ui_edit_key(&e, UI_KEY_BACKSPACE, 0));
    CHECK_STR(buf, "Sren");
    ui_edit_key(&e, UI_KEY_END, UI_MOD_SHIFT);
    CHECK(e.anchor == 1 && e.cursor == 4);
    CHECK(ui_edit_insert(&e, "ally", 4)); /* replaces the selection */
    CHECK_STR(buf, "Sally");
    /* grapheme-safe: the accent goes with its letter */
    CHECK(ui_edit_insert(&e, " e" ACUTE, 4));
    CHECK(ui_edit_key(&e, UI_KEY_BACKSPACE, 0));
    CHECK_STR(buf, "Sally ");
    ui_edit_insert(&e, "e" ACUTE "t", 4);
    ui_edit_key(&e, UI_KEY_LEFT, 0);
    ui_edit_key(&e, UI_KEY_LEFT, 0);
    CHECK_INT(e.cursor, 6);
    CHECK(ui_edit_key(&e, UI_KEY_DELETE, 0));
    CHECK_STR(buf, "Sally t");
    /* invalid bytes and control characters are dropped, never stored */
    CHECK(ui_edit_insert(&e,
                         "\xFF\n\x01"
                         "x\xC3",
                         5));
    CHECK(ui_utf8_valid(buf, strlen(buf)));
    CHECK(strstr(buf, "x") && !strchr(buf, '\n'));
    /* the buffer's capacity holds: a 2-byte letter that does not fit is not cut in half */
    ui_edit_key(&e, UI_KEY_SELECT_ALL, 0);
    CHECK(ui_edit_key(&e, UI_KEY_DELETE, 0));
    CHECK_STR(buf, "");
    for (int i = 0; i < 20; i++)
        ui_edit_insert(&e, "\xC3\xA6", 2); /* æ */
    CHECK_INT(strlen(buf), 14);
    CHECK(ui_utf8_valid(buf, strlen(buf)));
    /* a base letter typed before a lone mark joins it: the cursor stays on a boundary */
    char b2[16] = ACUTE;
    struct ui_edit f = {.buf = b2, .cap = sizeof b2};
    ui_edit_fix(&f);
    ui_edit_key(&f, UI_KEY_HOME, 0);
    ui_edit_insert(&f, "a", 1);
    CHECK_INT(f.cursor, 3);
}

static char field[32];
static int field_res;

static void form(struct ui *ui, uint64_t now, struct ui_frame_result *fr)
{
    ui_frame_begin(ui, now);
    ui_button(ui, "before", "Back");
    field_res = ui_textfield(ui, "name", field, sizeof field, "Your name");
    ui_frame_end(ui, fr);
}

static void test_field(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    form(ui, 0, &fr);
    CHECK_STR(ui_find(ui, "name")->text, "Your name");
    CHECK_INT(kit_count_cmds(ui, UI_CMD_TEXT, "Your name"), 1);
    ui_text(ui, "ignored"); /* not focused yet */
    form(ui, 10, &fr);
    CHECK_STR(field, "");
    struct ui_rect r = kit_rect(ui, "name");
    ui_pointer_down(ui, kit_cx(r), kit_cy(r));
    ui_pointer_up(ui, kit_cx(r), kit_cy(r));
    form(ui, 20, &fr);
    CHECK(ui_find(ui, "name")->focused);
    CHECK_INT(kit_count_cmds(ui, UI_CMD_LINE, NULL), 1); /* the cursor */
    ui_text(ui, "J\xC3\xB8rgen");
    ui_key(ui, UI_KEY_LEFT, UI_MOD_SHIFT);
    ui_key(ui, UI_KEY_LEFT, UI_MOD_SHIFT);
    ui_text(ui, "ns");
    form(ui, 30, &fr);
    CHECK(field_res & UI_RES_CHANGE);
    CHECK(fr.changed);
    CHECK_STR(field, "J\xC3\xB8rgns");
    CHECK_STR(ui_find(ui, "name")->text, "J\xC3\xB8rgns");
    ui_key(ui, UI_KEY_ENTER, 0);
    form(ui, 40, &fr);
    CHECK(field_res == UI_RES_SUBMIT);
    /* a selection draws in the primary colours */
    ui_key(ui, UI_KEY_SELECT_ALL, 0);
    form(ui, 50, &fr);
    CHECK_INT(kit_count_cmds(ui, UI_CMD_TEXT, "J\xC3\xB8rgns"), 1);
    ui_key(ui, UI_KEY_BACKSPACE, 0);
    form(ui, 60, &fr);
    CHECK_STR(field, "");
    /* a tap between letters puts the cursor there (9 px per letter at 18 px) */
    snprintf(field, sizeof field, "abcdef");
    form(ui, 70, &fr);
    ui_pointer_down(ui, r.x + ui_px(ui, 12) + 9 * 3 + 2, kit_cy(r));
    ui_pointer_up(ui, r.x + ui_px(ui, 12) + 9 * 3 + 2, kit_cy(r));
    form(ui, 80, &fr);
    ui_text(ui, "X");
    form(ui, 90, &fr);
    CHECK_STR(field, "abcXdef");
    /* a long value scrolls; the cursor stays inside the field */
    for (int i = 0; i < 6; i++)
        ui_text(ui, "wxyz");
    form(ui, 100, &fr);
    CHECK_INT(strlen(field), 31);
    size_t n;
    const struct ui_cmd *c = ui_commands(ui, &n);
    for (size_t i = 0; i < n; i++)
        if (c[i].type == UI_CMD_LINE)
            CHECK(c[i].rect.x >= r.x && c[i].rect.x <= r.x + r.w);
    /* more typed between two frames than the queue holds: kept valid, reported */
    snprintf(field, sizeof field, "%s", "");
    for (int i = 0; i < 100; i++)
        ui_text(ui, "\xC3\xA6");
    form(ui, 105, &fr);
    CHECK(fr.overflow && strstr(ui_last_error(ui), "dropped"));
    CHECK(strlen(field) == 30 && ui_utf8_valid(field, 30));
    /* Tab leaves the field: typing goes nowhere */
    ui_key(ui, UI_KEY_TAB, UI_MOD_SHIFT);
    ui_text(ui, "zz");
    form(ui, 110, &fr);
    CHECK(ui_find(ui, "before")->focused);
    CHECK(!fr.overflow);
    CHECK_INT(strlen(field), 30);
    ui_destroy(ui);
}

static void lines(const char *text, int max_w, const char *const *want, size_t nwant)
{
    size_t starts[16], len = strlen(text);
    size_t n = ui_wrap(kit_measure, NULL, text, 20, UI_FONT_REGULAR, max_w, starts, 16);
    CHECK_INT(n, nwant);
    for (size_t i = 0; i < n && i < nwant; i++) {
        size_t a = starts[i], b = i + 1 < n ? starts[i + 1] : len;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\n'))
            b--;
        char got[64];
        snprintf(got, sizeof got, "%.*s", (int)(b - a), text + a);
        CHECK_STR(got, want[i]);
        CHECK(kit_measure(NULL, got, strlen(got), 20, 0) <= max_w);
    }
}

static void test_wrap_and_ellipsis(void)
{
    /* 10 px per letter: 100 px holds 10 */
    lines("the quick brown fox jumps", 100, (const char *[]){"the quick", "brown fox", "jumps"}, 3);
    lines("short", 100, (const char *[]){"short"}, 1);
    lines("", 100, (const char *[]){""}, 1);
    lines("a\nb c", 100, (const char *[]){"a", "b c"}, 2);
    lines("Vandforsyningsselskabet ok", 100, (const char *[]){"Vandforsyn", "ingsselska", "bet ok"},
          3);
    lines("caf"
          "e" ACUTE "s caf"
          "e" ACUTE,
          50,
          (const char *[]){"caf"
                           "e" ACUTE "s",
                           "caf"
                           "e" ACUTE},
          2);
    lines("\xC3\xA6\xC3\xB8\xC3\xA5\xC3\xA6\xC3\xB8", 30,
          (const char *[]){"\xC3\xA6\xC3\xB8\xC3\xA5", "\xC3\xA6\xC3\xB8"}, 2);

    char out[64];
    CHECK(!ui_ellipsize(kit_measure, NULL, "fits", 20, 0, 100, out, sizeof out));
    CHECK_STR(out, "fits");
    CHECK(ui_ellipsize(kit_measure, NULL, "Talk to a person now", 20, 0, 100, out, sizeof out));
    CHECK_STR(out, "Talk to a\xE2\x80\xA6");
    CHECK(kit_measure(NULL, out, strlen(out), 20, 0) <= 100);
    CHECK(ui_ellipsize(kit_measure, NULL, "e" ACUTE "e" ACUTE "e" ACUTE "e" ACUTE, 20, 0, 30, out,
                       sizeof out));
    CHECK_STR(out, "e" ACUTE "e" ACUTE "\xE2\x80\xA6"); /* never half a letter */
    CHECK(ui_ellipsize(kit_measure, NULL, "abcdefgh", 20, 0, 1000, out, 6));
    CHECK(strlen(out) < 6 && ui_utf8_valid(out, strlen(out)));

    /* a label wraps in the layout; so does a button (47 letters a line), up to 3 lines; past
     * those it ellipsizes and says so */
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    ui_frame_begin(ui, 0);
    ui_label(ui, "l", "We will call you back within two working days about your boiler.", 0,
             UI_FONT_REGULAR);
    ui_button(ui, "w", "Yes, please call me back within two working days about it");
    ui_button(ui, "b",
              "Yes, please call me back within two working days about it, or "
              "send an engineer on Tuesday morning, or on Wednesday if that is "
              "easier for you, and thank you");
    ui_frame_end(ui, &fr);
    CHECK_INT(kit_count_cmds(ui, UI_CMD_TEXT, NULL), 2 + 2 + 3); /* two label, 2 + 3 button */
    CHECK(!ui_find(ui, "l")->text_clipped);
    CHECK(!ui_find(ui, "w")->text_clipped);
    CHECK_STR(ui_find(ui, "w")->text, "Yes, please call me back within two working days about it");
    CHECK(ui_find(ui, "b")->text_clipped);
    struct ui_finding f[4];
    CHECK_INT(ui_check(ui, f, 4), 1);
    CHECK(f[0].kind == UI_FIND_CLIPPED && !strcmp(f[0].id, "b"));

    /* in a row, a label wraps to its slot, not to the whole width (46 letters, 9 px each) */
    ui_frame_begin(ui, 10);
    ui_label(ui, "wide", "We will call you back within two working days.", 0, UI_FONT_REGULAR);
    ui_layout_row(ui, 2, 0);
    ui_label(ui, "half", "We will call you back within two working days.", 0, UI_FONT_REGULAR);
    ui_button(ui, "ok", "OK");
    ui_frame_end(ui, &fr);
    CHECK_INT(kit_rect(ui, "wide").h, 23);
    CHECK_INT(kit_rect(ui, "half").w, 220);
    CHECK_INT(kit_rect(ui, "half").h, 2 * 23);
    CHECK(kit_rect(ui, "ok").x == 16 + 220 + 8);
    ui_destroy(ui);
}

int main(void)
{
    test_graphemes();
    test_edit();
    test_field();
    test_wrap_and_ellipsis();
    return ff_test_finish();
}

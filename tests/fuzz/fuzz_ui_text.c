/* fuzz_ui_text.c - libFuzzer target for text-field editing (ui_text.c's editor and the field).
 *
 * The input is a script: the first byte picks the buffer's capacity, then each op byte either
 * inserts the next bytes as typed text (any bytes, valid UTF-8 or not) or presses a key with
 * or without Shift. Half the inputs drive the editor directly, half go through a real text
 * field with frames, taps and ui_text/ui_key. After every step: the buffer is valid UTF-8,
 * NUL-terminated within its capacity, and the cursor and anchor lie on code point boundaries
 * inside it; the field never reports a change without a difference.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int measure(void *user, const char *s, size_t len, int px, enum ui_font_style st)
{
    (void)user, (void)st;
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n * px / 2;
}

static void check(const char *buf, size_t cap, size_t cursor, size_t anchor)
{
    size_t len = strnlen(buf, cap);
    if (len >= cap || !ui_utf8_valid(buf, len))
        abort();
    if (cursor > len || anchor > len)
        abort();
    if (((unsigned char)buf[cursor] & 0xC0) == 0x80 || ((unsigned char)buf[anchor] & 0xC0) == 0x80)
        abort();
}

static const enum ui_key keys[] = {UI_KEY_LEFT,       UI_KEY_RIGHT,     UI_KEY_HOME,
                                   UI_KEY_END,        UI_KEY_BACKSPACE, UI_KEY_DELETE,
                                   UI_KEY_SELECT_ALL, UI_KEY_ENTER,     UI_KEY_TAB};

static void direct(const uint8_t *d, size_t n, char *buf, size_t cap)
{
    struct ui_edit e = {.buf = buf, .cap = cap};
    ui_edit_fix(&e);
    for (size_t i = 0; i < n;) {
        uint8_t op = d[i++];
        if (op < 0x60) { /* type the next (op % 8) + 1 bytes */
            size_t k = (size_t)(op % 8) + 1;
            if (k > n - i)
                k = n - i;
            ui_edit_insert(&e, (const char *)d + i, k);
            i += k;
        } else {
            ui_edit_key(&e, keys[op % 7], op & 0x80 ? UI_MOD_SHIFT : 0);
        }
        if (e.len != strlen(buf))
            abort();
        check(buf, cap, e.cursor, e.anchor);
    }
}

static void through_ui(const uint8_t *d, size_t n, char *buf, size_t cap)
{
    struct ui_config cfg = {.width = 480, .height = 800, .measure = measure};
    struct ui *ui;
    struct ui_frame_result fr;
    if (ui_create(&cfg, &ui) != FF_OK)
        return;
    uint64_t now = 0;
    for (size_t i = 0; i < n;) {
        uint8_t op = d[i++];
        if (op < 0x40) {
            char t[10] = "";
            size_t k = (size_t)(op % 9) + 1;
            if (k > n - i)
                k = n - i;
            memcpy(t, d + i, k); /* a NUL inside just ends the run early */
            ui_text(ui, t);
            i += k;
        } else if (op < 0x50) {
            ui_pointer_down(ui, 16 + (op % 16) * 30, 40);
            ui_pointer_up(ui, 16 + (op % 16) * 30, 40);
        } else {
            ui_key(ui, keys[op % 9], op & 0x80 ? UI_MOD_SHIFT : 0);
        }
        char before[64];
        memcpy(before, buf, cap);
        ui_frame_begin(ui, now += 16);
        int res = ui_textfield(ui, "f", buf, cap, "Name");
        ui_frame_end(ui, &fr);
        if ((res & UI_RES_CHANGE) && memcmp(before, buf, cap) == 0)
            abort();
        struct ui_state *st = ui_state_get(ui, ui_hash("f"), UI_ST_FIELD);
        if (st)
            check(buf, cap, st->u.field.cursor, st->u.field.anchor);
        else
            check(buf, cap, 0, 0);
    }
    ui_destroy(ui);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char buf[64];
    size_t cap = (size_t)(data[0] % 63) + 1;
    memset(buf, 0, sizeof buf);
    if (data[0] & 0x40)
        through_ui(data + 1, size - 1, buf, cap);
    else
        direct(data + 1, size - 1, buf, cap);
    return 0;
}

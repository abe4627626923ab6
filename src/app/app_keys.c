/* app_keys.c - the on-screen keyboard (see app_keys.h). */
#include <stdio.h>
#include <string.h>

#include "app_i18n.h"
#include "app_keys.h"

enum app_pad app_pad_for(enum ff_field_type t)
{
    switch (t) {
    case FF_FIELD_NUMBER:
        return APP_PAD_NUMBER;
    case FF_FIELD_PHONE:
        return APP_PAD_PHONE;
    case FF_FIELD_EMAIL:
        return APP_PAD_EMAIL;
    default:
        return APP_PAD_TEXT;
    }
}

/* Keys as space-separated UTF-8 strings. */
static const char *keys_of(enum app_pad pad, const char *lang, bool digits)
{
    bool comma = strcmp(lang, "en") != 0;
    switch (pad) {
    case APP_PAD_NUMBER:
        return comma ? "1 2 3 4 5 6 7 8 9 0 , -" : "1 2 3 4 5 6 7 8 9 0 . -";
    case APP_PAD_PHONE:
        return "1 2 3 4 5 6 7 8 9 0 +";
    case APP_PAD_EMAIL:
        return digits ? "1 2 3 4 5 6 7 8 9 0 @ . - _ +"
                      : "q w e r t y u i o p a s d f g h j k l z x c v b n m @ . - _";
    case APP_PAD_TEXT:
        break;
    }
    if (digits)
        return "1 2 3 4 5 6 7 8 9 0 , . - / ' @ + ( ) & ? !";
    if (!strcmp(lang, "da"))
        return "q w e r t y u i o p å a s d f g h j k l æ ø z x c v b n m , . -";
    if (!strcmp(lang, "es"))
        return "q w e r t y u i o p a s d f g h j k l ñ z x c v b n m á é í ó ú ü , .";
    return "q w e r t y u i o p a s d f g h j k l z x c v b n m , . - '";
}

static void backspace(char *buf)
{
    size_t n = strlen(buf);
    while (n > 0) {
        unsigned char c = (unsigned char)buf[--n];
        if ((c & 0xC0) != 0x80)
            break;
    }
    buf[n] = '\0';
}

static bool append(char *buf, size_t cap, const char *s)
{
    size_t n = strlen(buf), m = strlen(s);
    if (n + m + 1 > cap)
        return false;
    memcpy(buf + n, s, m + 1);
    return true;
}

bool app_keys(struct ui *ui, enum app_pad pad, const char *lang, bool *digits, char *buf,
              size_t cap)
{
    struct ui_rect free = ui_layout_free(ui);
    int cell = ui_px(ui, 60), cols = (free.w + ui_px(ui, 8)) / cell;
    if (cols < 3)
        cols = 3;
    if (cols > 8)
        cols = 8;
    const char *p = keys_of(pad, lang, *digits);
    bool changed = false;
    int col = 0;
    char key[8], id[24];
    while (*p) {
        size_t n = strcspn(p, " ");
        if (n >= sizeof key)
            n = sizeof key - 1;
        memcpy(key, p, n);
        key[n] = '\0';
        p += n;
        p += strspn(p, " ");
        if (col == 0)
            ui_layout_row(ui, cols, 0);
        snprintf(id, sizeof id, "kb.%s", key);
        if (ui_button(ui, id, key))
            changed |= append(buf, cap, key);
        col = (col + 1) % cols;
    }
    while (col != 0) { /* fill the last row so the special keys start a new one */
        ui_layout_take(ui, 0);
        col = (col + 1) % cols;
    }
    int weights[3] = {1, 2, 1};
    if (pad == APP_PAD_TEXT || pad == APP_PAD_EMAIL) {
        ui_layout_row_weights(ui, 3, weights, 0);
        if (ui_button(ui, "kb.mode", *digits ? "abc" : "123"))
            *digits = !*digits;
        if (ui_button(ui, "kb.space", TR("Space")))
            changed |= append(buf, cap, " ");
    } else {
        ui_layout_row(ui, 1, 0);
    }
    if (ui_button(ui, "kb.backspace", TR("Delete")) && buf[0]) {
        backspace(buf);
        changed = true;
    }
    return changed;
}

/* test_ui_kit.h - what the widget-layer tests share: a fake monospace font, a handle at a
 * given screen, frames on a fake clock, taps and drags on widgets by id. */
#ifndef FF_TEST_UI_KIT_H
#define FF_TEST_UI_KIT_H

#include <string.h>

#include "harness.h"
#include "ui.h"

/* Every code point is half the font size wide; combining marks (U+0300..U+036F) take none. */
static inline int kit_measure(void *user, const char *s, size_t len, int px, enum ui_font_style st)
{
    (void)user, (void)st;
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80)
            continue;
        if (c == 0xCC || (c == 0xCD && i + 1 < len && (unsigned char)s[i + 1] < 0xB0))
            continue; /* U+0300..U+036F */
        n++;
    }
    return n * px / 2;
}

static inline struct ui *kit_new(int w, int h, double scale, enum ui_theme_id theme)
{
    struct ui_config cfg = {
        .width = w, .height = h, .scale = scale, .theme = theme, .measure = kit_measure};
    struct ui *ui = NULL;
    CHECK(ui_create(&cfg, &ui) == FF_OK);
    return ui;
}

static inline struct ui_rect kit_rect(struct ui *ui, const char *id)
{
    const struct ui_widget *w = ui_find(ui, id);
    CHECK_MSG(w != NULL, id);
    return w ? w->rect : (struct ui_rect){-100, -100, 0, 0};
}

static inline int kit_cx(struct ui_rect r)
{
    return r.x + r.w / 2;
}

static inline int kit_cy(struct ui_rect r)
{
    return r.y + r.h / 2;
}

/* The number of draw commands of `type` whose text is `text` (NULL: any). */
static inline int kit_count_cmds(struct ui *ui, enum ui_cmd_type type, const char *text)
{
    size_t n;
    const struct ui_cmd *c = ui_commands(ui, &n);
    int k = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i].type == type && (!text || (c[i].text && strcmp(c[i].text, text) == 0)))
            k++;
    return k;
}

#endif

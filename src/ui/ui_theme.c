/* ui_theme.c - the three built-in themes and the WCAG contrast they are held to.
 *
 * Every colour pair a widget draws text with is listed by ui_theme_pairs, so the theme test
 * and the UI-tree checker judge the same pairs the widgets use. Text pairs must reach the
 * theme's min_contrast (4.5:1 normal, 7:1 high contrast); borders and the focus ring are
 * non-text and must reach 3:1 (WCAG 1.4.11).
 */
#include <math.h>

#include "ui_int.h"

#define RGB(v)                                                                                     \
    {                                                                                              \
        (uint8_t)((v) >> 16), (uint8_t)((v) >> 8), (uint8_t)(v), 255                               \
    }

/* The colours of the normal theme; larger text uses them too, only its text is bigger. */
#define NORMAL_PALETTE                                                                             \
    .bg = RGB(0xF5F5F0), .text = RGB(0x1A1A1A), .surface = RGB(0xFFFFFF),                          \
    .primary = RGB(0x0B5CAD), .on_primary = RGB(0xFFFFFF), .pressed = RGB(0x083F78),               \
    .on_pressed = RGB(0xFFFFFF), .control = RGB(0xE4E7EB), .on_control = RGB(0x1A1A1A),            \
    .placeholder = RGB(0x575F69), .toast = RGB(0x222222), .on_toast = RGB(0xFFFFFF),               \
    .border = RGB(0x5F6670), .focus = RGB(0x9A4A00), .scrim = {0, 0, 0, 140}

static const struct ui_theme themes[UI_THEME_COUNT] = {
    [UI_THEME_NORMAL] =
        {
            .name = "normal",
            .min_contrast = 4.5,
            .text_scale = 1.0,
            NORMAL_PALETTE,
        },
    [UI_THEME_HIGH_CONTRAST] =
        {
            .name = "high-contrast",
            .min_contrast = 7.0,
            .text_scale = 1.0,
            .bg = RGB(0x000000),
            .text = RGB(0xFFFFFF),
            .surface = RGB(0x000000),
            .primary = RGB(0xFFFF00),
            .on_primary = RGB(0x000000),
            .pressed = RGB(0xFFFFFF),
            .on_pressed = RGB(0x000000),
            .control = RGB(0x1A1A1A),
            .on_control = RGB(0xFFFFFF),
            .placeholder = RGB(0xB0B0B0),
            .toast = RGB(0xFFFFFF),
            .on_toast = RGB(0x000000),
            .border = RGB(0xFFFFFF),
            .focus = RGB(0x00FFFF),
            .scrim = {0, 0, 0, 200},
        },
    [UI_THEME_LARGE_TEXT] =
        {
            .name = "large-text",
            .min_contrast = 4.5,
            .text_scale = 1.5,
            NORMAL_PALETTE,
        },
};

const struct ui_theme *ui_theme_get(enum ui_theme_id id)
{
    return (unsigned)id < UI_THEME_COUNT ? &themes[id] : NULL;
}

size_t ui_theme_pairs(const struct ui_theme *t, struct ui_color_pair *out, size_t cap)
{
    const double text = t->min_contrast, ring = 3.0;
    const struct ui_color_pair all[] = {
        {"text/bg", t->text, t->bg, text},
        {"text/surface", t->text, t->surface, text},
        {"on_primary/primary", t->on_primary, t->primary, text},
        {"on_pressed/pressed", t->on_pressed, t->pressed, text},
        {"on_control/control", t->on_control, t->control, text},
        {"placeholder/control", t->placeholder, t->control, text},
        {"on_toast/toast", t->on_toast, t->toast, text},
        {"border/surface", t->border, t->surface, ring},
        {"border/bg", t->border, t->bg, ring},
        {"focus/bg", t->focus, t->bg, ring},
        {"focus/surface", t->focus, t->surface, ring},
        {"primary/control", t->primary, t->control, ring}, /* a toggle's or bar's fill */
    };
    size_t n = sizeof all / sizeof all[0];
    for (size_t i = 0; i < n && i < cap; i++)
        out[i] = all[i];
    return n;
}

static double channel(uint8_t v)
{
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double ui_luminance(struct ui_color c)
{
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double ui_contrast(struct ui_color a, struct ui_color b)
{
    double la = ui_luminance(a), lb = ui_luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

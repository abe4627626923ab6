/* ui_sdl.h - the SDL2 backend of the widget layer: a window, input into the core, drawing.
 *
 * The only module (besides the program) that includes SDL headers; this header names no
 * SDL type, so the app's screens and the script driver stay SDL-free too. One handle owns a
 * window, a renderer (hardware when present, software otherwise or when asked), the fonts
 * and two bounded caches: fonts per size and style, and text textures (least recently used
 * is dropped first). Expected workload: a kiosk screen of a few dozen widgets redrawn only
 * when the core says its frame changed.
 *
 * Units: everything is physical px (the drawable's); the scale is drawable / window size.
 * Errors: create returns an ff_err and leaves *out NULL; the detail is in errbuf.
 */
#ifndef FIELDFLOW_UI_SDL_H
#define FIELDFLOW_UI_SDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"
#include "ui.h"

struct ui_sdl;

struct ui_sdl_opts {
    int width, height;     /* window size in window units; 0 is refused */
    bool fullscreen;       /* desktop full screen (the kiosk) */
    bool software;         /* force the software renderer (benchmarks, tests) */
    bool hidden;           /* no window shown (offscreen tests) */
    const char *title;     /* window title */
    const char *font_path; /* regular TTF; NULL = FF_FONT_REGULAR's default */
    const char *bold_path; /* bold TTF; NULL = FF_FONT_BOLD's default */
    size_t max_textures;   /* text texture cache entries; 0 = 512 */
};

/* Opens SDL video, the window, renderer and fonts. FF_EINVAL for bad opts, FF_EIO when SDL
 * or a font fails (errbuf says which and why). */
enum ff_err ui_sdl_create(const struct ui_sdl_opts *o, struct ui_sdl **out, char *errbuf,
                          size_t errlen);
void ui_sdl_destroy(struct ui_sdl *s); /* NULL is fine */

/* The measurer to put in ui_config.measure with measure_user = s. */
int ui_sdl_measure(void *s, const char *text, size_t len, int size_px, enum ui_font_style st);
/* The drawable size in physical px and the HiDPI scale (drawable / window). */
void ui_sdl_size(const struct ui_sdl *s, int *w, int *h, double *scale);
/* Resizes the window (script `size WxH`); the new size reaches the core at the next pump. */
void ui_sdl_set_size(struct ui_sdl *s, int w, int h);

/* Waits up to timeout_ms (0 = poll) for input, then feeds every pending event into ui:
 * mouse, fingers, keys, text, window size and scale. Returns true when input arrived;
 * *quit is set when the window was closed. */
bool ui_sdl_pump(struct ui_sdl *s, struct ui *ui, uint32_t timeout_ms, bool *quit);

/* Draws ui's last frame's command list and presents it. */
void ui_sdl_draw(struct ui_sdl *s, const struct ui *ui);
/* The current frame (as last drawn) to a PNG. FF_EIO with errbuf on failure. */
enum ff_err ui_sdl_screenshot(struct ui_sdl *s, const char *path, char *errbuf, size_t errlen);

/* An image for UI_CMD_IMAGE by name: a w x h bitmap of 0/1 modules (QR codes), each drawn
 * as a dark or light square, inside `margin` light modules (a QR code's quiet zone).
 * Replaces an image of the same name; at most 8 names. */
enum ff_err ui_sdl_image_bitmap(struct ui_sdl *s, const char *name, const uint8_t *bits, int w,
                                int h, int margin);

/* Codepoints the fonts lacked since the last call (counted while measuring), and the first
 * one; resets the count. For the script's check-ui. */
size_t ui_sdl_missing_glyphs(struct ui_sdl *s, uint32_t *first);
/* Audio for read aloud: opens the default output for 16-bit mono at rate samples/s. FF_EIO
 * when there is no audio device (the app goes on silently). */
enum ff_err ui_sdl_audio_open(struct ui_sdl *s, int rate);
/* Queues samples for playing (any thread; SDL locks the device): a speech sink, with
 * user = the ui_sdl handle. Samples at another rate than opened, or before open, are
 * dropped. */
void ui_sdl_audio_sink(const int16_t *samples, size_t n, int rate, void *user);
/* Drops what is queued and not yet played (a new screen cancels the old question). */
void ui_sdl_audio_clear(struct ui_sdl *s);
/* Samples queued since the handle was made (tests: speech reached the device). */
uint64_t ui_sdl_audio_total(const struct ui_sdl *s);

/* The renderer's name ("opengl", "software", ...). */
const char *ui_sdl_renderer_name(const struct ui_sdl *s);

#endif

/* ui_sdl_int.h - what ui_sdl.c (window, input, drawing) and ui_sdl_text.c (fonts, text
 * textures) share. Private to src/ui/sdl/. */
#ifndef FIELDFLOW_UI_SDL_INT_H
#define FIELDFLOW_UI_SDL_INT_H

#include <SDL.h>
#include <SDL_ttf.h>

#include "ui_sdl.h"

#define UI_SDL_MAX_FONTS 12 /* open (size, style) pairs; the least used is closed first */

struct ui_sdl_font {
    TTF_Font *font;     /* NULL = free slot */
    int size_px;        /* point size opened at (72 dpi, so px) */
    int style;          /* enum ui_font_style */
    uint64_t last_used; /* tick of the last lookup, for eviction */
};

struct ui_sdl_tex {
    SDL_Texture *tex; /* NULL = free slot */
    uint64_t hash;    /* of text, size, style and colour */
    int w, h;         /* texture size */
    uint64_t last_used;
};

struct ui_sdl_img {
    char name[64];    /* the UI_CMD_IMAGE name; "" = free slot */
    SDL_Texture *tex; /* nearest-neighbour scaled */
};

#define UI_SDL_MAX_IMAGES 8
#define UI_SDL_MEASURES 2048 /* direct-mapped cache of measured widths */

struct ui_sdl_measure {
    uint64_t hash; /* of the run, size and style; 0 = empty */
    int width;     /* its advance width in px */
};

struct ui_sdl {
    SDL_Window *win;
    SDL_Renderer *ren;
    char renderer_name[32];
    int win_w, win_h;                                /* window units */
    int draw_w, draw_h;                              /* drawable, physical px */
    char font_path[2][512];                          /* regular, bold */
    struct ui_sdl_font fonts[UI_SDL_MAX_FONTS];      /* font cache */
    struct ui_sdl_tex *texs;                         /* text texture cache */
    size_t ntexs;                                    /* its capacity */
    struct ui_sdl_img images[UI_SDL_MAX_IMAGES];     /* named bitmaps */
    SDL_AudioDeviceID audio;                         /* 0 = none opened */
    int audio_rate;                                  /* its samples per second */
    SDL_atomic_t audio_total;                        /* samples queued (wraps at 2^31) */
    SDL_FingerID finger;                             /* the finger that is the pointer */
    bool finger_down;                                /* ... while it is down; others are ignored */
    uint64_t tick;                                   /* lookups so far, the caches' clock */
    size_t missing;                                  /* codepoints without a glyph since reset */
    uint32_t first_missing;                          /* the first of them */
    char scratch[2048];                              /* NUL-terminated copy of a measured run */
    struct ui_sdl_measure measures[UI_SDL_MEASURES]; /* widths by hash: wrapping re-measures */
};

/* Font of size and style, opened on demand; NULL if the font file cannot be opened. */
TTF_Font *ui_sdl_font(struct ui_sdl *s, int size_px, int style);
/* Draws one text run with its top-left at x, y through the texture cache. */
void ui_sdl_text_draw(struct ui_sdl *s, const char *text, int size_px, int style, struct ui_color c,
                      int x, int y);
void ui_sdl_text_free(struct ui_sdl *s);

#endif

/* ui_sdl_text.c - fonts and text for the SDL backend: measuring runs for the core and
 * drawing them through a bounded texture cache.
 *
 * Workload: a screen shows tens of distinct runs and redraws them unchanged many times, so
 * each run is rendered once to a texture (TTF blended, anti-aliased) and reused; the cache
 * has a fixed number of slots and drops the least recently used, so a 1,000-row list that
 * scrolls by cannot grow it. Fonts are opened per (size, style) in a small cache too.
 * Missing glyphs are counted while measuring (every run is measured before it is drawn), so
 * the script's check-ui can fail on text the font cannot show.
 */
#include <string.h>

#include "ui_sdl_int.h"

TTF_Font *ui_sdl_font(struct ui_sdl *s, int size_px, int style)
{
    struct ui_sdl_font *victim = &s->fonts[0];
    s->tick++;
    if (size_px < 4)
        size_px = 4;
    for (int i = 0; i < UI_SDL_MAX_FONTS; i++) {
        struct ui_sdl_font *f = &s->fonts[i];
        if (f->font && f->size_px == size_px && f->style == style) {
            f->last_used = s->tick;
            return f->font;
        }
        if (!f->font || (victim->font && f->last_used < victim->last_used))
            victim = f;
    }
    if (victim->font)
        TTF_CloseFont(victim->font);
    victim->font = TTF_OpenFont(s->font_path[style == UI_FONT_BOLD ? 1 : 0], size_px);
    victim->size_px = size_px;
    victim->style = style;
    victim->last_used = s->tick;
    return victim->font;
}

/* Decodes one UTF-8 codepoint at p (len bytes left); returns its length, 1 for a bad byte. */
static size_t utf8_next(const unsigned char *p, size_t len, uint32_t *cp)
{
    size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 1;
    if (n > len)
        n = 1;
    *cp = n == 1 ? p[0] : p[0] & (0x3F >> (n - 1));
    for (size_t i = 1; i < n; i++)
        *cp = (*cp << 6) | (p[i] & 0x3F);
    return n;
}

static void count_missing(struct ui_sdl *s, TTF_Font *f, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    while (len) {
        uint32_t cp;
        size_t n = utf8_next(p, len, &cp);
        if (cp >= 0x20 && !TTF_GlyphIsProvided32(f, cp)) {
            if (!s->missing)
                s->first_missing = cp;
            s->missing++;
        }
        p += n;
        len -= n;
    }
}

static uint64_t run_hash(const char *text, size_t len, int size_px, int style)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)text[i]) * 1099511628211ull;
    h = (h ^ (uint64_t)(unsigned)size_px) * 1099511628211ull;
    h = (h ^ (uint64_t)(unsigned)style) * 1099511628211ull;
    return h ? h : 1;
}

/* Widths are cached by a 64-bit hash of the run (a collision, 1 in 2^64, mis-measures one
 * run): the core wraps a paragraph by measuring its prefixes again on every frame. Missing
 * glyphs are counted when a run is first measured. */
int ui_sdl_measure(void *user, const char *text, size_t len, int size_px, enum ui_font_style st)
{
    struct ui_sdl *s = user;
    if (!len)
        return 0;
    uint64_t h = run_hash(text, len, size_px, st);
    struct ui_sdl_measure *m = &s->measures[h % UI_SDL_MEASURES];
    if (m->hash == h)
        return m->width;
    TTF_Font *f = ui_sdl_font(s, size_px, st);
    if (!f)
        return 0;
    if (len >= sizeof s->scratch) /* a longer run is measured by its start plus an estimate */
        len = sizeof s->scratch - 1;
    memcpy(s->scratch, text, len);
    s->scratch[len] = '\0';
    count_missing(s, f, text, len);
    int w = 0, hh = 0;
    if (TTF_SizeUTF8(f, s->scratch, &w, &hh) != 0)
        return (int)len * size_px / 2;
    *m = (struct ui_sdl_measure){h, w};
    return w;
}

/* FNV-1a over the run and how it is drawn: the texture cache's key. */
static uint64_t text_hash(const char *text, int size_px, int style, struct ui_color c)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    uint32_t extra[3] = {(uint32_t)size_px, (uint32_t)style,
                         (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a};
    for (int i = 0; i < 3; i++)
        h = (h ^ extra[i]) * 1099511628211ull;
    return h;
}

static struct ui_sdl_tex *text_texture(struct ui_sdl *s, const char *text, int size_px, int style,
                                       struct ui_color c)
{
    uint64_t h = text_hash(text, size_px, style, c);
    struct ui_sdl_tex *victim = &s->texs[0];
    s->tick++;
    for (size_t i = 0; i < s->ntexs; i++) {
        struct ui_sdl_tex *t = &s->texs[i];
        if (t->tex && t->hash == h) {
            t->last_used = s->tick;
            return t;
        }
        if (!t->tex || (victim->tex && t->last_used < victim->last_used))
            victim = t;
    }
    TTF_Font *f = ui_sdl_font(s, size_px, style);
    if (!f)
        return NULL;
    SDL_Color col = {c.r, c.g, c.b, c.a};
    SDL_Surface *surf = TTF_RenderUTF8_Blended(f, text, col);
    if (!surf)
        return NULL;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(s->ren, surf);
    int w = surf->w, hh = surf->h;
    SDL_FreeSurface(surf);
    if (!tex)
        return NULL;
    if (victim->tex)
        SDL_DestroyTexture(victim->tex);
    *victim = (struct ui_sdl_tex){tex, h, w, hh, s->tick};
    return victim;
}

void ui_sdl_text_draw(struct ui_sdl *s, const char *text, int size_px, int style, struct ui_color c,
                      int x, int y)
{
    if (!text || !*text)
        return;
    struct ui_sdl_tex *t = text_texture(s, text, size_px, style, c);
    if (!t)
        return;
    SDL_Rect dst = {x, y, t->w, t->h};
    SDL_RenderCopy(s->ren, t->tex, NULL, &dst);
}

void ui_sdl_text_free(struct ui_sdl *s)
{
    for (size_t i = 0; s->texs && i < s->ntexs; i++)
        if (s->texs[i].tex)
            SDL_DestroyTexture(s->texs[i].tex);
    for (int i = 0; i < UI_SDL_MAX_FONTS; i++)
        if (s->fonts[i].font)
            TTF_CloseFont(s->fonts[i].font);
    memset(s->fonts, 0, sizeof s->fonts);
}

/* ui_sdl.c - the SDL backend's window, input and drawing (fonts live in ui_sdl_text.c).
 *
 * Input: SDL events become the core's plain input calls, in order. Mouse and the first
 * finger both drive the one pointer; the mouse events SDL synthesizes from touches are
 * dropped so a tap is not seen twice. Window coordinates are multiplied by the HiDPI scale.
 * Drawing: the core's command list, in order, with SDL_Renderer for squares and text and
 * SDL2_gfx for rounded (anti-aliased) corners and thick lines. The renderer is hardware when
 * SDL finds one (SDL_RENDERER_ACCELERATED), else the software one.
 */
#include <SDL2_gfxPrimitives.h>
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "ui_sdl_int.h"

#define DEFAULT_REGULAR "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define DEFAULT_BOLD "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

static void update_size(struct ui_sdl *s)
{
    SDL_GetWindowSize(s->win, &s->win_w, &s->win_h);
    if (SDL_GetRendererOutputSize(s->ren, &s->draw_w, &s->draw_h) != 0) {
        s->draw_w = s->win_w;
        s->draw_h = s->win_h;
    }
}

static bool fail(char *errbuf, size_t errlen, const char *what, const char *why)
{
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s: %s", what, why);
    return false;
}

static bool open_renderer(struct ui_sdl *s, const struct ui_sdl_opts *o, char *eb, size_t el)
{
    /* Without this, SDL presents a software renderer's frame through OpenGL, which loads
     * Mesa (llvmpipe: ~90 MiB resident) to show a picture the CPU already drew. */
    if (o->software)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (!o->software)
        s->ren = SDL_CreateRenderer(s->win, -1, SDL_RENDERER_ACCELERATED);
    if (!s->ren)
        s->ren = SDL_CreateRenderer(s->win, -1, SDL_RENDERER_SOFTWARE);
    if (!s->ren)
        return fail(eb, el, "SDL_CreateRenderer", SDL_GetError());
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(s->ren, &info) == 0)
        snprintf(s->renderer_name, sizeof s->renderer_name, "%s", info.name);
    SDL_SetRenderDrawBlendMode(s->ren, SDL_BLENDMODE_BLEND);
    return true;
}

static bool open_all(struct ui_sdl *s, const struct ui_sdl_opts *o, char *eb, size_t el)
{
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
        return fail(eb, el, "SDL_Init(video)", SDL_GetError());
    if (TTF_Init() != 0)
        return fail(eb, el, "TTF_Init", TTF_GetError());
    Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI | SDL_WINDOW_RESIZABLE;
    flags |= o->hidden ? SDL_WINDOW_HIDDEN : SDL_WINDOW_SHOWN;
    if (o->fullscreen)
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    s->win = SDL_CreateWindow(o->title ? o->title : "fieldflow", SDL_WINDOWPOS_CENTERED,
                              SDL_WINDOWPOS_CENTERED, o->width, o->height, flags);
    if (!s->win)
        return fail(eb, el, "SDL_CreateWindow", SDL_GetError());
    if (!open_renderer(s, o, eb, el))
        return false;
    for (int i = 0; i < 2; i++) {
        TTF_Font *f = ui_sdl_font(s, 18, i);
        if (!f)
            return fail(eb, el, s->font_path[i], TTF_GetError());
    }
    update_size(s);
    SDL_StartTextInput();
    return true;
}

enum ff_err ui_sdl_create(const struct ui_sdl_opts *o, struct ui_sdl **out, char *errbuf,
                          size_t errlen)
{
    *out = NULL;
    if (!o || o->width <= 0 || o->height <= 0) {
        fail(errbuf, errlen, "ui_sdl_create", "window size must be positive");
        return FF_EINVAL;
    }
    struct ui_sdl *s = ff_calloc(1, sizeof *s);
    if (!s)
        return FF_ENOMEM;
    s->ntexs = o->max_textures ? o->max_textures : 512;
    s->texs = ff_calloc(s->ntexs, sizeof *s->texs);
    snprintf(s->font_path[0], sizeof s->font_path[0], "%s",
             o->font_path ? o->font_path : DEFAULT_REGULAR);
    snprintf(s->font_path[1], sizeof s->font_path[1], "%s",
             o->bold_path ? o->bold_path : DEFAULT_BOLD);
    if (!s->texs) {
        ff_free(s);
        return FF_ENOMEM;
    }
    if (!open_all(s, o, errbuf, errlen)) {
        ui_sdl_destroy(s);
        return FF_EIO;
    }
    *out = s;
    return FF_OK;
}

void ui_sdl_destroy(struct ui_sdl *s)
{
    if (!s)
        return;
    if (s->audio) {
        SDL_CloseAudioDevice(s->audio);
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    }
    ui_sdl_text_free(s);
    for (int i = 0; i < UI_SDL_MAX_IMAGES; i++)
        if (s->images[i].tex)
            SDL_DestroyTexture(s->images[i].tex);
    ff_free(s->texs);
    if (s->ren)
        SDL_DestroyRenderer(s->ren);
    if (s->win)
        SDL_DestroyWindow(s->win);
    if (TTF_WasInit())
        TTF_Quit();
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    ff_free(s);
}

void ui_sdl_size(const struct ui_sdl *s, int *w, int *h, double *scale)
{
    *w = s->draw_w;
    *h = s->draw_h;
    *scale = s->win_w > 0 ? (double)s->draw_w / s->win_w : 1.0;
}

void ui_sdl_set_size(struct ui_sdl *s, int w, int h)
{
    SDL_SetWindowSize(s->win, w, h);
    update_size(s);
}

const char *ui_sdl_renderer_name(const struct ui_sdl *s)
{
    return s->renderer_name;
}

size_t ui_sdl_missing_glyphs(struct ui_sdl *s, uint32_t *first)
{
    size_t n = s->missing;
    if (first)
        *first = s->first_missing;
    s->missing = 0;
    return n;
}

/* ---- input ---- */

static bool map_key(SDL_Keycode k, enum ui_key *out)
{
    switch (k) {
    case SDLK_TAB:
        *out = UI_KEY_TAB;
        return true;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        *out = UI_KEY_ENTER;
        return true;
    case SDLK_ESCAPE:
        *out = UI_KEY_ESCAPE;
        return true;
    case SDLK_LEFT:
        *out = UI_KEY_LEFT;
        return true;
    case SDLK_RIGHT:
        *out = UI_KEY_RIGHT;
        return true;
    case SDLK_UP:
        *out = UI_KEY_UP;
        return true;
    case SDLK_DOWN:
        *out = UI_KEY_DOWN;
        return true;
    case SDLK_BACKSPACE:
        *out = UI_KEY_BACKSPACE;
        return true;
    case SDLK_DELETE:
        *out = UI_KEY_DELETE;
        return true;
    case SDLK_HOME:
        *out = UI_KEY_HOME;
        return true;
    case SDLK_END:
        *out = UI_KEY_END;
        return true;
    default:
        return false;
    }
}

static void feed_key(struct ui *ui, const SDL_KeyboardEvent *k)
{
    enum ui_key key;
    unsigned mods = (k->keysym.mod & KMOD_SHIFT) ? UI_MOD_SHIFT : 0;
    if (k->keysym.sym == SDLK_a && (k->keysym.mod & KMOD_CTRL))
        ui_key(ui, UI_KEY_SELECT_ALL, 0);
    else if (map_key(k->keysym.sym, &key))
        ui_key(ui, key, mods);
}

static void feed(struct ui_sdl *s, struct ui *ui, const SDL_Event *e, bool *quit)
{
    double sx = s->win_w > 0 ? (double)s->draw_w / s->win_w : 1.0;
    double sy = s->win_h > 0 ? (double)s->draw_h / s->win_h : 1.0;
    switch (e->type) {
    case SDL_QUIT:
        *quit = true;
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (e->button.which == SDL_TOUCH_MOUSEID || e->button.button != SDL_BUTTON_LEFT)
            break;
        if (e->type == SDL_MOUSEBUTTONDOWN)
            ui_pointer_down(ui, (int)(e->button.x * sx), (int)(e->button.y * sy));
        else
            ui_pointer_up(ui, (int)(e->button.x * sx), (int)(e->button.y * sy));
        break;
    case SDL_MOUSEMOTION:
        if (e->motion.which != SDL_TOUCH_MOUSEID)
            ui_pointer_move(ui, (int)(e->motion.x * sx), (int)(e->motion.y * sy));
        break;
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP: {
        int x = (int)(e->tfinger.x * (float)s->draw_w), y = (int)(e->tfinger.y * (float)s->draw_h);
        if (e->type == SDL_FINGERDOWN && !s->finger_down) {
            s->finger = e->tfinger.fingerId;
            s->finger_down = true;
            ui_pointer_down(ui, x, y);
        } else if (s->finger_down && e->tfinger.fingerId == s->finger) {
            if (e->type == SDL_FINGERMOTION)
                ui_pointer_move(ui, x, y);
            else if (e->type == SDL_FINGERUP) {
                ui_pointer_up(ui, x, y);
                s->finger_down = false;
            }
        }
        break;
    }
    case SDL_KEYDOWN:
        feed_key(ui, &e->key);
        break;
    case SDL_TEXTINPUT:
        ui_text(ui, e->text.text);
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            update_size(s);
            ui_set_screen(ui, s->draw_w, s->draw_h, ui_scale(ui));
        }
        break;
    default:
        break;
    }
}

bool ui_sdl_pump(struct ui_sdl *s, struct ui *ui, uint32_t timeout_ms, bool *quit)
{
    SDL_Event e;
    bool got = false;
    *quit = false;
    if (timeout_ms ? SDL_WaitEventTimeout(&e, (int)timeout_ms) : SDL_PollEvent(&e)) {
        do {
            feed(s, ui, &e, quit);
            got = true;
        } while (SDL_PollEvent(&e));
    }
    return got;
}

/* ---- drawing ---- */

static void draw_rect(struct ui_sdl *s, const struct ui_cmd *c)
{
    const struct ui_rect *r = &c->rect;
    struct ui_color k = c->color;
    if (r->w <= 0 || r->h <= 0)
        return;
    int rad = c->radius;
    if (rad * 2 > r->w)
        rad = r->w / 2;
    if (rad * 2 > r->h)
        rad = r->h / 2;
    if (c->thickness == 0) {
        if (rad > 1) {
            roundedBoxRGBA(s->ren, (Sint16)r->x, (Sint16)r->y, (Sint16)(r->x + r->w - 1),
                           (Sint16)(r->y + r->h - 1), (Sint16)rad, k.r, k.g, k.b, k.a);
        } else {
            SDL_Rect q = {r->x, r->y, r->w, r->h};
            /* SDL2_gfx leaves the blend mode at NONE after an opaque shape */
            SDL_SetRenderDrawBlendMode(s->ren,
                                       k.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
            SDL_SetRenderDrawColor(s->ren, k.r, k.g, k.b, k.a);
            SDL_RenderFillRect(s->ren, &q);
        }
        return;
    }
    for (int i = 0; i < c->thickness && i * 2 < r->w && i * 2 < r->h; i++) {
        int x1 = r->x + i, y1 = r->y + i, x2 = r->x + r->w - 1 - i, y2 = r->y + r->h - 1 - i;
        int ri = rad > i ? rad - i : 0;
        if (ri > 1)
            roundedRectangleRGBA(s->ren, (Sint16)x1, (Sint16)y1, (Sint16)x2, (Sint16)y2, (Sint16)ri,
                                 k.r, k.g, k.b, k.a);
        else
            rectangleRGBA(s->ren, (Sint16)x1, (Sint16)y1, (Sint16)x2, (Sint16)y2, k.r, k.g, k.b,
                          k.a);
    }
}

static void draw_image(struct ui_sdl *s, const struct ui_cmd *c)
{
    for (int i = 0; i < UI_SDL_MAX_IMAGES; i++) {
        if (s->images[i].tex && c->text && !strcmp(s->images[i].name, c->text)) {
            SDL_Rect dst = {c->rect.x, c->rect.y, c->rect.w, c->rect.h};
            SDL_RenderCopy(s->ren, s->images[i].tex, NULL, &dst);
            return;
        }
    }
}

void ui_sdl_draw(struct ui_sdl *s, const struct ui *ui)
{
    size_t n;
    const struct ui_cmd *cmds = ui_commands(ui, &n);
    struct ui_rect screen = ui_screen(ui);
    SDL_RenderSetClipRect(s->ren, NULL);
    for (size_t i = 0; i < n; i++) {
        const struct ui_cmd *c = &cmds[i];
        switch (c->type) {
        case UI_CMD_CLIP: {
            const struct ui_rect *r = &c->rect;
            bool full =
                r->x <= screen.x && r->y <= screen.y && r->w >= screen.w && r->h >= screen.h;
            SDL_Rect q = {r->x, r->y, r->w, r->h};
            SDL_RenderSetClipRect(s->ren, full ? NULL : &q);
            break;
        }
        case UI_CMD_RECT:
            draw_rect(s, c);
            break;
        case UI_CMD_TEXT:
            ui_sdl_text_draw(s, c->text, c->font_px, c->style, c->color, c->rect.x, c->rect.y);
            break;
        case UI_CMD_IMAGE:
            draw_image(s, c);
            break;
        case UI_CMD_LINE:
            thickLineRGBA(s->ren, (Sint16)c->rect.x, (Sint16)c->rect.y, (Sint16)c->x2,
                          (Sint16)c->y2, (Uint8)(c->thickness > 0 ? c->thickness : 1), c->color.r,
                          c->color.g, c->color.b, c->color.a);
            break;
        }
    }
    SDL_RenderSetClipRect(s->ren, NULL);
    SDL_RenderPresent(s->ren);
}

enum ff_err ui_sdl_screenshot(struct ui_sdl *s, const char *path, char *errbuf, size_t errlen)
{
    SDL_Surface *surf =
        SDL_CreateRGBSurfaceWithFormat(0, s->draw_w, s->draw_h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surf) {
        fail(errbuf, errlen, path, SDL_GetError());
        return FF_ENOMEM;
    }
    enum ff_err err = FF_OK;
    if (SDL_RenderReadPixels(s->ren, NULL, SDL_PIXELFORMAT_ARGB8888, surf->pixels, surf->pitch) !=
            0 ||
        IMG_SavePNG(surf, path) != 0) {
        fail(errbuf, errlen, path, SDL_GetError()); /* IMG_GetError() is SDL_GetError() */
        err = FF_EIO;
    }
    SDL_FreeSurface(surf);
    return err;
}

enum ff_err ui_sdl_image_bitmap(struct ui_sdl *s, const char *name, const uint8_t *bits, int w,
                                int h, int margin)
{
    struct ui_sdl_img *slot = &s->images[0];
    for (int i = 0; i < UI_SDL_MAX_IMAGES; i++) {
        if (!strcmp(s->images[i].name, name) || !s->images[i].name[0]) {
            slot = &s->images[i];
            break;
        }
    }
    int W = w + 2 * margin, H = h + 2 * margin;
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surf)
        return FF_ENOMEM;
    for (int y = 0; y < H; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)surf->pixels + y * surf->pitch);
        for (int x = 0; x < W; x++) {
            int bx = x - margin, by = y - margin;
            bool dark = bx >= 0 && by >= 0 && bx < w && by < h && bits[by * w + bx];
            row[x] = dark ? 0xFF000000u : 0xFFFFFFFFu;
        }
    }
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
    SDL_Texture *tex = SDL_CreateTextureFromSurface(s->ren, surf);
    SDL_FreeSurface(surf);
    if (!tex)
        return FF_EIO;
    if (slot->tex)
        SDL_DestroyTexture(slot->tex);
    slot->tex = tex;
    snprintf(slot->name, sizeof slot->name, "%s", name);
    return FF_OK;
}

/* ---- audio ---- */

enum ff_err ui_sdl_audio_open(struct ui_sdl *s, int rate)
{
    if (s->audio || rate <= 0)
        return s->audio ? FF_OK : FF_EINVAL;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0)
        return FF_EIO;
    SDL_AudioSpec want = {.freq = rate, .format = AUDIO_S16SYS, .channels = 1, .samples = 2048};
    s->audio = SDL_OpenAudioDevice(NULL, 0, &want, NULL, 0);
    if (!s->audio) {
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return FF_EIO;
    }
    s->audio_rate = rate;
    SDL_PauseAudioDevice(s->audio, 0);
    return FF_OK;
}

void ui_sdl_audio_sink(const int16_t *samples, size_t n, int rate, void *user)
{
    struct ui_sdl *s = user;
    if (!s->audio || rate != s->audio_rate || n > (size_t)INT32_MAX / 2)
        return;
    if (SDL_QueueAudio(s->audio, samples, (Uint32)(n * sizeof *samples)) == 0)
        SDL_AtomicAdd(&s->audio_total, (int)n);
}

void ui_sdl_audio_clear(struct ui_sdl *s)
{
    if (s->audio)
        SDL_ClearQueuedAudio(s->audio);
}

uint64_t ui_sdl_audio_total(const struct ui_sdl *s)
{
    return (uint64_t)(uint32_t)SDL_AtomicGet((SDL_atomic_t *)&s->audio_total);
}

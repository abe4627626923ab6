/* ui_core.c - the widget layer's handle: input queue, frames, ids, retained state, output.
 *
 * Workload: one frame per input burst or timer, a few hundred widgets and a few thousand
 * draw commands, on a kiosk-class board. Everything is allocated once in ui_create; a frame
 * only writes into fixed buffers (commands, widgets, a text arena), so a frame never fails
 * half-way: when a buffer is full the rest of the frame is dropped and `overflow` is set.
 * Invariants: the widget and command arrays, and every string they point to, stay valid from
 * ui_frame_end until the next ui_frame_begin; ids are the FNV-1a 64 hash of the id string.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "ui_int.h"

uint64_t ui_hash(const char *id)
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h ? h : 1; /* 0 means "none" everywhere */
}

void ui_error(struct ui *ui, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->err, sizeof ui->err, fmt, ap);
    va_end(ap);
}

const char *ui_last_error(const struct ui *ui)
{
    return ui->err;
}

enum ff_err ui_create(const struct ui_config *cfg, struct ui **out)
{
    *out = NULL;
    if (!cfg || !cfg->measure || cfg->width <= 0 || cfg->height <= 0 || cfg->scale < 0 ||
        (unsigned)cfg->theme >= UI_THEME_COUNT)
        return FF_EINVAL;
    struct ui *ui = ff_calloc(1, sizeof *ui);
    if (!ui)
        return FF_ENOMEM;
    ui->measure = cfg->measure;
    ui->measure_user = cfg->measure_user;
    ui->theme = ui_theme_get(cfg->theme);
    ui->max_cmds = cfg->max_commands ? cfg->max_commands : 4096;
    ui->max_widgets = cfg->max_widgets ? cfg->max_widgets : 1024;
    ui->arena_cap = cfg->arena_bytes ? cfg->arena_bytes : 64 * 1024;
    ui->nstates = cfg->max_states ? cfg->max_states : 128;
    ui->cmds = ff_calloc(ui->max_cmds, sizeof *ui->cmds);
    ui->out = ff_calloc(ui->max_cmds, sizeof *ui->out);
    ui->cmd_layer = ff_calloc(ui->max_cmds, sizeof *ui->cmd_layer);
    ui->widgets = ff_calloc(ui->max_widgets, sizeof *ui->widgets);
    ui->order = ff_calloc(ui->max_widgets, sizeof *ui->order);
    ui->order_prev = ff_calloc(ui->max_widgets, sizeof *ui->order_prev);
    ui->arena = ff_calloc(1, ui->arena_cap);
    ui->states = ff_calloc(ui->nstates, sizeof *ui->states);
    if (!ui->cmds || !ui->out || !ui->cmd_layer || !ui->widgets || !ui->order || !ui->order_prev ||
        !ui->arena || !ui->states) {
        ui_destroy(ui);
        return FF_ENOMEM;
    }
    ui->dialog_widget = -1;
    ui_set_screen(ui, cfg->width, cfg->height, cfg->scale);
    *out = ui;
    return FF_OK;
}

void ui_destroy(struct ui *ui)
{
    if (!ui)
        return;
    if (ui->arena)
        memset(ui->arena, 0, ui->arena_cap);
    memset(ui->evtext, 0, sizeof ui->evtext);
    ff_free(ui->cmds);
    ff_free(ui->out);
    ff_free(ui->cmd_layer);
    ff_free(ui->widgets);
    ff_free(ui->order);
    ff_free(ui->order_prev);
    ff_free(ui->arena);
    ff_free(ui->states);
    ff_free(ui);
}

void ui_set_screen(struct ui *ui, int width, int height, double scale)
{
    ui->width = width > 0 ? width : 1;
    ui->height = height > 0 ? height : 1;
    ui->scale = scale > 0 ? scale : 1.0;
}

void ui_set_theme(struct ui *ui, enum ui_theme_id theme)
{
    const struct ui_theme *t = ui_theme_get(theme);
    if (t)
        ui->theme = t;
}

const struct ui_theme *ui_current_theme(const struct ui *ui)
{
    return ui->theme;
}

double ui_scale(const struct ui *ui)
{
    return ui->scale;
}

int ui_px(const struct ui *ui, int logical)
{
    double v = logical * ui->scale;
    return (int)(v >= 0 ? v + 0.5 : v - 0.5);
}

int ui_text_px(const struct ui *ui, int logical)
{
    return ui_px(ui, logical) * ui->theme->text_scale + 0.5;
}

int ui_line_h(int font_px)
{
    return (font_px * 5 + 3) / 4;
}

int ui_measure(const struct ui *ui, const char *s, size_t len, int px, enum ui_font_style st)
{
    int w = ui->measure(ui->measure_user, s, len, px, st);
    return w > 0 ? w : 0;
}

void ui_reset(struct ui *ui)
{
    memset(ui->states, 0, ui->nstates * sizeof *ui->states);
    memset(ui->arena, 0, ui->arena_cap);
    memset(ui->evtext, 0, sizeof ui->evtext);
    ui->arena_used = ui->evtext_len = ui->nev = 0;
    ui->nwidgets = ui->ncmd = ui->nout = ui->norder = ui->norder_prev = 0;
    ui->focus = ui->active = ui->modal = ui->modal_prev = 0;
    ui->focus_visible = ui->down = ui->pressed_edge = ui->released_edge = false;
    ui->last_hash = 0;
}

/* ---- input ---- */

void ui_pointer_down(struct ui *ui, int x, int y)
{
    ui->px = ui->down_x = x;
    ui->py = ui->down_y = y;
    ui->down = ui->pressed_edge = true;
}

void ui_pointer_move(struct ui *ui, int x, int y)
{
    ui->px = x;
    ui->py = y;
}

void ui_pointer_up(struct ui *ui, int x, int y)
{
    if (!ui->down)
        return;
    ui->px = ui->up_x = x;
    ui->py = ui->up_y = y;
    ui->down = false;
    ui->released_edge = true;
}

void ui_scroll(struct ui *ui, int dy)
{
    long w = (long)ui->wheel + dy;
    ui->wheel = w > 1 << 20 ? 1 << 20 : w < -(1 << 20) ? -(1 << 20) : (int)w;
}

void ui_key(struct ui *ui, enum ui_key key, unsigned mods)
{
    if (ui->nev == UI_MAX_EVENTS) {
        ui->input_lost = true;
        return;
    }
    ui->ev[ui->nev++] = (struct ui_event){.kind = UI_EV_KEY, .key = key, .mods = mods};
}

void ui_text(struct ui *ui, const char *utf8)
{
    size_t n = strlen(utf8), room = sizeof ui->evtext - ui->evtext_len;
    if (n == 0)
        return;
    if (ui->nev == UI_MAX_EVENTS || n > room)
        ui->input_lost = true;
    if (ui->nev == UI_MAX_EVENTS || room == 0)
        return;
    if (n > room)
        n = room; /* the text field drops a code point cut here as invalid */
    memcpy(ui->evtext + ui->evtext_len, utf8, n);
    ui->ev[ui->nev++] = (struct ui_event){.kind = UI_EV_TEXT, .off = ui->evtext_len, .len = n};
    ui->evtext_len += n;
}

/* ---- frames ---- */

/* Tab, Shift-Tab, Up and Down move focus along last frame's order of focusable widgets. */
static void move_focus(struct ui *ui)
{
    for (size_t i = 0; i < ui->nev; i++) {
        struct ui_event *e = &ui->ev[i];
        if (e->kind != UI_EV_KEY || ui->norder_prev == 0)
            continue;
        int step;
        if (e->key == UI_KEY_TAB)
            step = (e->mods & UI_MOD_SHIFT) ? -1 : 1;
        else if (e->key == UI_KEY_UP || e->key == UI_KEY_DOWN)
            step = e->key == UI_KEY_UP ? -1 : 1;
        else
            continue;
        size_t n = ui->norder_prev, at = n;
        for (size_t j = 0; j < n; j++)
            if (ui->order_prev[j] == ui->focus)
                at = j;
        if (at == n)
            at = step > 0 ? n - 1 : 0; /* nothing focused: Tab starts at the first */
        ui->focus = ui->order_prev[(at + n + (size_t)step) % n];
        ui->focus_visible = true;
        e->kind = 0; /* consumed */
    }
}

void ui_frame_begin(struct ui *ui, uint64_t now_ms)
{
    ui->prev_now = ui->frame ? ui->now : now_ms;
    ui->now = now_ms > ui->prev_now ? now_ms : ui->prev_now;
    ui->frame++;
    ui->ncmd = ui->nwidgets = ui->norder = 0;
    ui->arena_used = 0;
    ui->timer = UI_NO_TIMER;
    ui->overflow = ui->input_lost;
    ui->err[0] = '\0';
    if (ui->input_lost)
        ui_error(ui,
                 "input: more than %d events or %d bytes of text since the last frame; "
                 "the rest was dropped",
                 UI_MAX_EVENTS, UI_EVENT_TEXT);
    ui->input_lost = false;
    ui->layer = 0;
    ui->modal = 0;
    ui->dialog_widget = -1;
    ui->focus_seen = false;
    memset(&ui->list, 0, sizeof ui->list);
    if (ui->pressed_edge) {
        ui->focus_visible = false; /* touching hides the keyboard's focus ring */
        ui->press_ms = ui->now;
        ui->held = false;
    }
    move_focus(ui);
    ui_layout_reset(ui);
    ui_push_clip(ui, ui_screen(ui));
    ui_push_rect(ui, ui_screen(ui), ui->theme->bg, 0, 0);
}

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    while (n--)
        h = (h ^ *b++) * 1099511628211ull;
    return h;
}

/* Stable partition of the commands by layer, and their hash (contents, not pointers). */
static uint64_t sort_and_hash(struct ui *ui)
{
    uint64_t h = 14695981039346656037ull;
    ui->nout = 0;
    for (int layer = 0; layer < UI_LAYERS; layer++) {
        bool clipped = false;
        for (size_t i = 0; i < ui->ncmd; i++) {
            if (ui->cmd_layer[i] != layer)
                continue;
            if (layer > 0 && !clipped && ui->cmds[i].type != UI_CMD_CLIP) {
                /* an upper layer starts unclipped, whatever the layer below left */
                ui->out[ui->nout++] = (struct ui_cmd){.type = UI_CMD_CLIP, .rect = ui_screen(ui)};
            }
            clipped = true;
            ui->out[ui->nout++] = ui->cmds[i];
        }
    }
    for (size_t i = 0; i < ui->nout; i++) {
        const struct ui_cmd *c = &ui->out[i];
        int nums[15] = {c->type,       c->rect.x,    c->rect.y,  c->rect.w,  c->rect.h,
                        c->radius,     c->thickness, c->x2,      c->y2,      c->font_px,
                        (int)c->style, c->color.r,   c->color.g, c->color.b, c->color.a};
        h = hash_bytes(h, nums, sizeof nums);
        if (c->text)
            h = hash_bytes(h, c->text, strlen(c->text) + 1);
    }
    return h;
}

void ui_frame_end(struct ui *ui, struct ui_frame_result *out)
{
    if (ui->list.open)
        ui_list_end(ui);
    if (ui->layer == 1)
        ui_dialog_end(ui); /* forgiving a missing end keeps the next frame sane */
    if (ui->released_edge)
        ui->active = 0;
    ui->pressed_edge = ui->released_edge = false;
    ui->wheel = 0;
    if (ui->focus && !ui->focus_seen)
        ui->focus = 0; /* the focused widget went away */
    for (size_t i = 0; i < ui->nwidgets; i++) {
        /* a press or an arrow key later in the frame may have moved the focus */
        struct ui_widget *w = &ui->widgets[i];
        w->focused = w->interactive && ui->focus && ui_hash(w->id) == ui->focus;
        w->focus_visible = w->focused && ui->focus_visible;
    }
    uint64_t *t = ui->order_prev;
    ui->order_prev = ui->order;
    ui->order = t;
    ui->norder_prev = ui->norder;
    ui->modal_prev = ui->modal;
    ui->nev = 0;
    memset(ui->evtext, 0, ui->evtext_len);
    ui->evtext_len = 0;
    /* the commands are in when ncmd leaves room for the layer clips (3) */
    uint64_t h = sort_and_hash(ui);
    out->changed = h != ui->last_hash;
    ui->last_hash = h;
    out->next_timer_ms = ui->timer;
    out->overflow = ui->overflow;
}

void ui_want_timer(struct ui *ui, uint64_t at_ms)
{
    if (at_ms < ui->timer)
        ui->timer = at_ms;
}

/* ---- output ---- */

const char *ui_strdup_frame(struct ui *ui, const char *s, size_t len)
{
    if (ui->arena_used + len + 1 > ui->arena_cap) {
        ui->overflow = true;
        ui_error(ui, "frame: text arena of %zu bytes is full", ui->arena_cap);
        return "";
    }
    char *p = ui->arena + ui->arena_used;
    memcpy(p, s, len);
    p[len] = '\0';
    ui->arena_used += len + 1;
    return p;
}

void ui_push_cmd(struct ui *ui, const struct ui_cmd *c)
{
    /* keep room for the clip each upper layer may need at the sort */
    if (ui->ncmd + UI_LAYERS >= ui->max_cmds) {
        ui->overflow = true;
        ui_error(ui, "frame: more than %zu draw commands", ui->max_cmds);
        return;
    }
    ui->cmd_layer[ui->ncmd] = ui->layer;
    ui->cmds[ui->ncmd++] = *c;
}

void ui_push_rect(struct ui *ui, struct ui_rect r, struct ui_color c, int radius, int thick)
{
    ui_push_cmd(
        ui, &(struct ui_cmd){
                .type = UI_CMD_RECT, .rect = r, .color = c, .radius = radius, .thickness = thick});
}

void ui_push_text(struct ui *ui, int x, int y, const char *s, size_t len, int px,
                  enum ui_font_style st, struct ui_color c)
{
    if (len == 0)
        return;
    const char *t = ui_strdup_frame(ui, s, len);
    struct ui_rect r = {x, y, ui_measure(ui, s, len, px, st), ui_line_h(px)};
    ui_push_cmd(
        ui, &(struct ui_cmd){
                .type = UI_CMD_TEXT, .rect = r, .color = c, .text = t, .font_px = px, .style = st});
}

void ui_push_clip(struct ui *ui, struct ui_rect r)
{
    ui_push_cmd(ui, &(struct ui_cmd){.type = UI_CMD_CLIP, .rect = r});
}

int ui_push_widget(struct ui *ui, const char *id, enum ui_role role, struct ui_rect r)
{
    if (ui->nwidgets == ui->max_widgets) {
        ui->overflow = true;
        ui_error(ui, "frame: more than %zu widgets (at %s)", ui->max_widgets, id);
        return -1;
    }
    int parent = ui->list.open ? ui->list.widget : ui->dialog_widget;
    ui->widgets[ui->nwidgets] = (struct ui_widget){
        .id = ui_strdup_frame(ui, id, strlen(id)),
        .role = role,
        .rect = r,
        .clip = ui_current_clip(ui),
        .text = "",
        .layer = ui->layer,
        .parent = parent,
    };
    return (int)ui->nwidgets++;
}

const struct ui_cmd *ui_commands(const struct ui *ui, size_t *n)
{
    *n = ui->nout;
    return ui->out;
}

const struct ui_widget *ui_widgets(const struct ui *ui, size_t *n)
{
    *n = ui->nwidgets;
    return ui->widgets;
}

const struct ui_widget *ui_find(const struct ui *ui, const char *id)
{
    for (size_t i = 0; i < ui->nwidgets; i++)
        if (strcmp(ui->widgets[i].id, id) == 0)
            return &ui->widgets[i];
    return NULL;
}

/* ---- retained state ---- */

struct ui_state *ui_state_get(struct ui *ui, uint64_t id, enum ui_state_kind kind)
{
    struct ui_state *lru = NULL;
    for (size_t i = 0; i < ui->nstates; i++) {
        struct ui_state *s = &ui->states[i];
        if (s->id == id && s->kind == kind) {
            s->last_frame = ui->frame;
            return s;
        }
        if (s->last_frame != ui->frame && (!lru || s->last_frame < lru->last_frame))
            lru = s;
    }
    if (!lru) {
        ui->overflow = true;
        ui_error(ui, "frame: more than %zu widgets with state", ui->nstates);
        return NULL;
    }
    memset(lru, 0, sizeof *lru);
    lru->id = id;
    lru->kind = kind;
    lru->last_frame = ui->frame;
    return lru;
}

/* ---- geometry ---- */

bool ui_contains(struct ui_rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

struct ui_rect ui_intersect(struct ui_rect a, struct ui_rect b)
{
    int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
    int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
    return (struct ui_rect){x0, y0, x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0};
}

struct ui_rect ui_screen(const struct ui *ui)
{
    return (struct ui_rect){0, 0, ui->width, ui->height};
}

struct ui_rect ui_current_clip(const struct ui *ui)
{
    return ui->list.open ? ui->list.view : ui_screen(ui);
}

/* ---- behaviour shared by every target ---- */

bool ui_live(const struct ui *ui)
{
    return ui->modal_prev == 0 || ui->layer >= 1;
}

int ui_behave(struct ui *ui, uint64_t id, struct ui_rect r, int widget)
{
    int res = 0;
    struct ui_rect vis = ui_intersect(r, ui_current_clip(ui));
    bool live = ui_live(ui);
    if (live) {
        if (ui->norder < ui->max_widgets)
            ui->order[ui->norder++] = id;
        if (ui->pressed_edge && !ui->active && ui_contains(vis, ui->down_x, ui->down_y)) {
            ui->active = id;
            ui->focus = id;
        }
    }
    if (ui->focus == id)
        ui->focus_seen = true;
    if (live && ui->active == id && ui->released_edge && ui_contains(vis, ui->up_x, ui->up_y))
        res |= UI_RES_CLICK;
    if (live && ui->focus == id)
        for (size_t i = 0; i < ui->nev; i++)
            if (ui->ev[i].kind == UI_EV_KEY && ui->ev[i].key == UI_KEY_ENTER)
                res |= UI_RES_CLICK;
    if (res)
        ui_want_timer(ui, ui->now); /* the caller reacts after this frame: draw that at once */
    if (widget >= 0) {
        struct ui_widget *w = &ui->widgets[widget];
        w->interactive = true;
        w->focused = ui->focus == id;
        w->focus_visible = w->focused && ui->focus_visible;
        w->pressed = ui->active == id && ui->down && ui_contains(vis, ui->px, ui->py);
    }
    return res;
}

void ui_draw_focus(struct ui *ui, struct ui_rect r, int widget)
{
    if (widget < 0 || !ui->widgets[widget].focus_visible)
        return;
    int g = ui_px(ui, 3);
    struct ui_rect ring = {r.x - g, r.y - g, r.w + 2 * g, r.h + 2 * g};
    ui_push_rect(ui, ring, ui->theme->focus, ui_px(ui, 10), g);
}

int ui_behave_hold(struct ui *ui, uint64_t id, struct ui_rect r, int widget)
{
    int res = ui_behave(ui, id, r, widget);
    bool on = widget >= 0 && ui->widgets[widget].pressed;
    if (on && !ui->held && ui->now >= ui->press_ms + UI_HOLD_MS) {
        ui->held = true;
        res |= UI_RES_LONG_PRESS;
        ui_want_timer(ui, ui->now);
    } else if (on && !ui->held) {
        ui_want_timer(ui, ui->press_ms + UI_HOLD_MS);
    }
    if (ui->held && ui->active == id)
        res &= ~UI_RES_CLICK; /* the long press was the answer */
    return res;
}

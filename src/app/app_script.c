/* app_script.c - runs --script files against the kiosk (see app_script.h).
 *
 * Each command settles the UI first (runs frames until nothing changes), so a tap always
 * hits what is on screen. Taps land on the centre of the visible part of the widget (its
 * rect within its clip), as a finger would. `wait` advances the fake clock, stopping at
 * every timer the core or the kiosk asked for, so a 60 s idle wait takes no real time and
 * runs the same frames the real clock would.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_script.h"

#define LINE_BYTES 1024

struct script {
    struct app_host *h;
    const char *file; /* for messages */
    int line;         /* current line, 1-based */
};

__attribute__((format(printf, 2, 3))) static int fail(const struct script *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: ", s->file, s->line);
    /* va_start is just above; the analyzer's model of glibc's va_list misses it */
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (screen %s)\n", app_kiosk_screen(s->h->kiosk));
    return 1;
}

static bool widget_center(struct ui *ui, const char *id, int *x, int *y)
{
    const struct ui_widget *w = ui_find(ui, id);
    if (!w)
        return false;
    int x0 = w->rect.x > w->clip.x ? w->rect.x : w->clip.x;
    int y0 = w->rect.y > w->clip.y ? w->rect.y : w->clip.y;
    int x1 = w->rect.x + w->rect.w, cx1 = w->clip.x + w->clip.w;
    int y1 = w->rect.y + w->rect.h, cy1 = w->clip.y + w->clip.h;
    x1 = x1 < cx1 ? x1 : cx1;
    y1 = y1 < cy1 ? y1 : cy1;
    if (x1 <= x0 || y1 <= y0)
        return false;
    *x = (x0 + x1) / 2;
    *y = (y0 + y1) / 2;
    return true;
}

static void advance(struct app_host *h, uint64_t ms)
{
    uint64_t target = h->now + ms;
    while (h->now < target) {
        uint64_t t = h->next_timer < target ? h->next_timer : target;
        h->now = t > h->now ? t : h->now + 1;
        app_host_frame(h);
    }
    app_host_settle(h);
}

/* A widget a list has scrolled out of view is brought in as a person would: by dragging
 * the list a viewport's worth at a time (at most 20 drags). */
static void scroll_into_view(struct app_host *h, const char *id)
{
    for (int i = 0; i < 20; i++) {
        size_t n;
        ui_widgets(h->ui, &n);
        const struct ui_widget *w = ui_find(h->ui, id);
        int x, y;
        if (!w || w->parent < 0 || (size_t)w->parent >= n || widget_center(h->ui, id, &x, &y))
            return;
        struct ui_rect v = w->clip;
        int dy = w->rect.y > v.y ? -(v.h / 2) : v.h / 2;
        x = v.x + v.w / 2;
        y = v.y + v.h / 2;
        ui_pointer_down(h->ui, x, y);
        app_host_frame(h);
        for (int j = 1; j <= 10; j++) {
            h->now += 16;
            ui_pointer_move(h->ui, x, y + dy * j / 10);
            app_host_frame(h);
        }
        h->now += 200; /* hold still: no fling */
        ui_pointer_move(h->ui, x, y + dy);
        app_host_frame(h);
        ui_pointer_up(h->ui, x, y + dy);
        advance(h, 1000);
    }
}

static int cmd_tap(struct script *s, const char *id)
{
    int x, y;
    scroll_into_view(s->h, id);
    if (!widget_center(s->h->ui, id, &x, &y))
        return fail(s, "tap: no visible widget \"%s\"", id);
    ui_pointer_down(s->h->ui, x, y);
    app_host_input(s->h);
    app_host_frame(s->h);
    s->h->now += 80; /* a finger rests on the glass for a moment */
    ui_pointer_up(s->h->ui, x, y);
    app_host_input(s->h);
    app_host_settle(s->h);
    return 0;
}

/* A long press: down on ID, the fake clock moved past the hold time (its timer frames run),
 * then up. */
static int cmd_hold(struct script *s, const char *id)
{
    int x, y;
    scroll_into_view(s->h, id);
    if (!widget_center(s->h->ui, id, &x, &y))
        return fail(s, "hold: no visible widget \"%s\"", id);
    ui_pointer_down(s->h->ui, x, y);
    app_host_input(s->h);
    app_host_frame(s->h);
    advance(s->h, 700);
    ui_pointer_up(s->h->ui, x, y);
    app_host_input(s->h);
    app_host_settle(s->h);
    return 0;
}

/* expect-row ID...: the widgets are on one line, left to right, as wide and as high as each
 * other, each a touch target (48x48 logical px) with at least 8 px between neighbours. */
static int cmd_row(struct script *s, char *args)
{
    const struct ui_widget *prev = NULL;
    int min = ui_px(s->h->ui, 48), gap = ui_px(s->h->ui, 8), n = 0;
    for (char *save = NULL, *id = strtok_r(args, " ", &save); id; id = strtok_r(NULL, " ", &save)) {
        const struct ui_widget *w = ui_find(s->h->ui, id);
        if (!w)
            return fail(s, "expect-row: no widget \"%s\"", id);
        struct ui_rect r = w->rect;
        if (r.w < min || r.h < min)
            return fail(s, "expect-row: %s is %dx%d px, under %d", id, r.w, r.h, min);
        if (prev && (r.y != prev->rect.y || r.h != prev->rect.h))
            return fail(s, "expect-row: %s is not on the line of %s", id, prev->id);
        if (prev && r.w != prev->rect.w)
            return fail(s, "expect-row: %s is %d px wide, %s %d", id, r.w, prev->id, prev->rect.w);
        if (prev && r.x < prev->rect.x + prev->rect.w + gap)
            return fail(s, "expect-row: %s is not %d px right of %s", id, gap, prev->id);
        prev = w;
        n++;
    }
    return n >= 1 ? 0 : fail(s, "expect-row: expected widget ids");
}

/* expect-centred REF FIRST LAST: the span from FIRST's left to LAST's right edge is centred
 * (within 1 px) on REF. */
static int cmd_centred(struct script *s, const char *args)
{
    char ids[3][128];
    if (sscanf(args, "%127s %127s %127s", ids[0], ids[1], ids[2]) != 3)
        return fail(s, "expect-centred: expected REF FIRST LAST, got \"%s\"", args);
    const struct ui_widget *w[3];
    for (int i = 0; i < 3; i++)
        if (!(w[i] = ui_find(s->h->ui, ids[i])))
            return fail(s, "expect-centred: no widget \"%s\"", ids[i]);
    int ref = 2 * w[0]->rect.x + w[0]->rect.w;
    int span = w[1]->rect.x + w[2]->rect.x + w[2]->rect.w;
    if (abs(ref - span) > 2)
        return fail(s, "expect-centred: %s..%s is off the centre of %s by %d px", ids[1], ids[2],
                    ids[0], (span - ref) / 2);
    return 0;
}

/* expect-visible ID...: every widget is wholly on screen and wholly inside its clip, so a
 * finger reaches it without scrolling first. */
static int cmd_visible(struct script *s, const char *args)
{
    struct ui_rect scr = ui_screen(s->h->ui);
    char id[128];
    int used = 0, n = 0;
    for (const char *p = args; sscanf(p, "%127s%n", id, &used) == 1; p += used, n++) {
        const struct ui_widget *w = ui_find(s->h->ui, id);
        if (!w)
            return fail(s, "expect-visible: no widget \"%s\"", id);
        struct ui_rect r = w->rect, c = w->clip;
        if (r.x < c.x || r.y < c.y || r.x + r.w > c.x + c.w || r.y + r.h > c.y + c.h)
            return fail(s, "expect-visible: %s at %d,%d %dx%d is cut by its clip %d,%d %dx%d", id,
                        r.x, r.y, r.w, r.h, c.x, c.y, c.w, c.h);
        if (r.x < scr.x || r.y < scr.y || r.x + r.w > scr.x + scr.w || r.y + r.h > scr.y + scr.h)
            return fail(s, "expect-visible: %s at %d,%d %dx%d is off the screen", id, r.x, r.y, r.w,
                        r.h);
    }
    return n >= 1 ? 0 : fail(s, "expect-visible: expected widget ids");
}

/* An integer of the script (a pixel offset) and where it ends; false when there is none or
 * it is beyond +-100000. */
static bool script_int(const char *p, int *out, const char **end)
{
    char *e = NULL;
    errno = 0;
    long v = strtol(p, &e, 10);
    if (errno || e == p || v < -100000 || v > 100000)
        return false;
    *out = (int)v;
    *end = e;
    return true;
}

static int cmd_drag(struct script *s, const char *args)
{
    char id[256];
    int dx, dy, x, y;
    size_t n = strcspn(args, " ");
    const char *p = args + n;
    if (n == 0 || n >= sizeof id || !script_int(p, &dx, &p) || !script_int(p, &dy, &p) ||
        p[strspn(p, " ")])
        return fail(s, "drag: expected ID DX DY, got \"%s\"", args);
    memcpy(id, args, n);
    id[n] = '\0';
    if (!widget_center(s->h->ui, id, &x, &y))
        return fail(s, "drag: no visible widget \"%s\"", id);
    ui_pointer_down(s->h->ui, x, y);
    app_host_input(s->h);
    app_host_frame(s->h);
    for (int i = 1; i <= 10; i++) {
        s->h->now += 16;
        ui_pointer_move(s->h->ui, x + dx * i / 10, y + dy * i / 10);
        app_host_frame(s->h);
    }
    ui_pointer_up(s->h->ui, x + dx, y + dy);
    app_host_input(s->h);
    app_host_settle(s->h);
    return 0;
}

static int cmd_key(struct script *s, const char *name)
{
    static const struct {
        const char *name;
        enum ui_key key;
        unsigned mods;
    } keys[] = {
        {"tab", UI_KEY_TAB, 0},
        {"shift-tab", UI_KEY_TAB, UI_MOD_SHIFT},
        {"enter", UI_KEY_ENTER, 0},
        {"escape", UI_KEY_ESCAPE, 0},
        {"left", UI_KEY_LEFT, 0},
        {"right", UI_KEY_RIGHT, 0},
        {"up", UI_KEY_UP, 0},
        {"down", UI_KEY_DOWN, 0},
        {"backspace", UI_KEY_BACKSPACE, 0},
        {"delete", UI_KEY_DELETE, 0},
        {"home", UI_KEY_HOME, 0},
        {"end", UI_KEY_END, 0},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (!strcmp(keys[i].name, name)) {
            ui_key(s->h->ui, keys[i].key, keys[i].mods);
            app_host_input(s->h);
            app_host_settle(s->h);
            return 0;
        }
    }
    return fail(s, "key: unknown key \"%s\" (tab, shift-tab, enter, escape, arrows, ...)", name);
}

static bool text_on_screen(const struct ui *ui, const char *text)
{
    size_t n;
    const struct ui_widget *w = ui_widgets(ui, &n);
    for (size_t i = 0; i < n; i++)
        if (w[i].text && strstr(w[i].text, text))
            return true;
    return false;
}

static int cmd_screenshot(struct script *s, const char *name)
{
    char path[4096], err[256];
    if (!*name || strchr(name, '/'))
        return fail(s, "screenshot: \"%s\" must be a plain name", name);
    snprintf(path, sizeof path, "%s/%s.png", s->h->shots, name);
    ui_sdl_draw(s->h->sdl, s->h->ui);
    if (ui_sdl_screenshot(s->h->sdl, path, err, sizeof err) != FF_OK)
        return fail(s, "screenshot: %s", err);
    printf("screenshot %s\n", path);
    return 0;
}

static int cmd_check(struct script *s)
{
    struct ui_finding f[32];
    size_t n = ui_check(s->h->ui, f, 32);
    uint32_t cp = 0;
    size_t missing = ui_sdl_missing_glyphs(s->h->sdl, &cp);
    for (size_t i = 0; i < n && i < 32; i++) /* the checker's own verdict, unfiltered */
        fprintf(stderr, "%s:%d: check-ui: %s: %s\n", s->file, s->line, ui_finding_name(f[i].kind),
                f[i].message);
    if (missing)
        fprintf(stderr, "%s:%d: check-ui: missing-glyph: %zu codepoints, first U+%04X\n", s->file,
                s->line, missing, (unsigned)cp);
    if (n || missing)
        return fail(s, "check-ui: %s", "findings above");
    return 0;
}

static int cmd_size(struct script *s, const char *arg)
{
    char *end;
    errno = 0;
    long w = strtol(arg, &end, 10), hgt = 0;
    if (*end == 'x')
        hgt = strtol(end + 1, &end, 10);
    if (*end || errno || w < 200 || hgt < 200 || w > 8192 || hgt > 8192)
        return fail(s, "size: expected WxH (200..8192), got \"%s\"", arg);
    int dw, dh;
    double scale;
    ui_sdl_set_size(s->h->sdl, (int)w, (int)hgt);
    ui_sdl_size(s->h->sdl, &dw, &dh, &scale);
    ui_set_screen(s->h->ui, dw, dh, ui_scale(s->h->ui));
    app_host_settle(s->h);
    return 0;
}

static int cmd_theme(struct script *s, const char *arg)
{
    for (int t = 0; t < UI_THEME_COUNT; t++) {
        if (!strcmp(ui_theme_get((enum ui_theme_id)t)->name, arg)) {
            app_kiosk_set_theme(s->h->kiosk, (enum ui_theme_id)t);
            app_host_settle(s->h);
            return 0;
        }
    }
    return fail(s, "theme: unknown theme \"%s\" (normal, high-contrast, large-text)", arg);
}

static int run_line(struct script *s, char *line)
{
    char *arg = line + strcspn(line, " ");
    if (*arg)
        *arg++ = '\0';
    struct app_host *h = s->h;
    app_host_settle(h);
    if (!strcmp(line, "tap"))
        return cmd_tap(s, arg);
    if (!strcmp(line, "type")) {
        ui_text(h->ui, arg);
        app_host_input(h);
        app_host_settle(h);
        return 0;
    }
    if (!strcmp(line, "key"))
        return cmd_key(s, arg);
    if (!strcmp(line, "drag"))
        return cmd_drag(s, arg);
    if (!strcmp(line, "hold"))
        return cmd_hold(s, arg);
    if (!strcmp(line, "expect-row"))
        return cmd_row(s, arg);
    if (!strcmp(line, "expect-centred"))
        return cmd_centred(s, arg);
    if (!strcmp(line, "expect-visible"))
        return cmd_visible(s, arg);
    if (!strcmp(line, "wait")) {
        char *end;
        long ms = strtol(arg, &end, 10);
        if (end == arg || *end || ms < 0 || ms > 86400000L)
            return fail(s, "wait: expected milliseconds, got \"%s\"", arg);
        advance(h, (uint64_t)ms);
        return 0;
    }
    if (!strcmp(line, "expect-text"))
        return text_on_screen(h->ui, arg) ? 0 : fail(s, "expect-text: \"%s\" not on screen", arg);
    if (!strcmp(line, "expect-no-text"))
        return !text_on_screen(h->ui, arg) ? 0
                                           : fail(s, "expect-no-text: \"%s\" is on screen", arg);
    if (!strcmp(line, "expect-screen"))
        return !strcmp(app_kiosk_screen(h->kiosk), arg)
                   ? 0
                   : fail(s, "expect-screen: expected \"%s\"", arg);
    if (!strcmp(line, "screenshot"))
        return cmd_screenshot(s, arg);
    if (!strcmp(line, "size"))
        return cmd_size(s, arg);
    if (!strcmp(line, "theme"))
        return cmd_theme(s, arg);
    if (!strcmp(line, "locale")) {
        if (strcmp(arg, "en") && strcmp(arg, "da") && strcmp(arg, "es"))
            return fail(s, "locale: expected en, da or es, got \"%s\"", arg);
        app_kiosk_set_locale(h->kiosk, arg);
        app_host_settle(h);
        return 0;
    }
    if (!strcmp(line, "dump")) {
        size_t n;
        const struct ui_widget *w = ui_widgets(h->ui, &n);
        for (size_t i = 0; i < n; i++)
            printf("%s:%d: %s \"%s\"\n", s->file, s->line, w[i].id ? w[i].id : "-",
                   w[i].text ? w[i].text : "");
        return 0;
    }
    if (!strcmp(line, "check-ui"))
        return cmd_check(s);
    if (!strcmp(line, "echo")) {
        printf("%s\n", arg);
        fflush(stdout);
        return 0;
    }
    if (!strcmp(line, "sleep-real")) {
        char *end;
        long ms = strtol(arg, &end, 10);
        if (end == arg || *end || ms < 0 || ms > 600000L)
            return fail(s, "sleep-real: expected milliseconds, got \"%s\"", arg);
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        return 0;
    }
    return fail(s, "unknown command \"%s\"", line);
}

int app_script_run(struct app_host *h, const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        int e = errno;
        char why[128];
        if (strerror_r(e, why, sizeof why))
            snprintf(why, sizeof why, "error %d", e);
        fprintf(stderr, "fieldflow: %s: %s\n", file, why);
        return 3;
    }
    struct script s = {h, file, 0};
    char line[LINE_BYTES];
    int rc = 0;
    app_host_settle(h);
    while (!rc && fgets(line, sizeof line, f)) {
        s.line++;
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            rc = fail(&s, "line longer than %s bytes", "1023");
            break;
        }
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
            line[--n] = '\0';
        char *p = line + strspn(line, " \t");
        if (*p && *p != '#')
            rc = run_line(&s, p);
        if (!rc && *p && *p != '#' && h->background && h->background(h->bg_ctx, true))
            app_host_settle(h); /* as the interactive loop does after input (sync) */
        if (!rc && app_kiosk_quit(h->kiosk)) {
            printf("left kiosk mode at %s:%d\n", file, s.line);
            break;
        }
    }
    fclose(f);
    return rc;
}

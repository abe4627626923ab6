/* app_host.c - runs frames: the kiosk's frame function between ui_frame_begin/end, drawn
 * only when the core says the frame changed; the interactive loop sleeps in the backend's
 * wait until input or the next timer (the core's fling or toast, the kiosk's idle timer), or
 * at most a second while background work (sync) may bring something to show.
 */
#include <time.h>

#include "app_host.h"

#define BACKGROUND_MS 1000u /* how often background work is looked at without input */

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

bool app_host_frame(struct app_host *h)
{
    struct ui_frame_result res;
    double t0 = h->on_frame ? mono_ms() : 0;
    ui_frame_begin(h->ui, h->now);
    app_kiosk_frame(h->kiosk, h->ui, h->now);
    ui_frame_end(h->ui, &res);
    uint64_t kt = app_kiosk_after_frame(h->kiosk, h->ui);
    const unsigned char *bits;
    int size;
    if (app_kiosk_qr(h->kiosk, &bits, &size))
        ui_sdl_image_bitmap(h->sdl, "ticket-qr", bits, size, size, 4);
    h->next_timer = res.next_timer_ms < kt ? res.next_timer_ms : kt;
    h->frames++;
    if (res.changed) {
        ui_sdl_draw(h->sdl, h->ui);
        h->redraws++;
    }
    if (h->on_frame)
        h->on_frame(h->frame_ctx, mono_ms() - t0, res.changed);
    return res.changed || h->next_timer <= h->now;
}

void app_host_settle(struct app_host *h)
{
    for (int i = 0; i < 8 && app_host_frame(h); i++)
        ;
}

void app_host_input(struct app_host *h)
{
    app_kiosk_input(h->kiosk, h->now);
}

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int app_host_loop(struct app_host *h)
{
    bool quit = false;
    h->now = wall_ms();
    app_host_settle(h);
    while (!quit && !app_kiosk_quit(h->kiosk)) {
        uint64_t now = wall_ms();
        uint32_t wait = 3600000u; /* nothing due: sleep until input */
        if (h->next_timer != UI_NO_TIMER)
            wait = h->next_timer > now ? (uint32_t)(h->next_timer - now) : 1u;
        if (h->background && wait > BACKGROUND_MS)
            wait = BACKGROUND_MS;
        bool input = ui_sdl_pump(h->sdl, h->ui, wait, &quit);
        uint64_t t = wall_ms();
        h->now = t > h->now ? t : h->now;
        if (input)
            app_host_input(h);
        if (input || h->next_timer <= h->now)
            app_host_settle(h);
        if (h->background && h->background(h->bg_ctx, input))
            app_host_settle(h);
    }
    return 0;
}

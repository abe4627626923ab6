/* app_host.h - what the SDL loop and the script driver share: the ui, the backend, the
 * kiosk and the clock, and how one frame is run and drawn. */
#ifndef FIELDFLOW_APP_HOST_H
#define FIELDFLOW_APP_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "app_kiosk.h"
#include "ui.h"
#include "ui_sdl.h"

struct app_host {
    struct ui *ui;            /* the widget core */
    struct ui_sdl *sdl;       /* window and drawing */
    struct app_kiosk *kiosk;  /* the screens */
    uint64_t now;             /* ms since 1970: the wall clock, or the script's fake one */
    uint64_t next_timer;      /* when a frame is due without input, or UI_NO_TIMER */
    const char *shots;        /* directory for screenshots */
    uint64_t frames, redraws; /* counters for logs and the benchmark */
    /* Called after each frame with its cost in ms (build + draw); NULL = none. */
    void (*on_frame)(void *ctx, double ms, bool drawn);
    void *frame_ctx;
    /* Background work (the sync thread): the loop calls it at least every second and after
     * input was handled (input true: events may have been recorded); true = something
     * arrived, run a frame. NULL = none. */
    bool (*background)(void *ctx, bool input);
    void *bg_ctx;
};

/* Runs one frame at h->now and draws it if it changed; returns whether it changed. */
bool app_host_frame(struct app_host *h);
/* Runs frames at h->now until nothing changes (a tap's result shows on the next frame). */
void app_host_settle(struct app_host *h);
/* Input arrived (from SDL or the script). */
void app_host_input(struct app_host *h);
/* Interactive: SDL events until the window closes; idles in SDL_WaitEventTimeout. */
int app_host_loop(struct app_host *h);

#endif

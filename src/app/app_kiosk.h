/* app_kiosk.h - the kiosk screens: one immediate-mode frame function over the kiosk engine.
 *
 * The engine (kiosk_session.h) holds the session, records events and decides what is shown;
 * this module draws its view with ui calls only (no SDL) and turns taps into engine calls,
 * so the SDL loop and the script driver call the same app_kiosk_frame. Time comes in as
 * now_ms (a fake clock under --script). The values being typed live here until submitted
 * and are zeroed whenever the session ends or the node changes.
 */
#ifndef FIELDFLOW_APP_KIOSK_H
#define FIELDFLOW_APP_KIOSK_H

#include <stdbool.h>
#include <stdint.h>

#include "fieldflow/chart.h"
#include "fieldflow/err.h"
#include "ui.h"

struct app_kiosk;
struct ff_speech;
struct ff_kiosk_sync;

struct app_kiosk_opts {
    const struct ff_library *lib; /* borrowed; the shipped charts */
    const char *store_path;       /* the device store (the engine opens it) */
    const char *snapshot_path;    /* the engine's resume file */
    const char *locale;           /* the language a session starts in */
    enum ui_theme_id theme;       /* the theme a session starts in */
    int idle_s;                   /* no input this long asks "still there?" */
    const char *pin_hash;         /* argon2id hash of the admin PIN, or NULL (never leaves) */
    struct ff_speech *speech;     /* read aloud (kiosk_speech.h), borrowed; NULL = silent */
    void (*silence)(void *ctx);   /* drops audio already queued (a new screen); may be NULL */
    void *silence_ctx;
    struct ff_kiosk_sync *sync; /* sync state for the staff screen (kiosk_sync.h), borrowed;
                                   NULL = this kiosk does not sync */
};

/* FF_ENOTFOUND without a kiosk-triage chart; else the engine's error, said in why. */
enum ff_err app_kiosk_create(const struct app_kiosk_opts *o, uint64_t now_ms,
                             struct app_kiosk **out, char *why, size_t why_len);
void app_kiosk_destroy(struct app_kiosk *k); /* NULL is fine; zeroes personal data */

/* One frame of the current screen. Call between ui_frame_begin and ui_frame_end. */
void app_kiosk_frame(struct app_kiosk *k, struct ui *ui, uint64_t now_ms);
/* After ui_frame_end: applies a theme change or a wipe to ui (between frames, as ui wants)
 * and returns the kiosk's next timer (idle warning, countdown), or UI_NO_TIMER. */
uint64_t app_kiosk_after_frame(struct app_kiosk *k, struct ui *ui);
/* Input arrived at now_ms: the idle clock restarts. */
void app_kiosk_input(struct app_kiosk *k, uint64_t now_ms);
/* Switches language or theme as the customer's buttons do (script `locale`, `theme`). */
void app_kiosk_set_locale(struct app_kiosk *k, const char *locale);
void app_kiosk_set_theme(struct app_kiosk *k, enum ui_theme_id theme);
/* The current screen's name ("attract", "question", "ending", ...), for scripts and logs. */
const char *app_kiosk_screen(const struct app_kiosk *k);
/* The ticket's QR code changed: its bitmap (size x size, 1 = dark) under the image name
 * "ticket-qr", for the backend to upload; false when unchanged since the last call. */
bool app_kiosk_qr(struct app_kiosk *k, const unsigned char **bits, int *size);
/* True once staff chose "leave kiosk mode" behind the admin PIN: the program leaves. */
bool app_kiosk_quit(const struct app_kiosk *k);

#endif

/* app_kiosk.h - the kiosk screens: one immediate-mode frame function over a session.
 *
 * The kiosk owns a run of the triage chart while a customer uses it and the screen they
 * are on; it draws with ui calls only (no SDL), so the SDL loop and the script driver call
 * the same app_kiosk_frame. Time comes in as now_ms (a fake clock under --script).
 * Personal values (field buffers) live in the handle and are zeroed when a session ends.
 */
#ifndef FIELDFLOW_APP_KIOSK_H
#define FIELDFLOW_APP_KIOSK_H

#include <stdbool.h>
#include <stdint.h>

#include "fieldflow/chart.h"
#include "fieldflow/err.h"
#include "fieldflow/kb.h"
#include "ui.h"

struct app_kiosk;

struct app_kiosk_opts {
    const struct ff_library *lib; /* borrowed; the shipped charts */
    const struct ff_kb *kb;       /* borrowed; may be NULL */
    const char *exe;              /* argv[0], to find the catalogs */
    const char *locale;           /* the language a session starts in */
    enum ui_theme_id theme;       /* the theme a session starts in */
    int idle_s;                   /* no input this long asks "still there?" */
};

enum ff_err app_kiosk_create(const struct app_kiosk_opts *o, struct app_kiosk **out);
void app_kiosk_destroy(struct app_kiosk *k); /* NULL is fine; zeroes personal data */

/* One frame of the current screen. Call between ui_frame_begin and ui_frame_end. */
void app_kiosk_frame(struct app_kiosk *k, struct ui *ui, uint64_t now_ms);
/* After ui_frame_end: applies a theme the customer chose (between frames, as ui wants) and
 * returns the kiosk's next timer (idle warning, countdown), or UI_NO_TIMER. */
uint64_t app_kiosk_after_frame(struct app_kiosk *k, struct ui *ui);
/* Input arrived at now_ms: the idle clock restarts. */
void app_kiosk_input(struct app_kiosk *k, uint64_t now_ms);
/* Switches language or theme as the customer's buttons do (script `locale`, `theme`). */
void app_kiosk_set_locale(struct app_kiosk *k, const char *locale);
void app_kiosk_set_theme(struct app_kiosk *k, enum ui_theme_id theme);
/* The current screen's name ("attract", "question", ...), for scripts and logs. */
const char *app_kiosk_screen(const struct app_kiosk *k);

#endif

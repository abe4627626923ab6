/* app_kiosk_int.h - what app_kiosk.c (session, chrome, attract, idle, admin) and
 * app_step.c (a chart step, the ending) share. Private to the app. */
#ifndef FIELDFLOW_APP_KIOSK_INT_H
#define FIELDFLOW_APP_KIOSK_INT_H

#include "app_keys.h"
#include "app_kiosk.h"
#include "kiosk_pin.h"
#include "kiosk_qr.h"
#include "kiosk_session.h"

#define APP_MAX_FIELDS 16
#define APP_VALUE_BYTES (FF_KIOSK_MAX_VALUE + 1)

struct app_kiosk {
    struct app_kiosk_opts o;    /* borrowed library; defaults of a session */
    struct ff_kiosk *eng;       /* the engine: session, events, timers */
    uint64_t now;               /* now_ms of the current frame */
    char lang[8];               /* the language gettext has */
    enum ui_theme_id ui_theme;  /* the theme ui has */
    bool in_session;            /* the last frame was not the attract screen */
    bool wipe;                  /* a session ended: reset ui after this frame */
    char node[128];             /* chart:node shown, to notice a new step */
    int active;                 /* the input node's field on screen (one at a time) */
    struct app_keys_state keys; /* the on-screen keyboard of field keys_field */
    int keys_field;             /* the field the keyboard last edited, -1 none */
    bool errors_shown;          /* the last submit was refused: errors in place */
    int rating;                 /* -1 or 0..4 (score - 1) */
    int remark;                 /* -1 or the index of the seen node marked confusing */
    struct ff_qr qr;            /* the ending's ticket QR */
    char qr_ticket[16];         /* the ticket the QR encodes */
    bool qr_new;                /* qr changed since app_kiosk_qr */
    int knock;                  /* hidden gesture progress (language buttons in order) */
    uint64_t knock_at;          /* when it started */
    bool admin;                 /* the PIN dialog is open */
    bool a11y_open;             /* portrait typing: the language/accessibility dialog */
    struct ff_pin_gate pin;     /* the admin PIN and its lockout */
    char pin_buf[32];           /* personal-ish: the PIN being typed */
    bool pin_wrong;             /* the last try failed */
    bool staff;                 /* PIN accepted: the staff screen is open */
    bool quit;                  /* staff chose to leave kiosk mode */
    char spoken[160];           /* what was last read aloud (a screen key), "" = nothing */
    char vals[APP_MAX_FIELDS][APP_VALUE_BYTES]; /* personal: the values being typed */
};

/* Zeroes the typed values (volatile stores: the memory is reused, not freed). */
void app_kiosk_clear(struct app_kiosk *k);
/* The STEP screen and the ENDING screen of the engine's view. */
void app_step_screen(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_view *v);
/* The step shows a field typed with the on-screen keyboard (or a pad). */
bool app_step_typing(struct app_kiosk *k, const struct ff_kiosk_view *v);
void app_ending_screen(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_view *v);
/* Submits the input node's values, or moves to its next field. */
void app_step_submit(struct app_kiosk *k, const struct ff_kiosk_view *v);

#endif

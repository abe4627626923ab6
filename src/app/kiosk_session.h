/* kiosk_session.h - the kiosk's engine: one walk-in customer's session, headless.
 *
 * A session runs the shipped triage chart (and the charts it calls) one question at a time
 * and records everything it does as events in the store, as it happens. Screens call this
 * API and draw what ff_kiosk_view() describes; nothing here knows SDL or the widgets, so a
 * test drives a whole session with a fake clock (every call takes now_ms).
 *
 *   ATTRACT --begin--> STEP ... STEP --(end of the triage chart | hand-off)--> ENDING
 *   ENDING --rate/remark/finish--> ATTRACT (personal data wiped)
 *   any state but ATTRACT --idle_ms without input--> STILL_THERE --countdown_ms--> ATTRACT
 *   start-up with an unfinished run: RESUME_OFFER --resume--> STEP | --discard--> ATTRACT
 *
 * Staff nodes are never shown: at a node marked `handoff`, or the first node whose audience
 * is engineer or desk, the case is created and the session ends with the hand-off node's
 * text (or a fixed sentence when a staff node came without a marked hand-off).
 *
 * Ownership: the session opens and owns its store (it is closed and reopened when a
 * session's personal data is wiped, so SQLite's page cache holds no answers); the library
 * is borrowed and must outlive the session. Every `const char *` in a view belongs to the
 * session and lives until its next call. Errors: actions return enum ff_err; the detail is
 * ff_kiosk_errmsg(). On failure nothing changed.
 */
#ifndef FF_KIOSK_SESSION_H
#define FF_KIOSK_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/chart.h"
#include "fieldflow/err.h"
#include "fieldflow/runner.h"
#include "kiosk_ticket.h"

#define FF_KIOSK_ROOT_CHART "kiosk-triage"
#define FF_KIOSK_MAX_VALUE 500   /* bytes typed into one field */
#define FF_KIOSK_MAX_REMARK 1000 /* bytes of a "this step was confusing" remark */

struct ff_kiosk;

enum ff_kiosk_state {
    FF_KIOSK_ATTRACT,      /* no customer: language and accessibility, then begin */
    FF_KIOSK_RESUME_OFFER, /* an unfinished run was found: resume or discard */
    FF_KIOSK_STEP,         /* one node of the chart: message, question, form or article */
    FF_KIOSK_STILL_THERE,  /* idle: "still there?" with a countdown; any input continues */
    FF_KIOSK_ENDING,       /* the session's result; rating and remark may follow */
};

enum ff_kiosk_ending {
    FF_KIOSK_END_INFORMATION, /* information given, nothing created */
    FF_KIOSK_END_CASE,        /* a case was created: ticket code */
    FF_KIOSK_END_VISIT,       /* an engineer visit was requested (case and ticket too) */
    FF_KIOSK_END_ESCALATED,   /* escalated to a person: level and estimated time */
};

enum ff_kiosk_theme { FF_THEME_NORMAL, FF_THEME_HIGH_CONTRAST, FF_THEME_LARGE };

struct ff_kiosk_opts {
    const char *store_path;            /* the device store (opened by the session) */
    const struct ff_library *lib;      /* kiosk-triage and its subcharts; borrowed */
    const char *snapshot_path;         /* resume file; NULL = no resume */
    const char *default_locale;        /* the attract screen's language; NULL = "en" */
    enum ff_kiosk_theme default_theme; /* the attract screen's theme (FF_THEME_NORMAL = 0) */
    int64_t idle_ms;                   /* no input for this long: STILL_THERE (> 0) */
    int64_t countdown_ms;              /* then this long: the session ends (> 0) */
    /* Entropy for ticket codes and run/case ids; NULL = getrandom(). Tests fix it. */
    uint64_t (*random)(void *ctx);
    void *random_ctx;
};

/* What the screen shows. Strings belong to the session. */
struct ff_kiosk_view {
    enum ff_kiosk_state state;
    const char *locale;        /* "en", "da", "es" */
    enum ff_kiosk_theme theme; /* chosen accessibility theme */
    bool read_aloud;           /* chosen: speak questions */
    /* STEP */
    enum ff_node_kind kind;    /* start/step/action: message; decision; input; kb */
    const char *chart_id;      /* for analytics and remarks, not for display */
    const char *node_id;       /* the node shown (never a staff node) */
    const char *title;         /* the question or message */
    const char *body;          /* more text, "" when none */
    size_t noptions;           /* decision: ff_kiosk_option() */
    size_t nfields;            /* input: ff_kiosk_field() */
    const char *article_title; /* kb: the article from the store; "" when missing */
    const char *article_body;
    int step;      /* progress hint "step <step> of about <steps>" */
    int steps;     /* step + the shortest remaining path to an end; >= step */
    bool can_back; /* back (undo) is possible */
    /* STILL_THERE */
    int64_t countdown_left_ms;
    /* ENDING */
    enum ff_kiosk_ending ending;
    const char *message;    /* what to tell the customer (the hand-off or end node's text) */
                            /* (body: the rest of that text) */
    const char *ticket;     /* "ABC-DEF" when a case exists, else "" */
    const char *case_id;    /* the case's UUID, else "" */
    int escalation_level;   /* 1..4 when escalated, else 0 */
    int eta_minutes;        /* estimated time of the escalation or call back, 0 = none */
    int64_t visit_start_ms; /* requested visit slot, 0 when none */
    int64_t visit_end_ms;
    const char *visit_status; /* "requested" until the store has a confirmation, then
                                 "confirmed" (or "rejected"); "" without a visit */
    bool rated;               /* a rating was given */
    /* Any state: events made but not yet in the store (it refused them: disk full, I/O);
       they are kept in the snapshot and retried with the next operation. 0 normally. */
    size_t pending_events;
};

struct ff_kiosk_option {
    const char *id;
    const char *label;
};

struct ff_kiosk_field {
    const char *name;
    enum ff_field_type type; /* the screen picks the keyboard or pad from it */
    bool required;
    const char *label;
    const char *hint;  /* "" when none */
    const char *error; /* the last submit's message for this field in the session's
                          language, NULL when it passed */
    size_t nchoices;   /* choice: ff_kiosk_choice() */
};

/* Opens the store, and looks for an unfinished run in snapshot_path: when one exists and
 * its last step is less than idle_ms before now_ms, the state is RESUME_OFFER; an older
 * one is discarded (its recorded events stay, the snapshot file is wiped). */
enum ff_err ff_kiosk_new(const struct ff_kiosk_opts *opts, int64_t now_ms, struct ff_kiosk **out);
/* Wipes and frees; the snapshot file stays (a restart may resume it). NULL is fine. */
void ff_kiosk_free(struct ff_kiosk *k);
const char *ff_kiosk_errmsg(const struct ff_kiosk *k);

/* The current view; valid until the next call. Pure: call ff_kiosk_tick for timers. */
const struct ff_kiosk_view *ff_kiosk_view(struct ff_kiosk *k);
/* Applies the idle timers at now_ms (STILL_THERE, then the end of the session). */
enum ff_err ff_kiosk_tick(struct ff_kiosk *k, int64_t now_ms);
/* Any input (a touch that does nothing else): keeps the session alive, leaves STILL_THERE. */
void ff_kiosk_touch(struct ff_kiosk *k, int64_t now_ms);

/* Attract screen and accessibility, always one tap away. */
enum ff_err ff_kiosk_set_locale(struct ff_kiosk *k, const char *locale, int64_t now_ms);
void ff_kiosk_set_theme(struct ff_kiosk *k, enum ff_kiosk_theme theme, int64_t now_ms);
void ff_kiosk_set_read_aloud(struct ff_kiosk *k, bool on, int64_t now_ms);
enum ff_err ff_kiosk_begin(struct ff_kiosk *k, int64_t now_ms);
enum ff_err ff_kiosk_resume(struct ff_kiosk *k, int64_t now_ms);
enum ff_err ff_kiosk_discard(struct ff_kiosk *k, int64_t now_ms);

/* STEP: the three ways on, and back. */
enum ff_err ff_kiosk_next(struct ff_kiosk *k, int64_t now_ms);
enum ff_err ff_kiosk_choose(struct ff_kiosk *k, const char *option_id, int64_t now_ms);
/* FF_EINVALID when a value fails: ff_kiosk_field(i).error says why, per field. */
enum ff_err ff_kiosk_submit(struct ff_kiosk *k, const struct ff_run_value *values, size_t n,
                            int64_t now_ms);
enum ff_err ff_kiosk_back(struct ff_kiosk *k, int64_t now_ms);
/* "Talk to a person", from any STEP: creates the case if there is none, records an
 * escalation (level 1, the node it was asked at) and ends the session with where to go. */
enum ff_err ff_kiosk_person(struct ff_kiosk *k, int64_t now_ms);

bool ff_kiosk_option(struct ff_kiosk *k, size_t i, struct ff_kiosk_option *out);
bool ff_kiosk_field(struct ff_kiosk *k, size_t i, struct ff_kiosk_field *out);
/* Choice i of input field f: id and label in the session's language. */
bool ff_kiosk_choice(struct ff_kiosk *k, size_t f, size_t i, struct ff_kiosk_option *out);

/* ENDING: a 1-5 rating (once), and "this step was confusing" on a node the customer saw
 * (ff_kiosk_seen lists them; text may be NULL). Then finish: back to ATTRACT, wiped. */
enum ff_err ff_kiosk_rate(struct ff_kiosk *k, int score, int64_t now_ms);
enum ff_err ff_kiosk_remark(struct ff_kiosk *k, const char *node_id, const char *text,
                            int64_t now_ms);
size_t ff_kiosk_seen_count(const struct ff_kiosk *k);
/* Node i the customer saw in this session: its id and its title in the session's language. */
bool ff_kiosk_seen(struct ff_kiosk *k, size_t i, struct ff_kiosk_option *out);
enum ff_err ff_kiosk_finish(struct ff_kiosk *k, int64_t now_ms);

/* The run's id (UUID) while a session runs, else "". For tests and the transcript. */
const char *ff_kiosk_run_id(const struct ff_kiosk *k);

#endif

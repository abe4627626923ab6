/* kiosk_int.h - the session handle and the functions kiosk_session.c (the state machine)
 * and kiosk_events.c (the events it records) share. Not for screens: they use
 * kiosk_session.h. Shared names are ff_kiosk__<name>.
 */
#ifndef FF_KIOSK_INT_H
#define FF_KIOSK_INT_H

#include <cJSON.h>

#include "fieldflow/kb.h"
#include "fieldflow/store.h"
#include "kiosk_progress.h"
#include "kiosk_resume.h"
#include "kiosk_session.h"

#define MAX_SEEN 256 /* distinct nodes one session can offer for a remark */

struct seen_node {
    const struct ff_chart *chart; /* the chart of the node (borrowed from the library) */
    int node;                     /* index in chart->nodes */
};

struct ff_kiosk {
    struct ff_kiosk_opts opts;                /* copied; the strings below are owned copies */
    char *store_path, *snapshot_path;         /* owned */
    char default_locale[8];                   /* the attract screen's language */
    struct ff_store *store;                   /* owned; reopened on every wipe */
    struct ff_kiosk_progress *progress;       /* per-chart shortest paths, kept across sessions */
    enum ff_kiosk_state state;                /* state before STILL_THERE is applied */
    bool still_there;                         /* idle countdown showing */
    int64_t last_input;                       /* ms of the last input: the idle clock */
    struct ff_run *run;                       /* NULL outside a session */
    struct ff_kiosk_saved saved;              /* what a restart needs (run_id "" outside one) */
    size_t recorded;                          /* transcript entries already turned into events */
    int history;                              /* forward steps on the current path */
    const char *own_err[FF_CHART_MAX_FIELDS]; /* engine's own per-field messages */
    bool has_own_err;                         /* a refused submit: show field errors */
    const char *message;                      /* ENDING: what to tell the customer */
    const char *message_body;                 /* ENDING: more of it, "" when none */
    enum ff_kiosk_ending ending;              /* ENDING: which one */
    bool rated;                               /* a rating was recorded */
    int score;                                /* that rating, 1..5 */
    char visit_status[16];                    /* "requested", "confirmed"... or "" */
    int64_t visit_start, visit_end;           /* the slot as the store has it (the server may have
                                                 confirmed an alternative); 0 before it is read */
    char article_title[FF_KB_TITLE_MAX + 1];  /* kb node: the article from the store */
    char article_body[FF_KB_BODY_MAX + 1];
    struct seen_node seen[MAX_SEEN]; /* nodes shown this session, for remarks */
    size_t nseen;
    struct ff_kiosk_view view; /* what ff_kiosk_view returns */
    bool committed;   /* the current operation's snapshot is written: it cannot be undone */
    char errmsg[512]; /* the last failure's detail */
};

/* Records e with "kiosk: what: detail" (detail NULL = ff_strerror(e)); returns e. */
enum ff_err ff_kiosk__fail(struct ff_kiosk *k, enum ff_err e, const char *what, const char *detail);
uint64_t ff_kiosk__rand64(struct ff_kiosk *k);
void ff_kiosk__new_uuid(struct ff_kiosk *k, char out[37]);
/* Queues an event with payload (taken, deleted here; NULL = out of memory). */
enum ff_err ff_kiosk__emit(struct ff_kiosk *k, const char *type, const char *entity_id,
                           cJSON *payload);
/* One run.step_recorded per transcript entry not yet recorded. */
enum ff_err ff_kiosk__record_transcript(struct ff_kiosk *k);
/* Creates the session's case if there is none (category/priority from node n's actions). */
enum ff_err ff_kiosk__ensure_case(struct ff_kiosk *k, const struct ff_node *n);
enum ff_err ff_kiosk__escalate(struct ff_kiosk *k, int level, int eta_min, const char *reason,
                               int64_t now);
/* Does an action node's actions once per session. */
enum ff_err ff_kiosk__perform(struct ff_kiosk *k, const struct ff_node *n, int64_t now);

#endif

/* srv_rules_int.h - what srv_rules.c (following the log) and srv_rules_decide.c (the
 * decisions) share. Nothing else includes it.
 */
#ifndef FF_SRV_RULES_INT_H
#define FF_SRV_RULES_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"
#include "fieldflow/event.h"
#include "fieldflow/hlc.h"
#include "srv_rules.h"

#define RULES_CHOICES 6 /* a request's own slot and at most 5 alternatives */

struct srv_store;

/* A slot [start, end) in ms. */
struct rules_slot {
    int64_t start, end;
};

/* A visit request folded but not yet seen decided, waiting in arrival order. */
struct rules_request {
    int64_t gseq;                            /* its position in the global log */
    char visit[FF_EVENT_ID_MAX + 1];         /* the visit id */
    char case_id[FF_EVENT_ID_MAX + 1];       /* payload.case_id */
    char engineer[FF_EVENT_ID_MAX + 1];      /* payload.engineer_id */
    struct rules_slot choice[RULES_CHOICES]; /* start/end, then the alternatives in order */
    int n_choices;                           /* used in choice */
};

/* One copied line of a pulled page. */
struct rules_line {
    int64_t gseq; /* its position */
    char *text;   /* the line, NUL-terminated; owned */
    size_t len;   /* its length */
};

struct srv_rules {
    struct srv_store *st;             /* the global log: this instance's own connection */
    struct ff_store *fold;            /* the fold of the global log (device "fold-NAME") */
    char device[FF_EVENT_ID_MAX + 1]; /* "server-NAME": whose events the decisions are */
    int64_t seq;                      /* the last seq of device stored in the global log */
    struct ff_hlc clock;              /* stamps decisions; kept above the fold's clock */
    int64_t epoch;                    /* the global log's epoch the cursor belongs to */
    int64_t cursor;                   /* gseq up to which the log is folded */
    int64_t now_ms;                   /* the clock of the current step (0 before the first) */
    int64_t next_limit_check;         /* now_ms from which time limits are looked at again */
    struct rules_request *q;          /* waiting requests, in gseq order; owned */
    size_t q_head, q_n, q_cap;        /* first waiting, end, allocated */
    struct rules_line *page;          /* the page being folded; owned */
    size_t page_n, page_cap;          /* used and allocated */
    bool page_oom;                    /* copying a pulled line failed */
    int64_t refused;                  /* lines of the log the fold refused (kept out of it) */
    char hook_err[256];               /* why the erasure write-back failed, if it did */
    char err[512];                    /* the last error */
};

/* Records a formatted error on r and returns e. */
enum ff_err rules_fail(struct srv_rules *r, enum ff_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Decides waiting visit requests in order (srv_rules_decide.c); *progress when it did. */
enum ff_err rules_decide_visits(struct srv_rules *r, bool *progress);
/* Breaches passed time limits, at most once a second of now_ms. */
enum ff_err rules_check_limits(struct srv_rules *r, bool *progress);

#endif

/* sc_int.h - internals shared by the sync client's files (sync/client/sc_*.c):
 * sc_http.c one HTTPS exchange, sc_auth.c enrolment and tokens, sc_push.c / sc_pull.c the two
 * halves of a pass, sc_state.c the "sync.*" values in the store, sc_client.c the handle and
 * passes with retries, sc_thread.c the background thread.
 */
#ifndef FF_SC_INT_H
#define FF_SC_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sync_client.h"
#include "sync_wire.h"

struct ff_store;
struct cJSON;

/* Caps on what a reply may hold once inflated: a pull page is retried with a smaller limit
 * when it would not fit. */
#define SC_REPLY_MAX (1024u * 1024u)
#define SC_PULL_REPLY_MAX (32u * 1024u * 1024u)
#define SC_REJECTED_KEEP 200 /* rejected events listed in sync.rejected (the count goes on) */

/* The "sync.*" keys in the device store. */
#define SC_K_SERVER "sync.server"
#define SC_K_PIN "sync.pin"
#define SC_K_TLS "sync.tls" /* "ca" or "pin" (sync_client.h, Trust) */
#define SC_K_ACCESS "sync.access_token"
#define SC_K_REFRESH "sync.refresh_token"
#define SC_K_SCOPE "sync.scope"
#define SC_K_CURSOR "sync.cursor"
#define SC_K_CHECKPOINT "sync.checkpoint"
#define SC_K_LAST_SYNC "sync.last_sync"
#define SC_K_ONLINE "sync.online"
#define SC_K_REJECTED "sync.rejected"
#define SC_K_REJECTED_N "sync.rejected_count"
#define SC_K_RESEND "sync.resend" /* "1": push every own event again (the server's log changed) */

struct ff_sync {
    struct ff_sync_config cfg; /* with defaults filled in; db_path points to path */
    char *path;                /* the store's file; owned */
    struct ff_store *store;    /* this handle's own connection */
    void *curl;                /* CURL easy handle, reused */
    void *multi;               /* CURLM it runs in: connection cache, wakeable poll */
    char err[512];             /* last error text */
    uint64_t seed;             /* backoff jitter PRNG */

    /* Loaded from the store by sc_state_load; owned. */
    char *server;  /* "https://host:port", no trailing slash */
    char *pin;     /* "sha256//..." */
    bool tls_ca;   /* verify the chain with the system CAs too */
    char *access;  /* access token (NULL: refresh first) */
    char *refresh; /* refresh token */

    /* Background thread and what other threads read. */
    pthread_t thread;          /* valid while thread_on */
    bool thread_on;            /* started and not yet joined */
    pthread_mutex_t mu;        /* guards st; the thread's waits between passes */
    pthread_cond_t cv;         /* signalled by poke and stop */
    atomic_bool poked;         /* something to push since the pass began */
    atomic_bool quit;          /* stop asked: abort any transfer, end the thread */
    struct ff_sync_state st;   /* the latest state, under mu */
    void (*on_change)(void *); /* called after a pass that changed something */
    void *on_change_arg;       /* its argument */

    /* The last sc_http failure, for callers that treat some specially. */
    int curl_code;         /* CURLcode of the last exchange */
    bool over_cap;         /* the reply was larger than the request's cap */
    int64_t push_total;    /* pending when the running push began (progress) */
    int64_t retry_after_s; /* a 429/503's Retry-After: the next retry waits at least this */
};

/* Records a formatted error on c and returns e. */
enum ff_sync_err sc_fail(struct ff_sync *c, enum ff_sync_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records the store's last error with `what` and returns FF_SYNC_LOCAL. */
enum ff_sync_err sc_store_fail(struct ff_sync *c, const char *what);

/* One HTTP reply. */
struct sc_reply {
    long status;           /* HTTP status */
    char *body;            /* inflated body, NUL-terminated; owned (ff_free) */
    size_t len;            /* its length */
    int64_t push_total;    /* pending when the running push began (progress) */
    int64_t retry_after_s; /* Retry-After, 0 if none */
    char code[48];         /* error.code of an error body, "" otherwise */
    char message[200];     /* error.message */
};
void sc_reply_free(struct sc_reply *r);

/* A request. */
struct sc_request {
    const char *method;       /* "GET", "POST" */
    const char *path;         /* "/v1/push?..." */
    const char *content_type; /* of body; NULL for none */
    const char *body;         /* borrowed; gzipped on the wire when large enough */
    size_t len;               /* its length */
    const char *bearer;       /* access token or NULL */
    int wait_s;               /* server may hold the request this long (long-poll) */
    size_t cap;               /* largest inflated reply accepted */
    bool abortable;           /* a poke may abort it (a long-poll) */
};
/* One exchange with c->server (or base when not NULL), pin and TLS mode from c. OK when a
 * reply came (any status, *r filled); REFUSED for a pin mismatch or a failed chain check;
 * UNREACHABLE for network, TLS or timeout failures, a reply over the cap, or an abort. */
enum ff_sync_err sc_http(struct ff_sync *c, const char *base, bool tls_ca,
                         const struct sc_request *q, struct sc_reply *r);
/* Whether the last UNREACHABLE from sc_http was an abort by poke/stop. */
bool sc_http_aborted(const struct ff_sync *c);
/* Whether the last failure was the chain check of "ca" mode (a self-signed server). */
bool sc_http_chain_failed(const struct ff_sync *c);

/* An authenticated request: on 401 refreshes the tokens and sends the same request once
 * more; 401 after that, a revoked device or a failed refresh is REFUSED "enrol again".
 * 5xx and 429 are UNREACHABLE (retry later). Other statuses are returned as they are. */
enum ff_sync_err sc_call(struct ff_sync *c, struct sc_request *q, struct sc_reply *r);

/* The server's replies (sc_reply.c): pure parsers, a refusal says what and where in why. */
#define SC_CURSOR_MAX 64
struct sc_push_reply {
    int64_t acked;                  /* acked_seq */
    int64_t settled;                /* events applied or duplicate (status a or d) */
    char checkpoint[SC_CURSOR_MAX]; /* the write checkpoint, "" if none */
    struct cJSON *rejected;         /* the rejected array, detached; owned; NULL if none */
};
enum ff_sync_err sc_push_reply_parse(const char *body, size_t len, struct sc_push_reply *out,
                                     char *why, size_t why_len);
void sc_push_reply_free(struct sc_push_reply *r);
struct sc_pull_page {
    char cursor[SC_CURSOR_MAX]; /* where the next page starts */
    bool more;                  /* ask again at once */
    struct sw_lines lines;      /* the event lines, pointing into the body */
};
enum ff_sync_err sc_pull_page_parse(const char *body, size_t len, struct sc_pull_page *out,
                                    char *why, size_t why_len);
void sc_pull_page_free(struct sc_pull_page *p);

/* Push everything pending / pull until caught up, then (wait_s > 0) one long-poll of wait_s;
 * caught_up: the caller just pulled, start with the long-poll. */
enum ff_sync_err sc_push(struct ff_sync *c, struct ff_sync_counts *n);
enum ff_sync_err sc_pull(struct ff_sync *c, int wait_s, bool caught_up, struct ff_sync_counts *n);

/* The "sync.*" values. load: server, pin, tls mode and tokens into c (NOT_ENROLLED if none). */
enum ff_sync_err sc_state_load(struct ff_sync *c);
/* A value as a copy (ff_free) or NULL; an integer value (0 if unset). */
enum ff_sync_err sc_get(struct ff_sync *c, const char *key, char **out);
enum ff_sync_err sc_get_int(struct ff_sync *c, const char *key, int64_t *out);
enum ff_sync_err sc_set(struct ff_sync *c, const char *key, const char *value);
enum ff_sync_err sc_set_int(struct ff_sync *c, const char *key, int64_t v);
/* Adds the rejected events of a push reply (cJSON array) to sync.rejected and its count. */
enum ff_sync_err sc_state_rejected(struct ff_sync *c, const void *rejected_json, int64_t *total);
/* Progress of the running pass, for the snapshot. */
void sc_progress(struct ff_sync *c, const struct ff_sync_counts *n);
/* Updates the shared state (under mu) and, with notify, calls on_change. */
void sc_state_publish(struct ff_sync *c, const struct ff_sync_state *st);

/* One pass (push, then pull with wait_s), no retries (sc_client.c). */
enum ff_sync_err sc_pass(struct ff_sync *c, int wait_s, struct ff_sync_counts *n);
/* Saves (sync.online, sync.last_sync) and publishes how a pass ended. */
void sc_record(struct ff_sync *c, enum ff_sync_err e, const struct ff_sync_counts *n);
/* Caught up, about to long-poll: records and publishes the state (pending, online, last
 * sync) now rather than when the poll ends. */
void sc_idle(struct ff_sync *c, struct ff_sync_counts *n);
/* Calls on_change when the pass moved events or the state differs from before. */
void sc_notify(struct ff_sync *c, const struct ff_sync_state *before,
               const struct ff_sync_counts *n);
/* Waits ms, or less when stopped or (wake_on_poke) poked. */
void sc_sleep(struct ff_sync *c, int64_t ms, bool wake_on_poke);

/* Zeroes n bytes of p (events: personal data), then frees it; NULL is fine. */
void sc_wipe_free(void *p, size_t n);
/* A fresh connection to the store (the old one's page cache may hold what was just pushed:
 * the kiosk reopens its own after each customer for the same reason). */
enum ff_sync_err sc_reopen(struct ff_sync *c);

/* Milliseconds since the epoch (wall clock) and a monotonic clock. */
int64_t sc_now_ms(void);
int64_t sc_mono_ms(void);

#endif

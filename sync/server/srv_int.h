/* srv_int.h - what the server's HTTP layer (srv_http.c), its handlers (srv_api.c,
 * srv_attach.c), its store pool (srv_pool.c) and the program (srv_server.c) share. */
#ifndef FF_SRV_INT_H
#define FF_SRV_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srv_auth.h"
#include "srv_config.h"
#include "srv_metrics.h"
#include "srv_store.h"
#include "srv_tls.h"

/* A fixed set of store connections, one per worker at a time (srv_pool.c). */
struct srv_pool {
    pthread_mutex_t lock;      /* guards the arrays */
    pthread_cond_t freed;      /* a connection came back */
    const char *url;           /* borrowed from the config */
    int n;                     /* connections */
    struct srv_store **stores; /* NULL where a broken one was closed and not yet reopened */
    bool *busy;
};
enum ff_err srv_pool_open(struct srv_pool *p, const char *url, int n, char *why, size_t why_len);
void srv_pool_close(struct srv_pool *p);
/* Waits for a free connection (reopening a broken one). FF_EDB if it cannot be reopened. */
enum ff_err srv_pool_get(struct srv_pool *p, struct srv_store **out);
/* Gives st back; broken: the last call failed with FF_EDB, so close it (reopened on demand). */
void srv_pool_put(struct srv_pool *p, struct srv_store *st, bool broken);

/* The running server. */
struct srv_server {
    struct srv_config cfg;
    char pin[SRV_PIN_MAX];
    char *cert_pem, *key_pem;             /* owned */
    char attach_dir[SRV_PATH_MAX + 16];   /* DATA/attachments */
    char server_device[SRV_NAME_MAX + 8]; /* "server-NAME" */
    struct srv_pool pool;
    struct srv_metrics *metrics;
    struct srv_rate *enrol_rate; /* enrolment attempts per address */
    struct srv_rate *auth_rate;  /* failed authentications per address */
    pthread_mutex_t wake_lock;   /* guards generation and stopping, with wake */
    pthread_cond_t wake;         /* broadcast after each committed push and at stop */
    uint64_t generation;         /* pushes committed by this process */
    bool stopping;
    pthread_mutex_t attach_lock; /* one attachment write at a time */
    atomic_int inflight;         /* requests begun and not completed */
    void *mhd;                   /* struct MHD_Daemon */
    bool rules_started;
    pthread_t rules_thread;
};

/* Wall-clock milliseconds since the epoch. */
int64_t srv_now_ms(void);
/* Wakes long-polls and the rules thread (a push committed, or the server stops). */
void srv_wake(struct srv_server *s);
bool srv_stopping(struct srv_server *s);

/* One request as the handlers see it (srv_http.c fills it). */
struct srv_call {
    const char *method;
    const char *tail; /* the path after the route's prefix (attachments: the hash) */
    const char *addr; /* the client's address (rate limits only; never logged) */
    const char *body; /* inflated, NUL-terminated; NULL without a body */
    size_t len;
    struct srv_device dev; /* the authenticated device (routes that need a token) */
    void *conn;            /* struct MHD_Connection */
};
const char *srv_call_header(const struct srv_call *c, const char *name);
const char *srv_call_arg(const struct srv_call *c, const char *name);

/* What a handler answers. body is owned (ff_free), or fd an open file to send (closed by the
 * HTTP layer); retry_after / received are headers when >= 0. */
struct srv_reply {
    unsigned status;
    char *body;
    size_t len;
    const char *ctype;
    int fd;
    int64_t fd_size;
    int retry_after;
    int64_t received;
};
/* An error body {"error": {code, message, field}, "server_time"}. */
void srv_reply_error(struct srv_reply *r, unsigned status, const char *code, const char *field,
                     const char *message);
/* A JSON body from text (copied); on allocation failure a 503. */
void srv_reply_text(struct srv_reply *r, unsigned status, const char *ctype, const char *text,
                    size_t len);

/* Handlers (srv_api.c, srv_attach.c). */
void srv_api_enrol(struct srv_server *s, struct srv_call *c, struct srv_reply *r);
void srv_api_token(struct srv_server *s, struct srv_call *c, struct srv_reply *r);
void srv_api_push(struct srv_server *s, struct srv_call *c, struct srv_reply *r);
void srv_api_pull(struct srv_server *s, struct srv_call *c, struct srv_reply *r);
void srv_api_health(struct srv_server *s, struct srv_call *c, struct srv_reply *r);
void srv_api_metrics(struct srv_server *s, struct srv_call *c, struct srv_reply *r);
void srv_attach(struct srv_server *s, struct srv_call *c, struct srv_reply *r);

/* The HTTP daemon (srv_http.c). */
enum ff_err srv_http_start(struct srv_server *s, int *port, char *why, size_t why_len);
/* Stops accepting, lets in-flight requests finish (at most grace_ms), stops the daemon. */
void srv_http_stop(struct srv_server *s, int grace_ms);

#endif

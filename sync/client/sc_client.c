/* sc_client.c - the sync handle: open/close, errors, one pass with retries, the snapshot,
 * and the retry delay.
 *
 * Workload: ffctl sync runs one ff_sync_once per process; the app's thread (sc_thread.c) runs
 * passes for hours on one handle. Invariants: a pass is push-then-pull, each step committing
 * as it goes, so stopping anywhere (error, kill -9) loses nothing and repeats at most one
 * batch or page; after each pass the outcome (online, last sync) is saved in the store, so
 * `ffctl sync --status` can tell it from another process.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "sc_int.h"

const char *ff_sync_strerror(enum ff_sync_err e)
{
    switch (e) {
    case FF_SYNC_OK:
        return "ok";
    case FF_SYNC_REFUSED:
        return "refused";
    case FF_SYNC_UNREACHABLE:
        return "server unreachable";
    case FF_SYNC_PROTOCOL:
        return "protocol error";
    case FF_SYNC_LOCAL:
        return "device store error";
    case FF_SYNC_NOT_ENROLLED:
        return "not enrolled";
    }
    return "unknown";
}

enum ff_sync_err sc_fail(struct ff_sync *c, enum ff_sync_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    return e;
}

enum ff_sync_err sc_store_fail(struct ff_sync *c, const char *what)
{
    return sc_fail(c, FF_SYNC_LOCAL, "%s: %s: %s", c->path, what, ff_store_errmsg(c->store));
}

const char *ff_sync_errmsg(const struct ff_sync *c)
{
    return c->err;
}

static void defaults(struct ff_sync_config *g)
{
    g->connect_timeout_ms = g->connect_timeout_ms > 0 ? g->connect_timeout_ms : 10000;
    g->timeout_ms = g->timeout_ms > 0 ? g->timeout_ms : 30000;
    g->retries = g->retries < 0 ? 0 : g->retries ? g->retries : 3;
    g->backoff_base_ms = g->backoff_base_ms > 0 ? g->backoff_base_ms : 500;
    g->backoff_max_ms = g->backoff_max_ms > 0 ? g->backoff_max_ms : 60000;
    g->pull_limit = g->pull_limit > 0 && g->pull_limit <= 5000 ? g->pull_limit : 1000;
    g->wait_s = g->wait_s > 0 && g->wait_s <= 30 ? g->wait_s : 25;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The snapshot as the store has it (at open, and after each pass). */
static enum ff_sync_err read_state(struct ff_sync *c, struct ff_sync_state *st)
{
    int64_t online = 0;
    char *server = NULL;
    enum ff_sync_err e = sc_get(c, SC_K_SERVER, &server);
    st->enrolled = server != NULL;
    ff_free(server);
    if (!e)
        e = sc_get_int(c, SC_K_ONLINE, &online);
    if (!e)
        e = sc_get_int(c, SC_K_LAST_SYNC, &st->last_sync_ms);
    if (!e)
        e = sc_get_int(c, SC_K_REJECTED_N, &st->rejected);
    if (!e && ff_store_pending(c->store, &st->pending))
        e = sc_store_fail(c, "pending");
    st->online = online != 0;
    return e;
}

enum ff_sync_err ff_sync_open(const struct ff_sync_config *cfg, struct ff_sync **out, char *why,
                              size_t why_len)
{
    *out = NULL;
    if (!cfg || !cfg->db_path) {
        snprintf(why, why_len, "no device store given");
        return FF_SYNC_LOCAL;
    }
    pthread_once(&curl_once, curl_init);
    struct ff_sync *c = ff_calloc(1, sizeof *c);
    if (!c || !(c->path = ff_strdup(cfg->db_path)))
        goto out_nomem;
    c->cfg = *cfg;
    c->cfg.db_path = c->path;
    defaults(&c->cfg);
    c->seed = (uint64_t)sc_now_ms() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)c;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    struct ff_store_opts o = {.path = c->path, .why = why, .why_len = why_len};
    if (ff_store_open(&o, &c->store))
        goto out_free;
    if (!(c->curl = curl_easy_init()) || !(c->multi = curl_multi_init()))
        goto out_nomem;
    enum ff_sync_err e = sc_state_load(c);
    if (e == FF_SYNC_OK || e == FF_SYNC_NOT_ENROLLED)
        e = read_state(c, &c->st);
    if (e) {
        snprintf(why, why_len, "%s", c->err);
        ff_sync_close(c);
        return e;
    }
    c->err[0] = '\0';
    *out = c;
    return FF_SYNC_OK;
out_nomem:
    snprintf(why, why_len, "out of memory");
out_free:
    ff_sync_close(c);
    return FF_SYNC_LOCAL;
}

void ff_sync_close(struct ff_sync *c)
{
    if (!c)
        return;
    ff_sync_stop(c);
    if (c->multi)
        curl_multi_cleanup(c->multi);
    if (c->curl)
        curl_easy_cleanup(c->curl);
    ff_store_close(c->store);
    if (c->path) { /* mutex and cond exist once path does */
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
    }
    ff_free(c->server);
    ff_free(c->pin);
    ff_free(c->access);
    ff_free(c->refresh);
    ff_free(c->path);
    ff_free(c);
}

enum ff_sync_err sc_reopen(struct ff_sync *c)
{
    struct ff_store *s = NULL;
    char why[256] = "";
    struct ff_store_opts o = {.path = c->path, .why = why, .why_len = sizeof why};
    if (ff_store_open(&o, &s))
        return sc_fail(c, FF_SYNC_LOCAL, "%s: %s", c->path, why);
    ff_store_close(c->store);
    c->store = s;
    return FF_SYNC_OK;
}

bool ff_sync_enrolled(struct ff_sync *c)
{
    return c->server && c->pin && c->refresh;
}

int64_t ff_sync_backoff_ms(int attempt, int64_t base_ms, int64_t max_ms, uint64_t *seed)
{
    int64_t d = base_ms > 0 ? base_ms : 1;
    for (int i = 0; i < attempt && d < max_ms; i++)
        d *= 2;
    if (d > max_ms)
        d = max_ms;
    *seed = *seed * 6364136223846793005ull + 1442695040888963407ull; /* PCG step */
    uint64_t r = *seed >> 33;
    int64_t half = d / 2;
    return d - half + (half > 0 ? (int64_t)(r % (uint64_t)(half + 1)) : 0);
}

/* Waits ms, or less if stopped (or, with wake_on_poke, poked). */
void sc_sleep(struct ff_sync *c, int64_t ms, bool wake_on_poke)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    int64_t ns = (int64_t)t.tv_nsec + (ms % 1000) * 1000000;
    t.tv_sec += (time_t)(ms / 1000 + ns / 1000000000);
    t.tv_nsec = (long)(ns % 1000000000);
    pthread_mutex_lock(&c->mu);
    while (!atomic_load(&c->quit) && !(wake_on_poke && atomic_load(&c->poked)))
        if (pthread_cond_timedwait(&c->cv, &c->mu, &t))
            break;
    pthread_mutex_unlock(&c->mu);
}

/* Saves and publishes how a pass ended. */
void sc_record(struct ff_sync *c, enum ff_sync_err e, const struct ff_sync_counts *n)
{
    bool reached = e == FF_SYNC_OK || e == FF_SYNC_PROTOCOL ||
                   (e == FF_SYNC_REFUSED && c->curl_code == CURLE_OK);
    struct ff_sync_state st = {0};
    char err[sizeof c->err];
    memcpy(err, e ? c->err : "", e ? sizeof err : 1);
    int64_t now = sc_now_ms();
    if (ff_store_begin(c->store) == FF_OK) { /* best effort: state for display only */
        sc_set_int(c, SC_K_ONLINE, reached);
        if (!e)
            sc_set_int(c, SC_K_LAST_SYNC, now);
        if (ff_store_commit(c->store))
            ff_store_rollback(c->store);
    }
    read_state(c, &st);
    st.online = reached;
    st.refused = e == FF_SYNC_REFUSED || e == FF_SYNC_NOT_ENROLLED;
    st.pushed = n->pushed;
    st.pulled = n->pulled;
    snprintf(st.last_error, sizeof st.last_error, "%.*s", (int)sizeof st.last_error - 1, err);
    sc_state_publish(c, &st);
    if (e) /* the store calls above may have overwritten the pass's error */
        snprintf(c->err, sizeof c->err, "%s", err);
}

void sc_idle(struct ff_sync *c, struct ff_sync_counts *n)
{
    struct ff_sync_state before;
    ff_sync_snapshot(c, &before);
    if (ff_store_pending(c->store, &n->pending) == FF_OK)
        sc_get_int(c, SC_K_REJECTED_N, &n->rejected);
    sc_record(c, FF_SYNC_OK, n);
    sc_notify(c, &before, n);
}

enum ff_sync_err sc_pass(struct ff_sync *c, int wait_s, struct ff_sync_counts *n)
{
    enum ff_sync_err e = sc_state_load(c);
    if (!e) {
        pthread_mutex_lock(&c->mu);
        c->st.running = true;
        pthread_mutex_unlock(&c->mu);
        c->retry_after_s = 0;
        e = sc_push(c, n);
    }
    if (!e)
        e = sc_pull(c, 0, false, n);
    int64_t resend = 0;
    if (!e && !(e = sc_get_int(c, SC_K_RESEND, &resend)) && resend)
        e = sc_push(c, n); /* the pull found a restored server log */
    if (!e && wait_s > 0)
        e = sc_pull(c, wait_s, true, n);
    if (ff_store_pending(c->store, &n->pending) == FF_OK && !e)
        e = sc_get_int(c, SC_K_REJECTED_N, &n->rejected);
    return e;
}

enum ff_sync_err ff_sync_once(struct ff_sync *c, int wait_s, struct ff_sync_counts *counts)
{
    struct ff_sync_counts local;
    struct ff_sync_counts *n = counts ? counts : &local;
    memset(n, 0, sizeof *n);
    enum ff_sync_err e;
    for (int attempt = 0;; attempt++) {
        e = sc_pass(c, wait_s, n);
        if (e != FF_SYNC_UNREACHABLE || attempt >= c->cfg.retries || atomic_load(&c->quit))
            break;
        int64_t d =
            ff_sync_backoff_ms(attempt, c->cfg.backoff_base_ms, c->cfg.backoff_max_ms, &c->seed);
        if (c->retry_after_s * 1000 > d)
            d = c->retry_after_s * 1000 < c->cfg.backoff_max_ms ? c->retry_after_s * 1000
                                                                : c->cfg.backoff_max_ms;
        sc_sleep(c, d, false);
    }
    sc_record(c, e, n);
    return e;
}

void ff_sync_snapshot(struct ff_sync *c, struct ff_sync_state *out)
{
    pthread_mutex_lock(&c->mu);
    *out = c->st;
    pthread_mutex_unlock(&c->mu);
}

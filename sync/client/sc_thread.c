/* sc_thread.c - the app's background sync: passes on their own thread, woken by pokes.
 *
 * Workload: idle most of the time inside a long-poll (a change on another device arrives
 * within a second); a poke after each local event aborts the poll and pushes at once.
 * Invariants: the caller never waits on the network (start, poke and snapshot only take the
 * mutex for a copy; stop aborts the transfer in flight before joining); after a failure the
 * thread waits with exponential backoff and jitter, but a poke still wakes it, so an upload
 * never stalls until some later write; a refusal (revoked, pin) waits the longest delay.
 * Personal data: push bodies and replies are zeroed before they are freed, and after a pass
 * that pushed the thread opens a fresh store connection, so neither its buffers nor its page
 * cache keep a customer's answers once the kiosk has wiped its own.
 */
#include <string.h>

#include <curl/curl.h>

#include "sc_int.h"

/* A pass that ends this soon without a poke waits the rest of it, so a server that answers
 * a long-poll at once cannot make the thread spin. */
#define SC_MIN_PASS_MS 1000

static bool changed(const struct ff_sync_state *a, const struct ff_sync_state *b)
{
    return a->online != b->online || a->pending != b->pending || a->rejected != b->rejected ||
           a->refused != b->refused || strcmp(a->last_error, b->last_error) != 0;
}

void sc_notify(struct ff_sync *c, const struct ff_sync_state *before,
               const struct ff_sync_counts *n)
{
    struct ff_sync_state after;
    ff_sync_snapshot(c, &after);
    if (c->on_change && (n->pulled > 0 || n->pushed > 0 || changed(before, &after)))
        c->on_change(c->on_change_arg);
}

static void *run(void *arg)
{
    struct ff_sync *c = arg;
    int attempt = 0;
    while (!atomic_load(&c->quit)) {
        struct ff_sync_state before;
        ff_sync_snapshot(c, &before);
        atomic_store(&c->poked, false);
        int64_t t0 = sc_mono_ms();
        struct ff_sync_counts n = {0};
        enum ff_sync_err e = sc_pass(c, c->cfg.wait_s, &n);
        if (atomic_load(&c->quit))
            break;
        sc_record(c, e, &n);
        sc_notify(c, &before, &n);
        if (n.pushed > 0)
            sc_reopen(c); /* best effort: on failure the old connection goes on */
        int64_t delay = 0;
        if (e == FF_SYNC_OK) {
            attempt = 0;
            delay = SC_MIN_PASS_MS - (sc_mono_ms() - t0);
        } else if (e == FF_SYNC_REFUSED || e == FF_SYNC_NOT_ENROLLED) {
            delay = c->cfg.backoff_max_ms;
        } else {
            delay = ff_sync_backoff_ms(attempt < 30 ? attempt++ : attempt, c->cfg.backoff_base_ms,
                                       c->cfg.backoff_max_ms, &c->seed);
            if (c->retry_after_s * 1000 > delay)
                delay = c->retry_after_s * 1000;
        }
        if (delay > 0)
            sc_sleep(c, delay, true);
    }
    pthread_mutex_lock(&c->mu);
    c->st.running = false;
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

enum ff_sync_err ff_sync_start(struct ff_sync *c, void (*on_change)(void *arg), void *arg)
{
    if (c->thread_on)
        return FF_SYNC_OK;
    c->on_change = on_change;
    c->on_change_arg = arg;
    atomic_store(&c->quit, false);
    atomic_store(&c->poked, false);
    if (pthread_create(&c->thread, NULL, run, c))
        return sc_fail(c, FF_SYNC_LOCAL, "cannot start the sync thread");
    c->thread_on = true;
    return FF_SYNC_OK;
}

void ff_sync_poke(struct ff_sync *c)
{
    atomic_store(&c->poked, true);
    curl_multi_wakeup(c->multi); /* a long-poll in flight ends now */
    pthread_mutex_lock(&c->mu);
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

void ff_sync_stop(struct ff_sync *c)
{
    if (!c->thread_on)
        return;
    atomic_store(&c->quit, true);
    curl_multi_wakeup(c->multi);
    pthread_mutex_lock(&c->mu);
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    c->thread_on = false;
    atomic_store(&c->quit, false);
}

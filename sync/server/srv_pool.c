/* srv_pool.c - the store connections the request threads share (srv_int.h). A worker holds a
 * connection only while it talks to the database, never while a long-poll waits, so a few
 * connections serve many connected devices. A connection that failed with FF_EDB (the
 * PostgreSQL server restarted, say) is closed and reopened by the next worker that needs it. */
#include <stdio.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "srv_int.h"

enum ff_err srv_pool_open(struct srv_pool *p, const char *url, int n, char *why, size_t why_len)
{
    memset(p, 0, sizeof *p);
    p->stores = ff_calloc((size_t)n, sizeof(struct srv_store *));
    p->busy = ff_calloc((size_t)n, sizeof *p->busy);
    if (!p->stores || !p->busy) {
        ff_free(p->stores);
        ff_free(p->busy);
        return FF_ENOMEM;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    p->url = url;
    p->n = n;
    for (int i = 0; i < n; i++) {
        enum ff_err e = srv_store_open(url, &p->stores[i], why, why_len);
        if (e) {
            srv_pool_close(p);
            return e;
        }
    }
    return FF_OK;
}

void srv_pool_close(struct srv_pool *p)
{
    if (!p->stores)
        return;
    for (int i = 0; i < p->n; i++)
        srv_store_close(p->stores[i]);
    ff_free(p->stores);
    ff_free(p->busy);
    pthread_cond_destroy(&p->freed);
    pthread_mutex_destroy(&p->lock);
    memset(p, 0, sizeof *p);
}

enum ff_err srv_pool_get(struct srv_pool *p, struct srv_store **out)
{
    *out = NULL;
    pthread_mutex_lock(&p->lock);
    int i;
    for (;;) {
        for (i = 0; i < p->n && p->busy[i]; i++)
            ;
        if (i < p->n)
            break;
        pthread_cond_wait(&p->freed, &p->lock);
    }
    p->busy[i] = true;
    pthread_mutex_unlock(&p->lock);
    if (!p->stores[i]) { /* reopened outside the lock: the slot is ours while busy */
        char why[256];
        if (srv_store_open(p->url, &p->stores[i], why, sizeof why) != FF_OK) {
            pthread_mutex_lock(&p->lock);
            p->busy[i] = false;
            pthread_cond_signal(&p->freed);
            pthread_mutex_unlock(&p->lock);
            return FF_EDB;
        }
    }
    *out = p->stores[i];
    return FF_OK;
}

void srv_pool_put(struct srv_pool *p, struct srv_store *st, bool broken)
{
    if (!st)
        return;
    pthread_mutex_lock(&p->lock);
    for (int i = 0; i < p->n; i++) {
        if (p->stores[i] == st) {
            if (broken) {
                srv_store_close(st);
                p->stores[i] = NULL;
            }
            p->busy[i] = false;
            pthread_cond_signal(&p->freed);
            break;
        }
    }
    pthread_mutex_unlock(&p->lock);
}

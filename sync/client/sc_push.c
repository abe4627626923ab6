/* sc_push.c - pushes this device's pending events (PROTOCOL.md section 3).
 *
 * Workload: batches of up to FF_STORE_BATCH_MAX_EVENTS lines exactly as the store wrote them
 * (no re-encoding), gzipped. Invariants: the push mark moves only to the server's acked_seq,
 * which it sends after its commit, and never back; rejected events stay in the log and are
 * listed (sync.rejected) with the mark in one transaction; a batch the server finds too large
 * is split, and a reply that does not move the mark twice in a row ends the pass instead of
 * looping. After the server's log was restored (a 410 on pull) every own event is sent again
 * once; the server keeps the copies it has as duplicates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "sc_int.h"

/* The request body: the head line, then the lines as the store wrote them. */
static char *push_body(struct ff_sync *c, const char *lines, size_t *len, int64_t *count)
{
    *count = 0;
    for (const char *p = lines; *p; p++)
        *count += *p == '\n';
    char head[160];
    int h = snprintf(head, sizeof head, "{\"device\":\"%s\",\"count\":%lld}\n",
                     ff_store_device(c->store), (long long)*count);
    size_t n = strlen(lines);
    char *body = ff_malloc((size_t)h + n + 1);
    if (body) {
        memcpy(body, head, (size_t)h);
        memcpy(body + h, lines, n + 1);
        *len = (size_t)h + n;
    }
    return body;
}

/* Applies a 200 reply: rejected events, the mark, the checkpoint, in one transaction. */
static enum ff_sync_err settle(struct ff_sync *c, const struct sc_reply *r, int64_t *acked,
                               int64_t *settled, struct ff_sync_counts *n)
{
    struct sc_push_reply p;
    char why[160];
    if (sc_push_reply_parse(r->body, r->len, &p, why, sizeof why))
        return sc_fail(c, FF_SYNC_PROTOCOL, "%s", why);
    *acked = p.acked;
    *settled = p.settled;
    int64_t sent = 0;
    enum ff_sync_err e = FF_SYNC_OK;
    if (ff_store_begin(c->store))
        e = sc_store_fail(c, "saving a push");
    else if (ff_store_sent(c->store, &sent))
        e = sc_store_fail(c, "push mark");
    if (!e && p.rejected)
        e = sc_state_rejected(c, p.rejected, &n->rejected);
    if (!e && p.acked > sent && ff_store_mark_sent(c->store, p.acked))
        e = sc_fail(c, FF_SYNC_PROTOCOL, "/v1/push: acked_seq %lld: %s", (long long)p.acked,
                    ff_store_errmsg(c->store));
    if (!e && p.checkpoint[0])
        e = sc_set(c, SC_K_CHECKPOINT, p.checkpoint);
    if (!e && ff_store_commit(c->store))
        e = sc_store_fail(c, "saving a push");
    if (e)
        ff_store_rollback(c->store);
    sc_push_reply_free(&p);
    return e;
}

/* One batch after seq `from`; *done when nothing was left to send. */
static enum ff_sync_err push_batch(struct ff_sync *c, int64_t *from, int *limit, int *stalls,
                                   bool *done, struct ff_sync_counts *n)
{
    char *lines = NULL;
    if (ff_store_events_after(c->store, *from, *limit, &lines))
        return sc_store_fail(c, "reading events to push");
    *done = !lines[0];
    if (*done) {
        ff_free(lines);
        return FF_SYNC_OK;
    }
    size_t len = 0, lines_len = strlen(lines);
    int64_t count = 0;
    char *body = push_body(c, lines, &len, &count);
    sc_wipe_free(lines, lines_len);
    if (!body)
        return sc_fail(c, FF_SYNC_LOCAL, "out of memory building a push");
    struct sc_request q = {.method = "POST",
                           .path = "/v1/push",
                           .content_type = "application/x-ndjson",
                           .body = body,
                           .len = len};
    struct sc_reply r;
    enum ff_sync_err e = sc_call(c, &q, &r);
    sc_wipe_free(body, len);
    if (e)
        return e;
    int64_t acked = *from, settled = 0;
    if (r.status == 413 && count > 1) {
        *limit = (int)(count / 2); /* the server's cap is lower than ours: halve */
    } else if (r.status != 200) {
        e = sc_fail(c, FF_SYNC_PROTOCOL, "/v1/push: HTTP %ld %s: %s", r.status, r.code, r.message);
    } else if (!(e = settle(c, &r, &acked, &settled, n))) {
        n->pushed += settled;
        *stalls = acked > *from ? 0 : *stalls + 1;
        if (*stalls >= 2)
            e = sc_fail(c, FF_SYNC_PROTOCOL,
                        "/v1/push: the server acknowledges nothing after "
                        "seq %lld",
                        (long long)acked);
        *from = acked; /* lower than our mark only if the server lost events: send them again */
    }
    sc_reply_free(&r);
    return e;
}

enum ff_sync_err sc_push(struct ff_sync *c, struct ff_sync_counts *n)
{
    int64_t from = 0, total = 0, resend = 0;
    if (ff_store_sent(c->store, &from) || ff_store_pending(c->store, &total))
        return sc_store_fail(c, "push mark");
    enum ff_sync_err e = sc_get_int(c, SC_K_RESEND, &resend);
    if (e)
        return e;
    if (resend) { /* after a restored server log: everything again, from seq 0 */
        total += from;
        from = 0;
    }
    c->push_total = total;
    int limit = FF_STORE_BATCH_MAX_EVENTS, stalls = 0;
    bool done = false;
    while (!e && !done && !atomic_load(&c->quit)) {
        e = push_batch(c, &from, &limit, &stalls, &done, n);
        sc_progress(c, n);
    }
    if (!e && done && resend)
        e = sc_set(c, SC_K_RESEND, NULL);
    if (!e && ff_store_pending(c->store, &n->pending))
        e = sc_store_fail(c, "pending");
    return e;
}

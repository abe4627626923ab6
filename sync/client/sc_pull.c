/* sc_pull.c - pulls what is new for this device (PROTOCOL.md section 4).
 *
 * Workload: pages of up to cfg.pull_limit events imported in one batch each (a first sync of
 * 100k events is 100 batches); when running in the background, a long-poll once caught up.
 * Invariants: a page's events and its cursor commit in one transaction, so a crash replays at
 * most one page (importing is idempotent); own events come back as duplicates, and after a
 * reinstall (the store lacks them) go in through ff_store_restore; a 410 starts over from ""
 * once per pass and marks every own event to be pushed again (sync.resend); a page over the
 * reply cap is asked again with half the limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "sc_int.h"
#include "sync_wire.h"

/* Whether line is an event of this device: the store writes "id" first ("<device>:<seq>"). */
static bool own_line(const char *device, const char *line, size_t len)
{
    static const char pre[] = "{\"id\":\"";
    size_t p = sizeof pre - 1, d = strlen(device);
    return len > p + d && !memcmp(line, pre, p) && !memcmp(line + p, device, d) &&
           line[p + d] == ':';
}

/* Imports the page's event lines and saves its cursor, in one batch. */
static enum ff_sync_err import_page(struct ff_sync *c, const struct sw_lines *l, const char *cursor,
                                    struct ff_sync_counts *n)
{
    if (ff_store_begin(c->store))
        return sc_store_fail(c, "pull");
    const char *device = ff_store_device(c->store);
    int64_t added_n = 0;
    enum ff_sync_err e = FF_SYNC_OK;
    for (size_t i = 0; i < l->n && !e; i++) {
        bool added = false;
        bool own = own_line(device, l->line[i], l->len[i]);
        enum ff_err fe = own ? ff_store_restore(c->store, l->line[i], l->len[i], &added)
                             : ff_store_import(c->store, l->line[i], l->len[i], &added);
        if (fe == FF_EINVALID && strstr(ff_store_errmsg(c->store), "forged:"))
            fe = FF_OK; /* refused and recorded by the store (ff_store_forgeries) */
        if (fe)
            e = sc_fail(c,
                        fe == FF_ENOMEM || fe == FF_EFULL || fe == FF_EDB || fe == FF_EREADONLY ||
                                fe == FF_EIO
                            ? FF_SYNC_LOCAL
                            : FF_SYNC_PROTOCOL,
                        "pulled line %zu not imported (the cursor stays): %s", i + 1,
                        ff_store_errmsg(c->store));
        added_n += added;
    }
    if (!e)
        e = sc_set(c, SC_K_CURSOR, cursor);
    if (!e && ff_store_commit(c->store))
        e = sc_store_fail(c, "pull");
    if (e)
        ff_store_rollback(c->store);
    else
        n->pulled += added_n;
    return e;
}

/* A 200 page: head {cursor, more, count}, then count events. */
static enum ff_sync_err take_page(struct ff_sync *c, const struct sc_reply *r, bool *more,
                                  struct ff_sync_counts *n)
{
    struct sc_pull_page p;
    char why[160];
    if (sc_pull_page_parse(r->body, r->len, &p, why, sizeof why))
        return sc_fail(c, FF_SYNC_PROTOCOL, "%s", why);
    enum ff_sync_err e = import_page(c, &p.lines, p.cursor, n);
    *more = p.more;
    sc_pull_page_free(&p);
    return e;
}

/* One GET /v1/pull. *restart: the server asked for a clean re-sync (410). */
static enum ff_sync_err pull_page(struct ff_sync *c, int *limit, int wait_s, bool *more,
                                  bool *restart, struct ff_sync_counts *n)
{
    char *cursor = NULL;
    enum ff_sync_err e = sc_get(c, SC_K_CURSOR, &cursor);
    if (e)
        return e;
    int64_t epoch, gseq;
    char path[256];
    snprintf(path, sizeof path, "/v1/pull?after=%s&limit=%d&wait=%d",
             cursor && !sw_cursor_parse(cursor, &epoch, &gseq) ? cursor : "", *limit, wait_s);
    ff_free(cursor);
    struct sc_request q = {.method = "GET",
                           .path = path,
                           .wait_s = wait_s,
                           .cap = SC_PULL_REPLY_MAX,
                           .abortable = wait_s > 0};
    struct sc_reply r;
    *more = false;
    *restart = false;
    e = sc_call(c, &q, &r);
    if (e == FF_SYNC_PROTOCOL && c->over_cap && *limit > 1) {
        *limit /= 2;
        *more = true;
        return FF_SYNC_OK;
    }
    if (e)
        return e;
    if (r.status == 410)
        *restart = true;
    else if (r.status != 200)
        e = sc_fail(c, FF_SYNC_PROTOCOL, "/v1/pull: HTTP %ld %s: %s", r.status, r.code, r.message);
    else
        e = take_page(c, &r, more, n);
    sc_reply_free(&r);
    return e;
}

enum ff_sync_err sc_pull(struct ff_sync *c, int wait_s, bool caught_up, struct ff_sync_counts *n)
{
    int limit = c->cfg.pull_limit;
    bool restarted = false, polled = wait_s <= 0;
    for (;;) {
        if (atomic_load(&c->quit))
            return sc_fail(c, FF_SYNC_UNREACHABLE, "stopped");
        int w = caught_up && !polled ? wait_s : 0;
        polled = polled || w > 0;
        if (w > 0)
            sc_idle(c, n); /* caught up: the snapshot says so before the long-poll */
        bool more = false, restart = false;
        enum ff_sync_err e = pull_page(c, &limit, w, &more, &restart, n);
        if (e && w && sc_http_aborted(c) && !atomic_load(&c->quit))
            return FF_SYNC_OK; /* poked during the long-poll: end the pass, push */
        if (e)
            return e;
        if (restart) {
            if (restarted)
                return sc_fail(c, FF_SYNC_PROTOCOL, "/v1/pull: 410 for the cursor \"\"");
            restarted = true;
            caught_up = false;
            /* a new epoch: the server was restored from a backup and may lack events it once
             * acknowledged; the push mark cannot tell which, so the next push sends them all
             * (the server answers "duplicate" for what it has) */
            if (ff_store_begin(c->store))
                return sc_store_fail(c, "re-sync");
            e = sc_set(c, SC_K_CURSOR, "");
            e = e ? e : sc_set(c, SC_K_RESEND, "1");
            if (!e && ff_store_commit(c->store))
                e = sc_store_fail(c, "re-sync");
            if (e) {
                ff_store_rollback(c->store);
                return e;
            }
            continue;
        }
        sc_progress(c, n);
        if (more)
            continue;
        if (polled)
            return FF_SYNC_OK;
        caught_up = true;
    }
}

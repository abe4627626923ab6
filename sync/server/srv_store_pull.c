/* srv_store_pull.c - pull: the events after a position that a reader may see (sync/PROTOCOL.md
 * section 4), written once over the backends' scans.
 *
 * Why it never skips: gseq is handed out as head + 1 under the commit lock, so what any
 * statement sees is a prefix of the log. The page is bounded by the head H read first: every
 * scan and every assignment considered is <= H, so the page is exact as of H even while
 * pushes commit beside it.
 *
 * Engineer scope: the cases assigned to the engineer (any assignment with gseq <= H) and their
 * customers. A case whose first assignment lies in (after, next] entered the scope in this
 * page: its earlier events (gseq <= after) come first ("backfill"); then the page itself.
 * Workload: pages of up to 5000 events from a log of millions; the scan reads in chunks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "srv_store_int.h"

#define SCAN_CHUNK 512

/* The engineer's cases: sorted ids (for bsearch), each with its customer and first gseq. */
struct assigned {
    size_t n, cap;
    struct case_row {
        char id[FF_EVENT_ID_MAX + 1];
        char customer[FF_EVENT_ID_MAX + 1];
        int64_t first;
    } * c;
    char (*customers)[FF_EVENT_ID_MAX + 1]; /* the customers, sorted */
    bool nomem;
};

struct page {
    struct srv_store *st;
    const struct srv_scope *sc;
    struct assigned *as; /* engineer only */
    int limit, taken;    /* in-scope rows wanted and seen */
    int64_t last;        /* the last row looked at */
    bool emit;           /* pass 2: hand rows to fn */
    srv_line_fn fn;
    void *ctx;
    bool stopped; /* fn said stop */
};

static int cmp_id(const void *a, const void *b)
{
    return strcmp(a, b);
}

static int add_case(void *ctx, const char *case_id, const char *customer_id, int64_t first)
{
    struct assigned *as = ctx;
    if (as->n == as->cap) {
        size_t cap = as->cap ? 2 * as->cap : 16;
        void *c = ff_realloc(as->c, cap * sizeof *as->c);
        if (!c) {
            as->nomem = true;
            return 1;
        }
        as->c = c;
        as->cap = cap;
    }
    struct case_row *r = &as->c[as->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", case_id);
    snprintf(r->customer, sizeof r->customer, "%s", customer_id);
    r->first = first;
    return 0;
}

static enum ff_err load_assigned(struct srv_store *st, const char *engineer, int64_t upto,
                                 struct assigned *as)
{
    enum ff_err e = st->ops->assigned(st, engineer, upto, add_case, as);
    if (!e && as->nomem)
        e = srv_store__fail(st, FF_ENOMEM, "pull: out of memory");
    if (e || !as->n)
        return e;
    qsort(as->c, as->n, sizeof *as->c, cmp_id);
    as->customers = ff_calloc(as->n, sizeof *as->customers);
    if (!as->customers)
        return srv_store__fail(st, FF_ENOMEM, "pull: out of memory");
    for (size_t i = 0; i < as->n; i++)
        memcpy(as->customers[i], as->c[i].customer, sizeof as->customers[i]);
    qsort(as->customers, as->n, sizeof *as->customers, cmp_id);
    return FF_OK;
}

static bool is_global(const char *type)
{
    return !strncmp(type, "flowchart.", 10) || !strncmp(type, "kb.", 3) ||
           !strncmp(type, "engineer.", 9);
}

static bool in_scope(const struct page *pg, const struct srv_row *r)
{
    const struct srv_scope *sc = pg->sc;
    if (sc->kind == SRV_KIND_DESK || sc->kind == SRV_KIND_SERVER || is_global(r->type))
        return true;
    if (sc->kind == SRV_KIND_KIOSK)
        return sc->site && *sc->site && !strcmp(r->site, sc->site);
    const struct assigned *as = pg->as;
    if (!as->n)
        return false;
    return (*r->case_id && bsearch(r->case_id, as->c, as->n, sizeof *as->c, cmp_id)) ||
           (*r->entity_id &&
            bsearch(r->entity_id, as->customers, as->n, sizeof *as->customers, cmp_id));
}

static int page_row(void *ctx, const struct srv_row *r)
{
    struct page *pg = ctx;
    pg->last = r->gseq;
    if (!in_scope(pg, r))
        return 0;
    if (pg->emit && pg->fn(pg->ctx, r->gseq, r->line, r->len)) {
        pg->stopped = true;
        return 1;
    }
    return ++pg->taken >= pg->limit;
}

/* Scans (after, upto] in chunks until limit in-scope rows or upto; pg->last: where it ended. */
static enum ff_err scan_page(struct page *pg, int64_t after, int64_t upto)
{
    pg->last = after;
    pg->taken = 0;
    while (pg->last < upto && pg->taken < pg->limit && !pg->stopped) {
        int64_t from = pg->last;
        enum ff_err e = pg->st->ops->scan(pg->st, from, upto, SCAN_CHUNK, page_row, pg);
        if (e)
            return e;
        if (pg->last == from) /* nothing more visible (cannot happen below the head) */
            break;
    }
    if (pg->stopped)
        return srv_store__fail(pg->st, FF_EINVAL, "pull: the reader stopped");
    return FF_OK;
}

struct backfill {
    srv_line_fn fn;
    void *ctx;
    bool stopped;
};

static int backfill_row(void *ctx, const struct srv_row *r)
{
    struct backfill *b = ctx;
    if (b->fn(b->ctx, r->gseq, r->line, r->len)) {
        b->stopped = true;
        return 1;
    }
    return 0;
}

/* The earlier events of the cases that entered the scope in (after, next]. */
static enum ff_err send_backfill(struct srv_store *st, const struct assigned *as, int64_t after,
                                 int64_t next, srv_line_fn fn, void *ctx)
{
    struct backfill b = {fn, ctx, false};
    for (size_t i = 0; i < as->n; i++) {
        if (as->c[i].first <= after || as->c[i].first > next)
            continue;
        enum ff_err e =
            st->ops->scan_case(st, as->c[i].id, as->c[i].customer, after, backfill_row, &b);
        if (e)
            return e;
        if (b.stopped)
            return srv_store__fail(st, FF_EINVAL, "pull: the reader stopped");
    }
    return FF_OK;
}

enum ff_err srv_store__pull(struct srv_store *st, const struct srv_scope *sc, int64_t after,
                            int limit, srv_line_fn fn, void *ctx, int64_t *next, bool *more)
{
    int64_t head;
    enum ff_err e = st->ops->head(st, &head);
    if (e || head <= after)
        return e;
    struct assigned as = {0};
    struct page pg = {.st = st, .sc = sc, .as = &as, .limit = limit, .fn = fn, .ctx = ctx};
    if (sc->kind == SRV_KIND_ENGINEER) {
        if (!sc->engineer || !*sc->engineer) {
            e = srv_store__fail(st, FF_EINVAL, "pull: an engineer scope without engineer");
            goto out_free;
        }
        /* pass 1 finds the page's end, so the backfill can go before the page */
        if ((e = load_assigned(st, sc->engineer, head, &as)) || (e = scan_page(&pg, after, head)))
            goto out_free;
        int64_t end = pg.last;
        if ((e = send_backfill(st, &as, after, end, fn, ctx)))
            goto out_free;
        head = end;
    }
    pg.emit = true;
    if ((e = scan_page(&pg, after, head)))
        goto out_free;
    *next = pg.last;
    int64_t now;
    if (!(e = st->ops->head(st, &now)))
        *more = now > *next;
out_free:
    ff_free(as.c);
    ff_free(as.customers);
    return e;
}

/* srv_rules.c - an instance of the server's rules: follows the global log into a fold store and
 * runs the decisions (srv_rules_decide.c) once it has caught up.
 *
 * The fold store is an ordinary device store (device id "fold-NAME", which never authors an
 * event) that imports every line of the global log with ff_store_import, so the server's
 * projections are the devices' by construction. Its cursor ("srv.cursor" in the store's meta,
 * "<epoch>.<gseq>") commits in the same batch as the lines it covers. It is held back before
 * the oldest visit request not yet seen decided, so a restart pulls that request again and
 * queues it (importing it again changes nothing).
 *
 * Erasure: the fold redacts an erased customer's events in its own log; a hook
 * (ff_store_on_redact) writes each redacted line into the global log inside the fold's
 * transaction, before it commits. A crash between the two leaves the global log redacted and
 * the fold not, and the next step imports the same lines again and redacts again; never the
 * other way round.
 *
 * Workload: a step after every committed push and at least every second; a page is 500 lines
 * in one fold batch, at most 8 pages a step (then it says progress and the caller comes back).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "srv_rules_int.h"
#include "srv_store.h"

#define PAGE_LINES 500
#define PAGES_PER_STEP 8
#define CURSOR_KEY "srv.cursor"

enum ff_err rules_fail(struct srv_rules *r, enum ff_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    return e;
}

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The fold store's clock: the step's (a test's fake one may run ahead), never behind the
 * real one, so that no event the log accepted is refused as "ahead" by the fold. */
static uint64_t fold_now(void *ctx)
{
    const struct srv_rules *r = ctx;
    uint64_t real = wall_ms();
    return r->now_ms > 0 && (uint64_t)r->now_ms > real ? (uint64_t)r->now_ms : real;
}

/* ff_store_redact_fn: the fold redacted an event; the global log gets the same line. An event
 * the global log does not hold (the fold kept it from before a restore) has nothing to redact. */
static enum ff_err write_back(void *ctx, const char *id, const char *line, size_t len)
{
    struct srv_rules *r = ctx;
    enum ff_err e = srv_store_replace_line(r->st, id, line, len);
    if (e == FF_ENOTFOUND)
        return FF_OK;
    if (e)
        snprintf(r->hook_err, sizeof r->hook_err, "redacting %s in the global log: %s", id,
                 srv_store_errmsg(r->st));
    return e;
}

static enum ff_err load_cursor(struct srv_rules *r)
{
    char *v = NULL;
    enum ff_err e = ff_store_meta_get(r->fold, CURSOR_KEY, &v);
    if (e)
        return rules_fail(r, e, "%s: %s", CURSOR_KEY, ff_store_errmsg(r->fold));
    char *dot = NULL, *end = NULL;
    long long epoch = v ? strtoll(v, &dot, 10) : 0;
    long long gseq = dot && *dot == '.' ? strtoll(dot + 1, &end, 10) : -1;
    if (end && !*end && epoch == r->epoch && gseq >= 0)
        r->cursor = gseq; /* a cursor of another epoch (a restored log): fold it all again */
    ff_free(v);
    return FF_OK;
}

/* The position to restart from: the cursor, held back before the oldest waiting request. */
static enum ff_err save_cursor(struct srv_rules *r, int64_t cursor)
{
    char v[48];
    if (r->q_head < r->q_n && r->q[r->q_head].gseq - 1 < cursor)
        cursor = r->q[r->q_head].gseq - 1;
    snprintf(v, sizeof v, "%lld.%lld", (long long)r->epoch, (long long)cursor);
    enum ff_err e = ff_store_meta_set(r->fold, CURSOR_KEY, v);
    return e ? rules_fail(r, e, "%s: %s", CURSOR_KEY, ff_store_errmsg(r->fold)) : FF_OK;
}

static enum ff_err open_parts(struct srv_rules *r, const char *url, const char *fold_path,
                              const char *instance, char *why, size_t why_len)
{
    char fold_dev[FF_EVENT_ID_MAX + 1];
    struct srv_device me;
    enum ff_err e = srv_store_open(url, &r->st, why, why_len);
    if (e)
        return e;
    if ((e = srv_store_device_ensure_server(r->st, r->device)) ||
        (e = srv_store_device_get(r->st, r->device, &me)) ||
        (e = srv_store_epoch(r->st, &r->epoch))) {
        snprintf(why, why_len, "rules %s: %s", instance, srv_store_errmsg(r->st));
        return e;
    }
    r->seq = me.acked_seq;
    snprintf(fold_dev, sizeof fold_dev, "fold-%s", instance);
    struct ff_store_opts o = {
        .path = fold_path, .device = fold_dev, .why = why, .why_len = why_len};
    if ((e = ff_store_open(&o, &r->fold)))
        return e;
    ff_store_set_clock(r->fold, fold_now, r);
    ff_store_on_redact(r->fold, write_back, r);
    r->clock.last = ff_store_clock(r->fold);
    if ((e = load_cursor(r)))
        snprintf(why, why_len, "%s", r->err);
    return e;
}

enum ff_err srv_rules_open(const char *url, const char *fold_path, const char *instance,
                           struct srv_rules **out, char *why, size_t why_len)
{
    *out = NULL;
    if (why && why_len)
        why[0] = '\0';
    if (!url || !fold_path || !instance || strlen(instance) > FF_EVENT_ID_MAX - 7 ||
        !ff_event_id_valid(instance)) {
        snprintf(why, why_len, "rules: instance name '%s': must be [A-Za-z0-9._-]{1,%d}",
                 instance ? instance : "(null)", FF_EVENT_ID_MAX - 7);
        return FF_EINVAL;
    }
    struct srv_rules *r = ff_calloc(1, sizeof *r);
    if (!r) {
        snprintf(why, why_len, "rules: out of memory");
        return FF_ENOMEM;
    }
    snprintf(r->device, sizeof r->device, "server-%s", instance);
    enum ff_err e = open_parts(r, url, fold_path, instance, why, why_len);
    if (e) {
        srv_rules_close(r);
        return e;
    }
    *out = r;
    return FF_OK;
}

static void page_clear(struct srv_rules *r)
{
    for (size_t i = 0; i < r->page_n; i++)
        ff_free(r->page[i].text);
    r->page_n = 0;
    r->page_oom = false;
}

void srv_rules_close(struct srv_rules *r)
{
    if (!r)
        return;
    page_clear(r);
    ff_free(r->page);
    ff_free(r->q);
    ff_store_close(r->fold);
    srv_store_close(r->st);
    ff_free(r);
}

const char *srv_rules_errmsg(const struct srv_rules *r)
{
    return r ? r->err : "rules: no handle";
}

struct ff_store *srv_rules_store(struct srv_rules *r)
{
    return r->fold;
}

/* srv_line_fn: copies a pulled line; the pull's statement is still open, so nothing is
 * written to either database from here. */
static int keep_line(void *ctx, int64_t gseq, const char *line, size_t len)
{
    struct srv_rules *r = ctx;
    if (r->page_n == r->page_cap) {
        size_t cap = r->page_cap ? r->page_cap * 2 : 64;
        struct rules_line *g = ff_realloc(r->page, cap * sizeof *g);
        if (!g)
            return r->page_oom = true;
        r->page = g;
        r->page_cap = cap;
    }
    char *t = ff_strndup(line, len);
    if (!t)
        return r->page_oom = true;
    r->page[r->page_n++] = (struct rules_line){.gseq = gseq, .text = t, .len = len};
    return 0;
}

/* Reads a request's slot choices from its canonical payload. */
static void read_choices(const cJSON *p, struct rules_request *q)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(p, "start");
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(p, "end");
    q->choice[0] = (struct rules_slot){(int64_t)s->valuedouble, (int64_t)e->valuedouble};
    q->n_choices = 1;
    const cJSON *alt;
    cJSON_ArrayForEach(alt, cJSON_GetObjectItemCaseSensitive(p, "alternatives"))
    {
        if (q->n_choices == RULES_CHOICES)
            break;
        s = cJSON_GetObjectItemCaseSensitive(alt, "start");
        e = cJSON_GetObjectItemCaseSensitive(alt, "end");
        q->choice[q->n_choices++] =
            (struct rules_slot){(int64_t)s->valuedouble, (int64_t)e->valuedouble};
    }
}

/* Queues a folded visit.requested (its payload was checked by the decode). */
static enum ff_err queue_request(struct srv_rules *r, int64_t gseq, const struct ff_event *ev)
{
    if (r->q_n == r->q_cap) {
        if (r->q_head > 0) { /* reuse the decided front */
            memmove(r->q, r->q + r->q_head, (r->q_n - r->q_head) * sizeof *r->q);
            r->q_n -= r->q_head;
            r->q_head = 0;
        }
        if (r->q_n == r->q_cap) {
            size_t cap = r->q_cap ? r->q_cap * 2 : 32;
            struct rules_request *g = ff_realloc(r->q, cap * sizeof *g);
            if (!g)
                return rules_fail(r, FF_ENOMEM, "rules: out of memory queueing a request");
            r->q = g;
            r->q_cap = cap;
        }
    }
    cJSON *p = cJSON_Parse(ev->payload);
    if (!p)
        return rules_fail(r, FF_ENOMEM, "rules: out of memory reading %s:%lld", ev->device,
                          (long long)ev->seq);
    struct rules_request *q = &r->q[r->q_n];
    memset(q, 0, sizeof *q);
    q->gseq = gseq;
    snprintf(q->visit, sizeof q->visit, "%s", ev->entity_id);
    snprintf(q->case_id, sizeof q->case_id, "%s",
             cJSON_GetObjectItemCaseSensitive(p, "case_id")->valuestring);
    snprintf(q->engineer, sizeof q->engineer, "%s",
             cJSON_GetObjectItemCaseSensitive(p, "engineer_id")->valuestring);
    read_choices(p, q);
    cJSON_Delete(p);
    r->q_n++;
    return FF_OK;
}

static bool refusal(enum ff_err e)
{
    return e == FF_EPARSE || e == FF_EINVALID || e == FF_ELIMIT;
}

/* Whether a line may be a visit request, which is decoded here too (ff_store_import decodes
 * every line anyway): its type is written literally, or an escape is somewhere in it. */
static bool may_be_request(const struct rules_line *l)
{
    return strstr(l->text, "visit.requested") || memchr(l->text, '\\', l->len);
}

/* Imports one line into the open fold batch. A line the fold refuses (a forged copy, a type
 * check this build makes) stays out of the fold, as it would on a device, and is counted. */
static enum ff_err fold_line(struct srv_rules *r, const struct rules_line *l)
{
    char why[384];
    struct ff_event ev = {0};
    bool decoded = may_be_request(l);
    enum ff_err e = decoded ? ff_event_decode(l->text, l->len, &ev, why, sizeof why) : FF_OK;
    if (refusal(e)) {
        r->refused++;
        return FF_OK;
    }
    if (e)
        return rules_fail(r, e, "rules: gseq %lld: %s", (long long)l->gseq, why);
    e = ff_store_import(r->fold, l->text, l->len, NULL);
    if (refusal(e)) {
        r->refused++;
        e = FF_OK;
    } else if (e) {
        e = rules_fail(r, e, "rules: folding gseq %lld: %s%s%s", (long long)l->gseq,
                       ff_store_errmsg(r->fold), r->hook_err[0] ? "; " : "", r->hook_err);
    } else if (decoded && ev.known && !strcmp(ev.type, "visit.requested")) {
        e = queue_request(r, l->gseq, &ev);
    }
    ff_event_clear(&ev);
    return e;
}

/* Pulls one page after the cursor and folds it in one batch with the new cursor.
 * *got: lines folded; *more: the log has more already. */
static enum ff_err fold_page(struct srv_rules *r, size_t *got, bool *more)
{
    const struct srv_scope all = {.kind = SRV_KIND_SERVER, .site = NULL, .engineer = NULL};
    int64_t next = r->cursor;
    *got = 0;
    page_clear(r);
    enum ff_err e = srv_store_pull(r->st, &all, r->cursor, PAGE_LINES, keep_line, r, &next, more);
    if (r->page_oom)
        return rules_fail(r, FF_ENOMEM, "rules: out of memory copying a page of the log");
    if (e)
        return rules_fail(r, e, "rules: pulling after %lld: %s", (long long)r->cursor,
                          srv_store_errmsg(r->st));
    if (next == r->cursor && r->page_n == 0)
        return FF_OK;
    size_t q_n = r->q_n;
    r->hook_err[0] = '\0';
    if ((e = ff_store_begin(r->fold)))
        return rules_fail(r, e, "rules: %s", ff_store_errmsg(r->fold));
    for (size_t i = 0; i < r->page_n && !e; i++)
        e = fold_line(r, &r->page[i]);
    if (!e)
        e = save_cursor(r, next);
    if (!e && (e = ff_store_commit(r->fold)))
        rules_fail(r, e, "rules: committing the fold up to %lld: %s%s%s", (long long)next,
                   ff_store_errmsg(r->fold), r->hook_err[0] ? "; " : "", r->hook_err);
    if (e) {
        ff_store_rollback(r->fold);
        r->q_n = q_n;
        return e;
    }
    *got = r->page_n;
    r->cursor = next;
    page_clear(r);
    return FF_OK;
}

enum ff_err srv_rules_step(struct srv_rules *r, int64_t now_ms, bool *progress)
{
    *progress = false;
    r->now_ms = now_ms;
    bool more = true;
    for (int page = 0; page < PAGES_PER_STEP && more; page++) {
        size_t got = 0;
        enum ff_err e = fold_page(r, &got, &more);
        if (e)
            return e;
        if (got)
            *progress = true;
    }
    if (more) { /* decide only on a fold that has caught up: decisions depend on earlier ones */
        *progress = true;
        return FF_OK;
    }
    enum ff_err e = rules_decide_visits(r, progress);
    return e ? e : rules_check_limits(r, progress);
}

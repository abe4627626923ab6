/* srv_sync.c - the push and pull handlers (sync/PROTOCOL.md sections 3 and 4).
 *
 * Push: the whole body is decoded before anything is stored (one bad line refuses all); the
 * events of other devices and those stamped too far ahead are refused here, the rest are
 * settled by srv_store_push in one transaction, and the reply goes out only after it
 * committed. Pull: a page of the device's scope after its cursor; with wait, the request
 * sleeps on the server's wake condition (pushes to this process) and looks at the log's head
 * every 250 ms (pushes through other instances over the same database).
 */
#include <cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fieldflow/hlc.h"
#include "fieldflow/mem.h"
#include "srv_decode.h"
#include "srv_int.h"

#define PAGE_BYTES_MAX (16u * 1024u * 1024u) /* a pull page stops growing past this */
#define HEAD_POLL_MS 250

static void store_error(struct srv_reply *r, enum ff_err e)
{
    srv_reply_error(r, 503, "unavailable", "",
                    e == FF_EDB ? "the database failed; retry" : ff_strerror(e));
}

/* Fills evs (the events of the pushing device) and marks the others in status/code. */
static size_t sort_events(struct srv_push_req *req, const char *device, int64_t now,
                          struct srv_push_event *evs, size_t *map, char *status, const char **code,
                          bool *flag)
{
    size_t m = 0;
    for (size_t i = 0; i < req->n; i++) {
        struct srv_push_item *it = &req->items[i];
        if (strcmp(it->ev.device, device)) {
            status[i] = 'r';
            code[i] = "not_own";
            continue;
        }
        struct srv_push_event *pe = &evs[m];
        pe->ev = &it->ev;
        pe->line = it->line;
        pe->len = it->len;
        pe->digest = it->digest;
        pe->case_id = it->case_id[0] ? it->case_id : NULL;
        pe->customer_id = it->customer_id[0] ? it->customer_id : NULL;
        pe->assignee = it->assignee[0] ? it->assignee : NULL;
        if (ff_hlc_wall(it->ev.hlc) > (uint64_t)now + FF_HLC_MAX_SKEW_MS) {
            pe->status = 'r';
            pe->code = "clock_ahead";
            *flag = true;
        }
        map[m++] = i;
    }
    return m;
}

static const char *reject_message(const char *code, const struct ff_event *ev, int64_t now,
                                  char *buf, size_t cap)
{
    if (!strcmp(code, "clock_ahead"))
        snprintf(buf, cap, "hlc is %.1f h ahead of server time",
                 (double)((int64_t)ff_hlc_wall(ev->hlc) - now) / 3.6e6);
    else if (!strcmp(code, "not_own"))
        snprintf(buf, cap, "an event of another device: a device pushes only its own");
    else if (!strcmp(code, "forgery"))
        snprintf(buf, cap, "this id is stored with other content");
    else if (!strcmp(code, "seq_gap"))
        snprintf(buf, cap, "a seq after a missing one: push again from acked_seq");
    else
        snprintf(buf, cap, "refused");
    return buf;
}

static void push_reply(struct srv_reply *r, const struct srv_push_req *req, const char *status,
                       const char **code, int64_t acked, const char *checkpoint, int64_t now)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *rej = cJSON_CreateArray();
    char msg[128];
    for (size_t i = 0; i < req->n; i++) {
        if (status[i] != 'r')
            continue;
        cJSON *x = cJSON_CreateObject();
        char id[2 * FF_EVENT_ID_MAX + 24];
        snprintf(id, sizeof id, "%s:%" PRId64, req->items[i].ev.device, req->items[i].ev.seq);
        cJSON_AddStringToObject(x, "id", id);
        cJSON_AddStringToObject(x, "code", code[i] ? code[i] : "invalid");
        cJSON_AddStringToObject(
            x, "message",
            reject_message(code[i] ? code[i] : "", &req->items[i].ev, now, msg, sizeof msg));
        cJSON_AddItemToArray(rej, x);
    }
    cJSON_AddNumberToObject(o, "acked_seq", (double)acked);
    cJSON_AddStringToObject(o, "status", status);
    cJSON_AddItemToObject(o, "rejected", rej);
    cJSON_AddStringToObject(o, "checkpoint", checkpoint);
    cJSON_AddNumberToObject(o, "server_time", (double)srv_now_ms());
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text) {
        srv_reply_error(r, 503, "unavailable", "", "out of memory");
        return;
    }
    srv_reply_text(r, 200, "application/json", text, strlen(text));
    cJSON_free(text);
}

/* Stores what is ours; *acked and *checkpoint as the protocol says. */
static enum ff_err store_push(struct srv_server *s, const char *device, struct srv_push_event *evs,
                              size_t m, bool flag, int64_t *acked, int64_t *checkpoint,
                              int64_t *epoch)
{
    struct srv_store *st;
    enum ff_err e = srv_pool_get(&s->pool, &st);
    if (e)
        return e;
    e = srv_store_epoch(st, epoch);
    if (!e && m) {
        e = srv_store_push(st, device, evs, m, acked, checkpoint);
    } else if (!e) {
        struct srv_device d;
        e = srv_store_device_get(st, device, &d);
        if (!e) {
            *acked = d.acked_seq;
            e = srv_store_head(st, checkpoint);
        }
    }
    if (!e && flag)
        e = srv_store_flag(st, device);
    srv_pool_put(&s->pool, st, e == FF_EDB);
    return e;
}

void srv_api_push(struct srv_server *s, struct srv_call *c, struct srv_reply *r)
{
    struct srv_push_req req;
    struct srv_derr derr;
    if (srv_decode_push(c->body ? c->body : "", c->len, &req, &derr) != FF_OK) {
        srv_reply_error(r, srv_derr_status(&derr), derr.code, derr.field, derr.message);
        srv_push_req_free(&req);
        return;
    }
    if (strcmp(req.device, c->dev.id)) {
        srv_reply_error(r, 403, "out_of_scope", "device", "a device pushes only as itself");
        srv_push_req_free(&req);
        return;
    }
    size_t n = req.n ? req.n : 1;
    struct srv_push_event *evs = ff_calloc(n, sizeof *evs);
    size_t *map = ff_calloc(n, sizeof *map);
    char *status = ff_calloc(n + 1, 1);
    const char **code = ff_calloc(n, sizeof *code);
    if (!evs || !map || !status || !code) {
        srv_reply_error(r, 503, "unavailable", "", "out of memory");
        goto out_free;
    }
    int64_t now = srv_now_ms(), acked = 0, checkpoint = 0, epoch = 0;
    bool flag = false;
    size_t m = sort_events(&req, c->dev.id, now, evs, map, status, code, &flag);
    enum ff_err e = store_push(s, c->dev.id, evs, m, flag, &acked, &checkpoint, &epoch);
    if (e) {
        store_error(r, e);
        goto out_free;
    }
    int64_t applied = 0;
    for (size_t k = 0; k < m; k++) {
        status[map[k]] = 'r'; /* the store settles every event it was given */
        if (evs[k].status)
            status[map[k]] = evs[k].status;
        code[map[k]] = evs[k].code;
        if (evs[k].status == 'a')
            applied++;
    }
    char cursor[48];
    sw_cursor_format(epoch, checkpoint, cursor, sizeof cursor);
    push_reply(r, &req, status, code, acked, cursor, now);
    if (applied) {
        srv_metrics_applied(s->metrics, applied);
        srv_wake(s);
    }
out_free:
    ff_free(evs);
    ff_free(map);
    ff_free(status);
    ff_free(code);
    srv_push_req_free(&req);
}

/* The event lines of one pull page. */
struct page {
    char *buf;
    size_t len, cap;
    int count;
    bool stopped; /* the byte cap was reached: ask again for `count` events */
};

static int on_line(void *ctx, int64_t gseq, const char *line, size_t len)
{
    (void)gseq;
    struct page *p = ctx;
    if (p->count > 0 && p->len + len + 1 > PAGE_BYTES_MAX) {
        p->stopped = true;
        return 1;
    }
    if (p->len + len + 2 > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64 * 1024;
        while (cap < p->len + len + 2)
            cap *= 2;
        char *b = ff_realloc(p->buf, cap);
        if (!b)
            return 1;
        p->buf = b;
        p->cap = cap;
    }
    memcpy(p->buf + p->len, line, len);
    p->len += len;
    p->buf[p->len++] = '\n';
    p->count++;
    return 0;
}

static enum ff_err pull_page(struct srv_store *st, const struct srv_scope *sc, int64_t after,
                             int limit, struct page *pg, int64_t *next, bool *more)
{
    pg->len = 0;
    pg->count = 0;
    pg->stopped = false;
    enum ff_err e = srv_store_pull(st, sc, after, limit, on_line, pg, next, more);
    if (e == FF_EINVAL && pg->stopped) { /* over the byte cap: exactly the events that fit */
        int fit = pg->count;
        pg->len = 0;
        pg->count = 0;
        pg->stopped = false;
        e = srv_store_pull(st, sc, after, fit, on_line, pg, next, more);
        *more = true;
    } else if (e == FF_EINVAL) {
        e = FF_ENOMEM;
    }
    return e;
}

/* Waits until a push of this process, HEAD_POLL_MS, the deadline or the stop. */
static void wait_for_change(struct srv_server *s, uint64_t gen, int64_t deadline_ms)
{
    int64_t now = srv_now_ms();
    int64_t until = now + HEAD_POLL_MS < deadline_ms ? now + HEAD_POLL_MS : deadline_ms;
    struct timespec ts = {(time_t)(until / 1000), (long)(until % 1000) * 1000000};
    pthread_mutex_lock(&s->wake_lock);
    while (s->generation == gen && !s->stopping &&
           pthread_cond_timedwait(&s->wake, &s->wake_lock, &ts) == 0)
        ;
    pthread_mutex_unlock(&s->wake_lock);
}

static uint64_t generation(struct srv_server *s)
{
    pthread_mutex_lock(&s->wake_lock);
    uint64_t g = s->generation;
    pthread_mutex_unlock(&s->wake_lock);
    return g;
}

/* Checks the cursor against the log; 0 if fine, else the reply was set. */
static enum ff_err check_cursor(struct srv_store *st, const struct srv_pull_req *req,
                                int64_t *epoch, struct srv_reply *r)
{
    int64_t head = 0;
    enum ff_err e = srv_store_epoch(st, epoch);
    if (!e)
        e = srv_store_head(st, &head);
    if (e) {
        store_error(r, e);
        return e;
    }
    if ((req->epoch || req->after) && (req->epoch != *epoch || req->after > head)) {
        srv_reply_error(r, 410, "cursor_too_old", "after",
                        "the cursor is from another log epoch: pull again from \"\"");
        return FF_ESTATE;
    }
    return FF_OK;
}

static void pull_reply(struct srv_reply *r, struct page *pg, int64_t epoch, int64_t next, bool more)
{
    char cursor[48], head[160];
    sw_cursor_format(epoch, next, cursor, sizeof cursor);
    int hn = snprintf(head, sizeof head,
                      "{\"cursor\":\"%s\",\"more\":%s,\"count\":%d,\"server_time\":%" PRId64 "}\n",
                      cursor, more ? "true" : "false", pg->count, srv_now_ms());
    char *body = ff_malloc((size_t)hn + pg->len + 1);
    if (!body) {
        srv_reply_error(r, 503, "unavailable", "", "out of memory");
        return;
    }
    memcpy(body, head, (size_t)hn);
    if (pg->len)
        memcpy(body + hn, pg->buf, pg->len);
    r->status = 200;
    r->body = body;
    r->len = (size_t)hn + pg->len;
    r->ctype = "application/x-ndjson";
}

void srv_api_pull(struct srv_server *s, struct srv_call *c, struct srv_reply *r)
{
    struct srv_pull_req req;
    struct srv_derr derr;
    if (srv_decode_pull(srv_call_arg(c, "after"), srv_call_arg(c, "limit"), srv_call_arg(c, "wait"),
                        &req, &derr) != FF_OK) {
        srv_reply_error(r, srv_derr_status(&derr), derr.code, derr.field, derr.message);
        return;
    }
    struct srv_scope sc = {c->dev.kind, c->dev.site, c->dev.engineer};
    struct srv_store *st;
    enum ff_err e = srv_pool_get(&s->pool, &st);
    if (e) {
        store_error(r, e);
        return;
    }
    int64_t epoch = 0, after = req.after, next = after, head = 0;
    if ((e = check_cursor(st, &req, &epoch, r)) != FF_OK) {
        srv_pool_put(&s->pool, st, e == FF_EDB);
        return;
    }
    int64_t deadline = srv_now_ms() + (int64_t)req.wait_s * 1000;
    struct page pg = {0};
    bool more = false;
    for (;;) {
        uint64_t gen = generation(s);
        e = pull_page(st, &sc, after, req.limit, &pg, &next, &more);
        if (e || pg.count > 0 || more || srv_now_ms() >= deadline || srv_stopping(s))
            break;
        after = next;
        do { /* hold no connection while waiting */
            srv_pool_put(&s->pool, st, false);
            wait_for_change(s, gen, deadline);
            gen = generation(s);
            if ((e = srv_pool_get(&s->pool, &st)) != FF_OK)
                break;
            e = srv_store_head(st, &head);
        } while (!e && head <= after && srv_now_ms() < deadline && !srv_stopping(s));
        if (e)
            break;
    }
    if (st)
        srv_pool_put(&s->pool, st, e == FF_EDB);
    if (e)
        store_error(r, e);
    else
        pull_reply(r, &pg, epoch, next, more);
    ff_free(pg.buf);
}

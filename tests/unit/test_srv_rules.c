/* test_srv_rules.c - the server's rules (sync/server/srv_rules.h) over a real global log
 * (srv_store on SQLite; on PostgreSQL too when tests/tools/pg_temp.sh can start one) and real
 * fold stores. Devices are real device stores whose events are pushed as the server would.
 *
 * Covers: a double-booked slot decided in arrival (gseq) order, alternatives, availability;
 * two instances over one database, interleaved and on two threads, deciding each visit exactly
 * once and never booking one slot twice (against a sequential model of the rule); a time limit
 * with a fake clock (one breach + escalation, not repeated, level capped, closed cases left
 * alone); erasure reaching the global log's lines and file; a restart keeping seq and cursor;
 * the fold store's dump equal to that of a device that imported the same log.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "harness.h"
#include "srv_rules.h"
#include "srv_store.h"

#define T0 1796000000000LL /* 2026-11-30: in the past, so no store refuses it as ahead */
#define HOUR 3600000LL

static char dir[4096];
static char pg_url[4200]; /* "": scenarios on SQLite files, else all on this database */
static char url[4200];
static int db_no;
static char tag[32]; /* "-<pid>s<N>": this scenario's ids, unique in a database used before */

/* id with this scenario's tag (a few live at once). */
static const char *T(const char *id)
{
    static char buf[8][FF_EVENT_ID_MAX + 1];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s%s", id, tag);
    return buf[i];
}

/* A fresh global log for one scenario (on PostgreSQL: the same one, new ids). */
static struct srv_store *new_log(void)
{
    char why[256] = "";
    struct srv_store *st = NULL;
    snprintf(tag, sizeof tag, "-%xs%d", (unsigned)getpid() & 0xffffu, ++db_no);
    if (pg_url[0])
        snprintf(url, sizeof url, "%s", pg_url);
    else
        snprintf(url, sizeof url, "sqlite:%s/server-%d.db", dir, db_no);
    CHECK_MSG(srv_store_open(url, &st, why, sizeof why) == FF_OK, why);
    return st;
}

static struct srv_rules *rules(const char *instance)
{
    char why[256] = "", path[4300];
    struct srv_rules *r = NULL;
    snprintf(path, sizeof path, "%s/fold-%s%s.db", dir, instance, tag);
    CHECK_MSG(srv_rules_open(url, path, T(instance), &r, why, sizeof why) == FF_OK, why);
    return r;
}

/* Steps until nothing is left to do; returns the steps that made progress. */
static int settle(struct srv_rules *r, int64_t now)
{
    int n = 0;
    bool progress = true;
    for (int i = 0; i < 1000 && progress; i++) {
        enum ff_err e = srv_rules_step(r, now, &progress);
        CHECK_MSG(e == FF_OK, srv_rules_errmsg(r));
        if (e)
            break;
        n += progress;
    }
    return n;
}

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static uint64_t fake_clock(void *ctx)
{
    return (uint64_t) * (int64_t *)ctx;
}

static int64_t dev_now = T0;

/* A device enrolled on the log, with its store. */
struct dev {
    struct ff_store *s;
    int64_t sent;
};

static void dev_open(struct dev *d, struct srv_store *st, const char *name)
{
    char path[4300], id[FF_EVENT_ID_MAX + 1];
    snprintf(id, sizeof id, "%s", T(name));
    uint8_t h[32] = {0};
    struct srv_device sd;
    snprintf(path, sizeof path, "%s/%s.db", dir, id);
    struct ff_store_opts o = {.path = path, .device = id};
    CHECK_INT(ff_store_open(&o, &d->s), FF_OK);
    ff_store_set_clock(d->s, fake_clock, &dev_now);
    d->sent = 0;
    snprintf((char *)h, sizeof h, "code-%.26s", id);
    CHECK_INT(srv_store_code_add(st, h, SRV_KIND_DESK, NULL, NULL, T0 + 1000 * HOUR), FF_OK);
    CHECK_INT(srv_store_enrol(st, h, T0, id, id, &sd), FF_OK);
}

/* Appends an event on entity T(id); "%T" in payload stands for the tag. */
static void append(struct dev *d, const char *type, const char *id, const char *payload)
{
    char p[8192];
    size_t o = 0;
    for (const char *c = payload; *c && o + sizeof tag < sizeof p; c++) {
        if (c[0] == '%' && c[1] == 'T') {
            o += (size_t)snprintf(p + o, sizeof p - o, "%s", tag);
            c++;
        } else {
            p[o++] = *c;
        }
    }
    p[o] = '\0';
    dev_now += 1000;
    enum ff_err e = ff_store_append(d->s, type, T(id), p, NULL);
    CHECK_MSG(e == FF_OK, ff_store_errmsg(d->s));
}

static const char *pstr(const cJSON *p, const char *k)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(p, k);
    return cJSON_IsString(j) ? j->valuestring : NULL;
}

/* Pushes the device's new events one by one, as the server's push handler would. */
static bool escape_types; /* push visit requests' type as "visit\u002erequested" */

static void push(struct srv_store *st, struct dev *d)
{
    char *lines = NULL, esc[4096];
    CHECK_INT(ff_store_events_after(d->s, d->sent, 0, &lines), FF_OK);
    for (char *l = lines; l && *l;) {
        char *nl = strchr(l, '\n');
        *nl = '\0';
        char *t = strstr(l, "\"type\":\"visit.requested\"");
        if (escape_types && t) { /* the same event, written differently: a valid JSON escape */
            snprintf(esc, sizeof esc, "%.*s\"type\":\"visit\\u002erequested\"%s", (int)(t - l), l,
                     t + strlen("\"type\":\"visit.requested\""));
            l = esc;
        }
        char why[256];
        struct ff_event ev;
        CHECK_INT(ff_event_decode(l, strlen(l), &ev, why, sizeof why), FF_OK);
        cJSON *p = cJSON_Parse(ev.payload);
        struct srv_push_event pe = {.ev = &ev,
                                    .line = l,
                                    .len = strlen(l),
                                    .digest = ff_event_digest(&ev),
                                    .case_id = pstr(p, "case_id"),
                                    .customer_id = pstr(p, "customer_id"),
                                    .assignee = pstr(p, "assignee")};
        int64_t acked = 0, ck = 0;
        CHECK_MSG(srv_store_push(st, ev.device, &pe, 1, &acked, &ck) == FF_OK,
                  srv_store_errmsg(st));
        CHECK_INT(pe.status, 'a');
        d->sent = acked;
        cJSON_Delete(p);
        ff_event_clear(&ev);
        l = nl + 1;
    }
    ff_free(lines);
    CHECK_INT(ff_store_mark_sent(d->s, d->sent), FF_OK);
}

/* ---- the global log read back ---- */
struct text {
    char *buf;
    size_t len;
};

static int keep(void *ctx, int64_t gseq, const char *line, size_t len)
{
    struct text *t = ctx;
    (void)gseq;
    t->buf = realloc(t->buf, t->len + len + 2);
    memcpy(t->buf + t->len, line, len);
    t->len += len;
    t->buf[t->len++] = '\n';
    t->buf[t->len] = '\0';
    return 0;
}

/* Every line of the log in gseq order (free). */
static char *log_lines(struct srv_store *st)
{
    struct srv_scope all = {.kind = SRV_KIND_SERVER};
    struct text t = {.buf = calloc(1, 1)};
    int64_t after = 0, next = 0;
    bool more = true;
    while (more) {
        CHECK_INT(srv_store_pull(st, &all, after, 1000, keep, &t, &next, &more), FF_OK);
        if (next == after)
            break;
        after = next;
    }
    return t.buf;
}

/* Counts lines of `type` on entity T(id) (NULL: any of this scenario) in the log. */
static int count_type(const char *lines, const char *type, const char *id)
{
    int n = 0;
    const char *want = id ? T(id) : NULL;
    for (const char *l = lines; *l;) {
        const char *nl = strchr(l, '\n');
        cJSON *j = cJSON_ParseWithLength(l, (size_t)(nl - l));
        const char *e = pstr(j, "entity_id");
        size_t el = strlen(e), tl = strlen(tag);
        bool mine = want ? !strcmp(e, want) : el >= tl && !strcmp(e + el - tl, tag);
        if (!strcmp(pstr(j, "type"), type) && mine)
            n++;
        cJSON_Delete(j);
        l = nl + 1;
    }
    return n;
}

/* The visit as the fold sees it: status and start. */
static void visit_is(struct srv_rules *r, const char *id, const char *status, int64_t start)
{
    char *doc = NULL;
    CHECK_INT(ff_store_visit_get(srv_rules_store(r), T(id), &doc), FF_OK);
    cJSON *v = cJSON_Parse(doc);
    CHECK_STR(pstr(v, "status"), status);
    if (start)
        CHECK_INT((int64_t)cJSON_GetObjectItem(v, "start")->valuedouble, start);
    if (strcmp(pstr(v, "status"), status))
        fprintf(stderr, "  visit %s: %s\n", id, doc);
    cJSON_Delete(v);
    ff_free(doc);
}

static char *dump_of(struct ff_store *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_INT(ff_store_dump(s, f), FF_OK);
    fclose(f);
    return buf;
}

/* A new device that imports the whole log has the fold store's projections. */
static void dump_equals_device(struct srv_store *st, struct srv_rules *r, const char *name)
{
    char path[4300];
    struct ff_store *d = NULL;
    snprintf(path, sizeof path, "%s/%s%s.db", dir, name, tag);
    struct ff_store_opts o = {.path = path, .device = T(name)};
    CHECK_INT(ff_store_open(&o, &d), FF_OK);
    char *lines = log_lines(st);
    CHECK_INT(ff_store_begin(d), FF_OK);
    for (char *l = lines; *l;) {
        char *nl = strchr(l, '\n');
        CHECK_MSG(ff_store_import(d, l, (size_t)(nl - l), NULL) == FF_OK, ff_store_errmsg(d));
        l = nl + 1;
    }
    CHECK_INT(ff_store_commit(d), FF_OK);
    char *a = dump_of(d), *b = dump_of(srv_rules_store(r));
    CHECK_MSG(!strcmp(a, b), "the fold store's dump differs from a device's");
    CHECK(strstr(b, "visits|") || strstr(b, "cases|"));
    free(a);
    free(b);
    free(lines);
    ff_store_close(d);
}

static void availability(struct dev *d, int64_t from, int64_t to)
{
    char p[128];
    snprintf(p, sizeof p, "{\"slots\":[{\"start\":%lld,\"end\":%lld}]}", (long long)from,
             (long long)to);
    append(d, "engineer.availability_published", "eng", p);
}

/* A visit request for [start, start + 1 h), then alternatives given as start times. */
static void request(struct dev *d, const char *visit, int64_t start, const int64_t *alt, int n)
{
    char p[512];
    int o = snprintf(p, sizeof p,
                     "{\"case_id\":\"case-%s%%T\",\"engineer_id\":\"eng%%T\",\"start\":%lld,"
                     "\"end\":%lld",
                     visit, (long long)start, (long long)(start + HOUR));
    for (int i = 0; i < n; i++)
        o += snprintf(p + o, sizeof p - (size_t)o, "%s{\"start\":%lld,\"end\":%lld}",
                      i ? "," : ",\"alternatives\":[", (long long)alt[i],
                      (long long)(alt[i] + HOUR));
    snprintf(p + o, sizeof p - (size_t)o, "%s}", n ? "]" : "");
    append(d, "visit.requested", visit, p);
}

/* Two kiosks ask for the same slot; whichever request reached the log first gets it. */
static void test_double_booking(bool k1_first)
{
    struct srv_store *st = new_log();
    struct dev desk, k1, k2;
    dev_open(&desk, st, "desk");
    dev_open(&k1, st, "k1");
    dev_open(&k2, st, "k2");
    availability(&desk, T0, T0 + 8 * HOUR);
    push(st, &desk);
    int64_t alt[] = {T0 + HOUR + HOUR / 2, T0 + 3 * HOUR}; /* the first overlaps v1's slot */
    request(&k1, "v1", T0 + HOUR, NULL, 0);
    request(&k2, "v2", T0 + HOUR, alt, 2);
    request(&k2, "v3", T0 + HOUR, NULL, 0);
    request(&k2, "v4", T0 + 9 * HOUR, NULL, 0); /* outside the availability */
    if (k1_first)
        push(st, &k1);
    push(st, &k2);
    if (!k1_first)
        push(st, &k1);
    struct srv_rules *r = rules("a");
    CHECK(settle(r, T0) > 0);
    visit_is(r, "v1", k1_first ? "confirmed" : "rejected", T0 + HOUR);
    visit_is(r, "v2", "confirmed", k1_first ? T0 + 3 * HOUR : T0 + HOUR);
    visit_is(r, "v3", "rejected", 0);
    visit_is(r, "v4", "rejected", 0);
    char *lines = log_lines(st);
    const char *v[] = {"v1", "v2", "v3", "v4"};
    for (int i = 0; i < 4; i++)
        CHECK_INT(count_type(lines, "visit.confirmed", v[i]) +
                      count_type(lines, "visit.rejected", v[i]),
                  1);
    CHECK(strstr(lines, "\"reason\":\"slot taken\""));
    CHECK(strstr(lines, "\"reason\":\"engineer not available\""));
    free(lines);
    CHECK_INT(settle(r, T0), 0); /* nothing decided twice */
    dump_equals_device(st, r, "check");
    srv_rules_close(r);
    ff_store_close(desk.s);
    ff_store_close(k1.s);
    ff_store_close(k2.s);
    srv_store_close(st);
}

/* ---- several instances ---- */
#define N_REQ 40

/* The rule, written again plainly: requests in arrival order take their first free choice. */
struct model_req {
    int64_t choice[3];
    int n;
    int64_t got; /* 0: rejected */
};

static void model(struct model_req *m, int n)
{
    for (int i = 0; i < n; i++) {
        m[i].got = 0;
        for (int c = 0; c < m[i].n && !m[i].got; c++) {
            bool free = m[i].choice[c] + HOUR <= T0 + 8 * HOUR;
            for (int j = 0; j < i; j++)
                if (m[j].got && m[j].got < m[i].choice[c] + HOUR &&
                    m[i].choice[c] < m[j].got + HOUR)
                    free = false;
            if (free)
                m[i].got = m[i].choice[c];
        }
    }
}

struct runner {
    struct srv_rules *r;
    volatile bool *stop;
    int steps;
};

static void *run_steps(void *arg)
{
    struct runner *x = arg;
    while (!*x->stop) {
        bool progress;
        if (srv_rules_step(x->r, T0, &progress) != FF_OK) {
            fprintf(stderr, "step: %s\n", srv_rules_errmsg(x->r));
            break;
        }
        x->steps++;
        if (!progress)
            nap_ms(1);
    }
    return NULL;
}

/* Two instances over one database decide each visit once, interleaved step by step or on two
 * threads at once; the outcome is the sequential rule's. */
static void test_two_instances(bool threads)
{
    struct srv_store *st = new_log();
    struct dev desk, k[3];
    struct model_req m[N_REQ];
    dev_open(&desk, st, "desk");
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "k%d", i);
        dev_open(&k[i], st, id);
    }
    availability(&desk, T0, T0 + 8 * HOUR);
    push(st, &desk);
    struct srv_rules *a = rules("a"), *b = rules("b");
    volatile bool stop = false;
    struct runner ra = {a, &stop, 0}, rb = {b, &stop, 0};
    pthread_t ta, tb;
    if (threads) {
        pthread_create(&ta, NULL, run_steps, &ra);
        pthread_create(&tb, NULL, run_steps, &rb);
    }
    unsigned seed = 7;
    for (int i = 0; i < N_REQ; i++) {
        char v[16];
        snprintf(v, sizeof v, "r%02d", i);
        m[i].n = 1 + (int)(rand_r(&seed) % 3);
        for (int c = 0; c < m[i].n; c++)
            m[i].choice[c] = T0 + (int64_t)(rand_r(&seed) % 16) * (HOUR / 2);
        struct dev *d = &k[rand_r(&seed) % 3];
        request(d, v, m[i].choice[0], m[i].choice + 1, m[i].n - 1);
        push(st, d); /* arrival order = i */
        if (!threads) {
            bool progress;
            CHECK_INT(srv_rules_step(i % 2 ? a : b, T0, &progress), FF_OK);
        }
    }
    if (threads) {
        for (int i = 0; i < 200; i++) { /* until both folds hold every decision */
            char *l = log_lines(st);
            int n = count_type(l, "visit.confirmed", NULL) + count_type(l, "visit.rejected", NULL);
            free(l);
            if (n >= N_REQ)
                break;
            nap_ms(20);
        }
        stop = true;
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
    }
    settle(a, T0);
    settle(b, T0);
    model(m, N_REQ);
    char *lines = log_lines(st);
    int by_a = 0, by_b = 0;
    for (int i = 0; i < N_REQ; i++) {
        char v[16];
        snprintf(v, sizeof v, "r%02d", i);
        int ok = count_type(lines, "visit.confirmed", v),
            no = count_type(lines, "visit.rejected", v);
        CHECK_INT(ok + no, 1);
        visit_is(a, v, m[i].got ? "confirmed" : "rejected", m[i].got);
        visit_is(b, v, m[i].got ? "confirmed" : "rejected", m[i].got);
    }
    char dev_a[96], dev_b[96];
    snprintf(dev_a, sizeof dev_a, "\"device\":\"server-%s\"", T("a"));
    snprintf(dev_b, sizeof dev_b, "\"device\":\"server-%s\"", T("b"));
    for (const char *l = lines; (l = strstr(l, dev_a)); l++)
        by_a++;
    for (const char *l = lines; (l = strstr(l, dev_b)); l++)
        by_b++;
    CHECK_INT(by_a + by_b, N_REQ);
    printf("two instances (%s): a decided %d, b %d; %d + %d steps\n",
           threads ? "threads" : "interleaved", by_a, by_b, ra.steps, rb.steps);
    if (!threads) /* interleaved steps: both took turns */
        CHECK(by_a > 0 && by_b > 0);
    free(lines);
    char *da = dump_of(srv_rules_store(a)), *db = dump_of(srv_rules_store(b));
    CHECK_MSG(!strcmp(da, db), "two instances' folds differ");
    free(da);
    free(db);
    dump_equals_device(st, a, "check");
    srv_rules_close(a);
    srv_rules_close(b);
    ff_store_close(desk.s);
    for (int i = 0; i < 3; i++)
        ff_store_close(k[i].s);
    srv_store_close(st);
}

/* ---- time limits ---- */
static void test_time_limit(void)
{
    struct srv_store *st = new_log();
    struct dev desk;
    dev_open(&desk, st, "desk");
    const char *created = "{\"touchpoint\":\"phone\",\"request_type\":\"complaint\"}";
    char p[128];
    append(&desk, "case.created", "c-late", created);
    snprintf(p, sizeof p, "{\"due\":%lld}", T0 + HOUR);
    append(&desk, "case.time_limit_set", "c-late", p);
    append(&desk, "case.created", "c-top", created);
    append(&desk, "case.escalated", "c-top", "{\"level\":4,\"reason\":\"director\"}");
    append(&desk, "case.time_limit_set", "c-top", p);
    append(&desk, "case.created", "c-closed", created);
    append(&desk, "case.time_limit_set", "c-closed", p);
    append(&desk, "case.status_changed", "c-closed", "{\"status\":\"closed\",\"prev\":[]}");
    snprintf(p, sizeof p, "{\"due\":%lld}", T0 + 5 * HOUR);
    append(&desk, "case.created", "c-later", created);
    append(&desk, "case.time_limit_set", "c-later", p);
    push(st, &desk);
    struct srv_rules *a = rules("a"), *b = rules("b");
    settle(a, T0 + HOUR / 2); /* not due yet */
    char *lines = log_lines(st);
    CHECK_INT(count_type(lines, "case.time_limit_breached", NULL), 0);
    free(lines);
    settle(a, T0 + 2 * HOUR);
    settle(b, T0 + 2 * HOUR);
    settle(a, T0 + 3 * HOUR); /* passed again later: not repeated */
    settle(b, T0 + 3 * HOUR);
    lines = log_lines(st);
    CHECK_INT(count_type(lines, "case.time_limit_breached", "c-late"), 1);
    CHECK_INT(count_type(lines, "case.escalated", "c-late"), 1);
    CHECK_INT(count_type(lines, "case.time_limit_breached", "c-top"), 1);
    CHECK_INT(count_type(lines, "case.escalated", "c-top"), 2);
    CHECK_INT(count_type(lines, "case.time_limit_breached", "c-closed"), 0);
    CHECK_INT(count_type(lines, "case.time_limit_breached", "c-later"), 0);
    CHECK(strstr(lines, "\"payload\":{\"level\":1,\"reason\":\"time limit passed\"}"));
    CHECK(!strstr(lines, "\"level\":5"));
    snprintf(p, sizeof p, "\"payload\":{\"at\":%lld}", T0 + HOUR);
    CHECK(strstr(lines, p));
    free(lines);
    char *doc = NULL;
    CHECK_INT(ff_store_case_detail(srv_rules_store(a), T("c-late"), &doc), FF_OK);
    CHECK(doc && strstr(doc, "\"escalation_level\":1") && strstr(doc, "\"time_limit_breached\":1"));
    ff_free(doc);
    settle(b, T0 + 6 * HOUR); /* the later one passes on the other instance */
    settle(a, T0 + 6 * HOUR);
    lines = log_lines(st);
    CHECK_INT(count_type(lines, "case.time_limit_breached", NULL), 3);
    free(lines);
    dump_equals_device(st, a, "check");
    srv_rules_close(a);
    srv_rules_close(b);
    ff_store_close(desk.s);
    srv_store_close(st);
}

/* ---- erasure ---- */
static bool file_has(const char *path, const char *needle)
{
    size_t len = 0;
    char *buf = ff_test_slurp(path, &len);
    bool found = false;
    for (size_t i = 0; buf && i + strlen(needle) <= len && !found; i++)
        found = !memcmp(buf + i, needle, strlen(needle));
    free(buf);
    return found;
}

static void test_erasure(void)
{
    struct srv_store *st = new_log();
    char path[4300];
    snprintf(path, sizeof path, "%s/server-%d.db", dir, db_no);
    struct dev k;
    dev_open(&k, st, "k1");
    append(&k, "customer.created", "cu-1",
           "{\"name\":\"Zelda Quixotemarsh\",\"phone\":\"+45 1239 8765\","
           "\"email\":\"zq@example.org\",\"address\":\"Vejlevej 77\"}");
    append(&k, "case.created", "c-1",
           "{\"touchpoint\":\"kiosk\",\"request_type\":\"service_request\","
           "\"customer_id\":\"cu-1%T\",\"description\":\"Quixotemarsh boiler leaks\"}");
    append(&k, "case.note_added", "c-1", "{\"text\":\"ring Zelda Quixotemarsh\"}");
    append(&k, "customer.created", "cu-2", "{\"name\":\"Other Keepname\"}");
    char longnote[4096]; /* a line longer than a page: its tail is on an overflow page */
    snprintf(longnote, sizeof longnote, "{\"text\":\"%3900d Quixotemarsh tail\"}", 0);
    append(&k, "case.note_added", "c-1", longnote);
    push(st, &k);
    struct srv_rules *r = rules("a");
    settle(r, T0);
    append(&k, "customer.erased", "cu-1", "{\"reason\":\"asked\"}");
    push(st, &k);
    settle(r, T0);
    append(&k, "case.note_added", "c-1", "{\"text\":\"late Quixotemarsh note\"}"); /* after */
    push(st, &k);
    settle(r, T0);
    char *lines = log_lines(st);
    CHECK(!strstr(lines, "Quixotemarsh") && !strstr(lines, "1239 8765") &&
          !strstr(lines, "Vejlevej") && !strstr(lines, "zq@example"));
    CHECK(strstr(lines, "Other Keepname")); /* only the erased customer's */
    CHECK(strstr(lines, "\"redacted\":"));
    free(lines);
    dump_equals_device(st, r, "check");
    srv_rules_close(r);
    ff_store_close(k.s);
    srv_store_close(st);
    if (pg_url[0])
        return; /* PostgreSQL's files: old row versions stay until VACUUM (not ours to run) */
    char wal[4400];
    snprintf(wal, sizeof wal, "%s-wal", path);
    const char *values[] = {"Quixotemarsh", "1239 8765", "Vejlevej", "zq@example"};
    for (int i = 0; i < 4; i++) {
        CHECK_MSG(!file_has(path, values[i]), values[i]);
        CHECK_MSG(!file_has(wal, values[i]), values[i]);
    }
    CHECK(file_has(path, "Other Keepname")); /* the grep can find what is there */
}

/* ---- restart: seq and cursor survive ---- */
static void test_restart(void)
{
    struct srv_store *st = new_log();
    struct dev desk, k;
    dev_open(&desk, st, "desk");
    dev_open(&k, st, "k1");
    availability(&desk, T0, T0 + 8 * HOUR);
    push(st, &desk);
    request(&k, "v1", T0, NULL, 0);
    push(st, &k);
    struct srv_rules *r = rules("a");
    settle(r, T0);
    srv_rules_close(r);
    request(&k, "v2", T0, NULL, 0);        /* taken by v1 */
    request(&k, "v3", T0 + HOUR, NULL, 0); /* free */
    escape_types = true; /* a type written with an escape is still a visit request */
    push(st, &k);
    escape_types = false;
    r = rules("a");
    settle(r, T0);
    visit_is(r, "v1", "confirmed", T0);
    visit_is(r, "v2", "rejected", 0);
    visit_is(r, "v3", "confirmed", T0 + HOUR);
    struct srv_device me;
    CHECK_INT(srv_store_device_get(st, T("server-a"), &me), FF_OK);
    CHECK_INT(me.acked_seq, 3);
    char *v = NULL;
    CHECK_INT(ff_store_meta_get(srv_rules_store(r), "srv.cursor", &v), FF_OK);
    CHECK(v && strchr(v, '.'));
    ff_free(v);
    srv_rules_close(r);
    ff_store_close(desk.s);
    ff_store_close(k.s);
    srv_store_close(st);
}

/* ---- faults ---- */
/* Requests in arrival order against the sequential rule; erasure complete; one decision each. */
static void check_outcome(struct srv_store *st, struct srv_rules *r, struct model_req *m, int n)
{
    model(m, n);
    char *lines = log_lines(st);
    for (int i = 0; i < n; i++) {
        char v[16];
        snprintf(v, sizeof v, "r%02d", i);
        CHECK_INT(count_type(lines, "visit.confirmed", v) + count_type(lines, "visit.rejected", v),
                  1);
        visit_is(r, v, m[i].got ? "confirmed" : "rejected", m[i].got);
    }
    CHECK(!strstr(lines, "Quixotemarsh"));
    CHECK(strstr(lines, "\"redacted\":"));
    free(lines);
    dump_equals_device(st, r, "check");
}

static void request_random(struct dev *d, struct model_req *m, int i, unsigned *seed)
{
    char v[16];
    snprintf(v, sizeof v, "r%02d", i);
    m[i].n = 1 + (int)(rand_r(seed) % 3);
    for (int c = 0; c < m[i].n; c++)
        m[i].choice[c] = T0 + (int64_t)(rand_r(seed) % 16) * (HOUR / 2);
    request(d, v, m[i].choice[0], m[i].choice + 1, m[i].n - 1);
}

static void personal_data(struct dev *k)
{
    append(k, "customer.created", "cu-1", "{\"name\":\"Zelda Quixotemarsh\"}");
    append(k, "case.created", "c-1",
           "{\"touchpoint\":\"kiosk\",\"request_type\":\"service_request\","
           "\"customer_id\":\"cu-1%T\",\"description\":\"Quixotemarsh boiler\"}");
}

/* Every allocation of a step fails in turn: the step says FF_ENOMEM, and later steps still
 * reach the right outcome with each decision taken once. */
static void test_alloc_failures(void)
{
    struct srv_store *st = new_log();
    struct dev desk, k;
    struct model_req m[8];
    unsigned seed = 11;
    dev_open(&desk, st, "desk");
    dev_open(&k, st, "k1");
    availability(&desk, T0, T0 + 8 * HOUR);
    personal_data(&k);
    push(st, &desk);
    for (int i = 0; i < 8; i++)
        request_random(&k, m, i, &seed);
    append(&k, "customer.erased", "cu-1", "{}");
    push(st, &k);
    struct srv_rules *r = rules("a");
    int failures = 0;
    for (long n = 0; n < 20000; n++) {
        bool progress = false;
        ff_mem_fail_after(n);
        enum ff_err e = srv_rules_step(r, T0, &progress);
        ff_mem_fail_after(-1);
        if (e == FF_OK && !progress)
            break;
        if (e) {
            failures++;
            CHECK_MSG(e == FF_ENOMEM, srv_rules_errmsg(r));
        }
    }
    CHECK(failures > 50);
    settle(r, T0);
    check_outcome(st, r, m, 8);
    srv_rules_close(r);
    ff_store_close(desk.s);
    ff_store_close(k.s);
    srv_store_close(st);
}

/* The rules process is killed (-9) at random moments while requests and an erasure arrive;
 * restarted each time, it ends with every request decided once, in arrival order. */
static void test_kill9(void)
{
    enum { ROUNDS = 12, PER_ROUND = 3 };
    struct srv_store *st = new_log();
    struct dev desk, k;
    struct model_req m[ROUNDS * PER_ROUND];
    unsigned seed = 5;
    int n = 0, kills = 0;
    dev_open(&desk, st, "desk");
    dev_open(&k, st, "k1");
    availability(&desk, T0, T0 + 8 * HOUR);
    push(st, &desk);
    personal_data(&k);
    for (int round = 0; round < ROUNDS; round++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) { /* the rules, stepping until killed */
            struct srv_rules *r = rules("a");
            for (;;) {
                bool progress;
                if (!r || srv_rules_step(r, T0, &progress) != FF_OK)
                    _exit(3);
                if (!progress)
                    nap_ms(1);
            }
        }
        for (int i = 0; i < PER_ROUND; i++, n++)
            request_random(&k, m, n, &seed);
        if (round == ROUNDS / 2)
            append(&k, "customer.erased", "cu-1", "{}");
        push(st, &k);
        nap_ms((long)(rand_r(&seed) % 40));
        int status = 0;
        kills += kill(pid, SIGKILL) == 0;
        waitpid(pid, &status, 0);
        CHECK_MSG(WIFSIGNALED(status), "the rules process stopped by itself");
    }
    CHECK_INT(kills, ROUNDS);
    struct srv_rules *r = rules("a");
    settle(r, T0);
    check_outcome(st, r, m, n);
    srv_rules_close(r);
    ff_store_close(desk.s);
    ff_store_close(k.s);
    srv_store_close(st);
}

static void test_open_refusals(void)
{
    char why[256] = "";
    struct srv_rules *r = (struct srv_rules *)1;
    CHECK_INT(
        srv_rules_open("sqlite:/nonexistent/x.db", "/tmp/f.db", "bad name", &r, why, sizeof why),
        FF_EINVAL);
    CHECK(r == NULL && strstr(why, "instance name"));
    r = (struct srv_rules *)1;
    CHECK(srv_rules_open("mysql://x", "/tmp/f.db", "a", &r, why, sizeof why) != FF_OK);
    CHECK(r == NULL && why[0]);
    srv_rules_close(NULL);
}

static void suite(void)
{
    test_double_booking(true);
    test_double_booking(false);
    test_two_instances(false);
    test_two_instances(true);
    test_time_limit();
    test_erasure();
    test_restart();
    test_kill9();
}

/* Runs tests/tools/pg_temp.sh CMD DIR; its one line of output into out. */
static bool pg_temp(const char *cmd, const char *pgdir, char *out, size_t len)
{
    char line[8400];
    snprintf(line, sizeof line, "%s %s '%s' 2>&1", ff_test_src("tests/tools/pg_temp.sh"), cmd,
             pgdir);
    FILE *p = popen(line, "r");
    if (!p)
        return false;
    size_t n = fread(out, 1, len - 1, p);
    out[n] = '\0';
    out[strcspn(out, "\n")] = '\0';
    return pclose(p) == 0;
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s", ff_test_tmpdir());
    test_open_refusals();
    printf("sqlite\n");
    suite();
    test_alloc_failures();
    const char *env = getenv("FF_PG_URL");
    char pgdir[4200], why[4400] = "";
    snprintf(pgdir, sizeof pgdir, "%s/pg", dir);
    if (env && *env) {
        snprintf(pg_url, sizeof pg_url, "%s", env);
    } else if (!pg_temp("start", pgdir, pg_url, sizeof pg_url) ||
               strncmp(pg_url, "postgresql://", 13)) {
        snprintf(why, sizeof why, "pg_temp.sh: %s", pg_url);
        CHECK_MSG(false, why); /* the PostgreSQL half must run */
        pg_url[0] = '\0';
    }
    if (pg_url[0]) {
        printf("postgresql\n");
        suite();
    }
    if (!env || !*env)
        pg_temp("stop", pgdir, why, sizeof why);
    return ff_test_finish();
}

/* test_srv_store.c - the server's storage (sync/server/srv_store.h): one suite, run on SQLite
 * (a temp file) and on a real PostgreSQL (a cluster started here by tests/tools/pg_temp.sh,
 * or $FF_PG_URL). Ids carry a per-run tag so the suite also runs on a database used before.
 *
 * Covers enrolment, tokens, push (applied, duplicate, forgery, seq_gap, caller-rejected,
 * acked_seq, checkpoint), pull per scope with the assignment backfill, decisions, redaction,
 * stats, backup/restore, and the out-of-order commit test: writers on their own handles push
 * concurrently while a reader pages; it must see every position once, in order, with no gap.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fieldflow/mem.h"
#include "harness.h"
#include "srv_store.h"

static char tag[16];      /* makes this run's ids unique */
static int64_t run_start; /* the head when the suite began */

/* Events to push: fields, line and digest kept together. */
struct evbuf {
    struct ff_event ev;
    char line[256];
    struct srv_push_event p;
};

static void mkev(struct evbuf *b, const char *device, int64_t seq, const char *type,
                 const char *entity_id, uint64_t digest)
{
    memset(b, 0, sizeof *b);
    snprintf(b->ev.device, sizeof b->ev.device, "%s", device);
    b->ev.seq = seq;
    snprintf(b->ev.type, sizeof b->ev.type, "%s", type);
    size_t n = strcspn(type, ".");
    snprintf(b->ev.entity, sizeof b->ev.entity, "%.*s", (int)n, type);
    snprintf(b->ev.entity_id, sizeof b->ev.entity_id, "%s", entity_id);
    /* quotes, a backslash and non-ASCII: stored and pulled byte for byte */
    snprintf(b->line, sizeof b->line,
             "{\"id\":\"%s:%lld\",\"entity_id\":\"%s\",\"d\":%llu,\"t\":\"a\\\"b\\\\c \xc3\xa6\"}",
             device, (long long)seq, entity_id, (unsigned long long)digest);
    b->p.ev = &b->ev;
    b->p.line = b->line;
    b->p.len = strlen(b->line);
    b->p.digest = digest;
}

static void hash_of(uint8_t h[32], const char *s)
{
    memset(h, 0, 32);
    snprintf((char *)h, 32, "%s%s", tag, s);
}

static const char *id_of(const char *s)
{
    static char buf[16][FF_EVENT_ID_MAX + 1]; /* a few live at once in one call */
    static int i;
    i = (i + 1) % 16;
    snprintf(buf[i], sizeof buf[i], "%s-%s", s, tag);
    return buf[i];
}

/* Pushes one event; returns its status letter (0 on a store error). */
static char push1(struct srv_store *st, struct evbuf *b, int64_t *acked)
{
    int64_t ck;
    enum ff_err e = srv_store_push(st, b->ev.device, &b->p, 1, acked, &ck);
    CHECK_MSG(e == FF_OK, srv_store_errmsg(st));
    return e ? 0 : b->p.status;
}

/* ---- pull helpers: the pulled lines, by the entity id they carry ---- */
struct pulled {
    int n;
    char ent[512][FF_EVENT_ID_MAX + 1];
    int64_t gseq[512];
};

static int collect(void *ctx, int64_t gseq, const char *line, size_t len)
{
    struct pulled *p = ctx;
    const char *k = strstr(line, "\"entity_id\":\"");
    if (!k || (size_t)(k - line) > len || p->n >= 512)
        return 1;
    k += strlen("\"entity_id\":\"");
    snprintf(p->ent[p->n], sizeof p->ent[0], "%.*s", (int)strcspn(k, "\""), k);
    p->gseq[p->n++] = gseq;
    return 0;
}

static int count_of(const struct pulled *p, const char *entity_id)
{
    int c = 0;
    for (int i = 0; i < p->n; i++)
        c += !strcmp(p->ent[i], entity_id);
    return c;
}

/* Pulls everything in scope after `after` in pages of `limit`; returns the final position. */
static int64_t pull_all(struct srv_store *st, const struct srv_scope *sc, int64_t after, int limit,
                        struct pulled *out)
{
    bool more = true;
    for (int pages = 0; more && pages < 1000; pages++) {
        int64_t next;
        enum ff_err e = srv_store_pull(st, sc, after, limit, collect, out, &next, &more);
        CHECK_MSG(e == FF_OK, srv_store_errmsg(st));
        if (e)
            break;
        CHECK(next >= after);
        after = next;
    }
    return after;
}

/* ---- the suite ---- */

static void t_open(void)
{
    struct srv_store *st = NULL;
    char why[256] = "";
    CHECK_INT(srv_store_open("mysql://x", &st, why, sizeof why), FF_EINVAL);
    CHECK(st == NULL);
    CHECK(strstr(why, "sqlite:") != NULL);
    CHECK(srv_store_open("sqlite:/nonexistent-dir/x.db", &st, why, sizeof why) != FF_OK);
    CHECK(st == NULL);
    CHECK(strstr(why, "/nonexistent-dir/x.db") != NULL);
}

static void t_enrol(struct srv_store *st)
{
    uint8_t h[32], h2[32], unknown[32];
    hash_of(h, "code1");
    hash_of(h2, "code2");
    hash_of(unknown, "nope");
    int64_t now = 1000000;
    CHECK_INT(srv_store_code_add(st, h, SRV_KIND_KIOSK, "A", NULL, now + 60000), FF_OK);
    CHECK_INT(srv_store_code_add(st, h2, SRV_KIND_ENGINEER, NULL, "eng1", now + 60000), FF_OK);
    struct srv_device d;
    CHECK_INT(srv_store_enrol(st, unknown, now, id_of("k0"), "x", &d), FF_ENOTFOUND);
    CHECK_INT(srv_store_enrol(st, h, now + 60000, id_of("k0"), "x", &d),
              FF_ENOTFOUND); /* expired */
    CHECK_INT(srv_store_enrol(st, h, now, id_of("kA"), "kiosk A", &d), FF_OK);
    CHECK_STR(d.id, id_of("kA"));
    CHECK_INT(d.kind, SRV_KIND_KIOSK);
    CHECK_STR(d.site, "A");
    CHECK_INT(d.acked_seq, 0);
    CHECK_INT(srv_store_enrol(st, h, now, id_of("k1"), "x", &d), FF_ENOTFOUND); /* used */
    CHECK_INT(srv_store_device_get(st, id_of("k1"), &d), FF_ENOTFOUND);
    /* an enrolled id refuses, and the code stays usable */
    CHECK_INT(srv_store_enrol(st, h2, now, id_of("kA"), "x", &d), FF_ESTATE);
    CHECK_INT(srv_store_enrol(st, h2, now, id_of("e1"), "phone", &d), FF_OK);
    CHECK_INT(d.kind, SRV_KIND_ENGINEER);
    CHECK_STR(d.engineer, "eng1");
    CHECK_INT(srv_store_device_get(st, id_of("kA"), &d), FF_OK);
    CHECK_STR(d.site, "A");

    struct {
        const char *code, *dev, *site;
        enum srv_kind kind;
    } more[] = {{"c3", "kB", "B", SRV_KIND_KIOSK},
                {"c4", "desk", NULL, SRV_KIND_DESK},
                {"c5", "kA2", "A", SRV_KIND_KIOSK}};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        hash_of(h, more[i].code);
        CHECK_INT(srv_store_code_add(st, h, more[i].kind, more[i].site, NULL, now + 1), FF_OK);
        CHECK_INT(srv_store_enrol(st, h, now, id_of(more[i].dev), "n", &d), FF_OK);
    }
}

static void t_tokens(struct srv_store *st)
{
    uint8_t a[32], r[32];
    hash_of(a, "access");
    hash_of(r, "refresh");
    CHECK_INT(srv_store_token_add(st, a, false, id_of("kA"), 5000), FF_OK);
    CHECK_INT(srv_store_token_add(st, r, true, id_of("kA"), 90000), FF_OK);
    struct srv_device d;
    int64_t exp = 0;
    CHECK_INT(srv_store_token_get(st, a, false, &d, &exp), FF_OK);
    CHECK_STR(d.id, id_of("kA"));
    CHECK_INT(exp, 5000);
    CHECK_INT(srv_store_token_get(st, a, true, &d, &exp), FF_ENOTFOUND); /* not a refresh token */
    CHECK_INT(srv_store_token_cut(st, r, 7000), FF_OK);
    CHECK_INT(srv_store_token_cut(st, r, 80000), FF_OK); /* min: stays 7000 */
    CHECK_INT(srv_store_token_get(st, r, true, &d, &exp), FF_OK);
    CHECK_INT(exp, 7000);
    uint8_t u[32];
    hash_of(u, "unknown-token");
    CHECK_INT(srv_store_token_cut(st, u, 1), FF_ENOTFOUND);
    CHECK_INT(srv_store_token_get(st, u, false, &d, &exp), FF_ENOTFOUND);

    /* revocation shows through the token */
    uint8_t x[32];
    hash_of(x, "kA2-access");
    CHECK_INT(srv_store_token_add(st, x, false, id_of("kA2"), 5000), FF_OK);
    CHECK_INT(srv_store_revoke(st, id_of("kA2")), FF_OK);
    CHECK_INT(srv_store_token_get(st, x, false, &d, &exp), FF_OK);
    CHECK(d.revoked);
    CHECK_INT(srv_store_revoke(st, id_of("nobody")), FF_ENOTFOUND);
    CHECK_INT(srv_store_flag(st, id_of("kA")), FF_OK);
    CHECK_INT(srv_store_device_get(st, id_of("kA"), &d), FF_OK);
    CHECK(d.flagged && !d.revoked);
}

static int grab_line(void *ctx, int64_t gseq, const char *line, size_t len)
{
    (void)gseq;
    snprintf(ctx, 256, "%.*s", (int)len, line);
    return 0;
}

static void t_push(struct srv_store *st)
{
    char k[FF_EVENT_ID_MAX + 1];
    snprintf(k, sizeof k, "%s", id_of("kA"));
    struct evbuf b[4];
    int64_t head0, acked, ck;
    CHECK_INT(srv_store_head(st, &head0), FF_OK);
    mkev(&b[0], k, 1, "customer.created", id_of("cuA"), 11);
    mkev(&b[1], k, 2, "case.created", id_of("caseA"), 12);
    b[1].p.customer_id = id_of("cuA");
    mkev(&b[2], k, 3, "visit.requested", id_of("visA"), 13);
    b[2].p.case_id = id_of("caseA");
    CHECK_INT(srv_store_push(st, k, &b[0].p, 1, &acked, &ck), FF_OK);
    CHECK_INT(srv_store_push(st, k, &b[1].p, 1, &acked, &ck), FF_OK);
    CHECK_INT(srv_store_push(st, k, &b[2].p, 1, &acked, &ck), FF_OK);
    CHECK(b[0].p.status == 'a' && b[1].p.status == 'a' && b[2].p.status == 'a');
    char line[256] = "";
    struct srv_scope dk = {SRV_KIND_DESK, NULL, NULL};
    int64_t next;
    bool more;
    CHECK_INT(srv_store_pull(st, &dk, head0, 1, grab_line, line, &next, &more), FF_OK);
    CHECK_STR(line, b[0].line);
    CHECK(more);
    CHECK_INT(acked, 3);
    CHECK_INT(ck, head0 + 3);

    /* a resend is a duplicate; the same id with other content a forgery */
    CHECK_INT(push1(st, &b[1], &acked), 'd');
    CHECK_INT(acked, 3);
    mkev(&b[3], k, 2, "case.created", id_of("caseA"), 999);
    CHECK_INT(push1(st, &b[3], &acked), 'r');
    CHECK_STR(b[3].p.code, "forgery");

    /* seq 5 before 4: a gap; then 4 refused by the caller settles, 5 applies */
    struct evbuf g[3];
    mkev(&g[0], k, 5, "case.note_added", id_of("caseA"), 15);
    CHECK_INT(push1(st, &g[0], &acked), 'r');
    CHECK_STR(g[0].p.code, "seq_gap");
    CHECK_INT(acked, 3);
    mkev(&g[1], k, 4, "case.note_added", id_of("caseA"), 14);
    mkev(&g[2], k, 5, "case.note_added", id_of("caseA"), 15);
    g[1].p.status = 'r';
    g[1].p.code = "clock_ahead";
    struct srv_push_event two[2] = {g[1].p, g[2].p};
    CHECK_INT(srv_store_push(st, k, two, 2, &acked, &ck), FF_OK);
    CHECK(two[0].status == 'r' && !strcmp(two[0].code, "clock_ahead"));
    CHECK_INT(two[1].status, 'a');
    CHECK_INT(acked, 5);
    CHECK_INT(ck, head0 + 4);
    struct srv_device d;
    CHECK_INT(srv_store_device_get(st, k, &d), FF_OK);
    CHECK_INT(d.acked_seq, 5);

    /* a gap makes every later one seq_gap; nothing is stored */
    struct evbuf x[2];
    mkev(&x[0], k, 7, "case.note_added", id_of("caseA"), 17);
    mkev(&x[1], k, 8, "case.note_added", id_of("caseA"), 18);
    struct srv_push_event xs[2] = {x[0].p, x[1].p};
    CHECK_INT(srv_store_push(st, k, xs, 2, &acked, &ck), FF_OK);
    CHECK(xs[0].status == 'r' && xs[1].status == 'r' && !strcmp(xs[1].code, "seq_gap"));
    CHECK_INT(ck, head0 + 4);
    int64_t head;
    CHECK_INT(srv_store_head(st, &head), FF_OK);
    CHECK_INT(head, head0 + 4);

    /* an event of another device, or an unknown device, is refused whole */
    CHECK_INT(srv_store_push(st, id_of("kB"), &x[0].p, 1, &acked, &ck), FF_EINVAL);
    mkev(&x[0], id_of("ghost"), 1, "case.note_added", id_of("caseA"), 1);
    CHECK_INT(srv_store_push(st, id_of("ghost"), &x[0].p, 1, &acked, &ck), FF_ENOTFOUND);
}

/* Site B's kiosk, a desk and the global data, then the scopes. Needs t_push's events. */
static void t_scope(struct srv_store *st)
{
    int64_t start;
    CHECK_INT(srv_store_head(st, &start), FF_OK);
    char kb[FF_EVENT_ID_MAX + 1], desk[FF_EVENT_ID_MAX + 1];
    snprintf(kb, sizeof kb, "%s", id_of("kB"));
    snprintf(desk, sizeof desk, "%s", id_of("desk"));
    struct evbuf b[3], g[2];
    int64_t acked;
    mkev(&b[0], kb, 1, "customer.created", id_of("cuB"), 21);
    mkev(&b[1], kb, 2, "case.created", id_of("caseB"), 22);
    b[1].p.customer_id = id_of("cuB");
    mkev(&b[2], kb, 3, "case.note_added", id_of("caseB"), 23);
    for (int i = 0; i < 3; i++)
        CHECK_INT(push1(st, &b[i], &acked), 'a');
    mkev(&g[0], desk, 1, "flowchart.published", id_of("chart"), 31);
    mkev(&g[1], desk, 2, "kb.article_added", id_of("art"), 32);
    for (int i = 0; i < 2; i++)
        CHECK_INT(push1(st, &g[i], &acked), 'a');

    /* a kiosk of site A: its site's entities and global data, never site B's */
    static struct pulled pa;
    memset(&pa, 0, sizeof pa);
    struct srv_scope ka = {SRV_KIND_KIOSK, "A", NULL};
    pull_all(st, &ka, run_start, 2, &pa);
    CHECK_INT(count_of(&pa, id_of("caseA")), 2); /* created + the applied note */
    CHECK_INT(count_of(&pa, id_of("cuA")), 1);
    CHECK_INT(count_of(&pa, id_of("visA")), 1);
    CHECK_INT(count_of(&pa, id_of("chart")), 1);
    CHECK_INT(count_of(&pa, id_of("art")), 1);
    CHECK_INT(count_of(&pa, id_of("caseB")) + count_of(&pa, id_of("cuB")), 0);
    for (int i = 1; i < pa.n; i++)
        CHECK(pa.gseq[i] > pa.gseq[i - 1]);

    /* an engineer: only global data until a case is assigned */
    static struct pulled pe;
    memset(&pe, 0, sizeof pe);
    struct srv_scope en = {SRV_KIND_ENGINEER, NULL, "eng1"};
    char eng[FF_EVENT_ID_MAX + 1];
    snprintf(eng, sizeof eng, "eng1-%s", tag);
    en.engineer = eng;
    int64_t pos = pull_all(st, &en, start, 1000, &pe);
    CHECK_INT(pe.n, 2);
    CHECK_INT(count_of(&pe, id_of("chart")), 1);
    int64_t head;
    CHECK_INT(srv_store_head(st, &head), FF_OK);
    CHECK_INT(pos, head); /* past what it may not see */

    /* the desk assigns case B: the next page brings the case's and its customer's history
     * first, then the assignment itself; case A stays out */
    struct evbuf as;
    mkev(&as, desk, 3, "case.field_edited", id_of("caseB"), 33);
    as.p.assignee = eng;
    CHECK_INT(push1(st, &as, &acked), 'a');
    mkev(&g[0], desk, 4, "flowchart.published", id_of("chart2"), 34);
    CHECK_INT(push1(st, &g[0], &acked), 'a');
    memset(&pe, 0, sizeof pe);
    int64_t next;
    bool more;
    CHECK_INT(srv_store_pull(st, &en, pos, 1, collect, &pe, &next, &more), FF_OK);
    CHECK_INT(pe.n, 4); /* cuB, caseB x2 (backfill) + the edit; the limit counts the page */
    CHECK_STR(pe.ent[0], id_of("cuB"));
    CHECK_STR(pe.ent[3], id_of("caseB"));
    CHECK_INT(pe.gseq[3], head + 1);
    CHECK_INT(next, head + 1);
    CHECK(more);
    CHECK_INT(srv_store_pull(st, &en, next, 10, collect, &pe, &next, &more), FF_OK);
    CHECK_INT(pe.n, 5);
    CHECK_STR(pe.ent[4], id_of("chart2"));
    CHECK(!more);
    CHECK_INT(count_of(&pe, id_of("caseA")) + count_of(&pe, id_of("cuA")), 0);

    /* a later note on case B is in scope; the desk sees everything */
    mkev(&b[0], kb, 4, "case.note_added", id_of("caseB"), 24);
    CHECK_INT(push1(st, &b[0], &acked), 'a');
    CHECK_INT(srv_store_pull(st, &en, next, 10, collect, &pe, &next, &more), FF_OK);
    CHECK_INT(pe.n, 6);
    static struct pulled pd;
    memset(&pd, 0, sizeof pd);
    struct srv_scope dk = {SRV_KIND_DESK, NULL, NULL};
    int64_t end = pull_all(st, &dk, start, 3, &pd);
    CHECK_INT(pd.n, (int)(end - start));

    /* pulling at the head returns nothing; the reader may stop the pull */
    CHECK_INT(srv_store_pull(st, &dk, end, 10, collect, &pd, &next, &more), FF_OK);
    CHECK_INT(next, end);
    CHECK(!more);
    CHECK_INT(srv_store_pull(st, &dk, 0, 0, collect, &pd, &next, &more), FF_EINVAL);
}

static int stop_at_once(void *ctx, int64_t gseq, const char *line, size_t len)
{
    (void)ctx, (void)gseq, (void)line, (void)len;
    return 1;
}

static void t_decide(struct srv_store *st, struct srv_store *st2)
{
    char srv[FF_EVENT_ID_MAX + 1];
    snprintf(srv, sizeof srv, "%s", id_of("server-main"));
    CHECK_INT(srv_store_device_ensure_server(st, srv), FF_OK);
    CHECK_INT(srv_store_device_ensure_server(st2, srv), FF_OK); /* idempotent */
    struct srv_device d;
    CHECK_INT(srv_store_device_get(st, srv, &d), FF_OK);
    CHECK_INT(d.kind, SRV_KIND_SERVER);
    char key[128];
    snprintf(key, sizeof key, "visit:%s", id_of("visA"));
    struct evbuf e1, e2;
    mkev(&e1, srv, 1, "visit.confirmed", id_of("visA"), 41);
    mkev(&e2, srv, 2, "visit.confirmed", id_of("visA"), 42);
    int64_t h0, h1;
    bool taken = false;
    CHECK_INT(srv_store_head(st, &h0), FF_OK);
    CHECK_INT(srv_store_decide(st, key, srv, &e1.p, 1, &taken), FF_OK);
    CHECK(taken);
    CHECK_INT(e1.p.status, 'a');
    CHECK_INT(srv_store_decide(st2, key, srv, &e2.p, 1, &taken), FF_OK); /* other instance */
    CHECK(!taken);
    CHECK_INT(srv_store_head(st, &h1), FF_OK);
    CHECK_INT(h1, h0 + 1);
    /* the answer about a site A visit reaches site A's kiosk */
    static struct pulled p;
    memset(&p, 0, sizeof p);
    struct srv_scope ka = {SRV_KIND_KIOSK, "A", NULL};
    pull_all(st, &ka, h0, 10, &p);
    CHECK_INT(p.n, 1);
    int64_t next;
    bool more;
    CHECK_INT(srv_store_pull(st, &ka, h0, 10, stop_at_once, NULL, &next, &more), FF_EINVAL);
}

static void t_replace_stats(struct srv_store *st)
{
    struct srv_stats s0, s1;
    CHECK_INT(srv_store_stats(st, &s0), FF_OK);
    int64_t head;
    CHECK_INT(srv_store_head(st, &head), FF_OK);
    CHECK_INT(s0.head, head);
    CHECK(s0.events >= 12 && s0.devices >= 6 && s0.revoked >= 1 && s0.flagged >= 1);
    char id[128];
    snprintf(id, sizeof id, "%s:1", id_of("kA"));
    const char *red = "{\"id\":\"redacted\"}";
    CHECK_INT(srv_store_replace_line(st, id, red, strlen(red)), FF_OK);
    CHECK_INT(srv_store_replace_line(st, "no:1", red, strlen(red)), FF_ENOTFOUND);
    /* kA:1 was the first event of this run */
    struct srv_scope dk = {SRV_KIND_DESK, NULL, NULL};
    char line[256] = "";
    int64_t next;
    bool more;
    CHECK_INT(srv_store_pull(st, &dk, run_start, 1, grab_line, line, &next, &more), FF_OK);
    CHECK_STR(line, red);
    CHECK_INT(srv_store_stats(st, &s1), FF_OK);
    CHECK_INT(s1.events, s0.events); /* a redaction adds nothing */
}

static void t_backup(struct srv_store *st, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/backup.db", dir);
    if (!srv_store_is_sqlite(st)) {
        CHECK_INT(srv_store_backup(st, path), FF_ESTATE);
        CHECK_INT(srv_store_restore(st, path), FF_ESTATE);
        return;
    }
    int64_t epoch0, epoch1, head0, head1, acked;
    CHECK_INT(srv_store_epoch(st, &epoch0), FF_OK);
    CHECK_INT(srv_store_head(st, &head0), FF_OK);
    CHECK_INT(srv_store_backup(st, path), FF_OK);
    struct evbuf b;
    mkev(&b, id_of("kB"), 5, "case.note_added", id_of("caseB"), 25);
    CHECK_INT(push1(st, &b, &acked), 'a');
    CHECK_INT(srv_store_restore(st, path), FF_OK);
    CHECK_INT(srv_store_head(st, &head1), FF_OK);
    CHECK_INT(head1, head0);
    CHECK_INT(srv_store_epoch(st, &epoch1), FF_OK);
    CHECK(epoch1 != epoch0 && epoch1 > 0);
    struct srv_device d;
    CHECK_INT(srv_store_device_get(st, id_of("kB"), &d), FF_OK);
    CHECK_INT(d.acked_seq, 4); /* as backed up: the device pushes 5 again */
    CHECK_INT(push1(st, &b, &acked), 'a');
    snprintf(path, sizeof path, "%s/not-a-backup", dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("hello", f);
        fclose(f);
    }
    CHECK(srv_store_restore(st, path) != FF_OK);
    CHECK_INT(srv_store_head(st, &head1), FF_OK);
    CHECK_INT(head1, head0 + 1); /* unchanged by the refused restore */
}

/* Every allocation of a push and of an engineer's pull fails in turn: FF_ENOMEM and nothing
 * changed (a failure after the events were inserted rolls them back), then it works. */
static void t_torture(struct srv_store *st)
{
    char k[FF_EVENT_ID_MAX + 1];
    snprintf(k, sizeof k, "%s", id_of("desk"));
    struct srv_device d0, d;
    int64_t h0, h, acked, ck;
    CHECK_INT(srv_store_device_get(st, k, &d0), FF_OK);
    CHECK_INT(srv_store_head(st, &h0), FF_OK);
    struct evbuf b[3];
    enum ff_err e = FF_ENOMEM;
    for (long n = 0; n < 100 && e; n++) {
        char eng[FF_EVENT_ID_MAX + 1];
        snprintf(eng, sizeof eng, "eng1-%s", tag);
        mkev(&b[0], k, d0.acked_seq + 1, "case.created", id_of("caseT"), 61);
        mkev(&b[1], k, d0.acked_seq + 2, "visit.requested", id_of("visT"), 62);
        b[1].p.case_id = id_of("caseT");
        b[1].p.assignee = eng;
        mkev(&b[2], k, d0.acked_seq + 3, "case.note_added", id_of("caseT"), 63);
        struct srv_push_event p[3] = {b[0].p, b[1].p, b[2].p};
        ff_mem_fail_after(n);
        e = srv_store_push(st, k, p, 3, &acked, &ck);
        ff_mem_fail_after(-1);
        if (e) {
            CHECK_INT(e, FF_ENOMEM);
            CHECK_INT(srv_store_head(st, &h), FF_OK);
            CHECK_INT(h, h0);
            CHECK_INT(srv_store_device_get(st, k, &d), FF_OK);
            CHECK_INT(d.acked_seq, d0.acked_seq);
        } else {
            CHECK(p[0].status == 'a' && p[1].status == 'a' && p[2].status == 'a');
            CHECK_INT(acked, d0.acked_seq + 3);
        }
    }
    CHECK_INT(e, FF_OK);
    char eng[FF_EVENT_ID_MAX + 1];
    snprintf(eng, sizeof eng, "eng1-%s", tag);
    struct srv_scope en = {SRV_KIND_ENGINEER, NULL, eng};
    e = FF_ENOMEM;
    for (long n = 0; n < 100 && e; n++) {
        static struct pulled p;
        memset(&p, 0, sizeof p);
        int64_t next;
        bool more;
        ff_mem_fail_after(n);
        e = srv_store_pull(st, &en, h0, 1000, collect, &p, &next, &more);
        ff_mem_fail_after(-1);
        if (e)
            CHECK_INT(e, FF_ENOMEM);
        else
            CHECK_INT(count_of(&p, id_of("caseT")), 2);
    }
    CHECK_INT(e, FF_OK);
}

/* ---- several instances deciding one key at once ---- */

#define DECIDERS 4

struct decider {
    const char *url, *key, *device;
    int seq;
    bool taken;
    int failures;
    char why[256];
};

static void *decide_once(void *arg)
{
    struct decider *d = arg;
    struct srv_store *st;
    if (srv_store_open(d->url, &st, d->why, sizeof d->why)) {
        d->failures++;
        return NULL;
    }
    struct evbuf b;
    mkev(&b, d->device, d->seq, "visit.confirmed", "race-visit", 50 + (uint64_t)d->seq);
    if (srv_store_decide(st, d->key, d->device, &b.p, 1, &d->taken)) {
        snprintf(d->why, sizeof d->why, "%s", srv_store_errmsg(st));
        d->failures++;
    }
    srv_store_close(st);
    return NULL;
}

static void t_decide_race(struct srv_store *st, const char *url)
{
    char srv[FF_EVENT_ID_MAX + 1], key[128];
    snprintf(srv, sizeof srv, "%s", id_of("server-race"));
    snprintf(key, sizeof key, "visit:%s", id_of("race"));
    CHECK_INT(srv_store_device_ensure_server(st, srv), FF_OK);
    struct decider d[DECIDERS];
    pthread_t th[DECIDERS];
    for (int i = 0; i < DECIDERS; i++) {
        /* every instance proposes seq 1: whoever wins, the device's log stays gapless */
        d[i] = (struct decider){.url = url, .key = key, .device = srv, .seq = 1};
        CHECK(pthread_create(&th[i], NULL, decide_once, &d[i]) == 0);
    }
    int taken = 0;
    for (int i = 0; i < DECIDERS; i++) {
        pthread_join(th[i], NULL);
        CHECK_MSG(d[i].failures == 0, d[i].why);
        taken += d[i].taken;
    }
    CHECK_INT(taken, 1);
    struct srv_device dev;
    CHECK_INT(srv_store_device_get(st, srv, &dev), FF_OK);
    CHECK_INT(dev.acked_seq, 1);
}

/* ---- out-of-order commits ---- */

#define WRITERS 4
#define BATCHES 40
#define PER_BATCH 5

struct writer {
    const char *url;
    char device[FF_EVENT_ID_MAX + 1];
    int failures;
    char why[256];
};

static void *write_loop(void *arg)
{
    struct writer *w = arg;
    struct srv_store *st;
    if (srv_store_open(w->url, &st, w->why, sizeof w->why)) {
        w->failures++;
        return NULL;
    }
    static __thread struct evbuf b[PER_BATCH];
    struct srv_push_event p[PER_BATCH];
    for (int k = 0; k < BATCHES; k++) {
        for (int i = 0; i < PER_BATCH; i++) {
            int64_t seq = k * PER_BATCH + i + 1;
            mkev(&b[i], w->device, seq, "case.note_added", w->device, (uint64_t)seq);
            p[i] = b[i].p;
        }
        int64_t acked, ck;
        if (srv_store_push(st, w->device, p, PER_BATCH, &acked, &ck) ||
            acked != (k + 1) * PER_BATCH) {
            snprintf(w->why, sizeof w->why, "%s", srv_store_errmsg(st));
            w->failures++;
        }
    }
    srv_store_close(st);
    return NULL;
}

struct seen {
    int64_t last; /* the last position received */
    int n, gaps, out_of_order;
    int per[WRITERS];
    char (*dev)[FF_EVENT_ID_MAX + 4];
};

static int see(void *ctx, int64_t gseq, const char *line, size_t len)
{
    struct seen *s = ctx;
    (void)len;
    if (gseq <= s->last)
        s->out_of_order++;
    else if (gseq != s->last + 1)
        s->gaps++; /* a desk sees every position: a jump is a skipped event */
    s->last = gseq;
    s->n++;
    for (int i = 0; i < WRITERS; i++)
        if (strstr(line, s->dev[i]))
            s->per[i]++;
    return 0;
}

static void t_concurrent(struct srv_store *st, const char *url, const char *dir)
{
    char copy[4200];
    snprintf(copy, sizeof copy, "%s/online.db", dir);
    const char *backup = srv_store_is_sqlite(st) ? copy : NULL;
    int64_t start;
    CHECK_INT(srv_store_head(st, &start), FF_OK);
    static struct writer w[WRITERS];
    static char devs[WRITERS][FF_EVENT_ID_MAX + 4];
    pthread_t th[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].url = url;
        char name[16];
        snprintf(name, sizeof name, "w%d", i);
        snprintf(w[i].device, sizeof w[i].device, "%s", id_of(name));
        snprintf(devs[i], sizeof devs[i], "\"%s:", w[i].device);
        CHECK_INT(srv_store_device_ensure_server(st, w[i].device), FF_OK);
    }
    for (int i = 0; i < WRITERS; i++)
        CHECK(pthread_create(&th[i], NULL, write_loop, &w[i]) == 0);
    struct seen s = {.last = start, .dev = devs};
    struct srv_scope dk = {SRV_KIND_DESK, NULL, NULL};
    const int total = WRITERS * BATCHES * PER_BATCH;
    for (int rounds = 0; s.n < total && rounds < 200000; rounds++) {
        int64_t next;
        bool more;
        if (srv_store_pull(st, &dk, s.last, 7, see, &s, &next, &more)) {
            CHECK_MSG(false, srv_store_errmsg(st));
            break;
        }
        CHECK(next == s.last);
        if (backup && s.n > total / 2) { /* online, while the writers go on */
            CHECK_MSG(srv_store_backup(st, backup) == FF_OK, srv_store_errmsg(st));
            backup = NULL;
        }
        if (!more)
            nanosleep(&(struct timespec){0, 200000}, NULL);
    }
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(th[i], NULL);
        CHECK_MSG(w[i].failures == 0, w[i].why);
        CHECK_INT(s.per[i], BATCHES * PER_BATCH);
    }
    CHECK_INT(s.n, total);
    CHECK_INT(s.gaps, 0);
    CHECK_INT(s.out_of_order, 0);
    CHECK_INT(s.last, start + total);
    if (!srv_store_is_sqlite(st))
        return;
    /* the online copy is one consistent snapshot: a gapless prefix of the log */
    char u[4300], why[256] = "";
    snprintf(u, sizeof u, "sqlite:%s", copy);
    struct srv_store *b = NULL;
    CHECK_MSG(srv_store_open(u, &b, why, sizeof why) == FF_OK, why);
    struct srv_stats bs;
    if (b && srv_store_stats(b, &bs) == FF_OK) {
        CHECK_INT(bs.events, bs.head);
        CHECK(bs.head > start + total / 2 - 7 && bs.head <= start + total);
    }
    srv_store_close(b);
}

static void suite(const char *name, const char *url, const char *dir)
{
    fprintf(stderr, "suite %s: %s\n", name, url);
    struct srv_store *st = NULL, *st2 = NULL;
    char why[512] = "";
    enum ff_err e = srv_store_open(url, &st, why, sizeof why);
    CHECK_MSG(e == FF_OK, why);
    if (e)
        return;
    e = srv_store_open(url, &st2, why, sizeof why);
    CHECK_MSG(e == FF_OK, why);
    int64_t ep1 = 0, ep2 = -1;
    CHECK_INT(srv_store_epoch(st, &ep1), FF_OK);
    CHECK_INT(srv_store_epoch(st2, &ep2), FF_OK);
    CHECK(ep1 > 0 && ep1 == ep2); /* one epoch, whoever opened first */
    CHECK_INT(srv_store_head(st, &run_start), FF_OK);
    t_enrol(st);
    t_tokens(st);
    t_push(st);
    t_scope(st);
    t_decide(st, st2);
    t_replace_stats(st);
    t_backup(st, dir);
    t_torture(st);
    t_decide_race(st, url);
    t_concurrent(st, url, dir);
    srv_store_close(st2);
    srv_store_close(st);
}

/* A restart breaks the open connection: calls fail with FF_EDB (no reconnect); a new handle
 * finds everything committed. */
static void t_pg_restart(const char *url, const char *pgdir)
{
    struct srv_store *st = NULL;
    char why[256] = "", cmd[8192];
    CHECK_MSG(srv_store_open(url, &st, why, sizeof why) == FF_OK, why);
    if (!st)
        return;
    int64_t h0 = -1, h1 = -2;
    CHECK_INT(srv_store_head(st, &h0), FF_OK);
    snprintf(cmd, sizeof cmd, "%s restart '%s' >/dev/null", ff_test_src("tests/tools/pg_temp.sh"),
             pgdir);
    CHECK(system(cmd) == 0);
    CHECK_INT(srv_store_head(st, &h1), FF_EDB);
    CHECK(strstr(srv_store_errmsg(st), "postgresql") != NULL);
    srv_store_close(st);
    CHECK_MSG(srv_store_open(url, &st, why, sizeof why) == FF_OK, why);
    if (st)
        CHECK_INT(srv_store_head(st, &h1), FF_OK);
    CHECK_INT(h1, h0);
    srv_store_close(st);
}

/* Starts a cluster in a fresh dir with pg_temp.sh; fills url. False (and why) if it cannot. */
static bool pg_start(const char *dir, char *url, size_t len)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s start '%s' 2>&1", ff_test_src("tests/tools/pg_temp.sh"), dir);
    FILE *p = popen(cmd, "r");
    if (!p)
        return false;
    char out[2048] = "";
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int rc = pclose(p);
    out[strcspn(out, "\n")] = '\0';
    snprintf(url, len, "%s", out);
    return rc == 0 && !strncmp(out, "postgresql://", 13);
}

static void pg_stop(const char *dir)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s stop '%s'", ff_test_src("tests/tools/pg_temp.sh"), dir);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    snprintf(tag, sizeof tag, "%lx%x", (long)time(NULL) & 0xfffff, (unsigned)getpid() & 0xfff);
    t_open();

    char dir[4096], url[4200];
    snprintf(dir, sizeof dir, "%s", ff_test_tmpdir());
    snprintf(url, sizeof url, "sqlite:%s/server.db", dir);
    suite("sqlite", url, dir);

    const char *env = getenv("FF_PG_URL");
    if (env && *env) {
        suite("postgresql ($FF_PG_URL)", env, dir);
    } else {
        char pgdir[4200];
        snprintf(pgdir, sizeof pgdir, "%s/pg", ff_test_tmpdir());
        if (pg_start(pgdir, url, sizeof url)) {
            suite("postgresql", url, dir);
            t_pg_restart(url, pgdir);
        } else {
            /* the PostgreSQL half must run: no cluster is a failure, with the reason */
            fprintf(stderr, "pg_temp.sh: %s\n", url);
            CHECK_MSG(false, "could not start PostgreSQL with tests/tools/pg_temp.sh");
        }
        pg_stop(pgdir);
    }
    return ff_test_finish();
}

/* test_sync_client.c - the sync client engine against a real fieldflow-server ($FF_SERVER) on
 * loopback TLS: enrol, push and pull between two devices until their dumps are equal, a pin
 * mismatch refuses and says so, a 401 refreshes and the same request succeeds with the queue
 * intact, a stopped (and a kill -9'd) server is UNREACHABLE with nothing lost and converges
 * once back, a revoked device is told to enrol again and keeps its events. Without a server:
 * the backoff schedule, argument checks, not enrolled, a closed port. The background thread
 * has its own test (test_sync_client_thread.c, run under tsan too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "harness.h"
#include "sc_int.h"
#include "store_testlib.h"
#include "sync_client.h"
#include "sync_testlib.h"

static const char *path_of(const char *name)
{
    static char buf[4][600];
    static int k;
    static const char *dir;
    dir = dir ? dir : ff_test_tmpdir();
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static struct ff_sync *sync_open(const char *name)
{
    struct ff_sync_config cfg = {.db_path = path_of(name),
                                 .retries = -1,
                                 .timeout_ms = 20000, /* ASan's slow unwinder: slow TLS */
                                 .backoff_base_ms = 20,
                                 .backoff_max_ms = 200};
    struct ff_sync *c = NULL;
    char why[256] = "";
    CHECK_MSG(ff_sync_open(&cfg, &c, why, sizeof why) == FF_SYNC_OK, why);
    return c;
}

static struct ff_store *store_of(const char *name)
{
    struct ff_store *s = NULL;
    struct ff_store_opts o = {.path = path_of(name)};
    CHECK_INT(ff_store_open(&o, &s), FF_OK);
    return s;
}

static void add_cases(struct ff_store *s, int n)
{
    for (int i = 0; i < n; i++) {
        char id[37];
        ff_store_new_id(id);
        append_ok(s, "case.created", id, "{\"touchpoint\":\"kiosk\",\"request_type\":\"order\"}");
    }
}

static int64_t pending(struct ff_store *s)
{
    int64_t n = -1;
    CHECK_INT(ff_store_pending(s, &n), FF_OK);
    return n;
}

static enum ff_sync_err once(struct ff_sync *c, struct ff_sync_counts *n)
{
    enum ff_sync_err e = ff_sync_once(c, 0, n);
    if (e)
        fprintf(stderr, "  (sync: %s: %s)\n", ff_sync_strerror(e), ff_sync_errmsg(c));
    return e;
}

static void test_backoff(void)
{
    uint64_t seed = 1, seed2 = 2;
    int64_t prev_hi = 0;
    bool differs = false;
    for (int a = 0; a < 12; a++) {
        int64_t full = 100;
        for (int i = 0; i < a && full < 5000; i++)
            full *= 2;
        full = full > 5000 ? 5000 : full;
        int64_t d = ff_sync_backoff_ms(a, 100, 5000, &seed);
        int64_t d2 = ff_sync_backoff_ms(a, 100, 5000, &seed2);
        CHECK(d >= full - full / 2 && d <= full);
        CHECK(d2 >= full - full / 2 && d2 <= full);
        differs = differs || d != d2;
        CHECK(full >= prev_hi);
        prev_hi = full;
    }
    CHECK(differs); /* jitter: two devices do not retry in step */
    CHECK(ff_sync_backoff_ms(1000, 100, 5000, &seed) <= 5000);
}

/* The server's replies as the parsers read them: what is taken, what is refused and why. */
static void test_replies(void)
{
    static const struct {
        const char *body;
        bool ok;
        long long acked, settled;
        const char *checkpoint, *why;
    } push[] = {
        {"{\"acked_seq\":7,\"status\":\"aadr\",\"checkpoint\":\"e1.9\"}", true, 7, 3, "e1.9", ""},
        {"{\"acked_seq\":0,\"status\":\"\",\"unknown\":[1,2]}", true, 0, 0, "", ""},
        {"{\"acked_seq\":3,\"status\":\"r\",\"rejected\":[{\"id\":\"d:3\"}]}", true, 3, 0, "", ""},
        {"not json", false, 0, 0, "", "not a JSON object"},
        {"[1]", false, 0, 0, "", "not a JSON object"},
        {"{\"status\":\"a\"}", false, 0, 0, "", "acked_seq"},
        {"{\"acked_seq\":-1,\"status\":\"a\"}", false, 0, 0, "", "acked_seq"},
        {"{\"acked_seq\":1.5,\"status\":\"a\"}", false, 0, 0, "", "acked_seq"},
        {"{\"acked_seq\":1e300,\"status\":\"a\"}", false, 0, 0, "", "acked_seq"},
        {"{\"acked_seq\":1,\"status\":\"ax\"}", false, 0, 0, "", "status"},
        {"{\"acked_seq\":1,\"status\":\"a\",\"checkpoint\":\"x\"}", false, 0, 0, "", "checkpoint"},
        {"{\"acked_seq\":1,\"status\":\"a\",\"rejected\":{}}", false, 0, 0, "", "rejected"},
    };
    for (size_t i = 0; i < sizeof push / sizeof push[0]; i++) {
        struct sc_push_reply r;
        char why[200] = "";
        enum ff_sync_err e =
            sc_push_reply_parse(push[i].body, strlen(push[i].body), &r, why, sizeof why);
        CHECK_MSG((e == FF_SYNC_OK) == push[i].ok, push[i].body);
        if (!e) {
            CHECK_INT(r.acked, push[i].acked);
            CHECK_INT(r.settled, push[i].settled);
            CHECK_STR(r.checkpoint, push[i].checkpoint);
            sc_push_reply_free(&r);
        } else {
            CHECK_MSG(strstr(why, push[i].why) != NULL, why);
        }
    }
    static const struct {
        const char *body;
        bool ok;
        const char *cursor;
        bool more;
        size_t n;
        const char *why;
    } pull[] = {
        {"{\"cursor\":\"e1.5\",\"more\":true,\"count\":2}\n{\"a\":1}\n{\"b\":2}\n", true, "e1.5",
         true, 2, ""},
        {"{\"cursor\":\"e2.0\",\"count\":0}", true, "e2.0", false, 0, ""},
        {"{\"cursor\":\"\",\"more\":false,\"count\":1}\n{}", true, "", false, 1, ""},
        {"", false, "", false, 0, "/v1/pull"},
        {"{\"cursor\":\"e1.5\",\"count\":2}\n{}\n", false, "", false, 0, "count"},
        {"{\"cursor\":\"e1.5\",\"count\":0}\n{}\n", false, "", false, 0, "count"},
        {"{\"cursor\":\"e1.x\",\"count\":0}", false, "", false, 0, "cursor"},
        {"{\"count\":0}", false, "", false, 0, "cursor"},
        {"{\"cursor\":\"e1.1\",\"more\":1,\"count\":0}", false, "", false, 0, "more"},
        {"{\"cursor\":\"e1.1\",\"count\":1}\n\n{}\n", false, "", false, 0, "line"},
        {"[]\n", false, "", false, 0, "line 1"},
    };
    for (size_t i = 0; i < sizeof pull / sizeof pull[0]; i++) {
        struct sc_pull_page p;
        char why[200] = "";
        enum ff_sync_err e =
            sc_pull_page_parse(pull[i].body, strlen(pull[i].body), &p, why, sizeof why);
        CHECK_MSG((e == FF_SYNC_OK) == pull[i].ok, pull[i].body);
        if (!e) {
            CHECK_STR(p.cursor, pull[i].cursor);
            CHECK(p.more == pull[i].more);
            CHECK_INT(p.lines.n, pull[i].n);
            sc_pull_page_free(&p);
        } else {
            CHECK_MSG(strstr(why, pull[i].why) != NULL, why);
        }
    }
}

static void test_offline(void)
{
    struct ff_sync *c = sync_open("offline.db");
    if (!c)
        return;
    CHECK(!ff_sync_enrolled(c));
    struct ff_sync_counts n;
    CHECK_INT(ff_sync_once(c, 0, &n), FF_SYNC_NOT_ENROLLED);
    CHECK(strstr(ff_sync_errmsg(c), "enrol") != NULL);
    CHECK_INT(ff_sync_enrol(c, "http://127.0.0.1:1", "sha256//x", "C", NULL), FF_SYNC_LOCAL);
    CHECK_INT(ff_sync_enrol(c, "https://127.0.0.1:1", "sha1//x", "C", NULL), FF_SYNC_LOCAL);
    CHECK_INT(ff_sync_enrol(c, "https://127.0.0.1:1", "sha256//x", "", NULL), FF_SYNC_LOCAL);
    CHECK_INT(ff_sync_enrol(c, "https://127.0.0.1:1", "sha256//x", "C", NULL), FF_SYNC_UNREACHABLE);
    CHECK(!ff_sync_enrolled(c));
    struct ff_sync_state st;
    ff_sync_snapshot(c, &st);
    CHECK(!st.enrolled);
    char *json = NULL;
    CHECK_INT(ff_sync_status_json(c, &json), FF_SYNC_OK);
    CHECK(has(json, "\"server\":null") && has(json, "\"online\":false"));
    ff_free(json);
    ff_sync_close(c);
}

static struct ff_sync *enrolled(struct test_server *srv, const char *name)
{
    struct ff_sync *c = sync_open(name);
    const char *code = test_server_code(srv);
    CHECK_MSG(code != NULL, "enrol-code");
    if (!c || !code)
        return c;
    enum ff_sync_err e = ff_sync_enrol(c, srv->url, srv->pin, code, name);
    CHECK_MSG(e == FF_SYNC_OK, ff_sync_errmsg(c));
    CHECK(ff_sync_enrolled(c));
    /* the code is single-use */
    struct ff_sync *again = sync_open("again.db");
    CHECK_INT(ff_sync_enrol(again, srv->url, srv->pin, code, "again"), FF_SYNC_REFUSED);
    ff_sync_close(again);
    return c;
}

/* Syncs both until neither moves, then their dumps must be equal. */
static void converge(struct ff_sync *a, struct ff_sync *b, struct ff_store *sa, struct ff_store *sb)
{
    struct ff_sync_counts n;
    for (int round = 0; round < 3; round++) {
        CHECK_INT(once(a, &n), FF_SYNC_OK);
        CHECK_INT(once(b, &n), FF_SYNC_OK);
    }
    CHECK_INT(once(a, &n), FF_SYNC_OK);
    CHECK_INT(pending(sa), 0);
    CHECK_INT(pending(sb), 0);
    char *da = dump_of(sa), *db = dump_of(sb);
    CHECK_MSG(da && db && !strcmp(da, db), "dumps differ after sync");
    free(da);
    free(db);
}

static void test_two_devices(struct test_server *srv, struct ff_sync *a, struct ff_sync *b)
{
    struct ff_store *sa = store_of("a.db"), *sb = store_of("b.db");
    add_cases(sa, 5);
    CHECK_INT(pending(sa), 5);
    struct ff_sync_counts n;
    CHECK_INT(once(a, &n), FF_SYNC_OK);
    CHECK_INT(n.pushed, 5);
    CHECK_INT(n.pending, 0);
    CHECK_INT(pending(sa), 0);
    CHECK_INT(once(b, &n), FF_SYNC_OK);
    CHECK(n.pulled >= 5);
    add_cases(sb, 3);
    add_cases(sa, 1200); /* more than one push batch and one pull page */
    converge(a, b, sa, sb);
    struct ff_sync_state st;
    ff_sync_snapshot(a, &st);
    CHECK(st.online && st.last_sync_ms > 0 && st.pending == 0 && !st.last_error[0]);
    (void)srv;
    ff_store_close(sa);
    ff_store_close(sb);
}

static void test_pin_mismatch(struct test_server *srv)
{
    struct ff_sync *c = sync_open("pin.db");
    const char *code = test_server_code(srv);
    const char *wrong = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    CHECK_INT(ff_sync_enrol(c, srv->url, wrong, code ? code : "x", NULL), FF_SYNC_REFUSED);
    CHECK(strstr(ff_sync_errmsg(c), "pin mismatch") != NULL);
    CHECK(!ff_sync_enrolled(c));
    /* the same code still works with the right pin: nothing was sent */
    CHECK_INT(ff_sync_enrol(c, srv->url, srv->pin, code ? code : "x", NULL), FF_SYNC_OK);
    struct ff_store *s = store_of("pin.db");
    add_cases(s, 2);
    CHECK_INT(ff_store_meta_set(s, "sync.pin", wrong), FF_OK); /* the server's key "changed" */
    struct ff_sync_counts n;
    CHECK_INT(ff_sync_once(c, 0, &n), FF_SYNC_REFUSED);
    CHECK(strstr(ff_sync_errmsg(c), "pin mismatch") != NULL);
    CHECK_INT(pending(s), 2);
    ff_store_close(s);
    ff_sync_close(c);
}

static void test_refresh(struct ff_sync *a)
{
    struct ff_store *sa = store_of("a.db");
    add_cases(sa, 3);
    CHECK_INT(ff_store_meta_set(sa, "sync.access_token", "expired-or-unknown"), FF_OK);
    char *before = NULL;
    CHECK_INT(ff_store_meta_get(sa, "sync.refresh_token", &before), FF_OK);
    struct ff_sync_counts n;
    CHECK_INT(once(a, &n), FF_SYNC_OK);
    CHECK_INT(n.pushed, 3);
    CHECK_INT(pending(sa), 0);
    char *after = NULL;
    CHECK_INT(ff_store_meta_get(sa, "sync.refresh_token", &after), FF_OK);
    CHECK(before && after && strcmp(before, after) != 0); /* renewed at refresh */
    ff_free(before);
    ff_free(after);
    ff_store_close(sa);
}

static void test_down_up(struct test_server *srv, struct ff_sync *a, struct ff_sync *b, bool hard)
{
    struct ff_store *sa = store_of("a.db"), *sb = store_of("b.db");
    test_server_stop(srv, hard);
    add_cases(sa, 4);
    struct ff_sync_counts n;
    CHECK_INT(ff_sync_once(a, 0, &n), FF_SYNC_UNREACHABLE);
    CHECK_INT(pending(sa), 4);
    struct ff_sync_state st;
    ff_sync_snapshot(a, &st);
    CHECK(!st.online && st.pending == 4 && st.last_error[0]);
    CHECK_MSG(test_server_start(srv), "restart");
    converge(a, b, sa, sb);
    ff_store_close(sa);
    ff_store_close(sb);
}

static void test_revoked(struct test_server *srv, struct ff_sync *b)
{
    struct ff_store *sb = store_of("b.db");
    add_cases(sb, 2);
    CHECK_MSG(test_server_revoke(srv, ff_store_device(sb)), "revoke");
    struct ff_sync_counts n;
    CHECK_INT(ff_sync_once(b, 0, &n), FF_SYNC_REFUSED);
    CHECK(strstr(ff_sync_errmsg(b), "enrol again") != NULL);
    CHECK_INT(pending(sb), 2);
    ff_store_close(sb);
}

int main(void)
{
    test_backoff();
    test_replies();
    test_offline();
    if (test_server_missing())
        return ff_test_finish();
    struct test_server srv = {0};
    if (!test_server_start(&srv)) {
        CHECK_MSG(false, "fieldflow-server did not start");
        return ff_test_finish();
    }
    struct ff_sync *a = enrolled(&srv, "a.db"), *b = enrolled(&srv, "b.db");
    if (a && b) {
        test_two_devices(&srv, a, b);
        test_pin_mismatch(&srv);
        test_refresh(a);
        test_down_up(&srv, a, b, false);
        test_down_up(&srv, a, b, true);
        test_revoked(&srv, b);
    }
    ff_sync_close(a);
    ff_sync_close(b);
    test_server_stop(&srv, false);
    return ff_test_finish();
}

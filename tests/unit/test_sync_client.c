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
    test_offline();
    if (!test_server_available()) {
        printf("skipped the server tests: FF_SERVER is not a built fieldflow-server\n");
        return ff_test_finish();
    }
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

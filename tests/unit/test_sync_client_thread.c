/* test_sync_client_thread.c - the background sync thread against a real fieldflow-server
 * ($FF_SERVER), in the app's shape: another handle on the same file records events and pokes,
 * the thread pushes them; another device's thread (long-polling) gets a change within a
 * second; the server going away mid-run is reported (offline, events waiting) and
 * the thread resumes once it is back, woken by a poke rather than its backoff; stop ends a
 * long-poll at once (the multi handle's poll is woken). Labelled "threads": the tsan preset runs
 * it.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "harness.h"
#include "store_testlib.h"
#include "sync_client.h"
#include "sync_testlib.h"

static const char *dir;
/* Time bounds hold for plain builds; under a sanitizer (server and TLS included) everything
 * is slower by an order of magnitude. */
static int64_t slow = 1;

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&t, NULL);
}

static const char *path_of(const char *name)
{
    static char buf[2][600];
    static int k;
    k = (k + 1) % 2;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static struct ff_sync *enrolled(struct test_server *srv, const char *name)
{
    struct ff_sync_config cfg = {.db_path = path_of(name),
                                 .timeout_ms = 20000,
                                 .backoff_base_ms = 200,
                                 .backoff_max_ms = 30000, /* longer than the test waits */
                                 .wait_s = 10};
    struct ff_sync *c = NULL;
    char why[256] = "";
    CHECK_MSG(ff_sync_open(&cfg, &c, why, sizeof why) == FF_SYNC_OK, why);
    const char *code = test_server_code(srv);
    if (c && code)
        CHECK_MSG(ff_sync_enrol(c, srv->url, srv->pin, code, name) == FF_SYNC_OK,
                  ff_sync_errmsg(c));
    return c;
}

static atomic_int changes_a, changes_b;

static void on_change(void *arg)
{
    atomic_fetch_add((atomic_int *)arg, 1);
}

static void add_case(struct ff_store *s, char id[37])
{
    ff_store_new_id(id);
    append_ok(s, "case.created", id, "{\"touchpoint\":\"kiosk\",\"request_type\":\"order\"}");
}

static int64_t pending_of(struct ff_store *s)
{
    int64_t n = -1;
    CHECK_INT(ff_store_pending(s, &n), FF_OK);
    return n;
}

/* Waits up to ms for the snapshot to show `pending` events waiting and online == want. */
static bool wait_state(struct ff_sync *c, int64_t pending, bool online, int64_t ms)
{
    struct ff_sync_state st;
    for (int64_t t0 = mono_ms(); mono_ms() - t0 < ms; sleep_ms(20)) {
        ff_sync_snapshot(c, &st);
        if (st.pending == pending && st.online == online)
            return true;
    }
    return false;
}

/* Waits up to ms until case id is in the store at path (read on a fresh handle). */
static int64_t reach_ms(const char *path, const char *id, int64_t ms)
{
    int64_t t0 = mono_ms();
    struct ff_store_opts o = {.path = path, .readonly = true};
    for (; mono_ms() - t0 < ms; sleep_ms(10)) {
        struct ff_store *s = NULL;
        char *doc = NULL;
        if (ff_store_open(&o, &s) == FF_OK && ff_store_case_detail(s, id, &doc) == FF_OK) {
            ff_free(doc);
            ff_store_close(s);
            return mono_ms() - t0;
        }
        ff_store_close(s);
    }
    return -1;
}

int main(void)
{
    if (test_server_missing())
        return ff_test_finish();
    dir = ff_test_tmpdir();
    slow = getenv("ASAN_OPTIONS") || getenv("TSAN_OPTIONS") ? 10 : 1;
    struct test_server srv = {0};
    if (!test_server_start(&srv)) {
        CHECK_MSG(false, "fieldflow-server did not start");
        return ff_test_finish();
    }
    struct ff_sync *a = enrolled(&srv, "a.db"), *b = enrolled(&srv, "b.db");
    struct ff_store *sa = NULL;
    struct ff_store_opts o = {.path = path_of("a.db")};
    CHECK_INT(ff_store_open(&o, &sa), FF_OK);
    if (!a || !b || !sa)
        return ff_test_finish();
    CHECK_INT(ff_sync_start(a, on_change, &changes_a), FF_SYNC_OK);
    CHECK_INT(ff_sync_start(b, on_change, &changes_b), FF_SYNC_OK);
    CHECK_INT(ff_sync_start(a, on_change, &changes_a), FF_SYNC_OK); /* a no-op */

    /* recording goes on while the thread pushes */
    char id[37];
    for (int i = 0; i < 30; i++) {
        add_case(sa, id);
        ff_sync_poke(a);
        struct ff_sync_state st;
        ff_sync_snapshot(a, &st);
        if (i % 10 == 0)
            sleep_ms(30);
    }
    for (int64_t t0 = mono_ms(); pending_of(sa) > 0 && mono_ms() - t0 < 20000;)
        sleep_ms(20);
    CHECK_INT(pending_of(sa), 0);
    CHECK_MSG(wait_state(a, 0, true, 5000), "the snapshot says all was pushed");
    CHECK(atomic_load(&changes_a) > 0);

    /* another online device gets a change while long-polling */
    CHECK(reach_ms(path_of("b.db"), id, 10000) >= 0);
    sleep_ms(300); /* b is in its long-poll again */
    add_case(sa, id);
    ff_sync_poke(a);
    int64_t reach = reach_ms(path_of("b.db"), id, 10000);
    printf("a change reached the other device in %lld ms\n", (long long)reach);
    CHECK(reach >= 0 && reach < 1000 * slow);
    CHECK(atomic_load(&changes_b) > 0);

    /* the server goes away: offline, events wait; back: a poke resumes at once */
    test_server_stop(&srv, true);
    add_case(sa, id);
    ff_sync_poke(a);
    CHECK_MSG(wait_state(a, 1, false, 20000), "offline with one event waiting");
    CHECK_MSG(test_server_start(&srv), "restart");
    int64_t t0 = mono_ms();
    ff_sync_poke(a); /* without it the thread would sleep out its backoff */
    CHECK_MSG(wait_state(a, 0, true, 10000), "resumed after the server came back");
    CHECK(mono_ms() - t0 < 10000);
    CHECK(reach_ms(path_of("b.db"), id, 15000) >= 0);

    /* stop ends a long-poll at once */
    sleep_ms(300);
    t0 = mono_ms();
    ff_sync_stop(b);
    int64_t stop_ms = mono_ms() - t0;
    printf("stop took %lld ms\n", (long long)stop_ms);
    CHECK(stop_ms < 500 * slow);
    ff_sync_close(a);
    ff_sync_close(b);
    ff_store_close(sa);
    test_server_stop(&srv, false);
    return ff_test_finish();
}

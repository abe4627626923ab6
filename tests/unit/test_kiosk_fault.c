/* test_kiosk_fault.c - the kiosk under allocation failure: every library allocation of
 * opening a kiosk, beginning a session and taking its first steps is failed in turn. Each
 * failing call must report an error (never crash or leak, which ASan checks), and once
 * allocations work again the same handle must carry on to the same screen as a run that
 * never failed. Also: a damaged snapshot file is dropped, not resumed. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kiosk_testlib.h"

static struct ff_library *lib;
static char store[4096], snap[4200];

static struct ff_kiosk_opts opts(uint64_t *seed)
{
    struct ff_kiosk_opts o = {.store_path = store,
                              .lib = lib,
                              .snapshot_path = snap,
                              .idle_ms = 90000,
                              .countdown_ms = 20000,
                              .random = kt_random,
                              .random_ctx = seed};
    return o;
}

/* The steps, by index; each returns the call's result. */
static enum ff_err op(struct ff_kiosk *k, int i, int64_t now)
{
    switch (i) {
    case 0:
        return ff_kiosk_begin(k, now);
    case 1:
        return ff_kiosk_next(k, now);
    case 2:
        return ff_kiosk_choose(k, "information", now);
    case 3:
        return ff_kiosk_choose(k, "heating", now);
    case 4:
        return ff_kiosk_back(k, now);
    default:
        return ff_kiosk_person(k, now);
    }
}

int main(void)
{
    lib = kt_library();
    const char *dir = ff_test_tmpdir();
    snprintf(store, sizeof store, "%s", kt_store(dir, "fault.db"));
    snprintf(snap, sizeof snap, "%s/kiosk-run.json", dir);
    uint64_t seed = 5;
    struct ff_kiosk_opts o = opts(&seed);
    int64_t now = T0;

    /* opening: fail the Nth allocation until it succeeds */
    struct ff_kiosk *k = NULL;
    long n = 0;
    for (;; n++) {
        ff_mem_fail_after(n);
        enum ff_err e = ff_kiosk_new(&o, now, &k);
        ff_mem_fail_after(-1);
        if (e == FF_OK)
            break;
        CHECK(k == NULL);
        CHECK_INT(e, FF_ENOMEM);
        if (n > 10000)
            break;
    }
    printf("ff_kiosk_new needs %ld allocations\n", n);
    CHECK(k != NULL);
    if (!k)
        return ff_test_finish();

    /* each step: fail allocation 0, 1, 2... until it succeeds, on the same handle */
    static const char *const want[] = {"welcome", "ask-request", "query-topic", "kb-heating",
                                       "query-topic"};
    for (int i = 0; i < 6; i++) {
        long tries = 0;
        enum ff_err e;
        for (;; tries++) {
            ff_mem_fail_after(tries);
            e = op(k, i, now += 1000);
            ff_mem_fail_after(-1);
            if (e == FF_OK || tries > 20000)
                break;
            CHECK_MSG(e == FF_ENOMEM || e == FF_EIO || e == FF_EDB, ff_kiosk_errmsg(k));
        }
        CHECK_MSG(e == FF_OK, ff_kiosk_errmsg(k));
        if (i < 5)
            CHECK_STR(ff_kiosk_view(k)->node_id, want[i]);
        printf("step %d: succeeded after %ld failed allocations\n", i, tries);
    }
    CHECK(ff_kiosk_view(k)->state == FF_KIOSK_ENDING);
    CHECK(ff_kiosk_view(k)->ending == FF_KIOSK_END_ESCALATED);
    const char *run = ff_kiosk_run_id(k);
    char run_id[40];
    snprintf(run_id, sizeof run_id, "%s", run);
    /* events the store refused while allocations failed are queued, and go at the latest
       when the session ends */
    CHECK(ff_kiosk_finish(k, now) == FF_OK);
    CHECK_INT(ff_kiosk_view(k)->pending_events, 0);
    CHECK_INT(kt_events(store, "case.escalated", run_id), 1);
    CHECK_INT(kt_events(store, "case.created", run_id), 1);
    CHECK(kt_events(store, "run.step_recorded", run_id) >= 8);
    ff_kiosk_free(k);

    /* a damaged snapshot: dropped at start, the kiosk comes up on the attract screen */
    FILE *f = fopen(snap, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("{\"format\":\"fieldflow-kiosk\",\"format_version\":1,\"run_id\":", f);
        fclose(f);
    }
    k = NULL;
    CHECK(ff_kiosk_new(&o, now, &k) == FF_OK);
    CHECK(k && ff_kiosk_view(k)->state == FF_KIOSK_ATTRACT);
    CHECK(access(snap, F_OK) != 0);
    ff_kiosk_free(k);
    ff_library_free(lib);
    return ff_test_finish();
}

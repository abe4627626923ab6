/* test_threads.c - two threads use the library at once on different handles, as the app will
 * (a UI thread loading charts and running one, a sync thread decoding events into a store).
 *
 * Each thread loads and validates the shipped charts, walks a run through a subchart and
 * snapshots it, decodes and re-encodes events, and appends to its own store file. Every
 * round's results are printed into a text that must equal the one the main thread made
 * alone before the threads started, so a wrong answer fails the test as well as a data race
 * (the tsan preset runs this test under ThreadSanitizer, which aborts on the first race).
 * Harness checks are made on the main thread only: the harness counters are not shared.
 *
 * ThreadSanitizer sees only instrumented code, and Debian's libcjson is not: a change of
 * cJSON's process-wide allocation hooks while another thread parses would go unseen. So
 * this executable interposes cJSON_InitHooks and counts the calls made while the threads
 * run; there must be none (docs/decisions.md, "cJSON's hooks are set once").
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <cJSON.h>
#include <dirent.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/chart.h"
#include "fieldflow/event.h"
#include "fieldflow/mem.h"
#include "fieldflow/runner.h"
#include "fieldflow/store.h"
#include "harness.h"

#define ROUNDS 3
#define MAX_CHARTS 64
#define PATH_MAX_LEN 4096
#define RUN_MAX_OPS 40
#define APPENDS 12

#define ENV(id, seq, type, entity, payload)                                                        \
    "{\"id\":\"" id "\",\"device\":\"peer\",\"seq\":" seq ",\"hlc\":\"0193a1b2c3d40001\","         \
    "\"entity\":\"" entity "\",\"entity_id\":\"e-1\",\"type\":\"" type "\",\"payload\":" payload   \
    ",\"author\":\"eng-7\",\"schema\":1}"

static const char *const events[] = {
    ENV("peer:1", "1", "feedback.given", "feedback", "{\"score\":5}"),
    ENV("peer:2", "2", "gizmo.frobbed", "gizmo", "{\"x\":[1,2,{\"y\":\"z\"}]}"),
    ENV("peer:3", "3", "feedback.given", "feedback", "{\"score\":9}"),
    ENV("peer:4", "4", "case.created", "case",
        "{\"touchpoint\":\"kiosk\",\"request_type\":\"order\",\"priority\":2}"),
    "{\"id\":",
};

static atomic_bool threads_running;
static atomic_int hooks_changed_in_threads;

/* Interposes cJSON's own: the library's calls resolve here, then go on to libcjson. */
void cJSON_InitHooks(cJSON_Hooks *hooks)
{
    if (atomic_load(&threads_running))
        atomic_fetch_add(&hooks_changed_in_threads, 1);
    void (*real)(cJSON_Hooks *) = NULL;
    *(void **)&real = dlsym(RTLD_NEXT, "cJSON_InitHooks");
    if (real)
        real(hooks);
}

/* What one thread needs (all paths made on the main thread: the harness's are static). */
struct job {
    char charts[MAX_CHARTS][PATH_MAX_LEN]; /* the shipped charts */
    size_t ncharts;
    char runner[2][PATH_MAX_LEN]; /* the runner's main chart and its subchart */
    char dir[PATH_MAX_LEN];       /* where this job's store files go */
    const char *name;             /* prefix of its store files */
    const char *want;             /* the main thread's result of one round; NULL: none yet */
    char *got;                    /* this job's last round, malloc'd */
    int mismatches;               /* rounds whose result differed from want */
};

/* A growing text of results. */
struct out {
    char *buf;
    size_t len;
    FILE *f;
};

static void out_open(struct out *o)
{
    o->buf = NULL;
    o->len = 0;
    o->f = open_memstream(&o->buf, &o->len);
}

static char *out_close(struct out *o)
{
    if (o->f)
        fclose(o->f);
    return o->buf;
}

static void charts_round(const struct job *j, FILE *f)
{
    struct ff_library *lib = NULL;
    struct ff_diags d;
    ff_diags_init(&d);
    if (ff_library_new(&lib) != FF_OK) {
        fprintf(f, "library: no memory\n");
        return;
    }
    for (size_t i = 0; i < j->ncharts; i++) {
        struct ff_chart *c = NULL;
        enum ff_err e = ff_chart_load(j->charts[i], &d, &c);
        if (e == FF_OK)
            e = ff_library_add(lib, c, &d);
        fprintf(f, "chart %s: %s\n", c ? c->id : j->charts[i], ff_strerror(e));
    }
    fprintf(f, "check: %s, %zu findings\n", ff_strerror(ff_library_check(lib, &d)), d.n);
    for (size_t i = 0; i < d.n; i++) {
        char line[1024];
        ff_diag_format(&d.v[i], line, sizeof line);
        fprintf(f, "  %s\n", line);
    }
    ff_diags_free(&d);
    ff_library_free(lib);
}

/* The option to take at a decision: one that leads on without a form. */
static const char *pick(const struct ff_node *n)
{
    static const char *const prefer[] = {"service", "yes", NULL};
    for (size_t k = 0; prefer[k]; k++)
        for (size_t i = 0; i < n->noptions; i++)
            if (!strcmp(n->options[i].id, prefer[k]))
                return n->options[i].id;
    return n->noptions ? n->options[0].id : "";
}

static void runner_walk(struct ff_run *run, FILE *f)
{
    int64_t t = 1000;
    for (int op = 0; op < RUN_MAX_OPS && !ff_run_ended(run); op++, t += 1000) {
        const struct ff_node *n = ff_run_node(run);
        enum ff_err e;
        if (n->kind == FF_NODE_DECISION)
            e = ff_run_choose(run, pick(n), t);
        else if (n->kind == FF_NODE_INPUT)
            e = ff_run_submit(run, NULL, 0, t);
        else
            e = ff_run_next(run, t);
        fprintf(f, "run %s/%s: %s %s\n", ff_run_chart(run)->id, n->id, ff_strerror(e),
                ff_run_errmsg(run));
        if (e != FF_OK)
            break;
    }
    fprintf(f, "run ended: %d, depth %zu\n", ff_run_ended(run), ff_run_depth(run));
}

static void runner_round(const struct job *j, FILE *f)
{
    struct ff_library *lib = NULL;
    struct ff_diags d;
    ff_diags_init(&d);
    enum ff_err e = ff_library_new(&lib);
    for (size_t i = 0; i < 2 && e == FF_OK; i++) {
        struct ff_chart *c = NULL;
        if ((e = ff_chart_load(j->runner[i], &d, &c)) == FF_OK)
            e = ff_library_add(lib, c, &d);
    }
    if (e == FF_OK)
        e = ff_library_check(lib, &d);
    struct ff_run *run = NULL, *back = NULL;
    if (e == FF_OK)
        e = ff_run_start(lib, "runner-main", 0, "da", 0, &run);
    fprintf(f, "runner start: %s\n", ff_strerror(e));
    if (e == FF_OK) {
        runner_walk(run, f);
        char *snap = NULL, *json = NULL, *why = NULL;
        e = ff_run_snapshot(run, &snap);
        if (e == FF_OK)
            e = ff_run_restore(lib, snap, strlen(snap), &back, &why);
        if (why)
            fprintf(f, "restore: %s\n", why);
        ff_free(why);
        if (e == FF_OK)
            e = ff_run_transcript_json(back, &json);
        fprintf(f, "snapshot, restore, transcript: %s\n%s\n", ff_strerror(e), json ? json : "");
        ff_free(snap);
        ff_free(json);
    }
    ff_run_free(back);
    ff_run_free(run);
    ff_diags_free(&d);
    ff_library_free(lib);
}

static void events_round(FILE *f)
{
    for (size_t i = 0; i < sizeof events / sizeof *events; i++) {
        struct ff_event ev = {0};
        char why[256] = "";
        char *text = NULL;
        enum ff_err e = ff_event_decode(events[i], strlen(events[i]), &ev, why, sizeof why);
        if (e == FF_OK)
            e = ff_event_encode(&ev, &text);
        fprintf(f, "event %zu: %s %s %s\n", i, ff_strerror(e), why, text ? text : "");
        ff_free(text);
        ff_event_clear(&ev);
    }
}

static uint64_t fixed_clock(void *ctx)
{
    (void)ctx;
    return 1764547200000u; /* 2025-12-01: both threads stamp the same hlc */
}

static void store_round(const struct job *j, int round, FILE *f)
{
    char path[PATH_MAX_LEN + 64];
    snprintf(path, sizeof path, "%s/%s-%d.db", j->dir, j->name, round);
    struct ff_store_opts o = {.path = path, .device = "device-t"};
    struct ff_store *s = NULL;
    enum ff_err e = ff_store_open(&o, &s);
    fprintf(f, "store open: %s\n", ff_strerror(e));
    if (e != FF_OK)
        return;
    ff_store_set_clock(s, fixed_clock, NULL);
    for (int i = 0; i < APPENDS && e == FF_OK; i++) {
        char id[32];
        snprintf(id, sizeof id, "case-%d", i % 4);
        e = i < 4 ? ff_store_append(s, "case.created", id,
                                    "{\"touchpoint\":\"kiosk\",\"request_type\":\"order\","
                                    "\"priority\":2}",
                                    NULL)
                  : ff_store_append(s, "case.note_added", id, "{\"text\":\"seen\"}", NULL);
    }
    fprintf(f, "appends: %s %s\n", ff_strerror(e), e ? ff_store_errmsg(s) : "");
    if (e == FF_OK) {
        e = ff_store_dump(s, f);
        fprintf(f, "dump: %s\n", ff_strerror(e));
    }
    ff_store_close(s);
}

static char *one_round(const struct job *j, int round)
{
    struct out o;
    out_open(&o);
    if (!o.f)
        return NULL;
    charts_round(j, o.f);
    runner_round(j, o.f);
    events_round(o.f);
    store_round(j, round, o.f);
    return out_close(&o);
}

static void *worker(void *arg)
{
    struct job *j = arg;
    for (int r = 0; r < ROUNDS; r++) {
        free(j->got);
        j->got = one_round(j, r);
        if (!j->got || strcmp(j->got, j->want))
            j->mismatches++;
    }
    return NULL;
}

/* Allocation failures are per thread: one thread fails its k-th allocation, for k = 0, 1...
 * until a load succeeds, and must see FF_ENOMEM each time (never a syntax error: the
 * failures inside cJSON count), while the other loads the same chart untouched. */
struct oom_job {
    const char *path;
    bool torture;      /* fail allocations in turn; else load plainly */
    atomic_bool *done; /* set by the torturing thread when it is through */
    long loads;        /* loads made */
    long wrong;        /* loads with another result than expected */
};

static void *oom_worker(void *arg)
{
    struct oom_job *j = arg;
    for (long k = 0; j->torture ? k < 100000 : !atomic_load(j->done); k++) {
        struct ff_diags d;
        struct ff_chart *c = NULL;
        ff_diags_init(&d);
        if (j->torture)
            ff_mem_fail_after(k);
        enum ff_err e = ff_chart_load(j->path, &d, &c);
        ff_mem_fail_after(-1);
        ff_chart_free(c);
        ff_diags_free(&d);
        j->loads++;
        if (j->torture && e == FF_OK)
            break;
        j->wrong += j->torture ? e != FF_ENOMEM : e != FF_OK;
    }
    if (j->torture)
        atomic_store(j->done, true);
    return NULL;
}

static void check_oom_per_thread(const char *path)
{
    atomic_bool done = false;
    struct oom_job t = {path, true, &done, 0, 0}, plain = {path, false, &done, 0, 0};
    pthread_t tt, tp;
    CHECK_INT(pthread_create(&tp, NULL, oom_worker, &plain), 0);
    CHECK_INT(pthread_create(&tt, NULL, oom_worker, &t), 0);
    CHECK_INT(pthread_join(tt, NULL), 0);
    CHECK_INT(pthread_join(tp, NULL), 0);
    CHECK(t.loads > 10); /* the chart needs many allocations, cJSON's among them */
    CHECK_INT(t.wrong, 0);
    CHECK_INT(plain.wrong, 0);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void setup(struct job *j, const char *name, const char *dir)
{
    memset(j, 0, sizeof *j);
    j->name = name;
    snprintf(j->dir, sizeof j->dir, "%s", dir);
    snprintf(j->runner[0], PATH_MAX_LEN, "%s", ff_test_src("tests/charts/runner/runner-main.json"));
    snprintf(j->runner[1], PATH_MAX_LEN, "%s", ff_test_src("tests/charts/runner/runner-sub.json"));
    char folder[PATH_MAX_LEN];
    snprintf(folder, sizeof folder, "%s", ff_test_src("assets/flowcharts"));
    DIR *dp = opendir(folder);
    CHECK_MSG(dp != NULL, folder);
    for (struct dirent *e; dp && (e = readdir(dp)) && j->ncharts < MAX_CHARTS;) {
        size_t n = strlen(e->d_name);
        if (n <= 5 || strcmp(e->d_name + n - 5, ".json"))
            continue;
        int w = snprintf(j->charts[j->ncharts], PATH_MAX_LEN, "%s/%s", folder, e->d_name);
        CHECK(w > 0 && w < PATH_MAX_LEN);
        j->ncharts++;
    }
    if (dp)
        closedir(dp);
    qsort(j->charts, j->ncharts, PATH_MAX_LEN, by_name);
}

int main(void)
{
    const char *dir = ff_test_tmpdir();
    static struct job ref, a, b;
    setup(&ref, "ref", dir);
    setup(&a, "a", dir);
    setup(&b, "b", dir);
    CHECK(ref.ncharts >= 2);

    /* The reference, made alone. It must have exercised every part, not failed early. */
    char *want = one_round(&ref, 0);
    CHECK(want != NULL);
    if (!want)
        return ff_test_finish();
    size_t loaded = 0;
    for (const char *p = want; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        size_t n = strcspn(p, "\n");
        loaded += !strncmp(p, "chart ", 6) && n > 9 && !strncmp(p + n - 9, ": success", 9);
    }
    CHECK_INT(loaded, ref.ncharts);
    CHECK_MSG(strstr(want, "check: success, ") != NULL, want);
    CHECK_MSG(strstr(want, "run ended: 1, depth 1") != NULL, want);
    CHECK_MSG(strstr(want, "snapshot, restore, transcript: success") != NULL, want);
    CHECK_MSG(strstr(want, "event 0: success") != NULL, want);
    CHECK_MSG(strstr(want, "event 2: input breaks a rule") != NULL, want);
    CHECK_MSG(strstr(want, "appends: success") != NULL, want);
    CHECK_MSG(strstr(want, "dump: success") != NULL, want);

    a.want = b.want = want;
    pthread_t ta, tb;
    atomic_store(&threads_running, true);
    CHECK_INT(pthread_create(&ta, NULL, worker, &a), 0);
    CHECK_INT(pthread_create(&tb, NULL, worker, &b), 0);
    CHECK_INT(pthread_join(ta, NULL), 0);
    CHECK_INT(pthread_join(tb, NULL), 0);
    atomic_store(&threads_running, false);
    CHECK_INT(atomic_load(&hooks_changed_in_threads), 0);

    atomic_store(&threads_running, true);
    check_oom_per_thread(ref.runner[1]);
    atomic_store(&threads_running, false);
    CHECK_INT(atomic_load(&hooks_changed_in_threads), 0);
    CHECK_INT(a.mismatches, 0);
    CHECK_INT(b.mismatches, 0);
    if (a.mismatches)
        CHECK_STR(a.got, want);
    if (b.mismatches)
        CHECK_STR(b.got, want);
    free(a.got);
    free(b.got);
    free(want);
    return ff_test_finish();
}

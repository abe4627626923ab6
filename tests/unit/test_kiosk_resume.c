/* test_kiosk_resume.c - a session killed with SIGKILL and resumed: nothing recorded is
 * lost and nothing is recorded twice. A child process drives a session; the parent kills
 * it (at a step boundary, and at arbitrary moments mid-operation), reopens the kiosk,
 * resumes and drives to the end; then the run's step events must be exactly 1..N once
 * each, with one case and one visit request. An old unfinished run is discarded instead. */
#define _GNU_SOURCE
#include <cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fieldflow/field.h"
#include "kiosk_testlib.h"

static struct ff_library *lib;
static char store[4096], snap[4200];

static struct ff_kiosk *open_kiosk(int64_t now, uint64_t *seed)
{
    struct ff_kiosk_opts o = {.store_path = store,
                              .lib = lib,
                              .snapshot_path = snap,
                              .idle_ms = 90000,
                              .countdown_ms = 20000,
                              .random = kt_random,
                              .random_ctx = seed};
    struct ff_kiosk *k = NULL;
    CHECK(ff_kiosk_new(&o, now, &k) == FF_OK);
    return k;
}

/* One step decided by the node on screen, so a resumed session goes on the same way. */
static enum ff_err step(struct ff_kiosk *k, int64_t now)
{
    const struct ff_kiosk_view *v = ff_kiosk_view(k);
    const char *n = v->node_id;
    if (v->state == FF_KIOSK_ATTRACT)
        return ff_kiosk_begin(k, now);
    if (!strcmp(n, "ask-request"))
        return ff_kiosk_choose(k, "service", now);
    if (!strcmp(n, "safety-check") || !strcmp(n, "urgency"))
        return ff_kiosk_choose(k, "none", now);
    if (!strcmp(n, "existing-case"))
        return ff_kiosk_choose(k, "new-fault", now);
    if (!strcmp(n, "engineer-available"))
        return ff_kiosk_choose(k, "slot", now);
    if (!strcmp(n, "identify")) {
        struct ff_run_value id[] = {
            {"phone", "+45 12 34 56 78"}, {"name", "Ana Lund"}, {"address", "Nørregade 1"}};
        return ff_kiosk_submit(k, id, 3, now);
    }
    if (!strcmp(n, "record-details")) {
        struct ff_run_value d[] = {{"appliance", "heat_pump"}, {"description", "Makes a noise"}};
        return ff_kiosk_submit(k, d, 2, now);
    }
    if (!strcmp(n, "choose-slot")) {
        int y, m, d;
        ff_civil_from_days(now / 86400000 + 2, &y, &m, &d);
        char date[16];
        snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
        struct ff_run_value s[] = {{"visit_date", date}, {"time_window", "morning"}};
        return ff_kiosk_submit(k, s, 2, now);
    }
    return ff_kiosk_next(k, now); /* welcome, create-case */
}

/* The child: drives until the ending; with a pipe, waits for the parent after each step. */
static void child(int64_t now, int go_fd, int done_fd)
{
    uint64_t seed = (uint64_t)getpid() * 2654435761u + 1;
    struct ff_kiosk *k = open_kiosk(now, &seed);
    if (ff_kiosk_view(k)->state == FF_KIOSK_RESUME_OFFER)
        ff_kiosk_resume(k, now);
    for (int i = 0; i < 40 && ff_kiosk_view(k)->state != FF_KIOSK_ENDING; i++) {
        if (step(k, now += 1000))
            _exit(3);
        if (done_fd >= 0) {
            char c = 1;
            if (write(done_fd, &c, 1) != 1 || read(go_fd, &c, 1) != 1)
                _exit(4);
        }
    }
    _exit(0);
}

struct steps {
    const char *run_id;
    int seen[256]; /* how often each step number was recorded */
    int max;
};

static bool steps_fn(const struct ff_event *ev, void *ctx)
{
    struct steps *s = ctx;
    if (strcmp(ev->type, "run.step_recorded") || strcmp(ev->entity_id, s->run_id))
        return true;
    cJSON *p = cJSON_Parse(ev->payload);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(p, "step");
    if (cJSON_IsNumber(st) && st->valueint > 0 && st->valueint < 256) {
        s->seen[st->valueint]++;
        if (st->valueint > s->max)
            s->max = st->valueint;
    }
    cJSON_Delete(p);
    return true;
}

/* Every recorded step of run_id exactly once, 1..max, and max >= min_steps. */
static void check_steps(const char *run_id, int min_steps, const char *what)
{
    struct ff_store_opts so = {.path = store, .readonly = true};
    struct ff_store *s = NULL;
    CHECK(ff_store_open(&so, &s) == FF_OK);
    struct steps st = {.run_id = run_id};
    ff_kiosk_log_scan(s, steps_fn, &st);
    ff_store_close(s);
    int bad = 0;
    for (int i = 1; i <= st.max; i++)
        bad += st.seen[i] != 1;
    char msg[200];
    snprintf(msg, sizeof msg, "%s: steps 1..%d, %d recorded other than once", what, st.max, bad);
    CHECK_MSG(bad == 0 && st.max >= min_steps, msg);
}

/* Kills the child after `lock_steps` steps (lockstep) or after `usec` (mid-operation),
 * then resumes and finishes the run in this process. */
static void kill_and_resume(int lock_steps, long usec, int64_t *now, const char *what)
{
    int go[2], done[2];
    CHECK(pipe(go) == 0 && pipe(done) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(go[1]);
        close(done[0]);
        child(*now, lock_steps > 0 ? go[0] : -1, lock_steps > 0 ? done[1] : -1);
    }
    close(go[0]);
    close(done[1]);
    if (lock_steps > 0) {
        char c;
        for (int i = 0; i < lock_steps; i++) {
            CHECK(read(done[0], &c, 1) == 1);
            if (i + 1 < lock_steps)
                CHECK(write(go[1], &c, 1) == 1);
        }
    } else {
        nanosleep(&(struct timespec){usec / 1000000, (usec % 1000000) * 1000}, NULL);
    }
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    close(go[1]);
    close(done[0]);
    *now += 60000;            /* within the idle time: offered to resume */
    static uint64_t seed = 7; /* one stream for all sessions of this process: fresh ids */
    struct ff_kiosk *k = open_kiosk(*now, &seed);
    if (!k)
        return;
    bool offered = ff_kiosk_view(k)->state == FF_KIOSK_RESUME_OFFER;
    if (offered)
        CHECK(ff_kiosk_resume(k, *now) == FF_OK);
    char run_id[40];
    snprintf(run_id, sizeof run_id, "%s", ff_kiosk_run_id(k));
    if (offered)
        check_steps(run_id, 1, what); /* right after the resume: nothing lost or doubled */
    for (int i = 0; i < 40 && ff_kiosk_view(k)->state != FF_KIOSK_ENDING; i++)
        CHECK_MSG(step(k, *now += 1000) == FF_OK, ff_kiosk_errmsg(k));
    snprintf(run_id, sizeof run_id, "%s", ff_kiosk_run_id(k));
    CHECK(ff_kiosk_view(k)->ending == FF_KIOSK_END_VISIT);
    check_steps(run_id, 15, what);
    CHECK_INT(kt_events(store, "case.created", run_id), 1);
    CHECK_INT(kt_events(store, "visit.requested", ff_kiosk_view(k)->case_id), 1);
    printf("%s: %s, run %.8s\n", what, offered ? "resumed" : "nothing to resume", run_id);
    CHECK(ff_kiosk_finish(k, *now) == FF_OK);
    ff_kiosk_free(k);
}

int main(void)
{
    lib = kt_library();
    const char *dir = ff_test_tmpdir();
    snprintf(store, sizeof store, "%s", kt_store(dir, "resume.db"));
    snprintf(snap, sizeof snap, "%s/kiosk-run.json", dir);
    int64_t now = T0;
    char what[64];
    for (int s = 1; s <= 9; s += 2) {
        snprintf(what, sizeof what, "killed after step %d", s);
        kill_and_resume(s, 0, &now, what);
    }
    for (long us = 2000; us <= 40000; us += 4000) {
        snprintf(what, sizeof what, "killed after %ld us", us);
        kill_and_resume(0, us, &now, what);
    }

    /* an unfinished run older than the idle time is discarded, its events kept */
    int go[2], done[2];
    CHECK(pipe(go) == 0 && pipe(done) == 0);
    pid_t pid = fork();
    if (pid == 0)
        child(now, go[0], done[1]);
    char c;
    for (int i = 0; i < 4; i++) {
        CHECK(read(done[0], &c, 1) == 1);
        if (i < 3)
            CHECK(write(go[1], &c, 1) == 1);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    CHECK(access(snap, F_OK) == 0);
    now += 10 * 60000;
    uint64_t seed = 9;
    struct ff_kiosk *k = open_kiosk(now, &seed);
    CHECK(k && ff_kiosk_view(k)->state == FF_KIOSK_ATTRACT);
    CHECK(access(snap, F_OK) != 0);
    ff_kiosk_free(k);
    ff_library_free(lib);
    return ff_test_finish();
}

#define _GNU_SOURCE /* memmem */
/* test_store_migrate.c - schema migrations, forward only, from every earlier version.
 *
 * For each version v below the latest: make a file at v (the log only, as that build kept
 * it), put events in it, reopen with this build, and expect the migrated projections to equal
 * those of a store that received the same events at the latest version. Also: a file from a
 * newer build is refused, and an empty file is made at the latest version.
 */
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_int.h"
#include "store_testlib.h"

static const char *const events[][3] = {
    {"customer.created", "c1", "{\"name\":\"Åse Ærø\",\"phone\":\"+45 99 88 77 66\"}"},
    {"case.created", "k1",
     "{\"customer_id\":\"c1\",\"touchpoint\":\"letter\",\"request_type\":"
     "\"order\"}"},
    {"case.note_added", "k1", "{\"text\":\"out of stock: back-order\"}"},
    {"kb.published", "kb1",
     "{\"lang\":\"en\",\"title\":\"Back-orders\",\"body\":\"How we "
     "notify you.\"}"},
    {"visit.requested", "v1", "{\"case_id\":\"k1\",\"engineer_id\":\"e\",\"start\":1,\"end\":2}"},
};

static void fill(struct ff_store *s)
{
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
        append_ok(s, events[i][0], events[i][1], events[i][2]);
}

static void test_from(const char *dir, int v)
{
    char path[4096], name[64], *j = NULL;
    snprintf(name, sizeof name, "v%d.db", v);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct ff_store_opts o = {.path = path, .device = "old"};
    struct ff_store *s = NULL;
    CHECK_INT(ff_store__open_at(&o, v, &s), FF_OK);
    fill(s);
    ff_store_close(s);
    s = open_store(dir, name, "old"); /* migrates */
    struct ff_store *fresh = open_store(dir, "fresh.db", "new");
    if (!s || !fresh)
        return;
    CHECK_INT(sync_into(fresh, s), (int)(sizeof events / sizeof events[0]));
    char *a = dump_of(s), *b = dump_of(fresh);
    CHECK_MSG(!strcmp(a, b), name);
    CHECK(strstr(a, "customers|\"c1\"") != NULL);
    free(a);
    free(b);
    CHECK_INT(ff_store_customer_search(s, "ase aero", 5, &j), FF_OK); /* v2's search works */
    CHECK(has(j, "c1"));
    ff_free(j);
    CHECK_INT(ff_store_check(s), FF_OK);
    ff_store_close(s);
    ff_store_close(fresh);
    snprintf(path, sizeof path, "%s/fresh.db", dir);
    remove(path);
}

static void test_newer_refused(const char *dir)
{
    char path[4096], why[256] = "";
    snprintf(path, sizeof path, "%s/future.db", dir);
    struct ff_store *s = open_store(dir, "future.db", "dev");
    ff_store_close(s);
    sqlite3 *db;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    struct ff_store_opts o = {.path = path, .why = why, .why_len = sizeof why};
    CHECK_INT(ff_store_open(&o, &s), FF_EVERSION);
    CHECK(s == NULL && has(why, "schema version 99"));
}

static void test_not_a_db(const char *dir)
{
    char path[4096], why[256] = "";
    snprintf(path, sizeof path, "%s/junk.db", dir);
    FILE *f = fopen(path, "w");
    fputs("this is not a database, just some text that is long enough to matter........", f);
    fclose(f);
    struct ff_store *s;
    struct ff_store_opts o = {.path = path, .why = why, .why_len = sizeof why};
    CHECK_INT(ff_store_open(&o, &s), FF_ECORRUPT);
    CHECK(s == NULL && why[0]);
}

#define RACERS 6

/* A child: open (creating or migrating) the file at `path`, append one event, exit 0. */
static void racer(const char *path, int go_fd)
{
    char buf;
    if (read(go_fd, &buf, 1) < 0) /* all start together, when the pipe closes */
        _exit(3);
    char why[512] = "";
    struct ff_store_opts o = {.path = path, .device = "shared", .why = why, .why_len = sizeof why};
    struct ff_store *s = NULL;
    enum ff_err e = ff_store_open(&o, &s);
    if (!e)
        e = ff_store_append(s, "case.note_added", "k", "{\"text\":\"racer\"}", NULL);
    if (e)
        fprintf(stderr, "racer %d: %s: %s\n", (int)getpid(), ff_strerror(e),
                s ? ff_store_errmsg(s) : why);
    ff_store_close(s);
    _exit(e ? 1 : 0);
}

/* Processes creating or migrating one file at once all succeed, and the file is whole. */
static void race(const char *dir, const char *name, int from_version)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (from_version) {
        struct ff_store_opts o = {.path = path, .device = "shared"};
        struct ff_store *s = NULL;
        CHECK_INT(ff_store__open_at(&o, from_version, &s), FF_OK);
        ff_store_close(s);
    }
    int go[2];
    CHECK_INT(pipe(go), 0);
    pid_t kids[RACERS];
    for (int i = 0; i < RACERS; i++)
        if ((kids[i] = fork()) == 0) {
            close(go[1]);
            racer(path, go[0]);
        }
    close(go[0]);
    close(go[1]);
    for (int i = 0; i < RACERS; i++) {
        int status = 0;
        waitpid(kids[i], &status, 0);
        CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, name);
    }
    struct ff_store *s = open_store(dir, name, "shared");
    int64_t pending = 0;
    CHECK_INT(ff_store_pending(s, &pending), FF_OK);
    CHECK_INT(pending, RACERS);
    CHECK_INT(ff_store_check(s), FF_OK);
    ff_store_close(s);
}

/* A writer waiting for another's lock gives up after busy_ms, not the default 5 s. */
static void test_busy_wait(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/busy.db", dir);
    struct ff_store *holder = open_store(dir, "busy.db", "dev-h");
    struct ff_store_opts o = {.path = path, .busy_ms = 200};
    struct ff_store *waiter = NULL;
    CHECK_INT(ff_store_open(&o, &waiter), FF_OK);
    CHECK_INT(ff_store_begin(holder), FF_OK);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    enum ff_err e = ff_store_append(waiter, "case.note_added", "k", "{\"text\":\"w\"}", NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    CHECK_INT(e, FF_EDB);
    CHECK_MSG(has(ff_store_errmsg(waiter), "locked"), ff_store_errmsg(waiter));
    CHECK_MSG(ms >= 150 && ms < 2500, "busy_ms is not what the writer waited");
    ff_store_rollback(holder);
    CHECK_INT(ff_store_append(waiter, "case.note_added", "k", "{\"text\":\"w\"}", NULL), FF_OK);
    ff_store_close(waiter);
    ff_store_close(holder);
}

/* A file from before v3 whose log holds an erased customer's values: the migration's refold
 * redacts them, from the log and the old FTS segments too. */
static void test_erased_before_v3(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/erased-v2.db", dir);
    struct ff_store_opts o = {.path = path, .device = "old"};
    struct ff_store *s = NULL;
    CHECK_INT(ff_store__open_at(&o, 2, &s), FF_OK);
    append_ok(s, "customer.created", "c-gone",
              "{\"name\":\"Ulrikke Vexholm\",\"phone\":\"77712345\"}");
    append_ok(s, "case.note_added", "k-gone", "{\"text\":\"Vexholm rang\"}");
    append_ok(s, "case.created", "k-gone",
              "{\"customer_id\":\"c-gone\",\"touchpoint\":\"phone\",\"request_type\":\"order\"}");
    append_ok(s, "customer.erased", "c-gone", "{}");
    ff_store_close(s);
    s = open_store(dir, "erased-v2.db", "old"); /* migrates to v3 and refolds */
    CHECK_INT(ff_store_check(s), FF_OK);
    size_t len = 0;
    char *bytes = ff_test_slurp(path, &len);
    CHECK(bytes != NULL);
    for (int w = 0; w < 2 && bytes; w++) {
        CHECK_MSG(!memmem(bytes, len, "Vexholm", 7) && !memmem(bytes, len, "77712345", 8),
                  w ? "an erased value is in the WAL" : "an erased value is in the file");
        free(bytes);
        char wal[4200];
        snprintf(wal, sizeof wal, "%s-wal", path);
        bytes = w ? NULL : ff_test_slurp(wal, &len);
    }
    free(bytes);
    ff_store_close(s);
}

int main(void)
{
    const char *dir = ff_test_tmpdir();
    for (int v = 1; v < FF_STORE_SCHEMA_VERSION; v++)
        test_from(dir, v);
    test_newer_refused(dir);
    test_not_a_db(dir);
    race(dir, "race-new.db", 0);
    for (int v = 1; v < FF_STORE_SCHEMA_VERSION; v++) {
        char name[32];
        snprintf(name, sizeof name, "race-v%d.db", v);
        race(dir, name, v);
    }
    test_busy_wait(dir);
    test_erased_before_v3(dir);
    return ff_test_finish();
}

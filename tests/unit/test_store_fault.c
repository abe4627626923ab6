/* test_store_fault.c - durability and fault behaviour of the store.
 *
 * kill -9 of a writing child at 100 random moments: afterwards the file passes
 * integrity_check, every append the child saw succeed is there, and the local seq is
 * gapless. A full store (PRAGMA max_page_count, and RLIMIT_FSIZE in a child) and a read-only
 * file give a clear error and no partial event.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_int.h"
#include "store_testlib.h"

#define KILLS 100

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* The child: appends until killed, writing each committed seq to fd. */
static void writer(const char *path, int fd)
{
    struct ff_store *s;
    struct ff_store_opts o = {.path = path, .device = "victim"};
    if (ff_store_open(&o, &s))
        _exit(3);
    char id[37], payload[128];
    for (unsigned n = 0;; n++) {
        int64_t seq = 0;
        ff_store_new_id(id);
        snprintf(payload, sizeof payload,
                 "{\"touchpoint\":\"kiosk\",\"request_type\":"
                 "\"complaint\",\"description\":\"attempt %u\"}",
                 n);
        if (n % 4 == 3) { /* a batch of three, reported after its commit */
            int64_t seqs[3];
            if (ff_store_begin(s))
                _exit(4);
            for (int k = 0; k < 3; k++)
                if (ff_store_append(s, "case.note_added", id, "{\"text\":\"n\"}", &seqs[k]))
                    _exit(4);
            if (ff_store_commit(s))
                _exit(4);
            if (write(fd, seqs, sizeof seqs) != sizeof seqs)
                _exit(5);
            continue;
        }
        if (ff_store_append(s, "case.created", id, payload, &seq))
            _exit(4);
        if (write(fd, &seq, sizeof seq) != sizeof seq)
            _exit(5);
    }
}

static int64_t max_reported(int fd)
{
    int64_t seq, max = 0;
    ssize_t n;
    while ((n = read(fd, &seq, sizeof seq)) == sizeof seq)
        if (seq > max)
            max = seq;
    return max;
}

static void verify(const char *path, int64_t acked, bool full)
{
    struct ff_store *s;
    struct ff_store_opts o = {.path = path, .device = "victim"};
    CHECK_INT(ff_store_open(&o, &s), FF_OK);
    if (!s)
        return;
    int64_t count = 0, max = 0;
    sqlite3_stmt *st = ff_store__query(s, S_LOCAL_GAPS, "s", "victim");
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        count = sqlite3_column_int64(st, 0);
        max = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    CHECK_MSG(max >= acked, "an acknowledged append was lost");
    CHECK_INT(count, max); /* gapless */
    if (full)
        CHECK_MSG(ff_store_check(s) == FF_OK, ff_store_errmsg(s));
    ff_store_close(s);
}

static void test_kill(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/kill.db", dir);
    int64_t acked = 0;
    for (int i = 0; i < KILLS; i++) {
        int p[2];
        CHECK(pipe(p) == 0);
        pid_t pid = fork();
        if (pid == 0) {
            close(p[0]);
            writer(path, p[1]);
        }
        close(p[1]);
        int64_t first = 0;
        if (i % 5 != 0) /* mostly kill mid-append; every fifth at any moment, open included */
            CHECK(read(p[0], &first, sizeof first) == sizeof first);
        sleep_us(rnd(i % 5 ? 20000 : 40000));
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        int64_t m = max_reported(p[0]);
        m = first > m ? first : m;
        close(p[0]);
        acked = m > acked ? m : acked;
        verify(path, acked, i % 25 == 24);
    }
    CHECK(acked > KILLS); /* the child did get work done between kills */
}

static void test_max_page_count(const char *dir)
{
    struct ff_store *s = open_store(dir, "full.db", "dev-f");
    char big[20000];
    memset(big, 0, sizeof big);
    snprintf(big, sizeof big, "{\"lang\":\"en\",\"title\":\"t\",\"body\":\"");
    memset(big + strlen(big), 'x', 15000);
    snprintf(big + strlen(big), 8, "\"}");
    sqlite3_exec(s->db, "PRAGMA max_page_count = 40", NULL, NULL, NULL);
    enum ff_err e = FF_OK;
    int64_t before = 0, after = 0;
    int i;
    for (i = 0; i < 100 && !e; i++) {
        CHECK_INT(ff_store_pending(s, &before), FF_OK);
        e = ff_store_append(s, "kb.published", "kb-1", big, NULL);
    }
    CHECK_INT(e, FF_EFULL);
    CHECK_MSG(has(ff_store_errmsg(s), "full"), ff_store_errmsg(s));
    CHECK_INT(ff_store_pending(s, &after), FF_OK);
    CHECK_INT(after, before); /* no partial event */
    sqlite3_exec(s->db, "PRAGMA max_page_count = 100000", NULL, NULL, NULL);
    int64_t seq;
    CHECK_INT(ff_store_append(s, "kb.published", "kb-2", big, &seq), FF_OK);
    CHECK_INT(seq, before + 1); /* still gapless */
    CHECK_INT(ff_store_check(s), FF_OK);
    ff_store_close(s);
}

/* In a child limited to the file's size plus a little, appends until the limit bites. */
static void test_fsize(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/fsize.db", dir);
    struct ff_store *s = open_store(dir, "fsize.db", "dev-z");
    append_ok(s, "customer.created", "c", "{\"name\":\"first\"}");
    ff_store_close(s);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct stat st;
        stat(path, &st);
        struct rlimit rl = {(rlim_t)st.st_size + 64 * 1024, (rlim_t)st.st_size + 64 * 1024};
        setrlimit(RLIMIT_FSIZE, &rl);
        struct ff_store_opts o = {.path = path};
        if (ff_store_open(&o, &s))
            _exit(100);
        enum ff_err e = FF_OK;
        for (int i = 0; i < 10000 && !e; i++)
            e = ff_store_append(s, "case.note_added", "k",
                                "{\"text\":\"a note of some length "
                                "to fill the file a little faster ................\"}",
                                NULL);
        fprintf(stderr, "fsize child: %s: %s\n", ff_strerror(e), ff_store_errmsg(s));
        ff_store_close(s);
        _exit((int)e);
    }
    int status;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK_INT(WEXITSTATUS(status), FF_EFULL);
    s = open_store(dir, "fsize.db", "dev-z");
    CHECK_MSG(ff_store_check(s) == FF_OK, ff_store_errmsg(s));
    int64_t seq;
    CHECK_INT(ff_store_append(s, "case.note_added", "k", "{\"text\":\"after\"}", &seq), FF_OK);
    ff_store_close(s);
}

static void test_readonly(const char *dir)
{
    char path[4200], sub[4096];
    snprintf(sub, sizeof sub, "%s/ro", dir);
    mkdir(sub, 0755);
    chmod(dir, 0755);
    struct ff_store *s = open_store(sub, "ro.db", "dev-ro");
    append_ok(s, "customer.created", "c", "{\"name\":\"kept\"}");
    ff_store_close(s);
    snprintf(path, sizeof path, "%s/ro.db", sub);
    struct ff_store_opts o = {.path = path, .readonly = true};
    CHECK_INT(ff_store_open(&o, &s), FF_OK); /* the read-only option */
    CHECK_INT(ff_store_append(s, "customer.created", "d", "{\"name\":\"x\"}", NULL), FF_EREADONLY);
    CHECK(has(ff_store_errmsg(s), "read-only"));
    ff_store_close(s);
    chmod(path, 0444);
    pid_t pid = fork(); /* a read-only file: root ignores modes, so drop to nobody */
    if (pid == 0) {
        if (geteuid() == 0 && setuid(65534) != 0)
            _exit(99);
        char why[512] = "";
        struct ff_store_opts w = {.path = path, .why = why, .why_len = sizeof why};
        enum ff_err e = ff_store_open(&w, &s);
        if (!e) {
            e = ff_store_append(s, "customer.created", "d", "{\"name\":\"x\"}", NULL);
            snprintf(why, sizeof why, "%s", ff_store_errmsg(s));
            ff_store_close(s);
        }
        fprintf(stderr, "read-only file: %s: %s\n", ff_strerror(e), why);
        _exit(e == FF_EREADONLY && strstr(why, "read-only") ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    chmod(path, 0644);
    s = open_store(sub, "ro.db", "dev-ro");
    int64_t pending;
    CHECK_INT(ff_store_pending(s, &pending), FF_OK);
    CHECK_INT(pending, 1);
    ff_store_close(s);
}

/* Two processes appending to one file: seq stays gapless and the clock never runs back
 * along the seq (each process reloads the clock under the write lock). */
static void test_two_writers(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/two.db", dir);
    struct ff_store *s = open_store(dir, "two.db", "shared");
    ff_store_close(s);
    pid_t pids[2];
    for (int w = 0; w < 2; w++) {
        if ((pids[w] = fork()) == 0) {
            struct ff_store_opts o = {.path = path};
            if (ff_store_open(&o, &s))
                _exit(1);
            for (int i = 0; i < 60; i++)
                if (ff_store_append(s, "case.note_added", w ? "k-b" : "k-a", "{\"text\":\"x\"}",
                                    NULL))
                    _exit(2);
            ff_store_close(s);
            _exit(0);
        }
    }
    for (int w = 0; w < 2; w++) {
        int status;
        waitpid(pids[w], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    s = open_store(dir, "two.db", "shared");
    char *lines = NULL;
    CHECK_INT(ff_store_events_after(s, 0, 1000, &lines), FF_OK);
    int n = 0, ordered = 1;
    char prev[17] = "";
    for (const char *p = lines; p && (p = strstr(p, "\"hlc\":\"")); n++) {
        p += 7;
        ordered &= strncmp(prev, p, 16) < 0;
        memcpy(prev, p, 16);
    }
    CHECK_INT(n, 120);
    CHECK(ordered);
    CHECK_INT(ff_store_check(s), FF_OK);
    ff_free(lines);
    ff_store_close(s);
}

int main(void)
{
    const char *dir = ff_test_tmpdir();
    test_max_page_count(dir);
    test_fsize(dir);
    test_readonly(dir);
    test_two_writers(dir);
    test_kill(dir);
    return ff_test_finish();
}

/* bench_store.c - figures for the device store (prints them; not a test).
 *
 *   bench_store [CASES] [DIR]     default 100000 cases (~1M events) in $TMPDIR
 *
 * Builds a store of CASES cases (customers, notes, edits, visits, reports, feedback: ~10.5
 * events a case) in batches of 1000, and a raw-SQLite baseline that inserts the same event
 * rows into a plain table in the same batches, same WAL and synchronous=FULL. Then: single
 * appends (each a durable commit) with p50/p99 latency, fold rates (incremental, measured
 * as log+fold minus log-only on a sample, and full rebuild), the screens' queries (p50/p99),
 * and bytes per event. Targets: batched append >= 50% of raw; every screen query < 10 ms p99.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fieldflow/mem.h"
#include "store_int.h"

#define BATCH 1000
#define ENGINEERS 200
#define DAYS 30
#define DAY_MS 86400000LL
#define T0 1732406400000LL

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread: a query's own cost, whatever else the machine runs */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static const char *const first_names[] = {"Søren", "María", "Jens",  "Ana",   "Pia",
                                          "José",  "Mette", "Lucía", "Niels", "Óscar"};
static const char *const last_names[] = {"Ångström", "Peña",  "Jensen", "García",   "Nielsen",
                                         "Møller",   "López", "Hansen", "Martínez", "Sørensen"};

/* Where generated events go: the store, or the raw baseline. */
struct sink {
    struct ff_store *s; /* the store, or NULL */
    sqlite3_stmt *raw;  /* the baseline's INSERT, or NULL */
    int64_t seq;        /* baseline: next seq */
    long n;             /* events written */
};

static void emit(struct sink *k, const char *type, const char *id, const char *payload,
                 int64_t *seq)
{
    k->n++;
    if (k->s) {
        if (ff_store_append(k->s, type, id, payload, seq)) {
            fprintf(stderr, "append: %s\n", ff_store_errmsg(k->s));
            exit(1);
        }
        return;
    }
    char entity[64];
    snprintf(entity, sizeof entity, "%.*s", (int)strcspn(type, "."), type);
    *seq = k->seq++;
    sqlite3_bind_text(k->raw, 1, "bench-dev", -1, SQLITE_STATIC);
    sqlite3_bind_int64(k->raw, 2, *seq);
    sqlite3_bind_int64(k->raw, 3, (int64_t)(T0 << 16) + *seq);
    sqlite3_bind_text(k->raw, 4, entity, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(k->raw, 5, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(k->raw, 6, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(k->raw, 7, payload, -1, SQLITE_TRANSIENT);
    sqlite3_bind_null(k->raw, 8);
    sqlite3_bind_int(k->raw, 9, 1);
    sqlite3_bind_int(k->raw, 10, 1);
    if (sqlite3_step(k->raw) != SQLITE_DONE)
        exit(1);
    sqlite3_reset(k->raw);
}

static void make_customer(struct sink *k, long c)
{
    char id[32], p[256];
    int64_t seq;
    snprintf(id, sizeof id, "cust-%ld", c);
    snprintf(p, sizeof p,
             "{\"name\":\"%s %s %ld\",\"phone\":\"+45 %08ld\",\"email\":"
             "\"c%ld@example.dk\",\"address\":\"Gade %ld\"}",
             first_names[c % 10], last_names[(c / 10) % 10], c, 20000000 + c * 7, c, c % 500);
    emit(k, "customer.created", id, p, &seq);
}

/* One case's life: ~10 events. */
static void make_case(struct sink *k, long c, long customers)
{
    char id[32], vid[32], rid[32], p[512];
    int64_t created, seq;
    const char *dev = k->s ? ff_store_device(k->s) : "bench-dev";
    snprintf(id, sizeof id, "case-%ld", c);
    snprintf(p, sizeof p,
             "{\"customer_id\":\"cust-%ld\",\"touchpoint\":\"phone\",\"request_type\":"
             "\"service_request\",\"category\":\"boiler\",\"priority\":2,\"description\":"
             "\"No hot water since Monday, pressure gauge reads %ld\"}",
             c % customers, c % 4);
    emit(k, "case.created", id, p, &created);
    for (int n = 0; n < 3; n++) {
        snprintf(p, sizeof p, "{\"text\":\"Called the customer back, attempt %d\"}", n);
        emit(k, "case.note_added", id, p, &seq);
    }
    snprintf(p, sizeof p, "{\"field\":\"priority\",\"value\":3,\"prev\":[\"%s:%lld\"]}", dev,
             (long long)created);
    emit(k, "case.field_edited", id, p, &seq);
    snprintf(p, sizeof p, "{\"status\":\"scheduled\",\"prev\":[]}");
    emit(k, "case.status_changed", id, p, &seq);
    snprintf(vid, sizeof vid, "visit-%ld", c);
    long long start = T0 + (c % DAYS) * DAY_MS + 8 * 3600000LL + (c % 9) * 3600000LL;
    snprintf(p, sizeof p,
             "{\"case_id\":\"%s\",\"engineer_id\":\"eng-%ld\",\"start\":%lld,"
             "\"end\":%lld}",
             id, c % ENGINEERS, start, start + 3600000LL);
    emit(k, "visit.requested", vid, p, &seq);
    snprintf(p, sizeof p, "{\"at\":%lld}", start + 60000);
    emit(k, "visit.checked_in", vid, p, &seq);
    snprintf(rid, sizeof rid, "report-%ld", c);
    snprintf(
        p, sizeof p,
        "{\"case_id\":\"%s\",\"visit_id\":\"%s\",\"work_done\":\"Replaced the "
        "pressure valve and bled the radiators\",\"parts\":[{\"part\":\"valve-22\",\"qty\":1}],"
        "\"minutes\":45,\"outcome\":\"fixed\"}",
        id, vid);
    emit(k, "report.submitted", rid, p, &seq);
    snprintf(rid, sizeof rid, "fb-%ld", c);
    snprintf(p, sizeof p, "{\"score\":%ld,\"case_id\":\"%s\"}", 1 + c % 5, id);
    emit(k, "feedback.given", rid, p, &seq);
}

static void make_kb(struct sink *k, long n)
{
    static const char *const langs[] = {"en", "da", "es"};
    static const char *const words[] = {"boiler",  "kedel",    "caldera", "pressure", "tryk",
                                        "presión", "radiator", "støj",    "ruido",    "valve"};
    char id[32], p[512];
    int64_t seq;
    for (long i = 0; i < n; i++) {
        snprintf(id, sizeof id, "kb-%ld", i);
        snprintf(p, sizeof p,
                 "{\"lang\":\"%s\",\"title\":\"%s %s %ld\",\"body\":\"When the %s "
                 "makes %s, check the %s first. Article %ld.\"}",
                 langs[i % 3], words[i % 10], words[(i / 10) % 10], i, words[(i + 3) % 10],
                 words[(i + 7) % 10], words[(i / 7) % 10], i);
        emit(k, "kb.published", id, p, &seq);
    }
}

static void begin(struct sink *k)
{
    if (k->s)
        ff_store_begin(k->s);
    else
        sqlite3_exec(sqlite3_db_handle(k->raw), "BEGIN", NULL, NULL, NULL);
}

static void commit(struct sink *k)
{
    if (k->s) {
        if (ff_store_commit(k->s)) {
            fprintf(stderr, "commit: %s\n", ff_store_errmsg(k->s));
            exit(1);
        }
    } else {
        sqlite3_exec(sqlite3_db_handle(k->raw), "COMMIT", NULL, NULL, NULL);
    }
}

/* Everything, in transactions of ~BATCH events. */
static void generate(struct sink *k, long cases, long first_case)
{
    long customers = cases / 2 > 0 ? cases / 2 : 1;
    long mark = 0;
    begin(k);
    for (long c = 0; c < cases; c++) {
        if (c < customers && first_case == 0)
            make_customer(k, c);
        make_case(k, first_case + c, customers);
        if (k->n - mark >= BATCH) {
            commit(k);
            begin(k);
            mark = k->n;
        }
    }
    if (first_case == 0)
        make_kb(k, 3000);
    commit(k);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double cpu_lat[1000]; /* CPU-time twin of the wall-clock latencies being reported */

static void report_lat(const char *what, double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_d);
    printf("%-34s p50 %8.3f ms   p99 %8.3f ms", what, t[n / 2] * 1e3, t[(int)(n * 0.99)] * 1e3);
    if (n <= 1000 && cpu_lat[0] > 0) {
        qsort(cpu_lat, (size_t)n, sizeof *cpu_lat, cmp_d);
        printf("   cpu p99 %7.3f ms", cpu_lat[(int)(n * 0.99)] * 1e3);
        memset(cpu_lat, 0, sizeof cpu_lat);
    }
    printf("   (n=%d)\n", n);
}

static struct ff_store *open_at(const char *dir, const char *name, const char *dev)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    remove(path);
    struct ff_store *s;
    struct ff_store_opts o = {.path = path, .device = dev};
    if (ff_store_open(&o, &s)) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(1);
    }
    return s;
}

/* The same rows through plain SQLite: into a table without indexes (the baseline of the
 * target), or with the store's own key and index (what the log's schema alone costs). */
static double raw_baseline(const char *dir, long cases, bool indexed, double *cpu)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/bench-raw%s.db", dir, indexed ? "-indexed" : "");
    remove(path);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-8192",
                 NULL, NULL, NULL);
    sqlite3_exec(db,
                 indexed ? "CREATE TABLE events(device, seq, hlc, entity, entity_id, type,"
                           " payload, author, schema, known, PRIMARY KEY(device, seq))"
                           " WITHOUT ROWID; CREATE INDEX events_entity ON"
                           " events(entity, entity_id, hlc, device)"
                         : "CREATE TABLE events(device, seq, hlc, entity, entity_id, type,"
                           " payload, author, schema, known)",
                 NULL, NULL, NULL);
    struct sink k = {.seq = 1};
    sqlite3_prepare_v2(db, "INSERT INTO events VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)", -1, &k.raw,
                       NULL);
    double t = now_s(), c = cpu_s();
    generate(&k, cases, 0);
    t = now_s() - t;
    c = cpu_s() - c;
    sqlite3_finalize(k.raw);
    sqlite3_close(db);
    printf("%-36s%10.0f events/s  (%ld events, %.2f s, cpu %.2f s)\n",
           indexed ? "raw sqlite, store's key + index" : "raw sqlite insert (baseline)",
           (double)k.n / t, k.n, t, c);
    if (cpu)
        *cpu = c;
    return (double)k.n / t;
}

static void single_appends(struct ff_store *s, long cases)
{
    enum { N = 2000 };
    static double lat[N];
    char p[128];
    double t0 = now_s();
    for (int i = 0; i < N; i++) {
        double t = now_s();
        snprintf(p, sizeof p, "{\"text\":\"single append %d\"}", i);
        char id[32];
        snprintf(id, sizeof id, "case-%u", rnd((unsigned)cases));
        if (ff_store_append(s, "case.note_added", id, p, NULL))
            exit(1);
        lat[i] = now_s() - t;
    }
    printf("single append (durable commit each) %10.0f events/s\n", N / (now_s() - t0));
    report_lat("  commit latency", lat, N);
}

/* Incremental fold cost: the same sample with and without the fold. */
static void incremental_fold(const char *dir, long cases)
{
    long sample = cases / 10 > 1000 ? cases / 10 : cases;
    struct ff_store *a = open_at(dir, "bench-logonly.db", "bench-dev");
    a->no_fold = true;
    struct sink k = {.s = a};
    double t = now_s();
    generate(&k, sample, 0);
    double log_only = now_s() - t;
    ff_store_close(a);
    struct ff_store *b = open_at(dir, "bench-fold.db", "bench-dev");
    struct sink k2 = {.s = b};
    t = now_s();
    generate(&k2, sample, 0);
    double with_fold = now_s() - t;
    ff_store_close(b);
    printf("batched append, log only (sample)   %10.0f events/s\n", (double)k.n / log_only);
    printf("incremental fold (sample)           %10.0f events/s  (%.2f s of %.2f s)\n",
           (double)k.n / (with_fold - log_only), with_fold - log_only, with_fold);
}

static void queries(struct ff_store *s, long cases)
{
    enum { N = 1000 };
    static double lat[N];
    char *out, q[64];
    static const char *const kbq[] = {"kedel", "presion", "boiler pressure",
                                      "stoj",  "valve",   "radiator ruido",
                                      "tryk",  "caldera"};
    for (int i = 0; i < N; i++) {
        double t = now_s(), c = cpu_s();
        snprintf(q, sizeof q, "eng-%u", rnd(ENGINEERS));
        if (ff_store_visits_of_day(s, q, T0 + rnd(DAYS) * DAY_MS, &out))
            exit(1);
        lat[i] = now_s() - t;
        cpu_lat[i] = cpu_s() - c;
        ff_free(out);
    }
    report_lat("today's visits of an engineer", lat, N);
    for (int i = 0; i < N; i++) {
        double t = now_s(), c = cpu_s();
        snprintf(q, sizeof q, "case-%u", rnd((unsigned)cases));
        if (ff_store_case_detail(s, q, &out))
            exit(1);
        lat[i] = now_s() - t;
        cpu_lat[i] = cpu_s() - c;
        ff_free(out);
    }
    report_lat("case + customer + history", lat, N);
    for (int i = 0; i < N; i++) {
        double t = now_s(), c = cpu_s();
        if (ff_store_kb_search(s, kbq[i % 8], NULL, 10, &out))
            exit(1);
        lat[i] = now_s() - t;
        cpu_lat[i] = cpu_s() - c;
        ff_free(out);
    }
    report_lat("KB search (top 10)", lat, N);
    for (int i = 0; i < N; i++) {
        unsigned cu = rnd((unsigned)(cases / 2));
        if (i % 3 == 0)
            snprintf(q, sizeof q, "%s %u", last_names[(cu / 10) % 10], cu);
        else if (i % 3 == 1)
            snprintf(q, sizeof q, "%08u", 20000000 + cu * 7);
        else
            snprintf(q, sizeof q, "c%u@exam", cu);
        double t = now_s(), c = cpu_s();
        if (ff_store_customer_search(s, q, 20, &out))
            exit(1);
        lat[i] = now_s() - t;
        cpu_lat[i] = cpu_s() - c;
        ff_free(out);
    }
    report_lat("customer search (name/phone/email)", lat, N);
}

int main(int argc, char **argv)
{
    long cases = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    const char *tmp = getenv("TMPDIR");
    const char *dir = argc > 2 ? argv[2] : tmp ? tmp : "/tmp";
    cases = cases < 100 ? 100 : cases;
    printf("fieldflow store benchmark: %ld cases, SQLite %s, dir %s\n", cases, sqlite3_libversion(),
           dir);
    double raw_cpu;
    double raw = raw_baseline(dir, cases, false, &raw_cpu);
    raw_baseline(dir, cases, true, NULL);
    struct ff_store *s = open_at(dir, "bench-store.db", "bench-dev");
    struct sink k = {.s = s};
    double t = now_s(), c = cpu_s();
    generate(&k, cases, 0);
    t = now_s() - t;
    c = cpu_s() - c;
    /* the CPU-time ratio is steadier than the wall-clock one on a shared machine */
    printf("batched append + incremental fold   %10.0f events/s  (%ld events, %.2f s, cpu %.2f s)"
           " = %.0f%% of raw (cpu: %.0f%%)\n",
           (double)k.n / t, k.n, t, c, 100.0 * ((double)k.n / t) / raw, 100.0 * raw_cpu / c);
    incremental_fold(dir, cases);
    single_appends(s, cases);
    t = now_s();
    if (ff_store_rebuild(s))
        exit(1);
    t = now_s() - t;
    printf("full rebuild (fold of the whole log)%10.0f events/s  (%.2f s)\n",
           (double)(k.n + 2000) / t, t);
    queries(s, cases);
    sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/bench-store.db", dir);
    stat(path, &st);
    printf("file size                           %10.1f MB, %.0f bytes/event (log + projections"
           " + indexes)\n",
           (double)st.st_size / 1e6, (double)st.st_size / (double)(k.n + 2000));
    ff_store_close(s);
    return 0;
}

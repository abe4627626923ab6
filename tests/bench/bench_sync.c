/* bench_sync.c - figures for sync (issue 10, section 7); prints them, no pass/fail on speed.
 *
 *   bench_sync [SMALL [LARGE [DEVICES]]]     default 10000, 100000 events, 200 devices
 *
 * Starts fieldflow-server (FF_SERVER, else next to this program) over HTTPS on loopback and
 * speaks sync/PROTOCOL.md to it itself through libcurl (the key pinned, gzip both ways), so
 * the figures are the server's and the wire's, not a client's import: push and pull rates
 * for SMALL and LARGE events (batches of 1000, pages of 5000), the first sync of everything
 * to a new device (also with `ffctl sync --enrol`, which imports into a device store, when
 * ffctl has sync), DEVICES devices syncing at once (p50/p99 of one device's push + pull),
 * the time a change takes to reach another online device through the long-poll (p50/p95),
 * bytes on the wire per event (HTTP headers and bodies; TLS framing adds ~1%), and the
 * server's peak RSS. Once on SQLite and, when tests/tools/pg_temp.sh can start a cluster,
 * on PostgreSQL, where 3 devices also push at once into 1 and into 3 server instances over
 * one database. Baseline in the same run: raw SQLite inserts of the same event lines in
 * the same batches (WAL, synchronous=FULL).
 * Each device binds its own loopback address (127.0.x.y), so the enrolment rate limit (per
 * client address) is never what is measured.
 */
#define _DEFAULT_SOURCE
#include <cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fieldflow/mem.h"
#include "sync_wire.h"

extern char **environ;

#define BATCH 1000
#define PAGE 5000
#define REACH_SAMPLES 30
#define FLEET_EVENTS 20

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of n samples (sorts them). */
static double quantile(double *v, size_t n, double q)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

/* A growing byte buffer, always NUL-terminated. */
struct buf {
    char *p;    /* the bytes */
    size_t n;   /* used */
    size_t cap; /* allocated */
};

static bool buf_add(struct buf *b, const void *data, size_t len)
{
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + len + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return false;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
    b->p[b->n] = '\0';
    return true;
}

/* ---- processes ---------------------------------------------------------------------- */

/* Starts argv with stdout into a pipe (returned, read end) and stderr into log_path. */
static pid_t spawn(char *const argv[], const char *log_path, FILE **out)
{
    int fds[2];
    if (pipe(fds))
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addopen(&fa, 2, log_path ? log_path : "/dev/null",
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_t pid;
    int e = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (e) {
        close(fds[0]);
        fprintf(stderr, "bench_sync: cannot start %s: %s\n", argv[0], strerror(e));
        return -1;
    }
    *out = fdopen(fds[0], "r");
    return pid;
}

/* Runs argv to its end; its first stdout line into line. Returns its exit status or -1.
 * Its stdout goes to a temporary file, not a pipe: a daemon it leaves behind (pg_ctl's
 * postgres) would hold a pipe open for ever. */
static int run_line(char *const argv[], char *line, size_t cap)
{
    FILE *out = tmpfile();
    if (!out)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fileno(out), 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int e = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    int st = -1;
    if (e)
        fprintf(stderr, "bench_sync: cannot start %s: %s\n", argv[0], strerror(e));
    else if (waitpid(pid, &st, 0) < 0)
        st = -1;
    rewind(out);
    line[0] = '\0';
    if (!fgets(line, (int)cap, out))
        line[0] = '\0';
    line[strcspn(line, "\n")] = '\0';
    fclose(out);
    return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Peak resident set of a live process (VmHWM), in KiB; 0 if unknown. */
static long peak_rss_kb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6))
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

struct paths {
    char server[1024]; /* fieldflow-server */
    char ffctl[1024];  /* ffctl */
    char pg_temp[1024];
    char dir[256]; /* this run's temporary directory */
};

/* One running server instance. */
struct srv {
    pid_t pid;
    FILE *out;     /* its stdout (kept open: it may print more) */
    char url[128]; /* https://127.0.0.1:PORT */
    char pin[128]; /* sha256//... */
    const char *db;
};

static bool srv_start(const struct paths *p, const char *db, const char *name, struct srv *s)
{
    char data[512], log[600];
    snprintf(data, sizeof data, "%s/%s", p->dir, name);
    snprintf(log, sizeof log, "%s.log", data);
    mkdir(data, 0700);
    char *argv[] = {(char *)p->server, "serve",      "--listen", "127.0.0.1:0",
                    "--data",          data,         "--db",     (char *)db,
                    "--instance",      (char *)name, NULL};
    memset(s, 0, sizeof *s);
    s->db = db;
    s->pid = spawn(argv, log, &s->out);
    if (s->pid < 0)
        return false;
    char line[128];
    while ((!s->url[0] || !s->pin[0]) && fgets(line, sizeof line, s->out)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strncmp(line, "listening ", 10))
            snprintf(s->url, sizeof s->url, "%s", line + 10);
        else if (!strncmp(line, "pin ", 4))
            snprintf(s->pin, sizeof s->pin, "%s", line + 4);
    }
    if (!s->url[0] || !s->pin[0]) {
        fprintf(stderr, "bench_sync: the server %s did not start (see %s)\n", name, log);
        return false;
    }
    return true;
}

static void srv_stop(struct srv *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
    fclose(s->out);
    s->pid = 0;
}

static bool new_code(const struct paths *p, const char *db, const char *kind, const char *site,
                     char *code, size_t cap)
{
    char *argv[] = {(char *)p->server, "enrol-code", "--db", (char *)db, "--kind", (char *)kind,
                    "--ttl",           "3600",       NULL,   NULL,       NULL};
    if (site) {
        argv[8] = "--site";
        argv[9] = (char *)site;
    }
    if (run_line(argv, code, cap) != 0 || !code[0]) {
        fprintf(stderr, "bench_sync: enrol-code --kind %s failed\n", kind);
        return false;
    }
    return true;
}

/* ---- one device, speaking the protocol ---------------------------------------------- */

struct dev {
    CURL *h;             /* its connection (kept alive between requests) */
    const struct srv *s; /* the server it talks to */
    char id[64];         /* device id */
    char token[256];     /* access token */
    char cursor[64];     /* pull cursor */
    char bind[64];       /* curl's "host!127.0.x.y": its own client address */
    int64_t seq;         /* last seq of its own it pushed */
    uint64_t wire;       /* bytes on the wire: HTTP headers and bodies, both ways */
    bool gz;             /* the last reply was gzip */
    char why[256];       /* the last failure */
};

static unsigned next_addr = 2;

static bool dev_init(struct dev *d, const struct srv *s, const char *id)
{
    memset(d, 0, sizeof *d);
    d->s = s;
    d->h = curl_easy_init();
    snprintf(d->id, sizeof d->id, "%s", id);
    unsigned a = next_addr++;
    snprintf(d->bind, sizeof d->bind, "host!127.0.%u.%u", a / 250, a % 250 + 2);
    return d->h != NULL;
}

static void dev_free(struct dev *d)
{
    if (d->h)
        curl_easy_cleanup(d->h);
    d->h = NULL;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    return buf_add(arg, data, size * n) ? size * n : 0;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    struct dev *d = arg;
    if (size * n >= 22 && !strncasecmp(data, "content-encoding: gzip", 22))
        d->gz = true;
    return size * n;
}

/* One request; the reply's body (inflated) in *reply. Returns the HTTP status, 0 if none. */
static long http(struct dev *d, const char *path, const char *ctype, const char *body, size_t len,
                 int timeout_s, struct buf *reply)
{
    char url[512], auth[300], ct[128];
    snprintf(url, sizeof url, "%s%s", d->s->url, path);
    struct curl_slist *hs = NULL;
    hs = curl_slist_append(hs, "FF-Protocol: 1");
    hs = curl_slist_append(hs, "Accept-Encoding: gzip");
    hs = curl_slist_append(hs, "Expect:");
    char *gz = NULL;
    size_t gz_len = 0;
    if (d->token[0]) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", d->token);
        hs = curl_slist_append(hs, auth);
    }
    CURL *h = d->h;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, d->s->pin);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(h, CURLOPT_INTERFACE, d->bind);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout_s);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, d);
    struct buf raw = {0};
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &raw);
    if (body) {
        snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
        hs = curl_slist_append(hs, ct);
        if (len > 512 && sw_gzip(body, len, &gz, &gz_len) == FF_OK) {
            hs = curl_slist_append(hs, "Content-Encoding: gzip");
            body = gz;
            len = gz_len;
        }
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
    d->gz = false;
    CURLcode rc = curl_easy_perform(h);
    long status = 0, req = 0, hdr = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &req);
    curl_easy_getinfo(h, CURLINFO_HEADER_SIZE, &hdr);
    d->wire += (uint64_t)req + (body ? len : 0) + (uint64_t)hdr + raw.n;
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
    curl_slist_free_all(hs);
    ff_free(gz);
    if (rc != CURLE_OK) {
        snprintf(d->why, sizeof d->why, "%s: %s", path, curl_easy_strerror(rc));
        free(raw.p);
        return 0;
    }
    reply->n = 0;
    if (d->gz && raw.n) {
        char *plain = NULL;
        size_t plain_len = 0;
        char why[128];
        if (sw_gunzip(raw.p, raw.n, 256u << 20, &plain, &plain_len, why, sizeof why) != FF_OK) {
            snprintf(d->why, sizeof d->why, "%s: reply: %s", path, why);
            free(raw.p);
            return 0;
        }
        buf_add(reply, plain, plain_len);
        ff_free(plain);
    } else if (raw.n) {
        buf_add(reply, raw.p, raw.n);
    }
    free(raw.p);
    if (status >= 300)
        snprintf(d->why, sizeof d->why, "%s: HTTP %ld: %.200s", path, status,
                 reply->p ? reply->p : "");
    return status;
}

static bool dev_enrol(struct dev *d, const char *code)
{
    char body[512];
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"device_id\":\"%s\",\"name\":\"bench\"}", code,
             d->id);
    struct buf r = {0};
    bool ok = false;
    if (http(d, "/v1/enrol", "application/json", body, strlen(body), 30, &r) == 201) {
        cJSON *j = cJSON_Parse(r.p);
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "access_token");
        if (cJSON_IsString(t)) {
            snprintf(d->token, sizeof d->token, "%s", t->valuestring);
            ok = true;
        }
        cJSON_Delete(j);
    }
    free(r.p);
    return ok;
}

static uint64_t splitmix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* The JSON line of this device's event seq: a new customer at `site`, with a random UUID as
 * its id and a random phone number, as the devices make them (sequential ids and equal
 * payloads would compress far better than real events, and flatter bytes per event). */
static int event_line(const char *dev, int64_t seq, uint64_t hlc, const char *site, char *out,
                      size_t cap)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *c = dev; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ull;
    uint64_t r1 = splitmix(h + (uint64_t)seq), r2 = splitmix(r1);
    return snprintf(out, cap,
                    "{\"id\":\"%s:%" PRId64 "\",\"device\":\"%s\",\"seq\":%" PRId64
                    ",\"hlc\":\"%016" PRIx64 "\",\"entity\":\"customer\",\"entity_id\":\"%08" PRIx64
                    "-%04" PRIx64 "-4%03" PRIx64 "-a%03" PRIx64 "-%012" PRIx64
                    "\",\"type\":\"customer.created\",\"payload\":{\"name\":\"Customer %" PRId64
                    "\",\"phone\":\"+45 %08" PRIu64 "\",\"site\":\"%s\"},\"author\":null,"
                    "\"schema\":1}",
                    dev, seq, dev, seq, hlc, r1 >> 32, (r1 >> 16) & 0xFFFF, r1 & 0xFFF,
                    (r2 >> 52) & 0xFFF, r2 & (uint64_t)0xFFFFFFFFFFFF, seq, (r2 >> 12) % 100000000,
                    site);
}

/* Pushes n new events of this device (seq after d->seq), in batches of BATCH. */
static bool dev_push(struct dev *d, int64_t n, const char *site)
{
    struct buf body = {0};
    struct buf r = {0};
    char line[1024];
    bool ok = true;
    uint64_t hlc = (uint64_t)wall_ms() << 16;
    for (int64_t done = 0; ok && done < n;) {
        int64_t k = n - done < BATCH ? n - done : BATCH;
        body.n = 0;
        int len =
            snprintf(line, sizeof line, "{\"device\":\"%s\",\"count\":%" PRId64 "}\n", d->id, k);
        buf_add(&body, line, (size_t)len);
        for (int64_t i = 1; i <= k; i++) {
            len = event_line(d->id, d->seq + i, hlc++, site, line, sizeof line);
            buf_add(&body, line, (size_t)len);
            buf_add(&body, "\n", 1);
        }
        if (http(d, "/v1/push", "application/x-ndjson", body.p, body.n, 120, &r) != 200) {
            ok = false;
            break;
        }
        cJSON *j = cJSON_ParseWithLength(r.p, strcspn(r.p, "\n"));
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "acked_seq");
        if (!cJSON_IsNumber(a) || (int64_t)a->valuedouble != d->seq + k) {
            snprintf(d->why, sizeof d->why, "push: acked_seq is not %" PRId64 ": %.200s",
                     d->seq + k, r.p);
            ok = false;
        }
        cJSON_Delete(j);
        d->seq += k;
        done += k;
    }
    free(body.p);
    free(r.p);
    return ok;
}

/* One pull page after d->cursor; *count events, *more as the server says. */
static bool dev_pull(struct dev *d, int limit, int wait_s, int64_t *count, bool *more)
{
    char path[256];
    snprintf(path, sizeof path, "/v1/pull?after=%s&limit=%d&wait=%d", d->cursor, limit, wait_s);
    struct buf r = {0};
    long st = http(d, path, NULL, NULL, 0, wait_s + 120, &r);
    bool ok = st == 200;
    if (ok) {
        cJSON *j = cJSON_ParseWithLength(r.p, strcspn(r.p, "\n"));
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "cursor");
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "more");
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(j, "count");
        ok = cJSON_IsString(c) && cJSON_IsNumber(n);
        if (ok) {
            snprintf(d->cursor, sizeof d->cursor, "%s", c->valuestring);
            *count = (int64_t)n->valuedouble;
            *more = cJSON_IsTrue(m);
        } else {
            snprintf(d->why, sizeof d->why, "pull: bad head: %.200s", r.p);
        }
        cJSON_Delete(j);
    }
    free(r.p);
    return ok;
}

/* Pulls until caught up; the number of events in *total. */
static bool dev_pull_all(struct dev *d, int64_t *total)
{
    bool more = true;
    *total = 0;
    while (more) {
        int64_t n = 0;
        if (!dev_pull(d, PAGE, 0, &n, &more))
            return false;
        *total += n;
        if (!n)
            break;
    }
    return true;
}

/* A new enrolled device of `kind` ("desk", or "kiosk" at `site`). */
static bool dev_new(struct dev *d, const struct paths *p, const struct srv *s, const char *id,
                    const char *kind, const char *site)
{
    char code[128];
    if (!dev_init(d, s, id) || !new_code(p, s->db, kind, site, code, sizeof code))
        return false;
    if (!dev_enrol(d, code)) {
        fprintf(stderr, "bench_sync: enrol %s: %s\n", id, d->why);
        return false;
    }
    return true;
}

/* ---- the figures -------------------------------------------------------------------- */

/* Raw SQLite inserts of the same event lines, BATCH a transaction, WAL, synchronous=FULL. */
static void baseline(const struct paths *p, int64_t n)
{
    char path[300], line[1024];
    snprintf(path, sizeof path, "%s/baseline.db", p->dir);
    sqlite3 *db;
    sqlite3_stmt *ins;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return;
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE log(gseq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT)",
                 NULL, NULL, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO log(id, body) VALUES (?, ?)", -1, &ins, NULL);
    uint64_t hlc = (uint64_t)wall_ms() << 16;
    double t0 = now_s();
    for (int64_t i = 1; i <= n; i++) {
        if (i % BATCH == 1)
            sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        int len = event_line("baseline", i, hlc++, "A", line, sizeof line);
        char id[64];
        snprintf(id, sizeof id, "baseline:%" PRId64, i);
        sqlite3_bind_text(ins, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, line, len, SQLITE_TRANSIENT);
        sqlite3_step(ins);
        sqlite3_reset(ins);
        if (i % BATCH == 0 || i == n)
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    double t = now_s() - t0;
    printf("baseline: raw SQLite inserts of %" PRId64 " event lines (%d a transaction): %.0f "
           "events/s\n",
           n, BATCH, (double)n / t);
    sqlite3_finalize(ins);
    sqlite3_close(db);
}

/* Push then pull n events: rates and bytes per event. */
static void push_pull(const struct paths *p, const struct srv *s, const char *tag, int64_t n)
{
    struct dev a, b;
    char id[64];
    snprintf(id, sizeof id, "%s-push-%" PRId64, tag, n);
    if (!dev_new(&a, p, s, id, "desk", NULL))
        return;
    double t0 = now_s();
    bool ok = dev_push(&a, n, "A");
    double t = now_s() - t0;
    if (ok)
        printf("%s: push %" PRId64 " events: %.0f events/s, %.0f bytes/event on the wire\n", tag, n,
               (double)n / t, (double)a.wire / (double)n);
    else
        printf("%s: push %" PRId64 " events failed: %s\n", tag, n, a.why);
    snprintf(id, sizeof id, "%s-pull-%" PRId64, tag, n);
    if (ok && dev_new(&b, p, s, id, "desk", NULL)) {
        int64_t got = 0;
        uint64_t w0 = b.wire;
        t0 = now_s();
        ok = dev_pull_all(&b, &got);
        t = now_s() - t0;
        if (ok)
            printf("%s: pull (new device, everything: %" PRId64 " events): %.2f s, %.0f events/s, "
                   "%.0f bytes/event on the wire\n",
                   tag, got, t, (double)got / t, (double)(b.wire - w0) / (double)(got ? got : 1));
        else
            printf("%s: pull failed: %s\n", tag, b.why);
        dev_free(&b);
    }
    dev_free(&a);
}

/* The real first sync of a new device store with ffctl (enrol + pull + import). */
static void ffctl_first_sync(const struct paths *p, const struct srv *s, const char *tag)
{
    char help[64];
    char *probe[] = {(char *)p->ffctl, "sync", "--help", NULL};
    if (run_line(probe, help, sizeof help) != 0) {
        printf("%s: ffctl has no sync yet: first sync into a device store not measured\n", tag);
        return;
    }
    char code[128], store[400], line[256];
    snprintf(store, sizeof store, "%s/%s-first.db", p->dir, tag);
    if (!new_code(p, s->db, "desk", NULL, code, sizeof code))
        return;
    char *init[] = {(char *)p->ffctl, "db", "init", "--db", store, NULL};
    run_line(init, line, sizeof line);
    char *argv[] = {(char *)p->ffctl, "sync",         "--db",    store, "--server", (char *)s->url,
                    "--pin",          (char *)s->pin, "--enrol", code,  NULL};
    double t0 = now_s();
    int st = run_line(argv, line, sizeof line);
    double t = now_s() - t0;
    printf("%s: ffctl sync --enrol of a new device store (pull + import): %.2f s, exit %d: %s\n",
           tag, t, st, line);
}

struct fleet_dev {
    struct dev d;   /* the device */
    char site[32];  /* its kiosk site */
    double latency; /* its push + pull, seconds; < 0 on failure */
};

static void *fleet_run(void *arg)
{
    struct fleet_dev *f = arg;
    int64_t got;
    double t0 = now_s();
    bool ok = dev_push(&f->d, FLEET_EVENTS, f->site) && dev_pull_all(&f->d, &got);
    f->latency = ok ? now_s() - t0 : -1;
    return NULL;
}

/* n kiosks (a site each) push FLEET_EVENTS events and pull, all at once. */
static void fleet(const struct paths *p, const struct srv *s, const char *tag, int n)
{
    struct fleet_dev *f = calloc((size_t)n, sizeof *f);
    pthread_t *th = calloc((size_t)n, sizeof *th);
    double *lat = calloc((size_t)n, sizeof *lat);
    int ready = 0, done = 0, failed = 0;
    for (int i = 0; f && th && lat && i < n; i++, ready++) {
        char id[64];
        snprintf(id, sizeof id, "%s-kiosk-%d", tag, i);
        snprintf(f[i].site, sizeof f[i].site, "site-%d", i);
        if (!dev_new(&f[i].d, p, s, id, "kiosk", f[i].site))
            break;
    }
    double t0 = now_s();
    for (int i = 0; i < ready; i++)
        pthread_create(&th[i], NULL, fleet_run, &f[i]);
    for (int i = 0; i < ready; i++) {
        pthread_join(th[i], NULL);
        if (f[i].latency >= 0)
            lat[done++] = f[i].latency;
        else if (!failed++)
            fprintf(stderr, "bench_sync: fleet device %d: %s\n", i, f[i].d.why);
        dev_free(&f[i].d);
    }
    double t = now_s() - t0;
    printf("%s: %d devices syncing at once (%d events pushed each, then pulled): %d ok, %d failed, "
           "%.2f s; one device's sync p50 %.0f ms, p99 %.0f ms\n",
           tag, ready, FLEET_EVENTS, done, failed, t, quantile(lat, (size_t)done, 0.5) * 1000,
           quantile(lat, (size_t)done, 0.99) * 1000);
    free(f);
    free(th);
    free(lat);
}

/* The long-poll reader of reach(): waits for each change and notes when it came. */
struct reach_state {
    struct dev *b;      /* the online device */
    pthread_mutex_t mu; /* guards the rest */
    pthread_cond_t cv;  /* signalled at each arrival */
    int arrived;        /* changes seen so far */
    double at;          /* when the last one came */
    bool stop;          /* the writer is done */
};

static void *reach_reader(void *arg)
{
    struct reach_state *r = arg;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        bool stop = r->stop;
        pthread_mutex_unlock(&r->mu);
        if (stop)
            return NULL;
        int64_t n = 0;
        bool more;
        if (!dev_pull(r->b, PAGE, 5, &n, &more)) {
            usleep(100000);
            continue;
        }
        if (n > 0) {
            pthread_mutex_lock(&r->mu);
            r->arrived++;
            r->at = now_s();
            pthread_cond_signal(&r->cv);
            pthread_mutex_unlock(&r->mu);
        }
    }
}

/* A change pushed by one device, seen by another online device (long-poll): p50/p95. */
static void reach(const struct paths *p, const struct srv *s, const char *tag)
{
    struct dev a, b;
    char id[64];
    snprintf(id, sizeof id, "%s-reach-a", tag);
    if (!dev_new(&a, p, s, id, "desk", NULL))
        return;
    snprintf(id, sizeof id, "%s-reach-b", tag);
    if (!dev_new(&b, p, s, id, "desk", NULL)) {
        dev_free(&a);
        return;
    }
    int64_t got;
    dev_pull_all(&b, &got);
    struct reach_state r = {.b = &b};
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    pthread_t th;
    pthread_create(&th, NULL, reach_reader, &r);
    double lat[REACH_SAMPLES];
    size_t n = 0;
    usleep(300000);
    for (int i = 0; i < REACH_SAMPLES; i++) {
        pthread_mutex_lock(&r.mu);
        int before = r.arrived;
        pthread_mutex_unlock(&r.mu);
        double t0 = now_s();
        if (!dev_push(&a, 1, "A"))
            break;
        pthread_mutex_lock(&r.mu);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 10;
        while (r.arrived == before && pthread_cond_timedwait(&r.cv, &r.mu, &until) != ETIMEDOUT)
            ;
        if (r.arrived > before)
            lat[n++] = r.at - t0;
        pthread_mutex_unlock(&r.mu);
        usleep(50000);
    }
    pthread_mutex_lock(&r.mu);
    r.stop = true;
    pthread_mutex_unlock(&r.mu);
    pthread_join(th, NULL);
    printf("%s: a change reaching another online device (push to long-poll reply), %zu of %d: "
           "p50 %.0f ms, p95 %.0f ms\n",
           tag, n, REACH_SAMPLES, quantile(lat, n, 0.5) * 1000, quantile(lat, n, 0.95) * 1000);
    pthread_cond_destroy(&r.cv);
    pthread_mutex_destroy(&r.mu);
    dev_free(&a);
    dev_free(&b);
}

/* Everything above against one server on db. */
static void backend(const struct paths *p, const char *tag, const char *db, int64_t small,
                    int64_t large, int devices)
{
    struct srv s;
    if (!srv_start(p, db, tag, &s))
        return;
    printf("%s: server %s (%s)\n", tag, s.url, db);
    push_pull(p, &s, tag, small);
    push_pull(p, &s, tag, large);
    ffctl_first_sync(p, &s, tag);
    fleet(p, &s, tag, devices);
    reach(p, &s, tag);
    printf("%s: server peak RSS %.1f MiB\n", tag, (double)peak_rss_kb(s.pid) / 1024);
    srv_stop(&s);
}

struct ingest {
    struct dev d; /* a desk device */
    int64_t n;    /* events it pushes */
    bool ok;      /* it pushed them all */
};

static void *ingest_run(void *arg)
{
    struct ingest *g = arg;
    g->ok = dev_push(&g->d, g->n, "A");
    return NULL;
}

/* 3 devices push n events each at once, into 1 or 3 instances over one PostgreSQL. */
static void pg_instances(const struct paths *p, const char *db, int64_t n)
{
    for (int k = 1; k <= 3; k += 2) {
        struct srv s[3];
        struct ingest g[3];
        pthread_t th[3];
        int started = 0, ready = 0;
        for (; started < k; started++) {
            char name[32];
            snprintf(name, sizeof name, "pg%d-i%d", k, started);
            if (!srv_start(p, db, name, &s[started]))
                break;
        }
        for (int i = 0; started == k && i < 3; i++, ready++) {
            char id[64];
            snprintf(id, sizeof id, "pg%d-ingest-%d", k, i);
            if (!dev_new(&g[i].d, p, &s[i % k], id, "desk", NULL))
                break;
            g[i].n = n;
        }
        double t0 = now_s();
        for (int i = 0; i < ready; i++)
            pthread_create(&th[i], NULL, ingest_run, &g[i]);
        int ok = 0;
        for (int i = 0; i < ready; i++) {
            pthread_join(th[i], NULL);
            ok += g[i].ok;
            if (!g[i].ok)
                fprintf(stderr, "bench_sync: ingest %d: %s\n", i, g[i].d.why);
            dev_free(&g[i].d);
        }
        double t = now_s() - t0;
        if (ready == 3)
            printf("pg: %d instance%s, 3 devices pushing %" PRId64 " events each at once: %d ok, "
                   "%.0f events/s together\n",
                   k, k > 1 ? "s" : "", n, ok, (double)(3 * n) / t);
        for (int i = 0; i < started; i++)
            srv_stop(&s[i]);
    }
}

/* This program's directory + name, for the binaries built next to it. */
static void beside_me(const char *name, char *out, size_t cap)
{
    char self[900];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    snprintf(out, cap, "%s/%s", self, name);
}

static int64_t arg_or(int argc, char **argv, int i, int64_t dflt)
{
    if (argc <= i)
        return dflt;
    char *end;
    long long v = strtoll(argv[i], &end, 10);
    return *end || v <= 0 ? dflt : (int64_t)v;
}

int main(int argc, char **argv)
{
    int64_t small = arg_or(argc, argv, 1, 10000), large = arg_or(argc, argv, 2, 100000);
    int devices = (int)arg_or(argc, argv, 3, 200);
    struct paths p;
    const char *env = getenv("FF_SERVER");
    if (env)
        snprintf(p.server, sizeof p.server, "%s", env);
    else
        beside_me("fieldflow-server", p.server, sizeof p.server);
    beside_me("ffctl", p.ffctl, sizeof p.ffctl);
    const char *src = getenv("FF_SOURCE_DIR");
    snprintf(p.pg_temp, sizeof p.pg_temp, "%s/tests/tools/pg_temp.sh", src ? src : ".");
    const char *tmp = getenv("TMPDIR");
    snprintf(p.dir, sizeof p.dir, "%s/bench_sync.XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(p.dir))
        return 1;
    chmod(p.dir, 0711); /* the PostgreSQL cluster runs as another user when we are root */
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0); /* figures appear as they come, also into a file */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    printf("bench_sync: %" PRId64 " and %" PRId64
           " events, %d devices; files in %s (removed at the end)\n",
           small, large, devices, p.dir);
    printf("targets: push >= 20k events/s (SQLite); first sync of 100k < 5 s; <= 150 bytes/event; "
           "reach < 1 s p95; 3 PostgreSQL instances ingest more than 1\n");
    baseline(&p, large);
    if (access(p.server, X_OK)) {
        fprintf(stderr, "bench_sync: no fieldflow-server at %s (set FF_SERVER)\n", p.server);
        return 1;
    }

    char db[400];
    snprintf(db, sizeof db, "sqlite:%s/sqlite.db", p.dir);
    backend(&p, "sqlite", db, small, large, devices);

    char pgdir[300], url[400] = "";
    snprintf(pgdir, sizeof pgdir, "%s/pg", p.dir);
    char *pg[] = {p.pg_temp, "start", pgdir, NULL};
    if (!access(p.pg_temp, X_OK) && run_line(pg, url, sizeof url) == 0 && url[0]) {
        backend(&p, "pg", url, small, large, devices);
        pg_instances(&p, url, small);
        char *stop[] = {p.pg_temp, "stop", pgdir, NULL};
        char line[64];
        run_line(stop, line, sizeof line);
    } else {
        printf("pg: not measured (no %s, or it could not start a cluster)\n", p.pg_temp);
    }
    curl_global_cleanup();
    char *rm[] = {"/bin/rm", "-rf", p.dir, NULL};
    char line[64];
    run_line(rm, line, sizeof line);
    return 0;
}

/* bench_chart.c - how fast charts load, lay out and export, against Graphviz `dot` itself.
 *
 * Generates flowchart-like charts (chains of steps, decisions of 2-4 options that rejoin, a
 * few inputs, a success end and local failure ends) of 50, 200, 500 and 2000 nodes as JSON in
 * memory and prints, per size: load+validate (ff_chart_parse, median), layout and SVG export
 * (medians), the same graph through `dot -Tsvg FILE > /dev/null` as a separate process
 * (median), and the ratio (layout+SVG)/dot. Then the peak RSS of `ffctl validate` on the
 * 2000-node chart. Targets: load+validate of 500 nodes < 5 ms; layout+SVG <= 1.2x dot.
 *
 * usage: bench_chart [FFCTL]   (default: $FF_FFCTL, else ./ffctl beside this program)
 * Prints figures; it is not a pass/fail test.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fieldflow/chart.h"
#include "fieldflow/graph.h"
#include "fieldflow/mem.h"
#include "graph_int.h"

extern char **environ;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint32_t rng = 12345;

static uint32_t next_rand(void)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 16) & 0x7fff;
}

static const char *const words[] = {"Check",    "the",     "cable",   "router", "meter", "reading",
                                    "customer", "account", "lights",  "power",  "reset", "visit",
                                    "engineer", "signal",  "invoice", "address"};

static void title(struct ff_gbuf *b, int i)
{
    ff_gbuf_puts(b, "\"title\": {\"en\": \"");
    int n = 2 + (int)(next_rand() % 6);
    for (int k = 0; k < n; k++)
        ff_gbuf_printf(b, "%s%s", k ? " " : "", words[next_rand() % 16]);
    ff_gbuf_printf(b, " %d\"}", i);
}

static void simple_node(struct ff_gbuf *b, int i, const char *kind, int next)
{
    ff_gbuf_printf(b, ",\n{\"id\": \"n%d\", \"kind\": \"%s\", ", i, kind);
    title(b, i);
    if (!strcmp(kind, "input"))
        ff_gbuf_puts(b, ", \"fields\": [{\"name\": \"v\", \"type\": \"text\", \"label\": "
                        "{\"en\": \"Value\"}}]");
    ff_gbuf_printf(b, ", \"next\": \"n%d\"}", next);
}

static void end_node(struct ff_gbuf *b, const char *id, bool success)
{
    ff_gbuf_printf(b,
                   ",\n{\"id\": \"%s\", \"kind\": \"end\", \"title\": {\"en\": \"%s\"}, "
                   "\"outcome\": \"%s\", \"success\": %s}",
                   id, success ? "Solved" : "Gave up", success ? "resolved" : "abandoned",
                   success ? "true" : "false");
}

/* A decision at i with k options: one branch step per option, all rejoining at the node
 * after them; sometimes the last option ends the run instead, at a failure end of its own
 * (as real charts do: "book a visit", "refer to sales"). Returns the index of the join
 * node, which the caller's next iteration makes. */
static int decision(struct ff_gbuf *b, int i, int k)
{
    static const char *const labels[] = {"Yes", "No", "Not sure", "Other"};
    bool fail = next_rand() % 4 == 0;
    int join = i + k + 1;
    char end_id[32];
    ff_gbuf_printf(b, ",\n{\"id\": \"n%d\", \"kind\": \"decision\", ", i);
    title(b, i);
    ff_gbuf_puts(b, ", \"options\": [");
    for (int j = 0; j < k; j++)
        ff_gbuf_printf(b, "%s{\"id\": \"o%d\", \"label\": {\"en\": \"%s\"}, \"target\": \"n%d\"}",
                       j ? ", " : "", j, labels[j], i + 1 + j);
    ff_gbuf_puts(b, "]}");
    for (int j = 0; j < k; j++) {
        if (fail && j == k - 1) {
            snprintf(end_id, sizeof end_id, "n%d", i + 1 + j);
            end_node(b, end_id, false);
        } else {
            simple_node(b, i + 1 + j, "step", join);
        }
    }
    return join;
}

static char *make_chart(int nodes, size_t *len)
{
    struct ff_gbuf b = {0};
    ff_gbuf_puts(&b, "{\"format\": 1, \"id\": \"bench\", \"version\": 1, \"title\": {\"en\": "
                     "\"Bench\"}, \"category\": \"bench\", \"audience\": \"any\", "
                     "\"touchpoints\": [\"telephone\"], \"locales\": [\"en\"], \"nodes\": [\n"
                     "{\"id\": \"n0\", \"kind\": \"start\", \"title\": {\"en\": \"Start\"}, "
                     "\"next\": \"n1\"}");
    int i = 1;
    while (i < nodes - 8) {
        uint32_t r = next_rand() % 10;
        if (r < 6)
            simple_node(&b, i, "step", i + 1), i++;
        else if (r < 7)
            simple_node(&b, i, "input", i + 1), i++;
        else
            i = decision(&b, i, 2 + (int)(next_rand() % 3));
    }
    ff_gbuf_printf(&b,
                   ",\n{\"id\": \"n%d\", \"kind\": \"step\", \"title\": {\"en\": \"Wrap up\"}, "
                   "\"next\": \"ok\"}",
                   i);
    end_node(&b, "ok", true);
    ff_gbuf_puts(&b, "]}\n");
    char *out = NULL;
    return ff_gbuf_take(&b, &out, len) == FF_OK ? out : NULL;
}

/* Runs argv with stdout and stderr to /dev/null; returns wall ms, or -1. */
static double run_quiet(char *const argv[], int *status)
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int st = 0;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    double t0 = now_ms();
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0 || waitpid(pid, &st, 0) < 0)
        return -1;
    double t = now_ms() - t0;
    if (status)
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return t;
}

/* Peak RSS of `ffctl validate path` (or `ffctl --version` when path is NULL). A child's
 * ru_maxrss from wait4() starts at its parent's size before exec, which would report this
 * benchmark's own footprint; GNU time forks ffctl from its own small process, so its %M
 * is ffctl's alone. */
static double peak_rss(const char *ffctl, const char *path, const char *dir, long *rss_kb,
                       int *status)
{
    char out[4096];
    snprintf(out, sizeof out, "%s/rss.txt", dir);
    char *argv[] = {
        "/usr/bin/time", "-f", "%M", "-o", out, (char *)ffctl, path ? "validate" : "--version",
        (char *)path,    NULL};
    double t = run_quiet(argv, status);
    FILE *f = fopen(out, "r");
    if (!f || fscanf(f, "%ld", rss_kb) != 1)
        *rss_kb = -1;
    if (f)
        fclose(f);
    return t;
}

static bool write_file(const char *path, const char *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(buf, 1, len, f) == len;
    return f && fclose(f) == 0 && ok;
}

struct result {
    double load, layout, svg, dot;
};

static double time_load(const char *json, size_t len, int runs)
{
    double t[31];
    for (int r = 0; r < runs; r++) {
        struct ff_diags d;
        struct ff_chart *c = NULL;
        ff_diags_init(&d);
        double t0 = now_ms();
        enum ff_err err = ff_chart_parse(json, len, "bench.json", &d, &c);
        t[r] = now_ms() - t0;
        if (err != FF_OK && d.n > 0)
            fprintf(stderr, "bench: chart refused: %s (%s)\n", d.v[0].message, d.v[0].path);
        ff_chart_free(c);
        ff_diags_free(&d);
        if (err != FF_OK)
            return -1;
    }
    return median(t, runs);
}

static int time_layout(const struct ff_chart *c, int runs, struct result *res)
{
    double tl[31], ts[31];
    for (int r = 0; r < runs; r++) {
        struct ff_layout *l = NULL;
        char *svg = NULL;
        size_t len;
        double t0 = now_ms();
        enum ff_err err = ff_layout_new(c, "en", NULL, &l);
        double t1 = now_ms();
        if (err == FF_OK)
            err = ff_layout_render(l, FF_EXPORT_SVG, &svg, &len);
        tl[r] = t1 - t0;
        ts[r] = now_ms() - t1;
        ff_free(svg);
        ff_layout_free(l);
        if (err != FF_OK)
            return -1;
    }
    res->layout = median(tl, runs);
    res->svg = median(ts, runs);
    return 0;
}

static double time_dot(const struct ff_chart *c, const char *dir, int runs)
{
    char path[4096], *dot = NULL;
    size_t len;
    double t[31];
    snprintf(path, sizeof path, "%s/bench.dot", dir);
    if (ff_chart_to_dot(c, "en", NULL, &dot, &len) != FF_OK || !write_file(path, dot, len)) {
        ff_free(dot);
        return -1;
    }
    ff_free(dot);
    char *argv[] = {"dot", "-Tsvg", path, NULL};
    for (int r = 0; r < runs; r++)
        if ((t[r] = run_quiet(argv, NULL)) < 0)
            return -1;
    return median(t, runs);
}

static int bench_size(int nodes, const char *dir, const char *ffctl)
{
    size_t len;
    char *json = make_chart(nodes, &len);
    struct ff_diags d;
    struct ff_chart *c = NULL;
    struct result res = {0};
    int runs = nodes >= 2000 ? 3 : 5;
    ff_diags_init(&d);
    if (!json || ff_chart_parse(json, len, "bench.json", &d, &c) != FF_OK) {
        fprintf(stderr, "bench: the generated %d-node chart does not load%s%s\n", nodes,
                d.n ? ": " : "", d.n ? d.v[0].message : "");
        ff_free(json);
        ff_diags_free(&d);
        return -1;
    }
    res.load = time_load(json, len, nodes >= 2000 ? 11 : 31);
    int rc = time_layout(c, runs, &res);
    res.dot = time_dot(c, dir, runs);
    printf("%6zu %8zu %12.3f %10.1f %9.1f %9.1f %7.2fx\n", c->nnodes, len, res.load, res.layout,
           res.svg, res.dot, res.dot > 0 ? (res.layout + res.svg) / res.dot : 0.0);
    if (nodes == 2000 && ffctl) {
        char path[4096];
        long rss = 0;
        int status = -1;
        snprintf(path, sizeof path, "%s/bench2000.json", dir);
        double t = write_file(path, json, len) ? peak_rss(ffctl, path, dir, &rss, &status) : -1;
        long base = 0;
        peak_rss(ffctl, NULL, dir, &base, NULL);
        printf("\nffctl validate, %zu nodes: %.1f ms wall, peak RSS %ld KiB, exit %d"
               " (ffctl --version: %ld KiB)\n",
               c->nnodes, t, rss, status, base);
    }
    ff_chart_free(c);
    ff_diags_free(&d);
    ff_free(json);
    return rc;
}

int main(int argc, char **argv)
{
    static const int sizes[] = {50, 200, 500, 2000};
    char dir[] = "/tmp/ff-bench-XXXXXX";
    char self_dir[4096];
    const char *ffctl = argc > 1 ? argv[1] : getenv("FF_FFCTL");
    snprintf(self_dir, sizeof self_dir, "%s", argv[0]);
    char *slash = strrchr(self_dir, '/');
    if (!ffctl && slash) {
        snprintf(slash + 1, sizeof self_dir - (size_t)(slash + 1 - self_dir), "ffctl");
        ffctl = access(self_dir, X_OK) == 0 ? self_dir : NULL;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    printf("nodes   bytes  load+valid ms  layout ms    svg ms    dot ms  (lay+svg)/dot\n");
    int rc = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        rc |= bench_size(sizes[i], dir, ffctl);
    if (!ffctl)
        printf("\nffctl not found (pass it as argv[1] or FF_FFCTL): no peak-RSS figure\n");
    printf("\ntargets: load+validate of 500 nodes < 5 ms; layout+SVG <= 1.2x dot\n");
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "%s/bench.dot", dir);
    remove(cmd);
    snprintf(cmd, sizeof cmd, "%s/bench2000.json", dir);
    remove(cmd);
    rmdir(dir);
    return rc ? 1 : 0;
}

/* cmd_export.c - `ffctl export`: a chart as SVG, PDF, PNG, DOT or Mermaid.
 *
 * Text formats go to stdout unless -o is given; PDF and PNG refuse a terminal. With
 * --highlight, a run's transcript (the JSON array of ff_run_transcript_json: entries with
 * "chart", "node", "event" and "answer") marks the path taken: every node entered in this
 * chart, and the option chosen at each decision.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ffctl.h"
#include "fieldflow/chart.h"
#include "fieldflow/graph.h"
#include "fieldflow/mem.h"

struct export_args {
    const char *file, *format, *locale, *highlight, *out;
};

/* The path of a transcript: node ids and the choices made there. Strings point into json. */
struct hl_path {
    cJSON *json;
    const char **path;
    const char **choices;
    size_t n;
};

static void usage(FILE *to)
{
    fprintf(to, "usage: ffctl export FILE.json --format svg|pdf|png|dot|mermaid [--locale L]\n"
                "                    [--highlight TRANSCRIPT.json] [-o OUT]\n"
                "Draws the chart with Graphviz (svg, pdf, png), or writes it as DOT or Mermaid\n"
                "text. Text goes to stdout without -o; pdf and png need -o or a pipe.\n"
                "--highlight marks the path of a run's transcript (ffctl run's JSON).\n");
}

static int parse_args(int argc, char **argv, struct export_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = !strcmp(s, "--format") || !strcmp(s, "-f")   ? &a->format
                            : !strcmp(s, "--locale")                     ? &a->locale
                            : !strcmp(s, "--highlight")                  ? &a->highlight
                            : !strcmp(s, "-o") || !strcmp(s, "--output") ? &a->out
                                                                         : NULL;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage(stdout);
            return -1;
        }
        if (slot && i + 1 < argc) {
            *slot = argv[++i];
        } else if (!slot && s[0] != '-' && !a->file) {
            a->file = s;
        } else {
            return ffctl_bad_arg("export", s, slot != NULL);
        }
    }
    if (!a->file || !a->format) {
        usage(stderr);
        return FFCTL_USAGE;
    }
    return FFCTL_OK;
}

/* Reads a whole file of at most max bytes, growing the buffer as it goes. */
static char *slurp(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    bool ok = f != NULL;
    while (ok) {
        if (n == cap) {
            char *p = cap < max ? ff_realloc(buf, (cap = cap ? cap * 2 : 65536) + 1) : NULL;
            ok = p != NULL;
            if (!ok)
                break;
            buf = p;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            ok = !ferror(f);
            break;
        }
    }
    if (f)
        fclose(f);
    if (!ok || n > max) {
        ff_free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static const char *json_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void add_entry(struct hl_path *h, const cJSON *e, const char *chart_id)
{
    const char *chart = json_str(e, "chart"), *node = json_str(e, "node");
    const char *event = json_str(e, "event");
    if (!node || !event || (chart && strcmp(chart, chart_id)))
        return;
    if (!strcmp(event, "enter")) {
        h->path[h->n] = node;
        h->choices[h->n++] = NULL;
    } else if (!strcmp(event, "choose") && h->n > 0 && !strcmp(h->path[h->n - 1], node)) {
        h->choices[h->n - 1] = json_str(e, "answer");
    }
}

static int read_highlight(const char *file, const char *chart_id, struct hl_path *h)
{
    size_t len;
    errno = 0;
    char *text = slurp(file, 64u * 1024u * 1024u, &len);
    if (!text && errno) {
        fprintf(stderr, "ffctl export: cannot read %s: %s\n", file, strerror(errno));
        return FFCTL_FAILURE;
    }
    h->json = text ? cJSON_ParseWithLength(text, len) : NULL;
    ff_free(text);
    const cJSON *arr = h->json;
    if (cJSON_IsObject(arr))
        arr = cJSON_GetObjectItemCaseSensitive(arr, "transcript");
    if (!cJSON_IsArray(arr)) {
        fprintf(stderr, "ffctl export: %s: not a transcript (a JSON array of entries)\n", file);
        return FFCTL_REFUSED;
    }
    size_t n = (size_t)cJSON_GetArraySize(arr);
    h->path = ff_calloc(n, sizeof *h->path);
    h->choices = ff_calloc(n, sizeof *h->choices);
    if (!h->path || !h->choices)
        return FFCTL_FAILURE;
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) add_entry(h, e, chart_id);
    return FFCTL_OK;
}

static int write_out(const char *out, const char *buf, size_t len)
{
    FILE *f = out ? fopen(out, "wb") : stdout;
    if (!f) {
        fprintf(stderr, "ffctl export: cannot write %s: %s\n", out, strerror(errno));
        return FFCTL_FAILURE;
    }
    bool ok = fwrite(buf, 1, len, f) == len;
    ok = (out ? fclose(f) : fflush(f)) == 0 && ok;
    if (!ok)
        fprintf(stderr, "ffctl export: cannot write %s\n", out ? out : "stdout");
    return ok ? FFCTL_OK : FFCTL_FAILURE;
}

static void print_diags(const struct ff_diags *d)
{
    char line[1024];
    for (size_t i = 0; i < d->n; i++) {
        ff_diag_format(&d->v[i], line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
}

static enum ff_err render(const struct ff_chart *c, enum ff_export_format fmt,
                          const struct export_args *a, struct ff_layout_opts *o, char **buf,
                          size_t *len)
{
    if (fmt == FF_EXPORT_DOT)
        return ff_chart_to_dot(c, a->locale, o, buf, len);
    if (fmt == FF_EXPORT_MERMAID)
        return ff_chart_to_mermaid(c, a->locale, buf, len);
    struct ff_layout *l = NULL;
    enum ff_err err = ff_layout_new(c, a->locale, o, &l);
    if (err == FF_OK) {
        err = ff_layout_render(l, fmt, buf, len);
        if (err != FF_OK)
            fprintf(stderr, "ffctl export: %s\n", ff_layout_errmsg(l));
    }
    ff_layout_free(l);
    return err;
}

static int export_chart(const struct ff_chart *c, enum ff_export_format fmt,
                        const struct export_args *a)
{
    struct hl_path h = {0};
    struct ff_diags gv;
    struct ff_layout_opts o = {.diags = &gv};
    char *buf = NULL;
    size_t len = 0;
    int rc = a->highlight ? read_highlight(a->highlight, c->id, &h) : FFCTL_OK;

    if (a->locale && ff_chart_locale_index(c, a->locale) < 0)
        fprintf(stderr, "ffctl export: chart \"%s\" has no \"%s\" texts; drawing \"%s\"\n", c->id,
                a->locale, c->nlocales ? c->locales[0] : "en");
    ff_diags_init(&gv);
    o.path = h.path;
    o.choices = h.choices;
    o.npath = h.n;
    if (rc == FFCTL_OK) {
        enum ff_err err = render(c, fmt, a, &o, &buf, &len);
        print_diags(&gv);
        if (err != FF_OK)
            fprintf(stderr, "ffctl export: %s: %s\n", a->file, ff_strerror(err));
        rc = err == FF_OK       ? write_out(a->out, buf, len)
             : err == FF_ELIMIT ? FFCTL_REFUSED /* too large for the format: a clear refusal */
                                : FFCTL_FAILURE;
    }
    ff_free(buf);
    ff_diags_free(&gv);
    ff_free(h.path);
    ff_free(h.choices);
    cJSON_Delete(h.json);
    return rc;
}

int ffctl_export(int argc, char **argv)
{
    struct export_args a = {0};
    enum ff_export_format fmt;
    struct ff_diags diags;
    struct ff_chart *chart = NULL;

    int rc = parse_args(argc, argv, &a);
    if (rc != FFCTL_OK)
        return rc < 0 ? FFCTL_OK : rc;
    if (ff_export_format_parse(a.format, &fmt) != FF_OK) {
        fprintf(stderr, "ffctl export: unknown format '%s' (svg, pdf, png, dot, mermaid)\n",
                a.format);
        return FFCTL_USAGE;
    }
    if (ff_export_format_binary(fmt) && !a.out && isatty(STDOUT_FILENO)) {
        fprintf(stderr, "ffctl export: %s is binary; give -o FILE or redirect stdout\n", a.format);
        return FFCTL_USAGE;
    }
    ff_diags_init(&diags);
    enum ff_err err = ff_chart_load(a.file, &diags, &chart);
    print_diags(&diags);
    ff_diags_free(&diags);
    if (err != FF_OK)
        return err == FF_EIO ? FFCTL_FAILURE : FFCTL_REFUSED;
    rc = export_chart(chart, fmt, &a);
    ff_chart_free(chart);
    return rc;
}

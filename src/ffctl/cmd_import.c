/* cmd_import.c - `ffctl import`: a Graphviz DOT drawing read into a chart document.
 *
 * Every DOT node or edge that could not be mapped as it is goes to stderr, one line each,
 * and so do the loader's findings on the result. Exit 1 when no valid chart came out (the
 * JSON is then not written).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ffctl.h"
#include "fieldflow/chart.h"
#include "fieldflow/graph.h"
#include "fieldflow/mem.h"

static void usage(FILE *to)
{
    fprintf(to, "usage: ffctl import FILE.dot [--locale L] [-o OUT.json]\n"
                "Reads a DOT digraph as a chart: ellipse = start/end, box = step, diamond =\n"
                "decision (edge labels are the options), parallelogram = input. Prints every\n"
                "item it could not map to stderr; writes the JSON to OUT or stdout.\n");
}

struct import_args {
    const char *file, *locale, *out;
};

static int parse_args(int argc, char **argv, struct import_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage(stdout);
            return -1;
        }
        if (!strcmp(s, "--locale") && i + 1 < argc) {
            a->locale = argv[++i];
        } else if ((!strcmp(s, "-o") || !strcmp(s, "--output")) && i + 1 < argc) {
            a->out = argv[++i];
        } else if (s[0] != '-' && !a->file) {
            a->file = s;
        } else {
            bool needs = !strcmp(s, "--locale") || !strcmp(s, "-o") || !strcmp(s, "--output");
            return ffctl_bad_arg("import", s, needs);
        }
    }
    if (!a->file) {
        usage(stderr);
        return FFCTL_USAGE;
    }
    return FFCTL_OK;
}

/* Reads at most one byte more than the importer accepts, so it reports the limit itself. */
static char *read_dot(const char *path, size_t *len)
{
    size_t max = FF_DOT_MAX_BYTES + 1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = ff_malloc(max);
    *len = buf ? fread(buf, 1, max, f) : 0;
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        ff_free(buf);
        return NULL;
    }
    return buf;
}

static int write_json(const char *out, const char *json, size_t len)
{
    FILE *f = out ? fopen(out, "w") : stdout;
    if (!f) {
        fprintf(stderr, "ffctl import: cannot write %s: %s\n", out, strerror(errno));
        return FFCTL_FAILURE;
    }
    bool ok = fwrite(json, 1, len, f) == len;
    ok = (out ? fclose(f) : fflush(f)) == 0 && ok;
    if (!ok)
        fprintf(stderr, "ffctl import: cannot write %s\n", out ? out : "stdout");
    return ok ? FFCTL_OK : FFCTL_FAILURE;
}

int ffctl_import(int argc, char **argv)
{
    struct import_args a = {0};
    struct ff_diags diags;
    char *json = NULL, line[1024];
    size_t len = 0;

    int rc = parse_args(argc, argv, &a);
    if (rc != FFCTL_OK)
        return rc < 0 ? FFCTL_OK : rc;
    char *dot = read_dot(a.file, &len);
    if (!dot) {
        fprintf(stderr, "ffctl import: cannot read %s: %s\n", a.file, strerror(errno));
        return FFCTL_FAILURE;
    }
    ff_diags_init(&diags);
    enum ff_err err = ff_dot_import(dot, len, a.file, a.locale, &diags, &json);
    ff_free(dot);
    for (size_t i = 0; i < diags.n; i++) {
        ff_diag_format(&diags.v[i], line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    ff_diags_free(&diags);
    if (err != FF_OK) {
        fprintf(stderr, "ffctl import: %s: no valid chart (%s)\n", a.file, ff_strerror(err));
        return err == FF_ENOMEM ? FFCTL_FAILURE : FFCTL_REFUSED;
    }
    rc = write_json(a.out, json, strlen(json));
    ff_free(json);
    return rc;
}

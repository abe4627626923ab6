/* cmd_import.c - `ffctl import`: a drawing (DOT, Mermaid, draw.io) read into a chart document.
 *
 * The format comes from --from, else from the file's extension, else from its first bytes.
 * Every assumption, drop and finding goes to stderr as file:line:col, one line each. Exit 1
 * when no valid chart came out; the output file is then neither written nor touched (it is
 * written to a temporary name and renamed only when complete).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ffctl.h"
#include "fieldflow/chart.h"
#include "fieldflow/import.h"
#include "fieldflow/mem.h"

static void usage(FILE *to)
{
    fprintf(to, "usage: ffctl import FILE [--from dot|mermaid|drawio] [--locale L] [-o OUT.json]\n"
                "Reads a flowchart drawing as a chart: start and end from the usual shapes and\n"
                "from where edges begin and stop, decisions from diamonds or labelled edges,\n"
                "inputs from parallelograms. Prints every assumption and drop to stderr at the\n"
                "line and column of FILE; writes the JSON to OUT or stdout. The format is\n"
                "guessed from the extension (.dot .gv .mmd .mermaid .drawio .xml) or content.\n");
}

struct import_args {
    const char *file, *from, *locale, *out;
};

static int parse_args(int argc, char **argv, struct import_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        bool valued = !strcmp(s, "--locale") || !strcmp(s, "-o") || !strcmp(s, "--output") ||
                      !strcmp(s, "--from");
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage(stdout);
            return -1;
        }
        if (valued && i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(s, "--locale"))
                a->locale = v;
            else if (!strcmp(s, "--from"))
                a->from = v;
            else
                a->out = v;
        } else if (s[0] != '-' && !a->file) {
            a->file = s;
        } else {
            return ffctl_bad_arg("import", s, valued);
        }
    }
    if (!a->file) {
        usage(stderr);
        return FFCTL_USAGE;
    }
    return FFCTL_OK;
}

/* Reads at most one byte more than any importer accepts, so it reports the limit itself. */
static char *read_file(const char *path, size_t *len)
{
    size_t max = FF_IMPORT_MAX_BYTES + 1;
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
    char tmp[4096];
    if (out && snprintf(tmp, sizeof tmp, "%s.tmp", out) >= (int)sizeof tmp) {
        fprintf(stderr, "ffctl import: %s: path too long\n", out);
        return FFCTL_FAILURE;
    }
    FILE *f = out ? fopen(tmp, "w") : stdout;
    if (!f) {
        fprintf(stderr, "ffctl import: cannot write %s: %s\n", tmp, strerror(errno));
        return FFCTL_FAILURE;
    }
    bool ok = fwrite(json, 1, len, f) == len;
    ok = (out ? fclose(f) : fflush(f)) == 0 && ok;
    if (ok && out && rename(tmp, out) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "ffctl import: cannot write %s\n", out ? out : "stdout");
        if (out)
            remove(tmp);
    }
    return ok ? FFCTL_OK : FFCTL_FAILURE;
}

static int choose_format(const struct import_args *a, const char *buf, size_t len,
                         enum ff_import_format *fmt)
{
    if (a->from && ff_import_format_parse(a->from, fmt) != FF_OK) {
        fprintf(stderr, "ffctl import: --from %s: not a format (dot, mermaid, drawio)\n", a->from);
        return FFCTL_USAGE;
    }
    if (!a->from && ff_import_format_guess(a->file, buf, len, fmt) != FF_OK) {
        fprintf(stderr,
                "ffctl import: %s: cannot tell its format from the name or the content; "
                "say --from dot|mermaid|drawio\n",
                a->file);
        return FFCTL_REFUSED;
    }
    return FFCTL_OK;
}

static void print_diags(const struct ff_diags *diags)
{
    char line[1024];
    for (size_t i = 0; i < diags->n; i++) {
        ff_diag_format(&diags->v[i], line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
}

int ffctl_import(int argc, char **argv)
{
    struct import_args a = {0};
    struct ff_diags diags;
    enum ff_import_format fmt = FF_IMPORT_DOT;
    char *json = NULL;
    size_t len = 0;

    int rc = parse_args(argc, argv, &a);
    if (rc != FFCTL_OK)
        return rc < 0 ? FFCTL_OK : rc;
    char *buf = read_file(a.file, &len);
    if (!buf) {
        fprintf(stderr, "ffctl import: cannot read %s: %s\n", a.file, strerror(errno));
        return FFCTL_FAILURE;
    }
    rc = choose_format(&a, buf, len, &fmt);
    if (rc != FFCTL_OK) {
        ff_free(buf);
        return rc;
    }
    ff_diags_init(&diags);
    enum ff_err err = ff_import(fmt, buf, len, a.file, a.locale, &diags, &json);
    ff_free(buf);
    print_diags(&diags);
    ff_diags_free(&diags);
    if (err != FF_OK) {
        fprintf(stderr, "ffctl import: %s: no valid chart from this %s file (%s)\n", a.file,
                ff_import_format_name(fmt), ff_strerror(err));
        return err == FF_ENOMEM ? FFCTL_FAILURE : FFCTL_REFUSED;
    }
    rc = write_json(a.out, json, strlen(json));
    ff_free(json);
    return rc;
}

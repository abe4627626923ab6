/* cmd_validate.c - `ffctl validate FILE...`: check charts and report every finding.
 *
 * All files go into one library so that subchart calls between them are checked; a call to
 * a chart id that none of them has is looked up as <dir of the calling file>/<id>.json.
 * Findings go to stderr as file:line:col: severity: path: message [code]; each named file
 * that passes gets "FILE: ok (N warnings)" on stdout. Exit 0 all good, 1 any error (or
 * warning with --werror), 2 usage, 3 a file could not be read.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ffctl.h"
#include "fieldflow/chart.h"

struct file_id {
    dev_t dev;
    ino_t ino;
};

struct validate {
    bool werror, quiet;
    bool unreadable, failed;
    struct ff_library *lib;
    struct ff_diags diags;
    struct file_id *seen; /* every file loaded, so that none is loaded twice */
    size_t nseen;
};

static void usage(FILE *to)
{
    fprintf(to, "usage: ffctl validate [--werror] [--quiet] FILE...\n"
                "Checks flowcharts (docs/flowchart-format.md) together, so that subchart calls\n"
                "between them are checked too; an unknown subchart id is looked for as\n"
                "<id>.json beside the calling file.\n"
                "  --werror   treat warnings as errors\n"
                "  --quiet    print errors only: no warnings, no \"ok\" lines\n"
                "exit: 0 all good, 1 errors found, 2 usage, 3 a file could not be read\n");
}

static bool seen(const struct validate *v, const struct stat *st)
{
    for (size_t i = 0; i < v->nseen; i++)
        if (v->seen[i].dev == st->st_dev && v->seen[i].ino == st->st_ino)
            return true;
    return false;
}

/* Loads path into the library, unless that file was loaded already; findings stay in
 * v->diags. A file that cannot be stat'ed is left to ff_chart_load to report. */
static void load(struct validate *v, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (seen(v, &st))
            return;
        struct file_id *grown = realloc(v->seen, (v->nseen + 1) * sizeof *grown);
        if (!grown) {
            v->failed = true;
            return;
        }
        v->seen = grown;
        v->seen[v->nseen++] = (struct file_id){st.st_dev, st.st_ino};
    }
    struct ff_chart *c = NULL;
    enum ff_err err = ff_chart_load(path, &v->diags, &c);
    if (err == FF_EIO)
        v->unreadable = true;
    else if (err == FF_ENOMEM)
        v->failed = true;
    if (c && ff_library_add(v->lib, c, &v->diags) == FF_ENOMEM)
        v->failed = true;
}

/* For each subchart id no loaded chart has, tries <dir>/<id>.json (once per file). */
static void load_callees(struct validate *v)
{
    for (size_t ci = 0; ci < ff_library_count(v->lib); ci++) {
        const struct ff_chart *c = ff_library_at(v->lib, ci);
        const char *slash = strrchr(c->file, '/');
        int dirlen = slash ? (int)(slash - c->file) : 1;
        const char *dir = slash ? c->file : ".";
        for (size_t i = 0; i < c->nnodes && !v->failed; i++) {
            const char *id = c->nodes[i].subchart;
            char path[4096];
            if (!id || ff_library_find(v->lib, id, 0))
                continue;
            int n = snprintf(path, sizeof path, "%.*s/%s.json", dirlen, dir, id);
            if (n < 0 || (size_t)n >= sizeof path || access(path, R_OK))
                continue;
            load(v, path);
            c = ff_library_at(v->lib, ci); /* the same chart; the library may have grown */
        }
    }
}

static void print_findings(const struct validate *v)
{
    char line[2048];
    for (size_t i = 0; i < v->diags.n; i++) {
        const struct ff_diag *d = &v->diags.v[i];
        if (v->quiet && d->severity == FF_SEV_WARNING && !v->werror)
            continue;
        ff_diag_format(d, line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
}

/* Prints the ok lines; returns true when any file (named or found) has an error. */
static bool summarize(const struct validate *v, int nfiles, char **files)
{
    bool bad = false;
    for (size_t i = 0; i < v->diags.n; i++)
        if (v->diags.v[i].severity == FF_SEV_ERROR || v->werror)
            bad = true;
    for (int f = 0; f < nfiles; f++) {
        size_t errors = 0, warnings = 0;
        for (size_t i = 0; i < v->diags.n; i++) {
            if (strcmp(v->diags.v[i].file, files[f]))
                continue;
            if (v->diags.v[i].severity == FF_SEV_ERROR)
                errors++;
            else
                warnings++;
        }
        if (!errors && !(v->werror && warnings) && !v->quiet)
            printf("%s: ok (%zu warning%s)\n", files[f], warnings, warnings == 1 ? "" : "s");
    }
    return bad;
}

int ffctl_validate(int argc, char **argv)
{
    struct validate v = {0};
    int first = 1, rc;
    for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
        if (!strcmp(argv[first], "--help") || !strcmp(argv[first], "-h")) {
            usage(stdout);
            return FFCTL_OK;
        }
        if (!strcmp(argv[first], "--")) {
            first++;
            break;
        }
        if (!strcmp(argv[first], "--werror"))
            v.werror = true;
        else if (!strcmp(argv[first], "--quiet") || !strcmp(argv[first], "-q"))
            v.quiet = true;
        else {
            fprintf(stderr, "ffctl validate: unknown option '%s'\n", argv[first]);
            usage(stderr);
            return FFCTL_USAGE;
        }
    }
    if (first >= argc) {
        usage(stderr);
        return FFCTL_USAGE;
    }
    if (ff_library_new(&v.lib) != FF_OK) {
        fprintf(stderr, "ffctl validate: out of memory\n");
        return FFCTL_FAILURE;
    }
    ff_diags_init(&v.diags);
    for (int i = first; i < argc; i++)
        load(&v, argv[i]);
    load_callees(&v);
    if (ff_library_check(v.lib, &v.diags) == FF_ENOMEM)
        v.failed = true;
    print_findings(&v);
    bool bad = summarize(&v, argc - first, argv + first);
    rc = v.unreadable || v.failed ? FFCTL_FAILURE : bad ? FFCTL_REFUSED : FFCTL_OK;
    free(v.seen);
    ff_diags_free(&v.diags);
    ff_library_free(v.lib);
    return rc;
}

/* cmd_db.c - `ffctl db`: look after the device store from the shell.
 *
 * init makes (or migrates) the store and prints its device id; stats and conflicts print
 * JSON; dump prints the projections (or --events, the log as JSON lines); import reads JSON
 * lines from a file or stdin in one transaction (a bad line refuses the whole import and
 * names the line); rebuild refolds the log; check runs integrity, gapless-seq and
 * fold-equality checks. Workload: admin and tests; one store per invocation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffctl.h"
#include "fieldflow/event.h"
#include "fieldflow/mem.h"
#include "fieldflow/store.h"

struct db_args {
    const char *verb;  /* init, stats, dump, import, rebuild, check, conflicts */
    const char *db;    /* --db PATH, NULL for the default */
    const char *input; /* import's file, NULL or "-" for stdin */
    int events;        /* dump --events */
};

static void usage(FILE *to)
{
    fprintf(to, "usage: ffctl db init|stats|dump [--events]|import [FILE]|rebuild|check|conflicts"
                " [--db PATH]\n"
                "The device store (default $XDG_DATA_HOME/fieldflow/device.db).\n"
                "  init       create or migrate the store; prints its device id\n"
                "  stats      counts as JSON          conflicts  open conflicts as JSON\n"
                "  dump       projections, sorted (--events: the log as JSON lines)\n"
                "  import     events as JSON lines from FILE or stdin, all or nothing\n"
                "  rebuild    fold the whole log again\n"
                "  check      integrity, gapless seq, and fold == rebuild\n");
}

static int parse(int argc, char **argv, struct db_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage(stdout);
            return -1;
        }
        if (!strcmp(s, "--db") && i + 1 < argc)
            a->db = argv[++i];
        else if (!strcmp(s, "--events"))
            a->events = 1;
        else if (!a->verb && s[0] != '-')
            a->verb = s;
        else if (a->verb && !strcmp(a->verb, "import") && !a->input)
            a->input = s;
        else {
            fprintf(stderr, "ffctl db: unexpected argument '%s'\n", s);
            return FFCTL_USAGE;
        }
    }
    if (!a->verb) {
        usage(stderr);
        return FFCTL_USAGE;
    }
    return FFCTL_OK;
}

static int exit_for(enum ff_err e)
{
    switch (e) {
    case FF_OK:
        return FFCTL_OK;
    case FF_EPARSE:
    case FF_EINVALID:
    case FF_ELIMIT:
    case FF_ECORRUPT:
    case FF_ESTATE:
    case FF_EVERSION:
    case FF_ENOTFOUND:
        return FFCTL_REFUSED;
    case FF_EINVAL:
        return FFCTL_USAGE;
    default:
        return FFCTL_FAILURE;
    }
}

static int fail(struct ff_store *s, enum ff_err e, const char *what)
{
    fprintf(stderr, "ffctl db %s: %s: %s\n", what, ff_strerror(e), ff_store_errmsg(s));
    return exit_for(e);
}

static int print_json(struct ff_store *s, enum ff_err e, char *json, const char *what)
{
    if (e)
        return fail(s, e, what);
    printf("%s\n", json);
    ff_free(json);
    return FFCTL_OK;
}

/* Imports every line of `in` in one batch; a refused line rolls all of it back. */
static int import_from(struct ff_store *s, FILE *in, const char *name)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0, added = 0, seen = 0;
    enum ff_err e = ff_store_begin(s);
    while (!e && (n = getline(&line, &cap, in)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        bool a = false;
        e = ff_store_import(s, line, (size_t)n, &a);
        added += a;
        seen++;
    }
    free(line);
    if (e) {
        fprintf(stderr, "ffctl db import: %s:%ld: %s: %s (nothing imported)\n", name, lineno,
                ff_strerror(e), ff_store_errmsg(s));
        ff_store_rollback(s);
        return exit_for(e);
    }
    if ((e = ff_store_commit(s)))
        return fail(s, e, "import");
    printf("%ld events read, %ld new\n", seen, added);
    return FFCTL_OK;
}

static int run_import(struct ff_store *s, const char *input)
{
    if (!input || !strcmp(input, "-"))
        return import_from(s, stdin, "stdin");
    FILE *in = fopen(input, "r");
    if (!in) {
        perror(input);
        return FFCTL_FAILURE;
    }
    int rc = import_from(s, in, input);
    fclose(in);
    return rc;
}

static int run_verb(struct ff_store *s, const struct db_args *a)
{
    char *json = NULL;
    enum ff_err e;
    if (!strcmp(a->verb, "init")) {
        printf("%s\n", ff_store_device(s));
        return FFCTL_OK;
    }
    if (!strcmp(a->verb, "stats")) {
        e = ff_store_stats(s, &json);
        return print_json(s, e, json, "stats");
    }
    if (!strcmp(a->verb, "conflicts")) {
        e = ff_store_conflicts(s, &json);
        return print_json(s, e, json, "conflicts");
    }
    if (!strcmp(a->verb, "dump")) {
        e = a->events ? ff_store_export(s, stdout) : ff_store_dump(s, stdout);
        return e ? fail(s, e, "dump") : FFCTL_OK;
    }
    if (!strcmp(a->verb, "import"))
        return run_import(s, a->input);
    if (!strcmp(a->verb, "rebuild"))
        return (e = ff_store_rebuild(s)) ? fail(s, e, "rebuild") : FFCTL_OK;
    if (!strcmp(a->verb, "check")) {
        if ((e = ff_store_check(s)))
            return fail(s, e, "check");
        printf("ok\n");
        return FFCTL_OK;
    }
    fprintf(stderr, "ffctl db: unknown verb '%s' (see ffctl db --help)\n", a->verb);
    return FFCTL_USAGE;
}

int ffctl_db(int argc, char **argv)
{
    struct db_args a = {0};
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc < 0 ? FFCTL_OK : rc;
    char why[512] = "";
    struct ff_store_opts o = {.path = a.db, .why = why, .why_len = sizeof why};
    o.readonly =
        !strcmp(a.verb, "stats") || !strcmp(a.verb, "dump") || !strcmp(a.verb, "conflicts");
    struct ff_store *s;
    enum ff_err e = ff_store_open(&o, &s);
    if (e) {
        fprintf(stderr, "ffctl db %s: %s: %s\n", a.verb, ff_strerror(e), why);
        return exit_for(e);
    }
    rc = run_verb(s, &a);
    ff_store_close(s);
    return rc;
}

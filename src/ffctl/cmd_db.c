/* cmd_db.c - `ffctl db`: look after the device store from the shell.
 *
 * init makes (or migrates) the store and prints its device id; stats and conflicts print
 * JSON; dump prints the projections (or --events, the log as JSON lines); import reads JSON
 * lines from a file or stdin in one transaction (a bad line refuses the whole import and
 * names the line; a line is read with the event's size cap, never whole); restore does the
 * same for this device's own events; rebuild refolds the log; check runs integrity,
 * gapless-seq and fold-equality checks; forgeries lists refused forged copies. A usage
 * error is found before the store is opened: it exits 2 and creates nothing.
 * Workload: admin and tests; one store per invocation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffctl.h"
#include "fieldflow/event.h"
#include "fieldflow/mem.h"
#include "fieldflow/store.h"

struct db_args {
    const char *verb;  /* one of verbs[] */
    const char *db;    /* --db PATH, NULL for the default */
    const char *input; /* import's or restore's file, NULL or "-" for stdin */
    int events;        /* dump --events */
};

/* Every verb, and whether it only reads (the store is opened read-only). */
static const struct {
    const char *name;
    bool reads;
} verbs[] = {{"init", false},   {"stats", true},     {"dump", true},
             {"import", false}, {"restore", false},  {"rebuild", false},
             {"check", false},  {"conflicts", true}, {"forgeries", true}};

static void usage(FILE *to)
{
    fprintf(to, "usage: ffctl db init|stats|dump [--events]|import [FILE]|restore [FILE]|rebuild|"
                "check|conflicts|forgeries [--db PATH]\n"
                "The device store (default $XDG_DATA_HOME/fieldflow/device.db).\n"
                "  init       create or migrate the store; prints its device id\n"
                "  stats      counts as JSON          conflicts  open conflicts as JSON\n"
                "  dump       projections, sorted (--events: the log as JSON lines)\n"
                "  import     events as JSON lines from FILE or stdin, all or nothing\n"
                "  restore    this device's own events (a backup), all or nothing\n"
                "  rebuild    fold the whole log again\n"
                "  check      integrity, gapless seq, and fold == rebuild\n"
                "  forgeries  events refused as forged copies of stored ones, as JSON\n");
}

static int verb_index(const char *verb)
{
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (!strcmp(verbs[i].name, verb))
            return (int)i;
    return -1;
}

/* Reads the arguments; every mistake is found here, before the store is opened, so that a
 * usage error creates, migrates and changes nothing. */
static int parse(int argc, char **argv, struct db_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage(stdout);
            return -1;
        }
        bool takes_file = a->verb && (!strcmp(a->verb, "import") || !strcmp(a->verb, "restore"));
        if (!strcmp(s, "--db") && i + 1 < argc && argv[i + 1][0])
            a->db = argv[++i];
        else if (!strcmp(s, "--db")) {
            fprintf(stderr, "ffctl db: --db needs a path\n");
            return FFCTL_USAGE;
        } else if (!strcmp(s, "--events"))
            a->events = 1;
        else if (!a->verb && s[0] != '-')
            a->verb = s;
        else if (takes_file && !a->input && (s[0] != '-' || !strcmp(s, "-")))
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
    if (verb_index(a->verb) < 0) {
        fprintf(stderr, "ffctl db: unknown verb '%s' (see ffctl db --help)\n", a->verb);
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

/* Reads one line of `in` into buf (cap bytes) without its end of line. Returns its length,
 * -1 at the end of input, or -2 for a line longer than cap, of which no more is read: the cap
 * applies while reading, so a 300 MB line costs no more memory than a good one. */
static long read_line(FILE *in, char *buf, size_t cap)
{
    size_t n = 0;
    int c;
    while ((c = getc_unlocked(in)) != EOF && c != '\n') {
        if (n == cap)
            return -2;
        buf[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return -1;
    while (n > 0 && buf[n - 1] == '\r')
        n--;
    return (long)n;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

/* Imports (or restores) every line of `in` in one batch; a refused line rolls all of it
 * back. Lines of nothing but spaces and tabs are skipped like empty ones. */
static int import_from(struct ff_store *s, FILE *in, const char *name, bool restore)
{
    size_t cap = FF_EVENT_MAX_BYTES + 1;
    char *line = ff_malloc(cap);
    long n = 0, lineno = 0, added = 0, seen = 0;
    enum ff_err e = line ? ff_store_begin(s) : FF_ENOMEM;
    while (!e && (n = read_line(in, line, cap)) != -1) {
        lineno++;
        if (n == -2) {
            fprintf(stderr,
                    "ffctl db import: %s:%ld: %s: longer than %d bytes (nothing imported)\n", name,
                    lineno, ff_strerror(FF_ELIMIT), FF_EVENT_MAX_BYTES);
            ff_store_rollback(s);
            ff_free(line);
            return FFCTL_REFUSED;
        }
        if (blank(line, (size_t)n))
            continue;
        bool a = false;
        e = restore ? ff_store_restore(s, line, (size_t)n, &a)
                    : ff_store_import(s, line, (size_t)n, &a);
        added += a;
        seen++;
    }
    if (e) {
        fprintf(stderr, "ffctl db import: %s:%ld: %s: %s (nothing imported)\n", name, lineno,
                ff_strerror(e), e == FF_ENOMEM && !lineno ? "out of memory" : ff_store_errmsg(s));
        ff_store_rollback(s);
        if (e == FF_EINVALID && strstr(ff_store_errmsg(s), ": forged:"))
            ff_store_import(s, line, (size_t)n, NULL); /* alone, it records the forgery */
    }
    ff_free(line);
    if (e)
        return exit_for(e);
    if ((e = ff_store_commit(s)))
        return fail(s, e, "import");
    printf("%ld events read, %ld new\n", seen, added);
    return FFCTL_OK;
}

static int run_import(struct ff_store *s, const char *input, bool restore)
{
    if (!input || !strcmp(input, "-"))
        return import_from(s, stdin, "stdin", restore);
    FILE *in = fopen(input, "r");
    if (!in) {
        perror(input);
        return FFCTL_FAILURE;
    }
    int rc = import_from(s, in, input, restore);
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
    if (!strcmp(a->verb, "import") || !strcmp(a->verb, "restore"))
        return run_import(s, a->input, !strcmp(a->verb, "restore"));
    if (!strcmp(a->verb, "forgeries")) {
        e = ff_store_forgeries(s, &json);
        return print_json(s, e, json, "forgeries");
    }
    if (!strcmp(a->verb, "rebuild"))
        return (e = ff_store_rebuild(s)) ? fail(s, e, "rebuild") : FFCTL_OK;
    if (!strcmp(a->verb, "check")) {
        if ((e = ff_store_check(s)))
            return fail(s, e, "check");
        printf("ok\n");
        return FFCTL_OK;
    }
    return FFCTL_USAGE; /* parse() knows every verb handled above */
}

int ffctl_db(int argc, char **argv)
{
    struct db_args a = {0};
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc < 0 ? FFCTL_OK : rc;
    char why[512] = "";
    struct ff_store_opts o = {.path = a.db, .why = why, .why_len = sizeof why};
    o.readonly = verbs[verb_index(a.verb)].reads;
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

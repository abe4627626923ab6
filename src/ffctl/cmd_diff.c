/* cmd_diff.c - `ffctl diff [--json] OLD NEW`: what changed between two versions of a chart.
 *
 * Both files are loaded and validated alone (subchart calls are not resolved); a file that
 * does not load gets the loader's findings on stderr. The comparison is ff_diff_charts();
 * this file only prints it: plain text for people, grouped by section, one line per change
 * located at NEW's file:line:col (OLD's for what NEW lacks); or --json for the back office
 * (docs/internals/diff.md). Broken node ids are also announced on stderr.
 * Exit 0 compared (whether or not anything changed), 1 a file was refused or NEW reuses a
 * node id for another kind of node, 2 usage, 3 a file could not be read or out of memory.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffctl.h"
#include "fieldflow/chart.h"
#include "fieldflow/diff.h"

#define STDIN_NAME "<stdin>"

static void usage(FILE *to)
{
    fprintf(to, "usage: ffctl diff [--json] OLD NEW      (either may be - for standard input)\n"
                "Compares two versions of a chart: nodes, options, fields and actions added,\n"
                "removed, changed or moved; texts per locale; chart metadata; node ids kept or\n"
                "broken. A NEW that reuses a node id for another kind of node is refused.\n"
                "  --json   one JSON object (schema: docs/internals/diff.md)\n"
                "exit: 0 compared (changes or not), 1 refused, 2 usage, 3 a file could not be "
                "read\n");
}

static void print_findings(const struct ff_diags *d, bool errors_only)
{
    char line[2048];
    for (size_t i = 0; i < d->n; i++) {
        if (errors_only && d->v[i].severity != FF_SEV_ERROR)
            continue;
        ff_diag_format(&d->v[i], line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
}

/* "-": the chart on standard input, read up to one byte past the size cap (which the
 * parser then refuses), so that `git show HEAD:x.json | ffctl diff - x.json` works. */
static enum ff_err load_stdin(struct ff_diags *d, struct ff_chart **out)
{
    char *buf = malloc(FF_CHART_MAX_BYTES + 1);
    if (!buf)
        return FF_ENOMEM;
    size_t len = fread(buf, 1, FF_CHART_MAX_BYTES + 1, stdin);
    enum ff_err err = FF_EIO;
    if (ferror(stdin))
        fprintf(stderr, "ffctl diff: cannot read the standard input\n");
    else
        err = ff_chart_parse(buf, len, STDIN_NAME, d, out);
    free(buf);
    return err;
}

/* Loads one side; returns an ffctl exit code (FFCTL_OK with *out set). Warnings are the
 * validator's business and are not repeated here. */
static int load(const char *path, struct ff_chart **out)
{
    struct ff_diags d;
    ff_diags_init(&d);
    enum ff_err err = strcmp(path, "-") ? ff_chart_load(path, &d, out) : load_stdin(&d, out);
    print_findings(&d, true);
    ff_diags_free(&d);
    if (err == FF_OK)
        return FFCTL_OK;
    return err == FF_EIO || err == FF_ENOMEM ? FFCTL_FAILURE : FFCTL_REFUSED;
}

/* ---- JSON ---- */

static void json_str(const char *s)
{
    if (!s) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", stdout);
        else if (*p == '\t')
            fputs("\\t", stdout);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static void json_pos(struct ff_pos p)
{
    if (p.line)
        printf("{\"line\": %u, \"col\": %u}", (unsigned)p.line, (unsigned)p.col);
    else
        fputs("null", stdout);
}

static void json_side(const char *key, const char *file, const struct ff_chart *c)
{
    printf("  \"%s\": {\"file\": ", key);
    json_str(file);
    printf(", \"id\": ");
    json_str(c->id);
    printf(", \"version\": %d},\n", c->version);
}

static void json_ids(const struct ff_diff *d, enum ff_diff_op op)
{
    bool first = true;
    putchar('[');
    for (size_t i = 0; i < ff_diff_count(d); i++) {
        const struct ff_diff_change *c = ff_diff_at(d, i);
        if (c->entity != FF_DIFF_NODE || c->op != op || c->attr)
            continue;
        fputs(first ? "" : ", ", stdout);
        json_str(c->node);
        first = false;
    }
    putchar(']');
}

static void json_change(const struct ff_diff_change *c, bool last)
{
    printf("    {\"group\": \"%s\", \"op\": \"%s\", \"entity\": \"%s\", \"limit\": ",
           ff_diff_group_name(c->group), ff_diff_op_name(c->op), ff_diff_entity_name(c->entity));
    json_str(c->limit);
    fputs(", \"node\": ", stdout);
    json_str(c->node);
    fputs(", \"item\": ", stdout);
    json_str(c->item);
    fputs(", \"choice\": ", stdout);
    json_str(c->choice);
    fputs(", \"attr\": ", stdout);
    json_str(c->attr);
    fputs(", \"locale\": ", stdout);
    json_str(c->locale);
    fputs(", \"old\": ", stdout);
    json_str(c->old_value);
    fputs(", \"new\": ", stdout);
    json_str(c->new_value);
    fputs(", \"old_pos\": ", stdout);
    json_pos(c->old_pos);
    fputs(", \"new_pos\": ", stdout);
    json_pos(c->new_pos);
    printf("}%s\n", last ? "" : ",");
}

static void print_json(const char *fa, const struct ff_chart *a, const char *fb,
                       const struct ff_chart *b, const struct ff_diff *d)
{
    size_t ops[FF_DIFF_MOVED + 1] = {0}, n = ff_diff_count(d), done = 0;
    struct ff_diff_ids ids = ff_diff_node_ids(d);
    for (size_t i = 0; i < n; i++)
        ops[ff_diff_at(d, i)->op]++;
    printf("{\n  \"format\": 1,\n");
    json_side("old", fa, a);
    json_side("new", fb, b);
    printf("  \"identical\": %s,\n  \"version_increased\": %s,\n", n ? "false" : "true",
           b->version > a->version ? "true" : "false");
    printf("  \"node_ids\": {\"kept\": %zu, \"broken\": ", ids.kept);
    json_ids(d, FF_DIFF_REMOVED);
    fputs(", \"added\": ", stdout);
    json_ids(d, FF_DIFF_ADDED);
    printf("},\n  \"counts\": {\"added\": %zu, \"removed\": %zu, \"changed\": %zu, \"moved\": "
           "%zu},\n  \"changes\": [%s",
           ops[FF_DIFF_ADDED], ops[FF_DIFF_REMOVED], ops[FF_DIFF_CHANGED], ops[FF_DIFF_MOVED],
           n ? "\n" : "");
    for (int g = 0; g < FF_DIFF_GROUP_COUNT; g++)
        for (size_t i = 0; i < n; i++)
            if (ff_diff_at(d, i)->group == (enum ff_diff_group)g)
                json_change(ff_diff_at(d, i), ++done == n);
    printf("%s]\n}\n", n ? "  " : "");
}

/* ---- text ---- */

/* A value as people read it: strings quoted (with \n, \" escaped), "(none)" when absent. */
static void text_value(const struct ff_diff_change *c, const char *v)
{
    if (!v || !*v) {
        fputs("(none)", stdout);
        return;
    }
    if (c->type != FF_DIFF_STRING) {
        fputs(v, stdout);
        return;
    }
    putchar('"');
    for (const char *p = v; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", stdout);
        else
            putchar(*p);
    }
    putchar('"');
}

static void text_subject(const struct ff_diff_change *c)
{
    if (c->entity == FF_DIFF_CHART)
        fputs("chart", stdout);
    if (c->limit)
        printf("time limit \"%s\"", c->limit);
    if (c->node)
        printf("node \"%s\"", c->node);
    if (c->item)
        printf(" %s \"%s\"",
               c->entity == FF_DIFF_OPTION   ? "option"
               : c->entity == FF_DIFF_ACTION ? "action"
                                             : "field",
               c->item);
    if (c->choice)
        printf(" choice \"%s\"", c->choice);
}

static bool is_order(const struct ff_diff_change *c)
{
    static const char *const lists[] = {"options", "fields", "choices", "actions"};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (c->attr && !strcmp(c->attr, lists[i]))
            return true;
    return false;
}

static void text_change(const struct ff_diff_change *c, const char *fa, const char *fb)
{
    bool removed = c->op == FF_DIFF_REMOVED;
    struct ff_pos p = removed ? c->old_pos : c->new_pos;
    const char *file = removed ? fa : fb;
    if (p.line)
        printf("  %s:%u:%u: ", file, (unsigned)p.line, (unsigned)p.col);
    else
        printf("  %s: ", file);
    text_subject(c);
    if (c->op == FF_DIFF_ADDED || removed) {
        const char *v = removed ? c->old_value : c->new_value;
        printf(": %s", ff_diff_op_name(c->op));
        if (v && c->entity == FF_DIFF_OPTION)
            printf(", %s \"%s\"", removed ? "went to" : "goes to", v);
        else if (v)
            printf(" (%s)", v);
        if (removed && c->entity == FF_DIFF_NODE)
            fputs(": id BROKEN", stdout);
        putchar('\n');
        return;
    }
    printf(": %s%s", c->op == FF_DIFF_MOVED ? "moved: " : "", is_order(c) ? "order of " : "");
    printf(c->locale ? "%s [%s]: " : "%s: ", c->attr, c->locale);
    text_value(c, c->old_value);
    fputs(" -> ", stdout);
    text_value(c, c->new_value);
    putchar('\n');
}

static void print_text(const char *fa, const struct ff_chart *a, const char *fb,
                       const struct ff_chart *b, const struct ff_diff *d)
{
    size_t n = ff_diff_count(d);
    struct ff_diff_ids ids = ff_diff_node_ids(d);
    printf("%s (%s version %d) -> %s (%s version %d): ", fa, a->id, a->version, fb, b->id,
           b->version);
    if (!n) {
        printf("no changes\n");
        return;
    }
    printf("%zu change%s\nnode ids: %zu kept, %zu added, ", n, n == 1 ? "" : "s", ids.kept,
           ids.added);
    if (ids.broken) {
        printf("%zu BROKEN (analytics keyed on them lose their history):", ids.broken);
        for (size_t i = 0; i < n; i++)
            if (ff_diff_at(d, i)->entity == FF_DIFF_NODE && ff_diff_at(d, i)->op == FF_DIFF_REMOVED)
                printf(" %s", ff_diff_at(d, i)->node);
        putchar('\n');
    } else
        printf("0 broken\n");
    for (int g = 0; g < FF_DIFF_GROUP_COUNT; g++) {
        bool header = false;
        for (size_t i = 0; i < n; i++) {
            const struct ff_diff_change *c = ff_diff_at(d, i);
            if (c->group != (enum ff_diff_group)g)
                continue;
            if (!header)
                printf("%s:\n", ff_diff_group_name(c->group));
            header = true;
            text_change(c, fa, fb);
        }
    }
}

/* Broken ids, and changes under an unchanged version number (a run keeps the version it
 * started with, so two contents under one version cannot be told apart). */
static void warn(const struct ff_chart *a, const char *fb, const struct ff_chart *b,
                 const struct ff_diff *d)
{
    struct ff_diff_ids ids = ff_diff_node_ids(d);
    if (ff_diff_count(d) && b->version <= a->version)
        fprintf(stderr,
                "ffctl diff: warning: %s changes the chart but its version (%d) is not higher "
                "than the old one (%d)\n",
                fb, b->version, a->version);
    if (!ids.broken)
        return;
    fprintf(stderr, "ffctl diff: warning: %s drops %zu node id%s (broken for analytics):", fb,
            ids.broken, ids.broken == 1 ? "" : "s");
    for (size_t i = 0; i < ff_diff_count(d); i++) {
        const struct ff_diff_change *c = ff_diff_at(d, i);
        if (c->entity == FF_DIFF_NODE && c->op == FF_DIFF_REMOVED)
            fprintf(stderr, " %s", c->node);
    }
    fputc('\n', stderr);
}

int ffctl_diff(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL};
    int nfiles = 0;
    bool json = false, options = true;
    for (int i = 1; i < argc; i++) {
        if (options && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))) {
            usage(stdout);
            return FFCTL_OK;
        }
        if (options && !strcmp(argv[i], "--"))
            options = false;
        else if (options && !strcmp(argv[i], "--json"))
            json = true;
        else if ((options && argv[i][0] == '-' && argv[i][1]) || nfiles == 2)
            return ffctl_bad_arg("diff", argv[i], false);
        else
            files[nfiles++] = argv[i];
    }
    if (nfiles < 2) {
        usage(stderr);
        return FFCTL_USAGE;
    }
    if (!strcmp(files[0], "-") && !strcmp(files[1], "-")) {
        fprintf(stderr, "ffctl diff: only one of OLD and NEW can be read from standard input\n");
        return FFCTL_USAGE;
    }
    struct ff_chart *a = NULL, *b = NULL;
    struct ff_diff *d = NULL;
    struct ff_diags diags;
    int ra = load(files[0], &a), rb = load(files[1], &b), rc;
    ff_diags_init(&diags);
    if (ra || rb) {
        rc = ra > rb ? ra : rb;
        goto out_free_charts;
    }
    enum ff_err err = ff_diff_charts(a, b, &diags, &d);
    print_findings(&diags, false);
    if (err != FF_OK) {
        if (err == FF_ENOMEM)
            fprintf(stderr, "ffctl diff: out of memory\n");
        rc = err == FF_EINVALID ? FFCTL_REFUSED : FFCTL_FAILURE;
        goto out_free_charts;
    }
    for (int i = 0; i < 2; i++)
        files[i] = strcmp(files[i], "-") ? files[i] : STDIN_NAME;
    warn(a, files[1], b, d);
    if (json)
        print_json(files[0], a, files[1], b, d);
    else
        print_text(files[0], a, files[1], b, d);
    rc = FFCTL_OK;
    ff_diff_free(d);
out_free_charts:
    ff_diags_free(&diags);
    ff_chart_free(b);
    ff_chart_free(a);
    return rc;
}

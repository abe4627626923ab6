/* cmd_stats.c - `ffctl stats FILE [--json]`: the shape of one chart.
 *
 * Counts nodes by kind, decisions and their options, ends by outcome, locales, time limits,
 * and the longest path from the start to an end in nodes (cycles cut as in ff_chart_depth).
 * Plain text by default; --json prints one object (all its strings are ids and locale tags,
 * which need no escaping). Exit 0, 1 when the chart does not load, 2 usage, 3 unreadable.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ffctl.h"
#include "fieldflow/chart.h"

#define NKINDS (FF_NODE_END + 1)

struct stats {
    size_t kinds[NKINDS];
    size_t options;
    size_t outcomes[FF_OUTCOME_COUNT];
    size_t longest, to_end;
};

static void usage(FILE *to)
{
    fprintf(to, "usage: ffctl stats [--json] FILE\n"
                "Nodes by kind, decisions and options, the longest path from start to an end\n"
                "(in nodes), ends by outcome, locales and time limits of one chart.\n");
}

static void count(const struct ff_chart *c, struct stats *s)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < c->nnodes; i++) {
        const struct ff_node *n = &c->nodes[i];
        s->kinds[n->kind]++;
        s->options += n->noptions;
        if (n->kind == FF_NODE_END)
            s->outcomes[n->outcome]++;
    }
}

static void print_text(const struct ff_chart *c, const struct stats *s)
{
    printf("chart: %s version %d (%s, %s)\n", c->id, c->version, c->category,
           ff_audience_name(c->audience));
    printf("nodes: %zu\n", c->nnodes);
    for (int k = 0; k < NKINDS; k++)
        if (s->kinds[k])
            printf("  %-9s %zu\n", ff_node_kind_name((enum ff_node_kind)k), s->kinds[k]);
    printf("decisions: %zu\noptions: %zu\n", s->kinds[FF_NODE_DECISION], s->options);
    printf("longest path: %zu nodes\n", s->to_end);
    printf("ends:");
    for (int o = 0; o < FF_OUTCOME_COUNT; o++)
        if (s->outcomes[o])
            printf(" %s %zu", ff_outcome_name((enum ff_outcome)o), s->outcomes[o]);
    printf("\nlocales:");
    for (size_t i = 0; i < c->nlocales; i++)
        printf(" %s", c->locales[i]);
    printf("\ntime limits: %zu\n", c->nlimits);
}

static void print_json(const struct ff_chart *c, const struct stats *s)
{
    printf("{\"id\": \"%s\", \"version\": %d, \"nodes\": %zu, \"kinds\": {", c->id, c->version,
           c->nnodes);
    for (int k = 0; k < NKINDS; k++)
        printf("%s\"%s\": %zu", k ? ", " : "", ff_node_kind_name((enum ff_node_kind)k),
               s->kinds[k]);
    printf("}, \"decisions\": %zu, \"options\": %zu, \"longest_path\": %zu, \"ends\": {",
           s->kinds[FF_NODE_DECISION], s->options, s->to_end);
    for (int o = 0; o < FF_OUTCOME_COUNT; o++)
        printf("%s\"%s\": %zu", o ? ", " : "", ff_outcome_name((enum ff_outcome)o), s->outcomes[o]);
    printf("}, \"locales\": [");
    for (size_t i = 0; i < c->nlocales; i++)
        printf("%s\"%s\"", i ? ", " : "", c->locales[i]);
    printf("], \"time_limits\": %zu}\n", c->nlimits);
}

int ffctl_stats(int argc, char **argv)
{
    const char *file = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return FFCTL_OK;
        }
        if (!strcmp(argv[i], "--json"))
            json = true;
        else if (argv[i][0] == '-' || file) {
            fprintf(stderr, "ffctl stats: %s '%s'\n",
                    argv[i][0] == '-' ? "unknown option" : "unexpected argument", argv[i]);
            usage(stderr);
            return FFCTL_USAGE;
        } else
            file = argv[i];
    }
    if (!file) {
        usage(stderr);
        return FFCTL_USAGE;
    }
    struct ff_diags d;
    struct ff_chart *c = NULL;
    struct stats s;
    char line[2048];
    ff_diags_init(&d);
    enum ff_err err = ff_chart_load(file, &d, &c);
    for (size_t i = 0; i < d.n; i++) {
        ff_diag_format(&d.v[i], line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    ff_diags_free(&d);
    if (!c)
        return err == FF_EIO || err == FF_ENOMEM ? FFCTL_FAILURE : FFCTL_REFUSED;
    count(c, &s);
    if (ff_chart_depth(c, &s.longest, &s.to_end) != FF_OK) {
        ff_chart_free(c);
        fprintf(stderr, "ffctl stats: out of memory\n");
        return FFCTL_FAILURE;
    }
    if (json)
        print_json(c, &s);
    else
        print_text(c, &s);
    ff_chart_free(c);
    return FFCTL_OK;
}

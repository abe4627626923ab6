/* main.c - ffctl: the command-line tool for flowcharts and the device store.
 *
 * Dispatches on the first argument through one table; each subcommand lives in its own
 * cmd_<name>.c and prints its own --help.
 */
#include <stdio.h>
#include <string.h>

#include "ffctl.h"

static const struct ffctl_command commands[] = {
    {"validate", "validate FILE...            check charts, report errors with file:line:column",
     ffctl_validate},
    {"stats", "stats FILE [--json]         nodes by kind, options, longest path, ends, locales",
     ffctl_stats},
    {"export", "export FILE --format svg|pdf|png|dot|mermaid [--locale L] [--highlight T] [-o OUT]",
     ffctl_export},
    {"import", "import FILE [--from dot|mermaid|drawio] [--locale L] [-o OUT.json]", ffctl_import},
    {"run", "run FILE [--locale L] [--answers FILE]   walk a chart in the terminal", ffctl_run},
    {"diff", "diff OLD NEW [--json]       what changed between two versions of a chart",
     ffctl_diff},
    {"db", "db init|stats|dump|import|rebuild|check|conflicts [--db PATH]   the device store",
     ffctl_db},
    {"sync", "sync --db PATH [--server URL --pin PIN --enrol CODE] [--wait S] [--status]   sync",
     ffctl_sync},
    {NULL, NULL, NULL},
};

int ffctl_bad_arg(const char *cmd, const char *arg, bool needs_value)
{
    fprintf(stderr, "ffctl %s: %s '%s'\n", cmd,
            needs_value     ? "a value must follow"
            : arg[0] == '-' ? "unknown option"
                            : "unexpected argument",
            arg);
    return FFCTL_USAGE;
}

static void usage(FILE *to)
{
    fprintf(to, "usage: ffctl COMMAND [ARGS...]\n\ncommands:\n");
    for (const struct ffctl_command *c = commands; c->name; c++)
        fprintf(to, "  %s\n", c->synopsis);
    fprintf(to, "\n  ffctl COMMAND --help   more on one command\n"
                "  ffctl --version\n\n"
                "exit codes: 0 ok, 1 input refused, 2 usage error, 3 failure\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return FFCTL_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return FFCTL_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("ffctl %s\n", FF_VERSION);
        return FFCTL_OK;
    }
    for (const struct ffctl_command *c = commands; c->name; c++)
        if (!strcmp(argv[1], c->name))
            return c->run(argc - 1, argv + 1);
    fprintf(stderr, "ffctl: unknown command '%s' (see ffctl --help)\n", argv[1]);
    return FFCTL_USAGE;
}

/* ffctl.h - the subcommands of ffctl, one file each (cmd_<name>.c).
 *
 * Each takes the arguments after the subcommand name (argv[0] is the subcommand) and
 * returns the process exit code: 0 success, 1 the input was refused (invalid chart,
 * failed check), 2 usage error, 3 an I/O or system failure. Errors go to stderr.
 */
#ifndef FFCTL_H
#define FFCTL_H

#include <stdbool.h>
#include <stdio.h>

enum { FFCTL_OK = 0, FFCTL_REFUSED = 1, FFCTL_USAGE = 2, FFCTL_FAILURE = 3 };

struct ffctl_command {
    const char *name;
    const char *synopsis;
    int (*run)(int argc, char **argv);
};

/* Reports a refused argument of `cmd` on stderr ("a value must follow", "unknown option" or
 * "unexpected argument", by what arg looks like) and returns FFCTL_USAGE. */
int ffctl_bad_arg(const char *cmd, const char *arg, bool needs_value);

int ffctl_validate(int argc, char **argv);
int ffctl_run(int argc, char **argv);
int ffctl_export(int argc, char **argv);
int ffctl_import(int argc, char **argv);
int ffctl_stats(int argc, char **argv);
int ffctl_db(int argc, char **argv);
int ffctl_diff(int argc, char **argv);
int ffctl_sync(int argc, char **argv);

#endif

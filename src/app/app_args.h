/* app_args.h - the command line of `fieldflow`: the settings of app_config.h (config file
 * and flags: store, mode, size, full screen, locale, theme, idle, admin PIN hash) plus the
 * program's own flags for scripted runs and development. */
#ifndef FIELDFLOW_APP_ARGS_H
#define FIELDFLOW_APP_ARGS_H

#include <stdbool.h>

#include "app_config.h"

struct app_opts {
    struct ff_app_config cfg; /* the settings (defaults < file < flags) */
    const char *script;       /* --script FILE */
    const char *screenshots;  /* --screenshots DIR */
    const char *charts;       /* --charts DIR (the shipped flowcharts) */
    const char *kb;           /* --kb DIR (the knowledge base) */
    bool software;            /* --software: no hardware renderer */
    const char *hash_pin;     /* --hash-pin PIN: print its argon2id hash for the config, exit */
    const char *clock_arg;    /* --clock-start SECONDS, as given */
    long clock_start_s;       /* the script's fake clock starts this long after its instant */
};

/* Fills o from argv (argv is not changed). Returns 0 to run, 1 after --help (printed), 2 for
 * a usage or config error (said on stderr, naming the flag or file:line). A --script run is
 * windowed whatever the config says. */
int app_args_parse(int argc, char **argv, struct app_opts *o);

#endif

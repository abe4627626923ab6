/* app_args.h - the command line of `fieldflow`. */
#ifndef FIELDFLOW_APP_ARGS_H
#define FIELDFLOW_APP_ARGS_H

#include <stdbool.h>

struct app_opts {
    const char *store;       /* --store PATH; NULL = the default store path */
    const char *mode;        /* --mode; only "kiosk" today */
    int width, height;       /* --size WxH (window units) */
    bool fullscreen;         /* --fullscreen */
    const char *locale;      /* --locale en|da|es */
    const char *theme;       /* --theme normal|high-contrast|large-text */
    int idle_s;              /* --idle SECONDS before "still there?" */
    const char *script;      /* --script FILE */
    const char *screenshots; /* --screenshots DIR */
    const char *charts;      /* --charts DIR (the shipped flowcharts) */
    const char *kb;          /* --kb DIR (the knowledge base) */
    bool software;           /* --software: no hardware renderer */
    const char *hash_pin;    /* --hash-pin PIN: print its argon2id hash for the config, exit */
};

/* Fills o from argv. Returns 0 to run, 1 after --help (printed), 2 for a usage error (said
 * on stderr). */
int app_args_parse(int argc, char **argv, struct app_opts *o);
/* "WxH" -> w, h; false unless both are 1..16384. */
bool app_parse_size(const char *s, int *w, int *h);

#endif

/* app_args.c - the program's own flags, taken out of argv before the rest goes to the
 * settings loader (app_config.c), so there is one place for settings and one for the
 * script driver's and developer's flags. Every refusal names the flag and why. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_args.h"

#define MAX_ARGS 64

static const char usage[] =
    "\n"
    "Scripted runs and development:\n"
    "  --script FILE          drive the UI from FILE on a fake clock, then exit (tap ID,\n"
    "                         type TEXT, key NAME, drag ID DX DY, wait MS, expect-text T,\n"
    "                         expect-no-text T, screenshot NAME, size WxH, theme X,\n"
    "                         locale X, check-ui, hold ID, expect-row ID..., expect-centred\n"
    "                         REF FIRST LAST; see docs/kiosk.md)\n"
    "  --clock-start SECONDS  with --script: the fake clock starts SECONDS (0..31536000)\n"
    "                         after its fixed instant, 2026-12-01 09:00 UTC (a later run\n"
    "                         finds an earlier run's snapshot that much older)\n"
    "  --screenshots DIR      where `screenshot NAME` writes NAME.png (default: .)\n"
    "  --charts DIR           the flowcharts (default: the shipped assets/flowcharts)\n"
    "  --kb DIR               the knowledge base for a new store (default: assets/kb)\n"
    "  --software             use the software renderer\n"
    "  --hash-pin PIN         print the argon2id hash of an admin PIN for the config\n"
    "\n"
    "Exit codes: 0 ok, 1 a script step failed, 2 usage or config error, 3 failure.\n";

static const char **own_flag(struct app_opts *o, const char *f)
{
    return !strcmp(f, "--script")        ? &o->script
           : !strcmp(f, "--screenshots") ? &o->screenshots
           : !strcmp(f, "--charts")      ? &o->charts
           : !strcmp(f, "--kb")          ? &o->kb
           : !strcmp(f, "--hash-pin")    ? &o->hash_pin
           : !strcmp(f, "--clock-start") ? &o->clock_arg
                                         : NULL;
}

/* --clock-start: whole seconds, at most a year. */
static bool parse_clock(struct app_opts *o)
{
    if (!o->clock_arg)
        return true;
    char *end = NULL;
    errno = 0;
    long v = strtol(o->clock_arg, &end, 10);
    if (errno || end == o->clock_arg || *end || v < 0 || v > 31536000L) {
        fprintf(stderr,
                "fieldflow: --clock-start: \"%s\" is not a number of seconds "
                "(0..31536000)\n",
                o->clock_arg);
        return false;
    }
    if (!o->script) {
        fprintf(stderr, "fieldflow: --clock-start: only with --script (the fake clock)\n");
        return false;
    }
    o->clock_start_s = v;
    return true;
}

int app_args_parse(int argc, char **argv, struct app_opts *o)
{
    char *rest[MAX_ARGS];
    int n = 0;
    char err[512];
    memset(o, 0, sizeof *o);
    o->screenshots = ".";
    if (argc > MAX_ARGS) {
        fprintf(stderr, "fieldflow: more than %d arguments\n", MAX_ARGS - 1);
        return 2;
    }
    rest[n++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char **s = own_flag(o, argv[i]);
        if (s && i + 1 >= argc) {
            fprintf(stderr, "fieldflow: %s: needs a value (see --help)\n", argv[i]);
            return 2;
        }
        if (s)
            *s = argv[++i];
        else if (!strcmp(argv[i], "--software"))
            o->software = true;
        else
            rest[n++] = argv[i];
    }
    if (ff_app_config_load(&o->cfg, n, rest, err, sizeof err) != FF_OK) {
        fprintf(stderr, "fieldflow: %s\n", err);
        return 2;
    }
    if (o->cfg.help) {
        fputs(ff_app_config_help(), stdout);
        fputs(usage, stdout);
        return 1;
    }
    if (o->cfg.mode != FF_MODE_KIOSK) {
        fprintf(stderr, "fieldflow: --mode: only kiosk exists so far\n");
        return 2;
    }
    if (!parse_clock(o))
        return 2;
    if (o->script)
        o->cfg.fullscreen = false;
    return 0;
}

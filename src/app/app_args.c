/* app_args.c - parses fieldflow's flags; every refusal names the flag and why. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_args.h"

static const char usage[] =
    "usage: fieldflow [--mode kiosk] [--store PATH] [--size WxH] [--fullscreen]\n"
    "                 [--locale en|da|es] [--theme normal|high-contrast|large-text]\n"
    "                 [--idle SECONDS] [--charts DIR] [--kb DIR] [--software]\n"
    "                 [--script FILE] [--screenshots DIR]\n"
    "       fieldflow --hash-pin PIN\n"
    "\n"
    "  --mode kiosk        the walk-in kiosk (the only mode so far)\n"
    "  --store PATH        the device store (SQLite); default: the XDG data dir\n"
    "  --size WxH          window size (default 1280x800)\n"
    "  --fullscreen        full screen (a kiosk)\n"
    "  --locale L          starting language; the customer can change it\n"
    "  --theme T           starting theme; the customer can change it\n"
    "  --idle SECONDS      no input for this long asks \"still there?\" (default 60)\n"
    "  --charts DIR        the flowcharts (default: assets/flowcharts)\n"
    "  --kb DIR            the knowledge base (default: assets/kb)\n"
    "  --software          use the software renderer\n"
    "  --script FILE       drive the UI from FILE on a fake clock, then exit\n"
    "                      (tap ID, type TEXT, key NAME, drag ID DX DY, wait MS,\n"
    "                      expect-text T, expect-no-text T, screenshot NAME, size WxH,\n"
    "                      theme X, locale X, check-ui; see docs/kiosk.md)\n"
    "  --screenshots DIR   where `screenshot NAME` writes NAME.png (default: .)\n"
    "  --hash-pin PIN      print the argon2id hash of an admin PIN for kiosk.conf\n"
    "                      ($XDG_CONFIG_HOME/fieldflow/kiosk.conf: admin_pin_hash = HASH)\n"
    "\n"
    "Exit codes: 0 ok, 1 a script step failed, 2 usage error, 3 failure.\n";

bool app_parse_size(const char *s, int *w, int *h)
{
    char *end;
    errno = 0;
    long a = strtol(s, &end, 10);
    if (end == s || *end != 'x' || errno)
        return false;
    const char *p = end + 1;
    long b = strtol(p, &end, 10);
    if (end == p || *end || errno || a < 1 || b < 1 || a > 16384 || b > 16384)
        return false;
    *w = (int)a;
    *h = (int)b;
    return true;
}

static int bad(const char *flag, const char *why)
{
    fprintf(stderr, "fieldflow: %s: %s\n%s", flag, why, usage);
    return 2;
}

static const char **string_flag(struct app_opts *o, const char *f)
{
    return !strcmp(f, "--store")         ? &o->store
           : !strcmp(f, "--mode")        ? &o->mode
           : !strcmp(f, "--locale")      ? &o->locale
           : !strcmp(f, "--theme")       ? &o->theme
           : !strcmp(f, "--script")      ? &o->script
           : !strcmp(f, "--screenshots") ? &o->screenshots
           : !strcmp(f, "--charts")      ? &o->charts
           : !strcmp(f, "--kb")          ? &o->kb
           : !strcmp(f, "--hash-pin")    ? &o->hash_pin
                                         : NULL;
}

static int check(const struct app_opts *o)
{
    if (strcmp(o->mode, "kiosk"))
        return bad("--mode", "only \"kiosk\" exists so far");
    if (strcmp(o->locale, "en") && strcmp(o->locale, "da") && strcmp(o->locale, "es"))
        return bad("--locale", "must be en, da or es");
    if (strcmp(o->theme, "normal") && strcmp(o->theme, "high-contrast") &&
        strcmp(o->theme, "large-text"))
        return bad("--theme", "must be normal, high-contrast or large-text");
    return 0;
}

int app_args_parse(int argc, char **argv, struct app_opts *o)
{
    *o = (struct app_opts){.mode = "kiosk",
                           .width = 1280,
                           .height = 800,
                           .locale = "en",
                           .theme = "normal",
                           .idle_s = 60,
                           .screenshots = "."};
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i];
        const char **s = string_flag(o, f);
        if (!strcmp(f, "--help") || !strcmp(f, "-h")) {
            fputs(usage, stdout);
            return 1;
        } else if (!strcmp(f, "--fullscreen")) {
            o->fullscreen = true;
        } else if (!strcmp(f, "--software")) {
            o->software = true;
        } else if (i + 1 >= argc && (s || !strcmp(f, "--size") || !strcmp(f, "--idle"))) {
            return bad(f, "needs a value");
        } else if (s) {
            *s = argv[++i];
        } else if (!strcmp(f, "--size")) {
            if (!app_parse_size(argv[++i], &o->width, &o->height))
                return bad(f, "expected WxH, e.g. 480x800");
        } else if (!strcmp(f, "--idle")) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || v < 5 || v > 86400)
                return bad(f, "expected seconds, 5..86400");
            o->idle_s = (int)v;
        } else {
            return bad(f, "unknown flag");
        }
    }
    return check(o);
}

/* app_config.c - config file and flags of `fieldflow` (see app_config.h).
 *
 * Written by hand rather than with libinih (Debian's INI reader): inih reports only the
 * line of the first error and no column, and our format is a flat key = value list, so a
 * scanner that keeps line and column is shorter than adapting inih. The file is outside
 * input: size capped, every value checked, all or nothing (a copy is filled and copied
 * back only when the whole file is accepted).
 */
#include "app_config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"

static const char help_text[] =
    "Usage: fieldflow [OPTION]...\n"
    "The fieldflow touch app: the kiosk for walk-in customers (engineer and desk modes "
    "later).\n"
    "\n"
    "  --config FILE          read settings from FILE instead of\n"
    "                         $XDG_CONFIG_HOME/fieldflow/fieldflow.conf\n"
    "  --store PATH           the device store (default: the XDG data folder)\n"
    "  --mode MODE            kiosk, engineer or desk (default kiosk)\n"
    "  --size WxH             window size in logical pixels (default 1280x800)\n"
    "  --fullscreen           full screen (the kiosk default)\n"
    "  --windowed             in a window\n"
    "  --locale LANG          en, da or es (default en)\n"
    "  --theme THEME          normal, high-contrast or large (default normal)\n"
    "  --idle SECONDS         kiosk idle time before \"still there?\" (10-3600, default 90)\n"
    "  --admin-pin-hash HASH  argon2id hash of the admin PIN (never the PIN itself)\n"
    "  --help                 show this text and exit\n"
    "\n"
    "The config file holds the same settings as `key = value` lines (store, mode, size,\n"
    "fullscreen, locale, theme, idle, admin_pin_hash); flags override it.\n";

const char *ff_app_config_help(void)
{
    return help_text;
}

void ff_app_config_defaults(struct ff_app_config *c)
{
    memset(c, 0, sizeof *c);
    c->mode = FF_MODE_KIOSK;
    c->width = 1280;
    c->height = 800;
    c->fullscreen = true;
    memcpy(c->locale, "en", 3);
    c->theme = FF_APP_THEME_NORMAL;
    c->idle_s = 90;
}

enum ff_err ff_app_config_default_path(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(buf, len, "%s/fieldflow/fieldflow.conf", xdg);
    else if (home && *home)
        n = snprintf(buf, len, "%s/.config/fieldflow/fieldflow.conf", home);
    else
        return FF_ENOTFOUND;
    return n < 0 || (size_t)n >= len ? FF_ELIMIT : FF_OK;
}

static int pick(const char *v, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (!strcmp(v, names[i]))
            return i;
    return -1;
}

static bool parse_int(const char *v, long lo, long hi, long *out)
{
    if (*v < '0' || *v > '9')
        return false;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || *end || x < lo || x > hi)
        return false;
    *out = x;
    return true;
}

/* Sets one setting; on refusal writes why (no position) and returns FF_EINVALID. */
static enum ff_err set_key(struct ff_app_config *c, const char *key, const char *v, char *why,
                           size_t why_len)
{
    static const char *const modes[] = {"kiosk", "engineer", "desk", NULL};
    static const char *const themes[] = {"normal", "high-contrast", "large", NULL};
    static const char *const locales[] = {"en", "da", "es", NULL};
    static const char *const bools[] = {"false", "true", "no", "yes", "off", "on", "0", "1", NULL};
    long x, w, h;
    int i;
    if (!strcmp(key, "store")) {
        if (!*v || strlen(v) >= sizeof c->store)
            goto bad_path;
        memcpy(c->store, v, strlen(v) + 1);
    } else if (!strcmp(key, "mode")) {
        if ((i = pick(v, modes)) < 0)
            goto bad_mode;
        c->mode = (enum ff_app_mode)i;
    } else if (!strcmp(key, "theme")) {
        if ((i = pick(v, themes)) < 0)
            goto bad_theme;
        c->theme = (enum ff_app_theme)i;
    } else if (!strcmp(key, "locale")) {
        if ((i = pick(v, locales)) < 0)
            goto bad_locale;
        memcpy(c->locale, locales[i], 3);
    } else if (!strcmp(key, "fullscreen")) {
        if ((i = pick(v, bools)) < 0)
            goto bad_bool;
        c->fullscreen = i % 2 == 1;
    } else if (!strcmp(key, "idle")) {
        if (!parse_int(v, 10, 3600, &x))
            goto bad_idle;
        c->idle_s = (int)x;
    } else if (!strcmp(key, "size")) {
        char wbuf[8] = "", hbuf[8] = "";
        const char *xpos = strchr(v, 'x');
        if (!xpos || xpos - v >= (long)sizeof wbuf || strlen(xpos + 1) >= sizeof hbuf)
            goto bad_size;
        memcpy(wbuf, v, (size_t)(xpos - v));
        memcpy(hbuf, xpos + 1, strlen(xpos + 1) + 1);
        if (!parse_int(wbuf, 320, 7680, &w) || !parse_int(hbuf, 320, 4320, &h))
            goto bad_size;
        c->width = (int)w;
        c->height = (int)h;
    } else if (!strcmp(key, "admin_pin_hash")) {
        if (strncmp(v, "$argon2id$", 10) != 0 || strlen(v) >= sizeof c->admin_pin_hash)
            goto bad_hash;
        memcpy(c->admin_pin_hash, v, strlen(v) + 1);
    } else {
        snprintf(why, why_len,
                 "unknown setting (known: store, mode, size, fullscreen, locale, "
                 "theme, idle, admin_pin_hash)");
        return FF_ENOTFOUND;
    }
    return FF_OK;
bad_path:
    snprintf(why, why_len, "expected a path of 1 to %d bytes", FF_CONFIG_PATH_MAX - 1);
    return FF_EINVALID;
bad_mode:
    snprintf(why, why_len, "expected kiosk, engineer or desk, not \"%s\"", v);
    return FF_EINVALID;
bad_theme:
    snprintf(why, why_len, "expected normal, high-contrast or large, not \"%s\"", v);
    return FF_EINVALID;
bad_locale:
    snprintf(why, why_len, "expected en, da or es, not \"%s\"", v);
    return FF_EINVALID;
bad_bool:
    snprintf(why, why_len, "expected true or false, not \"%s\"", v);
    return FF_EINVALID;
bad_idle:
    snprintf(why, why_len, "expected whole seconds from 10 to 3600, not \"%s\"", v);
    return FF_EINVALID;
bad_size:
    snprintf(why, why_len, "expected WIDTHxHEIGHT from 320x320 to 7680x4320, e.g. 1280x800");
    return FF_EINVALID;
bad_hash:
    snprintf(why, why_len,
             "expected an argon2id hash ($argon2id$v=19$...), never the PIN; "
             "make one with `argon2` or ff_pin_hash()");
    return FF_EINVALID;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r';
}

static bool key_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || ch == '_';
}

/* One line [p, end): sets *col_out to the column of the problem on refusal. */
static enum ff_err parse_line(struct ff_app_config *c, const char *line, size_t n, size_t *col_out,
                              char *key_out, size_t key_len, char *why, size_t why_len)
{
    size_t i = 0;
    key_out[0] = '\0';
    while (i < n && is_blank(line[i]))
        i++;
    if (i == n || line[i] == '#' || line[i] == ';')
        return FF_OK;
    size_t k0 = i;
    while (i < n && key_char(line[i]))
        i++;
    if (i == k0 || i - k0 >= key_len) {
        *col_out = i + 1;
        snprintf(why, why_len, "expected a setting name (a-z and _)");
        return FF_EPARSE;
    }
    memcpy(key_out, line + k0, i - k0);
    key_out[i - k0] = '\0';
    while (i < n && is_blank(line[i]))
        i++;
    if (i == n || line[i] != '=') {
        *col_out = i + 1;
        snprintf(why, why_len, "expected '=' after the setting name");
        return FF_EPARSE;
    }
    i++;
    while (i < n && is_blank(line[i]))
        i++;
    size_t v0 = i, v1 = n;
    while (v1 > v0 && is_blank(line[v1 - 1]))
        v1--;
    char value[FF_CONFIG_PATH_MAX + 8];
    if (v1 - v0 >= sizeof value) {
        *col_out = v0 + 1;
        snprintf(why, why_len, "value longer than %d bytes", FF_CONFIG_PATH_MAX);
        return FF_ELIMIT;
    }
    for (size_t j = v0; j < v1; j++)
        if ((unsigned char)line[j] < 0x20 && line[j] != '\t') {
            *col_out = j + 1;
            snprintf(why, why_len, "control character in the value");
            return FF_EPARSE;
        }
    memcpy(value, line + v0, v1 - v0);
    value[v1 - v0] = '\0';
    enum ff_err e = set_key(c, key_out, value, why, why_len);
    if (e)
        *col_out = e == FF_ENOTFOUND ? k0 + 1 : v0 + 1;
    return e == FF_ENOTFOUND ? FF_EINVALID : e;
}

enum ff_err ff_app_config_parse(struct ff_app_config *c, const char *text, size_t len,
                                const char *file, char *err, size_t err_len)
{
    if (len > FF_CONFIG_MAX_BYTES) {
        snprintf(err, err_len, "%s: larger than %u bytes", file, FF_CONFIG_MAX_BYTES);
        return FF_ELIMIT;
    }
    struct ff_app_config work = *c;
    size_t lineno = 1;
    for (size_t p = 0; p < len; lineno++) {
        const char *nl = memchr(text + p, '\n', len - p);
        size_t n = nl ? (size_t)(nl - (text + p)) : len - p;
        if (memchr(text + p, '\0', n)) {
            snprintf(err, err_len, "%s:%zu:%zu: NUL byte in the file", file, lineno,
                     (size_t)((const char *)memchr(text + p, '\0', n) - (text + p)) + 1);
            return FF_EPARSE;
        }
        size_t col = 1;
        char key[32], why[256];
        enum ff_err e = parse_line(&work, text + p, n, &col, key, sizeof key, why, sizeof why);
        if (e) {
            if (key[0])
                snprintf(err, err_len, "%s:%zu:%zu: %s: %s", file, lineno, col, key, why);
            else
                snprintf(err, err_len, "%s:%zu:%zu: %s", file, lineno, col, why);
            return e;
        }
        p += n + 1;
    }
    *c = work;
    return FF_OK;
}

static enum ff_err read_file(const char *path, char **out, size_t *len, bool *missing)
{
    *missing = false;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *missing = errno == ENOENT;
        return FF_EIO;
    }
    char *buf = ff_malloc(FF_CONFIG_MAX_BYTES + 2);
    size_t n = buf ? fread(buf, 1, FF_CONFIG_MAX_BYTES + 1, f) : 0;
    bool bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        ff_free(buf);
        return buf ? FF_EIO : FF_ENOMEM;
    }
    *out = buf;
    *len = n;
    return FF_OK;
}

/* Flags that take a value, and the file key each sets. */
static const char *flag_key(const char *flag)
{
    static const char *const map[][2] = {
        {"--store", "store"},
        {"--mode", "mode"},
        {"--size", "size"},
        {"--locale", "locale"},
        {"--theme", "theme"},
        {"--idle", "idle"},
        {"--admin-pin-hash", "admin_pin_hash"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i][0], flag))
            return map[i][1];
    return NULL;
}

static enum ff_err apply_flags(struct ff_app_config *c, int argc, char *const argv[], char *err,
                               size_t err_len)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char why[256];
        if (!strcmp(a, "--help")) {
            c->help = true;
        } else if (!strcmp(a, "--fullscreen") || !strcmp(a, "--windowed")) {
            c->fullscreen = !strcmp(a, "--fullscreen");
        } else if (!strcmp(a, "--config")) {
            i++; /* read before the other flags */
        } else if (flag_key(a)) {
            if (i + 1 >= argc) {
                snprintf(err, err_len, "%s: needs a value (see --help)", a);
                return FF_EINVAL;
            }
            if (set_key(c, flag_key(a), argv[++i], why, sizeof why)) {
                snprintf(err, err_len, "%s: %s", a, why);
                return FF_EINVAL;
            }
        } else {
            snprintf(err, err_len, "%s: unknown option (see --help)", a);
            return FF_EINVAL;
        }
    }
    return FF_OK;
}

enum ff_err ff_app_config_load(struct ff_app_config *c, int argc, char *const argv[], char *err,
                               size_t err_len)
{
    struct ff_app_config work;
    ff_app_config_defaults(&work);
    const char *given = NULL;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--config")) {
            if (i + 1 >= argc) {
                snprintf(err, err_len, "--config: needs a file (see --help)");
                return FF_EINVAL;
            }
            given = argv[i + 1];
        }
    char path[FF_CONFIG_PATH_MAX] = "";
    if (given)
        snprintf(path, sizeof path, "%s", given);
    else if (ff_app_config_default_path(path, sizeof path) != FF_OK)
        path[0] = '\0';
    if (path[0]) {
        char *text = NULL;
        size_t len = 0;
        bool missing = false;
        enum ff_err e = read_file(path, &text, &len, &missing);
        if (e && (given || !missing)) {
            snprintf(err, err_len, "%s: cannot be read", path);
            return e;
        }
        if (!e) {
            e = ff_app_config_parse(&work, text, len, path, err, err_len);
            ff_free(text);
            if (e)
                return e;
            snprintf(work.file, sizeof work.file, "%s", path);
        }
    }
    enum ff_err e = apply_flags(&work, argc, argv, err, err_len);
    if (e)
        return e;
    *c = work;
    return FF_OK;
}

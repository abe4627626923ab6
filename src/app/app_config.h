/* app_config.h - the `fieldflow` program's settings: a config file under XDG and flags.
 *
 * Settings are read in this order, each overriding the one before: built-in defaults, the
 * file ($XDG_CONFIG_HOME/fieldflow/fieldflow.conf, else ~/.config/fieldflow/fieldflow.conf,
 * or --config FILE), then flags. The file is lines of `key = value`; `#` or `;` starts a
 * comment line; blank lines are ignored; no sections. A missing default file is fine, a
 * missing --config file is an error. Every refusal says where: "file:line:column: key:
 * why" for the file, "--flag: why" for flags; the settings are then unchanged.
 *
 *   store = PATH               the device store (default: ff_store_default_path())
 *   mode = kiosk|engineer|desk
 *   size = WIDTHxHEIGHT        window size in logical pixels, 320..7680 x 320..4320
 *   fullscreen = true|false
 *   locale = en|da|es
 *   theme = normal|high-contrast|large
 *   idle = SECONDS             kiosk idle time before "still there?", 10..3600
 *   admin_pin_hash = $argon2id$...   never the PIN itself
 */
#ifndef FF_APP_CONFIG_H
#define FF_APP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "fieldflow/err.h"

#define FF_CONFIG_MAX_BYTES (64u * 1024u)
#define FF_CONFIG_PATH_MAX 4096
#define FF_CONFIG_HASH_MAX 160

enum ff_app_mode { FF_MODE_KIOSK, FF_MODE_ENGINEER, FF_MODE_DESK };
enum ff_app_theme { FF_APP_THEME_NORMAL, FF_APP_THEME_HIGH_CONTRAST, FF_APP_THEME_LARGE };

struct ff_app_config {
    char store[FF_CONFIG_PATH_MAX];          /* "" = the store's default path */
    enum ff_app_mode mode;                   /* default kiosk */
    int width, height;                       /* default 1280x800 */
    bool fullscreen;                         /* default true in kiosk mode */
    char locale[8];                          /* default "en" */
    enum ff_app_theme theme;                 /* default normal */
    int idle_s;                              /* default 90 */
    char admin_pin_hash[FF_CONFIG_HASH_MAX]; /* "" = no admin exit configured */
    char file[FF_CONFIG_PATH_MAX];           /* the config file read, "" when none */
    bool help;                               /* --help was given: print ff_app_config_help() */
};

void ff_app_config_defaults(struct ff_app_config *c);
/* The default config file path into buf. FF_ELIMIT when it does not fit, FF_ENOTFOUND when
 * neither XDG_CONFIG_HOME nor HOME is set. */
enum ff_err ff_app_config_default_path(char *buf, size_t len);
/* Applies the settings of a file held in memory (`file` names it in messages). */
enum ff_err ff_app_config_parse(struct ff_app_config *c, const char *text, size_t len,
                                const char *file, char *err, size_t err_len);
/* Defaults, then the file (--config or the default path), then the flags. argv[0] is the
 * program. FF_EINVAL for a bad flag, FF_EPARSE/FF_EINVALID/FF_ELIMIT for a bad file,
 * FF_EIO when --config names a file that cannot be read. */
enum ff_err ff_app_config_load(struct ff_app_config *c, int argc, char *const argv[], char *err,
                               size_t err_len);
/* The --help text. */
const char *ff_app_config_help(void);

#endif

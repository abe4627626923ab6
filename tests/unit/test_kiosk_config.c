/* test_kiosk_config.c - the program's config file and flags: every setting read, every
 * refusal located at file:line:column (or named by its flag) and changing nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_config.h"
#include "harness.h"

struct bad_case {
    const char *text;
    enum ff_err err;
    const char *where; /* the start of the message */
};

static const struct bad_case bad[] = {
    {"mode = kiosk\nmode = shop\n", FF_EINVALID, "t.conf:2:8: mode: expected kiosk"},
    {"  theme=dark\n", FF_EINVALID, "t.conf:1:9: theme:"},
    {"locale = fr", FF_EINVALID, "t.conf:1:10: locale:"},
    {"# fine\n\nsize = 100x100\n", FF_EINVALID, "t.conf:3:8: size:"},
    {"size = 1280*800\n", FF_EINVALID, "t.conf:1:8: size:"},
    {"idle = 5\n", FF_EINVALID, "t.conf:1:8: idle:"},
    {"idle = 9999999999999999999\n", FF_EINVALID, "t.conf:1:8: idle:"},
    {"idle = -20\n", FF_EINVALID, "t.conf:1:8: idle:"},
    {"fullscreen = maybe\n", FF_EINVALID, "t.conf:1:14: fullscreen:"},
    {"admin_pin_hash = 1234\n", FF_EINVALID, "t.conf:1:18: admin_pin_hash: expected an argon2id"},
    {"colour = red\n", FF_EINVALID, "t.conf:1:1: colour: unknown setting"},
    {"mode kiosk\n", FF_EPARSE, "t.conf:1:6: mode: expected '='"},
    {"= kiosk\n", FF_EPARSE, "t.conf:1:1: expected a setting name"},
    {"Mode = kiosk\n", FF_EPARSE, "t.conf:1:1: expected a setting name"},
    {"store = \n", FF_EINVALID, "t.conf:1:9: store:"},
    {"store = a\x01z\n", FF_EPARSE, "t.conf:1:10: store: control character"},
};

static void test_good(void)
{
    struct ff_app_config c;
    ff_app_config_defaults(&c);
    const char *text = "# kiosk in the hall\n; comment\n\nstore = /var/lib/ff/device.db\n"
                       "mode=desk\r\nsize = 480x800  \nfullscreen = no\nlocale = da\n"
                       "theme = high-contrast\nidle = 45\n"
                       "admin_pin_hash = $argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
    char err[512] = "";
    CHECK_MSG(ff_app_config_parse(&c, text, strlen(text), "t.conf", err, sizeof err) == FF_OK, err);
    CHECK_STR(c.store, "/var/lib/ff/device.db");
    CHECK(c.mode == FF_MODE_DESK);
    CHECK_INT(c.width, 480);
    CHECK_INT(c.height, 800);
    CHECK(!c.fullscreen);
    CHECK_STR(c.locale, "da");
    CHECK(c.theme == FF_APP_THEME_HIGH_CONTRAST);
    CHECK_INT(c.idle_s, 45);
    CHECK(!strncmp(c.admin_pin_hash, "$argon2id$", 10));
}

static void test_bad(void)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ff_app_config c, before;
        ff_app_config_defaults(&c);
        before = c;
        char err[512] = "";
        enum ff_err e =
            ff_app_config_parse(&c, bad[i].text, strlen(bad[i].text), "t.conf", err, sizeof err);
        CHECK_INT(e, bad[i].err);
        CHECK_MSG(!strncmp(err, bad[i].where, strlen(bad[i].where)), err);
        CHECK(!memcmp(&c, &before, sizeof c)); /* nothing changed */
    }
    struct ff_app_config c;
    ff_app_config_defaults(&c);
    char err[256];
    static char big[FF_CONFIG_MAX_BYTES + 10];
    memset(big, '#', sizeof big);
    CHECK_INT(ff_app_config_parse(&c, big, sizeof big, "t.conf", err, sizeof err), FF_ELIMIT);
    const char nul[] = "mode = kiosk\nmo\0de = x\n";
    CHECK_INT(ff_app_config_parse(&c, nul, sizeof nul - 1, "t.conf", err, sizeof err), FF_EPARSE);
    CHECK_MSG(!strncmp(err, "t.conf:2:3:", 11), err);
}

static void test_load(void)
{
    const char *dir = ff_test_tmpdir();
    char xdg[4096], path[4200];
    snprintf(xdg, sizeof xdg, "%s/xdg", dir);
    snprintf(path, sizeof path, "%s/fieldflow", xdg);
    char cmd[8600];
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s' && printf 'locale = es\\nidle = 30\\n' > "
             "'%s/fieldflow.conf'",
             path, path);
    CHECK(system(cmd) == 0);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    struct ff_app_config c;
    char err[512] = "";
    char *argv1[] = {"fieldflow", "--idle", "60", "--windowed", "--size", "1920x1080", NULL};
    CHECK_MSG(ff_app_config_load(&c, 6, argv1, err, sizeof err) == FF_OK, err);
    CHECK_STR(c.locale, "es"); /* from the file */
    CHECK_INT(c.idle_s, 60);   /* the flag wins */
    CHECK(!c.fullscreen);
    CHECK_INT(c.width, 1920);
    CHECK(strstr(c.file, "xdg/fieldflow/fieldflow.conf") != NULL);

    char *argv2[] = {"fieldflow", "--theme", "dark", NULL};
    CHECK_INT(ff_app_config_load(&c, 3, argv2, err, sizeof err), FF_EINVAL);
    CHECK_MSG(!strncmp(err, "--theme: expected normal", 24), err);
    char *argv3[] = {"fieldflow", "--bogus", NULL};
    CHECK_INT(ff_app_config_load(&c, 2, argv3, err, sizeof err), FF_EINVAL);
    CHECK_MSG(strstr(err, "--bogus: unknown option") != NULL, err);
    char *argv4[] = {"fieldflow", "--idle", NULL};
    CHECK_INT(ff_app_config_load(&c, 2, argv4, err, sizeof err), FF_EINVAL);
    char missing[4300];
    snprintf(missing, sizeof missing, "%s/none.conf", dir);
    char *argv5[] = {"fieldflow", "--config", missing, NULL};
    CHECK_INT(ff_app_config_load(&c, 3, argv5, err, sizeof err), FF_EIO);
    CHECK_MSG(strstr(err, "none.conf: cannot be read") != NULL, err);
    /* a missing default file is fine */
    setenv("XDG_CONFIG_HOME", dir, 1);
    char *argv6[] = {"fieldflow", "--help", NULL};
    CHECK_INT(ff_app_config_load(&c, 2, argv6, err, sizeof err), FF_OK);
    CHECK(c.help);
    CHECK_STR(c.file, "");
    CHECK(strstr(ff_app_config_help(), "--idle SECONDS") != NULL);
    /* a broken file says where */
    snprintf(cmd, sizeof cmd, "printf 'idle = 30\\n\\nmode = everything\\n' > '%s/bad.conf'", dir);
    CHECK(system(cmd) == 0);
    char badp[4300];
    snprintf(badp, sizeof badp, "%s/bad.conf", dir);
    char *argv7[] = {"fieldflow", "--config", badp, NULL};
    CHECK_INT(ff_app_config_load(&c, 3, argv7, err, sizeof err), FF_EINVALID);
    CHECK_MSG(strstr(err, "bad.conf:3:8: mode: expected kiosk") != NULL, err);
}

int main(void)
{
    test_good();
    test_bad();
    test_load();
    return ff_test_finish();
}

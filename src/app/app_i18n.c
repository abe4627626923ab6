/* app_i18n.c - selects the language of the app's UI strings at run time.
 *
 * gettext follows LANGUAGE unless LC_MESSAGES is "C"; C.UTF-8 is built into glibc, so no
 * system locale for da or es need be installed (as ffctl run does). Re-selecting the text
 * domain after LANGUAGE changes makes glibc drop its cache of looked-up translations.
 */
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app_i18n.h"

static void catalog_dir(char *dir, size_t size)
{
    char buf[PATH_MAX];
    struct stat st;
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = '\0';
        char *slash = strrchr(buf, '/');
        if (slash) {
            *slash = '\0';
            int len = snprintf(dir, size, "%s/locale", buf);
            if (len > 0 && (size_t)len < size && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
                return;
        }
    }
    snprintf(dir, size, "%s", FF_LOCALEDIR);
}

void app_i18n_set(const char *lang)
{
    char dir[PATH_MAX];
    catalog_dir(dir, sizeof dir);
    bindtextdomain("fieldflow", dir);
    bind_textdomain_codeset("fieldflow", "UTF-8");
    /* Called on the UI thread only (the speech worker and SDL's audio thread change neither
       the locale nor the environment), and glibc keeps a replaced environment string
       rather than freeing it, so a concurrent getenv sees the old value or the new one. */
    /* NOLINTNEXTLINE(concurrency-mt-unsafe): see above */
    if (!setlocale(LC_MESSAGES, "C.UTF-8"))
        setlocale(LC_MESSAGES, ""); /* NOLINT(concurrency-mt-unsafe): see above */
    setenv("LANGUAGE", lang && *lang ? lang : "en", 1); /* NOLINT(concurrency-mt-unsafe) */
    textdomain("fieldflow");
}

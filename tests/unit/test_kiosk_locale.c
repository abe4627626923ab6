/* test_kiosk_locale.c - the engine's language: a kiosk starts (and returns after every
 * session) in the configured language and theme, with or without a snapshot file; the
 * engine's own sentences exist in en, da and es; the default remark is in the customer's
 * language; notes and reasons for staff are in the kiosk's configured language.
 */
#include <stdio.h>
#include <string.h>

#include "kiosk_testlib.h"
#include "kiosk_text.h"

struct env {
    struct ff_library *lib;
    const char *dir;
    char store[4096];
    uint64_t seed;
    int64_t now;
};

static struct ff_kiosk *open_kiosk(struct env *e, const char *snapshot, const char *locale,
                                   enum ff_kiosk_theme theme)
{
    struct ff_kiosk_opts o = {.store_path = e->store,
                              .lib = e->lib,
                              .snapshot_path = snapshot,
                              .default_locale = locale,
                              .default_theme = theme,
                              .idle_ms = 90000,
                              .countdown_ms = 20000,
                              .random = kt_random,
                              .random_ctx = &e->seed};
    struct ff_kiosk *k = NULL;
    CHECK(ff_kiosk_new(&o, e->now, &k) == FF_OK);
    return k;
}

/* The configured language and theme on the attract screen, and again after a session the
 * customer spent in another language and theme. */
static void test_configured(struct env *e, const char *snapshot)
{
    static const char *const locales[] = {"da", "es", "en"};
    for (int i = 0; i < 3; i++) {
        enum ff_kiosk_theme theme = (enum ff_kiosk_theme)i;
        struct ff_kiosk *k = open_kiosk(e, snapshot, locales[i], theme);
        if (!k)
            return;
        const struct ff_kiosk_view *v = ff_kiosk_view(k);
        CHECK(v->state == FF_KIOSK_ATTRACT);
        CHECK_STR(v->locale, locales[i]);
        CHECK_INT(v->theme, theme);
        CHECK(ff_kiosk_begin(k, e->now) == FF_OK);
        CHECK_STR(ff_kiosk_view(k)->locale, locales[i]); /* the session too */
        const char *other = i == 2 ? "da" : "en";
        CHECK(ff_kiosk_set_locale(k, other, e->now) == FF_OK);
        ff_kiosk_set_theme(k, (enum ff_kiosk_theme)((i + 1) % 3), e->now);
        CHECK(ff_kiosk_person(k, ++e->now) == FF_OK);
        CHECK(ff_kiosk_finish(k, ++e->now) == FF_OK);
        v = ff_kiosk_view(k);
        CHECK_STR(v->locale, locales[i]);
        CHECK_INT(v->theme, theme);
        ff_kiosk_free(k);
    }
    struct ff_kiosk_opts bad = {.store_path = e->store,
                                .lib = e->lib,
                                .default_theme = (enum ff_kiosk_theme)7,
                                .idle_ms = 1,
                                .countdown_ms = 1};
    struct ff_kiosk *k = NULL;
    CHECK(ff_kiosk_new(&bad, e->now, &k) == FF_EINVAL);
    CHECK(k == NULL);
}

/* Every sentence in all three languages, and da/es are not the English one copied. */
static void test_table(void)
{
    for (int id = 0; id < FF_KT__COUNT; id++) {
        const char *en = ff_kiosk_text((enum ff_kiosk_text_id)id, "en");
        const char *da = ff_kiosk_text((enum ff_kiosk_text_id)id, "da");
        const char *es = ff_kiosk_text((enum ff_kiosk_text_id)id, "es-ES");
        char what[32];
        snprintf(what, sizeof what, "text %d", id);
        CHECK_MSG(en && da && es && *en && *da && *es, what);
        CHECK_MSG(en && da && es && strcmp(en, da) && strcmp(en, es) && strcmp(da, es), what);
        CHECK_STR(ff_kiosk_text((enum ff_kiosk_text_id)id, "fr"), en);
    }
}

/* A remark without words is recorded in the customer's language; the escalation's reason
 * in the kiosk's (here: configured da, customer in `locale`). */
static void test_remark(struct env *e, const char *locale, const char *remark)
{
    struct ff_kiosk *k = open_kiosk(e, NULL, "da", FF_THEME_NORMAL);
    if (!k)
        return;
    CHECK(ff_kiosk_set_locale(k, locale, e->now) == FF_OK);
    CHECK(ff_kiosk_begin(k, e->now) == FF_OK);
    CHECK(ff_kiosk_next(k, ++e->now) == FF_OK);
    CHECK(ff_kiosk_person(k, ++e->now) == FF_OK);
    char run_id[40];
    snprintf(run_id, sizeof run_id, "%s", ff_kiosk_run_id(k));
    CHECK_INT(kt_events(e->store, "case.created", run_id), 1);
    CHECK(ff_kiosk_rate(k, 3, ++e->now) == FF_OK);
    CHECK(ff_kiosk_remark(k, "ask-request", NULL, ++e->now) == FF_OK);
    char needle[120];
    snprintf(needle, sizeof needle, "\"comment\":\"%s\"", remark);
    CHECK_MSG(kt_events2(e->store, "feedback.given", needle, run_id) == 1, locale);
    CHECK_MSG(
        kt_events2(e->store, "case.escalated", "Kunden bad om at tale med en person", run_id) == 1,
        locale);
    CHECK(ff_kiosk_finish(k, ++e->now) == FF_OK);
    ff_kiosk_free(k);
}

int main(void)
{
    struct env e = {.seed = 0x2545f4914f6cdd1dull, .now = T0};
    e.lib = kt_library();
    CHECK(e.lib != NULL);
    e.dir = ff_test_tmpdir();
    snprintf(e.store, sizeof e.store, "%s", kt_store(e.dir, "locale.db"));
    char snap[4200];
    snprintf(snap, sizeof snap, "%s/none.snapshot", e.dir); /* never written: no snapshot */
    test_configured(&e, NULL);
    test_configured(&e, snap);
    test_table();
    test_remark(&e, "en", "This step was confusing");
    test_remark(&e, "da", "Dette trin var forvirrende");
    test_remark(&e, "es", "Este paso era confuso");
    ff_library_free(e.lib);
    return ff_test_finish();
}

/* test_field_runner.c - localized inputs through the runner: a chart that declares
 * countries, a date field with min_days/max_days checked against the run's local date at a
 * fixed now_ms and UTC offset, and the normal forms the runner records (answers,
 * transcript, snapshot).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/chart.h"
#include "fieldflow/field.h"
#include "fieldflow/mem.h"
#include "fieldflow/runner.h"
#include "harness.h"

#define DAY_MS 86400000LL
/* 2026-12-01 23:30 UTC: already 2 December one hour east of UTC. */
#define NOW (20788 * DAY_MS + 23 * 3600000LL + 30 * 60000LL)

static struct ff_library *load_lib(void)
{
    static const char *const files[] = {"tests/charts/runner/locale/locale-main.json",
                                        "tests/charts/runner/locale/locale-sub.json"};
    struct ff_library *lib = NULL;
    struct ff_diags d;
    ff_diags_init(&d);
    if (ff_library_new(&lib) != FF_OK)
        return NULL;
    for (size_t i = 0; i < 2; i++) {
        struct ff_chart *c = NULL;
        if (ff_chart_load(ff_test_src(files[i]), &d, &c) != FF_OK ||
            ff_library_add(lib, c, &d) != FF_OK) {
            ff_library_free(lib);
            lib = NULL;
            break;
        }
    }
    if (lib && ff_library_check(lib, &d) != FF_OK) {
        ff_library_free(lib);
        lib = NULL;
    }
    ff_diags_free(&d);
    return lib;
}

/* Starts a run in `locale` at the details form; NULL on failure. */
static struct ff_run *at_form(const struct ff_library *lib, const char *locale, int offset)
{
    struct ff_run *run = NULL;
    if (ff_run_start(lib, "locale-main", 0, locale, NOW - 2000, &run) != FF_OK)
        return NULL;
    CHECK_INT(ff_run_set_utc_offset(run, offset), FF_OK);
    CHECK_INT(ff_run_next(run, NOW - 1000), FF_OK);
    CHECK_STR(ff_run_node(run)->id, "details");
    return run;
}

static size_t field_at(const struct ff_run *run, const char *name)
{
    const struct ff_node *n = ff_run_node(run);
    for (size_t i = 0; i < n->nfields; i++)
        if (!strcmp(n->fields[i].name, name))
            return i;
    return 999;
}

struct dcase {
    const char *locale;
    int offset; /* minutes east of UTC */
    const char *visit;
    const char *msg; /* NULL: accepted */
};

static const struct dcase date_cases[] = {
    {"en", 0, "2026-12-01", NULL},
    {"en", 0, "30/11/2026", "Enter a date on or after 01/12/2026."},
    {"da", 60, "01-12-2026", "Skriv en dato den 02-12-2026 eller senere."},
    {"da", 60, "02.12.2026", NULL},
    {"es", -300, "30/11/2026", "Introduzca una fecha igual o posterior al 01/12/2026."},
    {"es", 0, "31/12/2026", NULL},
    {"es", 0, "1/1/2027", "Introduzca una fecha igual o anterior al 31/12/2026."},
    {"da", 60, "01-01-2027", NULL},
    {"en", 60, "2027-01-02", "Enter a date on or before 01/01/2027."},
};

static void test_dates(const struct ff_library *lib)
{
    for (size_t i = 0; i < sizeof date_cases / sizeof date_cases[0]; i++) {
        const struct dcase *k = &date_cases[i];
        struct ff_run *run = at_form(lib, k->locale, k->offset);
        CHECK(run != NULL);
        if (!run)
            continue;
        struct ff_run_value v[] = {{"phone", "12 34 56 78"},
                                   {"postcode", "2100"},
                                   {"visit", k->visit},
                                   {"working", "y"},
                                   {"slot", "1"}};
        enum ff_err err = ff_run_submit(run, v, 5, NOW);
        char what[64];
        snprintf(what, sizeof what, "date case %zu", i);
        CHECK_MSG(err == (k->msg ? FF_EINVALID : FF_OK), what);
        if (k->msg) {
            CHECK_STR(ff_run_field_error(run, field_at(run, "visit")), k->msg);
            CHECK(ff_run_field_error(run, field_at(run, "phone")) == NULL);
            CHECK_STR(ff_run_node(run)->id, "details");
        }
        ff_run_free(run);
    }
}

static void test_normal_forms(const struct ff_library *lib)
{
    struct ff_run *run = at_form(lib, "es", 0);
    CHECK(run != NULL);
    if (!run)
        return;
    struct ff_run_value bad[] = {{"phone", "12 34"},      {"postcode", "99999"},
                                 {"visit", "24/12/2026"}, {"pressure", "1.500"},
                                 {"working", "quizás"},   {"slot", "noche"}};
    CHECK_INT(ff_run_submit(run, bad, 6, NOW), FF_EINVALID);
    const char *want[] = {
        "Introduzca un número de teléfono danés de 8 cifras, p. ej. 12 34 56 78 o un número de "
        "teléfono español de 9 cifras, p. ej. 612 34 56 78 o un número de teléfono británico, "
        "p. ej. 07700 900123 o +44 20 7946 0958.",
        "Introduzca un código postal danés de 4 cifras, p. ej. 2100 o un código postal español de "
        "5 cifras, p. ej. 28001 o un código postal británico, p. ej. SW1A 1AA.",
        NULL,
        "Introduzca el número sin separador de miles, p. ej. 1200 o 4,5.",
        "Responda sí o no.",
        "Elija una de las opciones por su número o su nombre.",
    };
    for (size_t i = 0; i < 6; i++) {
        if (want[i])
            CHECK_STR(ff_run_field_error(run, i), want[i]);
        else
            CHECK(ff_run_field_error(run, i) == NULL);
    }
    struct ff_run_value good[] = {
        {"phone", "+34 612 34 56 78"}, {"postcode", "28001"}, {"visit", "24/12/2026"},
        {"pressure", "4,5"},           {"working", "SÍ"},     {"slot", "tarde"}};
    CHECK_INT(ff_run_submit(run, good, 6, NOW), FF_OK);
    CHECK_STR(ff_run_answer(run, "phone"), "+34612345678");
    CHECK_STR(ff_run_answer(run, "postcode"), "28001");
    CHECK_STR(ff_run_answer(run, "visit"), "2026-12-24");
    CHECK_STR(ff_run_answer(run, "pressure"), "4.5");
    CHECK_STR(ff_run_answer(run, "working"), "yes");
    CHECK_STR(ff_run_answer(run, "slot"), "pm");
    struct ff_run_entry e;
    bool found = false;
    for (size_t i = 0; ff_run_transcript_at(run, i, &e); i++)
        if (e.event == FF_RUN_EV_SUBMIT) {
            found = true;
            CHECK_STR(e.answer, "{\"phone\":\"+34612345678\",\"postcode\":\"28001\",\"visit\":"
                                "\"2026-12-24\",\"pressure\":\"4.5\",\"working\":\"yes\","
                                "\"slot\":\"pm\"}");
        }
    CHECK(found);
    ff_run_free(run);
}

static void test_offset_kept(const struct ff_library *lib)
{
    struct ff_run *run = at_form(lib, "da", 60);
    CHECK(run != NULL);
    if (!run)
        return;
    CHECK_INT(ff_run_set_utc_offset(run, 18 * 60 + 1), FF_EINVAL);
    CHECK_INT(ff_run_set_utc_offset(run, -18 * 60 - 1), FF_EINVAL);
    CHECK_INT(ff_run_utc_offset(run), 60);
    char *snap = NULL, *why = NULL;
    struct ff_run *back = NULL;
    CHECK_INT(ff_run_snapshot(run, &snap), FF_OK);
    CHECK(snap && strstr(snap, "\"utc_offset_min\":60") != NULL);
    CHECK_INT(ff_run_restore(lib, snap, snap ? strlen(snap) : 0, &back, &why), FF_OK);
    if (back) {
        CHECK_INT(ff_run_utc_offset(back), 60);
        struct ff_run_value v[] = {{"phone", "12345678"},
                                   {"postcode", "2100"},
                                   {"visit", "01-12-2026"},
                                   {"working", "nej"},
                                   {"slot", "formiddag"}};
        CHECK_INT(ff_run_submit(back, v, 5, NOW), FF_EINVALID);
    }
    ff_free(why);
    ff_free(snap);
    ff_run_free(back);
    ff_run_free(run);
}

int main(void)
{
    struct ff_library *lib = load_lib();
    CHECK(lib != NULL);
    if (lib) {
        test_dates(lib);
        test_normal_forms(lib);
        test_offset_kept(lib);
    }
    ff_library_free(lib);
    return ff_test_finish();
}

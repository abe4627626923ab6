/* test_runner.c - the run state machine: every node kind, field checks in three locales,
 * back/restart, subcharts, time limits, snapshot/restore and allocation failures.
 *
 * Runs are driven by small scripts of text operations ("next", "choose info",
 * "submit name=Al;phone=12345678") so that each case is a row of a table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/chart.h"
#include "fieldflow/mem.h"
#include "fieldflow/runner.h"
#include "harness.h"

#define MAIN_CHART "tests/charts/runner/runner-main.json"
#define SUB_CHART "tests/charts/runner/runner-sub.json"

struct step {
    int64_t t;      /* now_ms of the operation */
    const char *op; /* next | back | restart | tick | choose ID | submit k=v;k=v */
    enum ff_err want;
};

/* A library from chart texts (NULL-terminated). */
static struct ff_library *lib_from(const char *const *texts)
{
    struct ff_library *lib = NULL;
    struct ff_diags d;
    ff_diags_init(&d);
    if (ff_library_new(&lib) != FF_OK)
        return NULL;
    for (size_t i = 0; texts[i]; i++) {
        struct ff_chart *c = NULL;
        if (ff_chart_parse(texts[i], strlen(texts[i]), "mem.json", &d, &c) != FF_OK ||
            ff_library_add(lib, c, &d) != FF_OK) {
            for (size_t k = 0; k < d.n; k++)
                fprintf(stderr, "%s: %s\n", d.v[k].path, d.v[k].message);
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

static char *main_text, *sub_text;

static struct ff_library *std_lib(void)
{
    const char *texts[] = {main_text, sub_text, NULL};
    return lib_from(texts);
}

/* The main chart's text with `from` replaced by `to` once; caller frees. */
static char *edited_main(const char *from, const char *to)
{
    const char *at = strstr(main_text, from);
    if (!at)
        return NULL;
    size_t n = strlen(main_text) - strlen(from) + strlen(to) + 1;
    char *s = malloc(n);
    snprintf(s, n, "%.*s%s%s", (int)(at - main_text), main_text, to, at + strlen(from));
    return s;
}

static enum ff_err do_submit(struct ff_run *run, const char *spec, int64_t t)
{
    char buf[1024];
    struct ff_run_value v[32];
    size_t n = 0;
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *save = NULL, *p = strtok_r(buf, ";", &save); p && n < 32;
         p = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(p, '=');
        if (!eq)
            continue;
        *eq = '\0';
        v[n++] = (struct ff_run_value){p, eq + 1};
    }
    return ff_run_submit(run, v, n, t);
}

static enum ff_err do_op(struct ff_run *run, const char *op, int64_t t)
{
    if (!strcmp(op, "next"))
        return ff_run_next(run, t);
    if (!strcmp(op, "back"))
        return ff_run_back(run, t);
    if (!strcmp(op, "restart"))
        return ff_run_restart(run, t);
    if (!strcmp(op, "tick"))
        return ff_run_tick(run, t);
    if (!strncmp(op, "choose ", 7))
        return ff_run_choose(run, op + 7, t);
    if (!strncmp(op, "submit ", 7))
        return do_submit(run, op + 7, t);
    return FF_EINVAL;
}

/* Runs steps [from, to); checks each result. */
static void play(struct ff_run *run, const struct step *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        enum ff_err err = do_op(run, s[i].op, s[i].t);
        if (err != s[i].want)
            fprintf(stderr, "step %zu '%s': %s (%s)\n", i, s[i].op, ff_strerror(err),
                    ff_run_errmsg(run));
        CHECK_INT(err, s[i].want);
    }
}

static const char *node_id(const struct ff_run *run)
{
    return ff_run_node(run)->id;
}

static char *transcript(const struct ff_run *run)
{
    char *s = NULL;
    CHECK_INT(ff_run_transcript_json(run, &s), FF_OK);
    return s;
}

#define CONTACT_OK "name=Ana Gómez;phone=+45 1234 5678;channel=sms;consent=yes"

static const struct step full_script[] = {
    {1000, "next", FF_OK}, /* start -> welcome */
    {2000, "next", FF_OK}, /* welcome -> ask */
    {3000, "choose nope", FF_ENOTFOUND},
    {4000, "choose contact", FF_OK},
    {5000, "submit name=A;phone=x", FF_EINVALID},
    {6000, "submit " CONTACT_OK ";email=ana@example.com", FF_OK},
    {7000, "back", FF_OK}, /* back to the form */
    {8000, "submit " CONTACT_OK ";age=40", FF_OK},
    {9000, "next", FF_OK}, /* action -> end_case */
    {10000, "next", FF_ESTATE},
    {11000, "restart", FF_OK},
    {12000, "next", FF_OK},
    {40000, "next", FF_OK},           /* the answer limit breaks here */
    {41000, "choose service", FF_OK}, /* into runner-sub */
    {42000, "next", FF_OK},
    {43000, "back", FF_OK},
    {44000, "next", FF_OK},
    {45000, "next", FF_OK},  /* sub_ask */
    {200000, "tick", FF_OK}, /* fix limit breached */
    {201000, "back", FF_OK},
    {202000, "next", FF_OK},
    {203000, "choose yes", FF_OK}, /* sub end -> end_visit */
};
#define NFULL (sizeof full_script / sizeof full_script[0])

struct walk_case {
    const char *name;
    const char *ops[8];
    const char *want_node;
    size_t want_depth;
    bool want_ended;
};

static const struct walk_case walks[] = {
    {"start", {NULL}, "start", 1, false},
    {"step", {"next", NULL}, "welcome", 1, false},
    {"decision", {"next", "next", NULL}, "ask", 1, false},
    {"kb", {"next", "next", "choose info", NULL}, "info_kb", 1, false},
    {"kb end", {"next", "next", "choose info", "next", NULL}, "end_resolved", 1, true},
    {"input", {"next", "next", "choose contact", NULL}, "contact_form", 1, false},
    {"action",
     {"next", "next", "choose contact", "submit " CONTACT_OK, NULL},
     "make_case",
     1,
     false},
    {"end", {"next", "next", "choose other", NULL}, "end_referred", 1, true},
    {"subchart", {"next", "next", "choose service", NULL}, "start", 2, false},
    {"sub step", {"next", "next", "choose service", "next", NULL}, "sub_step", 2, false},
    {"sub leave",
     {"next", "next", "choose service", "next", "next", "choose no", NULL},
     "end_visit",
     1,
     true},
    {"back over sub", {"next", "next", "choose service", "back", NULL}, "ask", 1, false},
};

static void test_walks(const struct ff_library *lib)
{
    for (size_t i = 0; i < sizeof walks / sizeof walks[0]; i++) {
        const struct walk_case *w = &walks[i];
        struct ff_run *run = NULL;
        CHECK_INT(ff_run_start(lib, "runner-main", 0, "en", 0, &run), FF_OK);
        for (size_t k = 0; w->ops[k]; k++)
            CHECK_MSG(do_op(run, w->ops[k], (int64_t)k + 1) == FF_OK, w->name);
        CHECK_STR(node_id(run), w->want_node);
        CHECK_INT(ff_run_depth(run), w->want_depth);
        CHECK_MSG(ff_run_ended(run) == w->want_ended, w->name);
        ff_run_free(run);
    }
}

static void test_wrong_moves(const struct ff_library *lib)
{
    struct ff_run *run = NULL;
    CHECK_INT(ff_run_start(lib, "runner-main", 0, NULL, 0, &run), FF_OK);
    CHECK_STR(ff_run_locale(run), "en");
    CHECK_INT(ff_run_choose(run, "info", 1), FF_ESTATE);
    CHECK_INT(ff_run_back(run, 1), FF_ESTATE);
    CHECK_INT(ff_run_next(run, 1), FF_OK);
    CHECK_INT(ff_run_next(run, 2), FF_OK);
    size_t before = ff_run_transcript_count(run);
    CHECK_INT(ff_run_choose(run, "x", 3), FF_ENOTFOUND);
    CHECK_STR(
        ff_run_errmsg(run),
        "option \"x\" does not exist at node \"ask\" (options: info, contact, service, other)");
    CHECK_INT(ff_run_transcript_count(run), before);
    CHECK_STR(node_id(run), "ask");
    CHECK_INT(ff_run_next(run, 3), FF_ESTATE);
    CHECK_INT(ff_run_submit(run, NULL, 0, 3), FF_ESTATE);
    CHECK_INT(ff_run_transcript_count(run), before);
    CHECK_INT(ff_run_choose(run, "contact", 4), FF_OK);
    struct ff_run_value unknown[] = {{"shoe", "42"}};
    CHECK_INT(ff_run_submit(run, unknown, 1, 5), FF_ENOTFOUND);
    struct ff_run_value twice[] = {{"name", "Al"}, {"name", "Bo"}};
    CHECK_INT(ff_run_submit(run, twice, 2, 5), FF_EINVAL);
    CHECK_STR(node_id(run), "contact_form");
    ff_run_free(run);

    CHECK_INT(ff_run_start(lib, "no-such-chart", 0, "en", 0, &run), FF_ENOTFOUND);
    CHECK(run == NULL);
    CHECK_INT(ff_run_start(lib, "runner-main", 7, "en", 0, &run), FF_ENOTFOUND);
}

struct field_case {
    const char *locale;
    const char *extra; /* appended to a valid submit, overriding a value */
    const char *field; /* failing field, or NULL when the submit passes */
    const char *message;
};

static const struct field_case field_cases[] = {
    {"en", "", NULL, NULL},
    {"en", ";name=", "name", "This field is required."},
    {"da", ";name=", "name", "Dette felt skal udfyldes."},
    {"es", ";name=", "name", "Este campo es obligatorio."},
    {"pt-BR", ";name=", "name", "This field is required."},
    {"da-DK", ";name=A", "name", "Skriv mindst 2 tegn."},
    {"es", ";name=A", "name", "Introduzca al menos 2 caracteres."},
    {"en", ";name=Åse", NULL, NULL},
    {"en", ";name=12345678901234567890123456789012345678901", "name",
     "Enter at most 40 characters."},
    {"en", ";phone=12-34", "phone",
     "Enter a phone number with 6 to 15 digits, e.g. +45 12 34 56 78."},
    {"da", ";phone=abc", "phone", "Skriv et telefonnummer med 6 til 15 cifre, fx +45 12 34 56 78."},
    {"es", ";phone=+34 91", "phone",
     "Introduzca un número de teléfono de 6 a 15 cifras, p. ej. +34 612 34 56 78."},
    {"en", ";phone=+34-912-345", "phone", "The value does not have the expected format."},
    {"en", ";phone=+34 912 345 678", NULL, NULL},
    {"en", ";email=ana", "email", "Enter an email address like name@example.com."},
    {"da", ";email=ana@dk", "email", "Skriv en e-mailadresse som navn@eksempel.dk."},
    {"es", ";email=a b@x.es", "email",
     "Introduzca una dirección de correo como nombre@ejemplo.es."},
    {"en", ";email=ana@example.com", NULL, NULL},
    {"en", ";age=forty", "age", "Enter a number, e.g. 4.5."},
    {"en", ";age=inf", "age", "Enter a number, e.g. 4.5."},
    {"en", ";age=1e2", "age", "Enter a number, e.g. 4.5."},
    {"en", ";age=20,5", "age", "Enter a number, e.g. 4.5."},
    {"en", ";age=1,200", "age", "Enter the number without thousands separators, e.g. 1200 or 4.5."},
    {"da", ";age=1.200", "age", "Skriv tallet uden tusindtalsseparator, fx 1200 eller 4,5."},
    {"da", ";age=20,5", NULL, NULL},
    {"es", ";age=20.5", NULL, NULL},
    {"en", ";age=17", "age", "Enter a number of at least 18."},
    {"da", ";age=121", "age", "Skriv et tal på højst 120,5."},
    {"es", ";age=10", "age", "Introduzca un número mayor o igual que 18."},
    {"en", ";age=120.5", NULL, NULL},
    {"en", ";visit=2023-02-29", "visit", "Enter a date such as 24/12/2026 or 2026-12-24."},
    {"da", ";visit=2024-13-01", "visit", "Skriv en dato som 24-12-2026 eller 2026-12-24."},
    {"es", ";visit=24-01-01", "visit", "Introduzca una fecha como 24/12/2026 o 2026-12-24."},
    {"da", ";visit=29.02.2024", NULL, NULL},
    {"en", ";visit=2024-02-29", NULL, NULL},
    {"en", ";channel=fax", "channel", "Choose one of the options by its number or its name."},
    {"da", ";channel=", "channel", "Dette felt skal udfyldes."},
    {"es", ";channel=letter", "channel", "Elija una de las opciones por su número o su nombre."},
    {"en", ";consent=maybe", "consent", "Answer yes or no."},
    {"da", ";consent=maybe", "consent", "Svar ja eller nej."},
    {"es", ";consent=quizá", "consent", "Responda sí o no."},
    {"da", ";consent=Ja", NULL, NULL},
    {"es", ";consent=SÍ", NULL, NULL},
};

static int field_index(const struct ff_node *n, const char *name)
{
    for (size_t i = 0; i < n->nfields; i++)
        if (!strcmp(n->fields[i].name, name))
            return (int)i;
    return -1;
}

/* Parses "k=v;k=v" into v (pointing into buf); a later pair replaces one of the same name. */
static size_t parse_pairs(char *buf, struct ff_run_value *v, size_t n, size_t cap)
{
    for (char *save = NULL, *p = strtok_r(buf, ";", &save); p; p = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(p, '=');
        if (!eq)
            continue;
        *eq = '\0';
        size_t i = 0;
        while (i < n && strcmp(v[i].name, p))
            i++;
        if (i == n && n == cap)
            break;
        v[i] = (struct ff_run_value){p, eq + 1};
        n += i == n;
    }
    return n;
}

static void test_fields(const struct ff_library *lib)
{
    for (size_t i = 0; i < sizeof field_cases / sizeof field_cases[0]; i++) {
        const struct field_case *fc = &field_cases[i];
        struct ff_run *run = NULL;
        char base[256], extra[256];
        struct ff_run_value v[32];
        snprintf(base, sizeof base, "%s", CONTACT_OK);
        snprintf(extra, sizeof extra, "%s", fc->extra);
        size_t n = parse_pairs(base, v, 0, 32);
        n = parse_pairs(extra, v, n, 32);
        CHECK_INT(ff_run_start(lib, "runner-main", 0, fc->locale, 0, &run), FF_OK);
        play(run,
             (const struct step[]){
                 {1, "next", FF_OK}, {2, "next", FF_OK}, {3, "choose contact", FF_OK}},
             0, 3);
        const struct ff_node *form = ff_run_node(run);
        size_t before = ff_run_transcript_count(run);
        enum ff_err err = ff_run_submit(run, v, n, 4);
        CHECK_INT(err, fc->field ? FF_EINVALID : FF_OK);
        if (fc->field) {
            int fi = field_index(form, fc->field);
            CHECK(fi >= 0);
            CHECK_STR(ff_run_field_error(run, (size_t)fi), fc->message);
            CHECK(ff_run_field_error(run, 0) == NULL || !strcmp(fc->field, "name"));
            CHECK_STR(node_id(run), "contact_form");
            CHECK(strstr(ff_run_errmsg(run), fc->field) != NULL);
            CHECK_INT(ff_run_transcript_count(run), before);
        } else {
            CHECK_STR(node_id(run), "make_case");
        }
        ff_run_free(run);
    }
}

static void test_back_restart(const struct ff_library *lib)
{
    struct ff_run *run = NULL;
    CHECK_INT(ff_run_start(lib, "runner-main", 0, "en", 0, &run), FF_OK);
    play(run,
         (const struct step[]){{1, "next", FF_OK},
                               {2, "next", FF_OK},
                               {3, "choose contact", FF_OK},
                               {4, "submit " CONTACT_OK, FF_OK}},
         0, 4);
    CHECK_STR(ff_run_answer(run, "name"), "Ana Gómez");
    CHECK(ff_run_answer(run, "email") == NULL);
    CHECK_STR(node_id(run), "make_case");
    CHECK_INT(ff_run_back(run, 5), FF_OK);
    CHECK_STR(node_id(run), "contact_form");
    CHECK(ff_run_answer(run, "name") == NULL);
    CHECK_INT(ff_run_back(run, 6), FF_OK);
    CHECK_STR(node_id(run), "ask");
    CHECK_INT(ff_run_choose(run, "contact", 7), FF_OK);
    CHECK_INT(do_submit(run, CONTACT_OK ";email=a@b.dk", 8), FF_OK);
    CHECK_STR(ff_run_answer(run, "email"), "a@b.dk");
    CHECK_INT(ff_run_next(run, 9), FF_OK);
    CHECK(ff_run_ended(run));
    CHECK_INT(ff_run_back(run, 10), FF_OK);
    CHECK_STR(node_id(run), "make_case");
    CHECK_INT(ff_run_restart(run, 11), FF_OK);
    CHECK_STR(node_id(run), "start");
    CHECK(!ff_run_can_back(run));
    CHECK(ff_run_answer(run, "email") == NULL);
    struct ff_run_entry e;
    size_t n = ff_run_transcript_count(run);
    CHECK(ff_run_transcript_at(run, n - 2, &e));
    CHECK_INT(e.event, FF_RUN_EV_RESTART);
    CHECK_STR(e.node_id, "make_case");
    CHECK(ff_run_transcript_at(run, n - 1, &e));
    CHECK_INT(e.event, FF_RUN_EV_ENTER);
    CHECK_INT(e.seq, n);
    CHECK(!ff_run_transcript_at(run, n, &e));
    ff_run_free(run);
}

/* The event sequence of a walk through the subchart and back across it. */
static void test_subchart(const struct ff_library *lib)
{
    struct ff_run *run = NULL;
    CHECK_INT(ff_run_start(lib, "runner-main", 0, "da", 0, &run), FF_OK);
    play(
        run,
        (const struct step[]){{1, "next", FF_OK}, {2, "next", FF_OK}, {3, "choose service", FF_OK}},
        0, 3);
    CHECK_INT(ff_run_depth(run), 2);
    CHECK_STR(ff_run_chart(run)->id, "runner-sub");
    CHECK_STR(ff_run_text(run, &ff_run_node(run)->title), "Fejlsøgning");
    size_t mark = ff_run_transcript_count(run);
    play(run,
         (const struct step[]){{4, "next", FF_OK}, {5, "next", FF_OK}, {6, "choose yes", FF_OK}}, 0,
         3);
    CHECK(ff_run_ended(run));
    static const char *const want[][3] = {
        {"runner-sub", "start", "next"},
        {"runner-sub", "sub_step", "enter"},
        {"runner-sub", "sub_step", "next"},
        {"runner-sub", "sub_ask", "enter"},
        {"runner-sub", "sub_ask", "choose"},
        {"runner-sub", "sub_end", "enter"},
        {"runner-sub", "sub_end", "subchart_leave"},
        {"runner-main", "end_visit", "enter"},
        {"runner-main", "end_visit", "end"},
    };
    CHECK_INT(ff_run_transcript_count(run) - mark, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        struct ff_run_entry e;
        if (!ff_run_transcript_at(run, mark + i, &e))
            break;
        CHECK_STR(e.chart_id, want[i][0]);
        CHECK_STR(e.node_id, want[i][1]);
        CHECK_STR(ff_run_event_name(e.event), want[i][2]);
    }
    struct ff_run_entry e;
    CHECK(ff_run_transcript_at(run, mark - 2, &e));
    CHECK_INT(e.event, FF_RUN_EV_SUBCHART_ENTER);
    CHECK_STR(e.answer, "runner-sub");
    CHECK(ff_run_transcript_at(run, ff_run_transcript_count(run) - 1, &e));
    CHECK_STR(e.answer, "visit_requested");
    /* Back from the caller's end lands in the subchart again, then out of it. */
    const char *back_to[] = {"sub_ask", "sub_step", "start", "ask"};
    size_t depth[] = {2, 2, 2, 1};
    for (size_t i = 0; i < 4; i++) {
        CHECK_INT(ff_run_back(run, 10 + (int64_t)i), FF_OK);
        CHECK_STR(node_id(run), back_to[i]);
        CHECK_INT(ff_run_depth(run), depth[i]);
    }
    ff_run_free(run);
}

static void test_actions_and_limits(const struct ff_library *lib)
{
    struct ff_run *run = NULL;
    struct ff_run_limit lim[4];
    CHECK_INT(ff_run_start(lib, "runner-main", 0, "es", 1000, &run), FF_OK);
    CHECK_INT(ff_run_limits_state(run, 6000, lim, 4), 1);
    CHECK_STR(lim[0].limit->id, "answer");
    CHECK_INT(lim[0].remaining_ms, 15000);
    CHECK_INT(ff_run_tick(run, 21000), FF_OK); /* exactly 20 s: not yet exceeded */
    CHECK_INT(ff_run_transcript_count(run), 1);
    CHECK_INT(ff_run_next(run, 21001), FF_OK);
    struct ff_run_entry e;
    CHECK(ff_run_transcript_at(run, 1, &e));
    CHECK_INT(e.event, FF_RUN_EV_LIMIT_BREACHED);
    CHECK_STR(e.limit_id, "answer");
    CHECK_STR(e.node_id, "start");
    CHECK_INT(e.time_ms, 21001);
    CHECK_INT(ff_run_limits_state(run, 22000, lim, 4), 1);
    CHECK(lim[0].breached);
    CHECK_INT(lim[0].remaining_ms, -1000);
    size_t n = ff_run_transcript_count(run);
    CHECK_INT(ff_run_next(run, 30000), FF_OK); /* reaches ask: the limit stops */
    CHECK_INT(ff_run_transcript_count(run), n + 2);
    CHECK_INT(ff_run_limits_state(run, 30000, lim, 4), 0);
    play(run,
         (const struct step[]){{31000, "choose contact", FF_OK},
                               {32000, "submit " CONTACT_OK, FF_OK},
                               {33000, "next", FF_OK}},
         0, 3);
    bool found = false;
    for (size_t i = 0; ff_run_transcript_at(run, i, &e); i++) {
        if (e.kind == FF_NODE_ACTION && e.event == FF_RUN_EV_NEXT) {
            found = true;
            CHECK_INT(e.nactions, 3);
            CHECK_INT(e.actions[2].kind, FF_ACTION_ESCALATE);
            CHECK_INT(e.actions[2].level, 2);
        } else {
            CHECK(e.nactions == 0);
        }
        if (e.event == FF_RUN_EV_SUBMIT)
            CHECK_STR(e.answer, "{\"name\":\"Ana Gómez\",\"phone\":\"+4512345678\","
                                "\"channel\":\"sms\",\"consent\":\"yes\"}");
    }
    CHECK(found);
    char *json = transcript(run);
    CHECK(json && strstr(json, "\"actions\":[{\"type\":\"create_case\"}") != NULL);
    CHECK(json && strstr(json, "\"limit\":\"answer\"") != NULL);
    ff_free(json);
    ff_run_free(run);
}

/* Snapshot after every prefix of the full script, restore, finish: the transcript must be
 * the same as the uninterrupted run's, and snapshotting the restored run gives the same
 * snapshot. */
static void test_snapshot_resume(const struct ff_library *lib)
{
    struct ff_run *run = NULL;
    CHECK_INT(ff_run_start(lib, "runner-main", 0, "da", 0, &run), FF_OK);
    play(run, full_script, 0, NFULL);
    CHECK(ff_run_ended(run));
    char *want = transcript(run);
    ff_run_free(run);
    for (size_t cut = 0; cut <= NFULL; cut++) {
        CHECK_INT(ff_run_start(lib, "runner-main", 0, "da", 0, &run), FF_OK);
        play(run, full_script, 0, cut);
        char *snap = NULL, *err = NULL, *again = NULL;
        CHECK_INT(ff_run_snapshot(run, &snap), FF_OK);
        ff_run_free(run);
        run = NULL;
        CHECK_INT(ff_run_restore(lib, snap, strlen(snap), &run, &err), FF_OK);
        if (!run) {
            fprintf(stderr, "cut %zu: %s\n", cut, err ? err : "?");
            ff_free(err);
            ff_free(snap);
            continue;
        }
        CHECK_INT(ff_run_snapshot(run, &again), FF_OK);
        CHECK_STR(again, snap);
        CHECK_STR(ff_run_locale(run), "da");
        play(run, full_script, cut, NFULL);
        char *got = transcript(run);
        CHECK_STR(got, want);
        ff_free(got);
        ff_free(again);
        ff_free(snap);
        ff_run_free(run);
    }
    ff_free(want);
}

static char *snapshot_at_form(const struct ff_library *lib)
{
    struct ff_run *run = NULL;
    char *snap = NULL;
    if (ff_run_start(lib, "runner-main", 0, "en", 0, &run) != FF_OK)
        return NULL;
    play(
        run,
        (const struct step[]){{1, "next", FF_OK}, {2, "next", FF_OK}, {3, "choose contact", FF_OK}},
        0, 3);
    CHECK_INT(ff_run_snapshot(run, &snap), FF_OK);
    ff_run_free(run);
    return snap;
}

static void expect_restore(const struct ff_library *lib, const char *snap, enum ff_err want,
                           const char *msg_part)
{
    struct ff_run *run = (struct ff_run *)1;
    char *err = NULL;
    enum ff_err got = ff_run_restore(lib, snap, strlen(snap), &run, &err);
    CHECK_INT(got, want);
    CHECK(run == NULL || want == FF_OK);
    if (want != FF_OK) {
        CHECK(err != NULL);
        if (err && msg_part && !strstr(err, msg_part))
            fprintf(stderr, "message '%s' lacks '%s'\n", err, msg_part);
        CHECK(!msg_part || (err && strstr(err, msg_part)));
    }
    ff_free(err);
    ff_run_free(want == FF_OK ? run : NULL);
}

static void test_restore_versions(const struct ff_library *lib)
{
    char *snap = snapshot_at_form(lib);
    CHECK(snap != NULL);
    if (!snap)
        return;
    expect_restore(lib, snap, FF_OK, NULL);

    char *v2 = edited_main("\"version\": 1", "\"version\": 2");
    const char *t2[] = {v2, sub_text, NULL};
    struct ff_library *lib2 = lib_from(t2);
    CHECK(lib2 != NULL);
    if (lib2)
        expect_restore(lib2, snap, FF_EVERSION, "version 1, which is not in the library");
    ff_library_free(lib2);

    char *changed = edited_main("Greet the customer", "Greet the caller");
    const char *t3[] = {changed, sub_text, NULL};
    struct ff_library *lib3 = lib_from(t3);
    CHECK(lib3 != NULL);
    if (lib3)
        expect_restore(lib3, snap, FF_EVERSION, "digest");
    ff_library_free(lib3);

    const char *t4[] = {sub_text, NULL};
    struct ff_library *lib4 = lib_from(t4);
    if (lib4)
        expect_restore(lib4, snap, FF_ENOTFOUND, "runner-main");
    ff_library_free(lib4);
    free(v2);
    free(changed);
    ff_free(snap);
}

/* A new version of a subchart published while a run is going does not change that run (nor
 * the run restored from its snapshot); a run started afterwards gets the new version. */
static void test_pinned_versions(void)
{
    const char *from = "\"version\": 1", *to = "\"version\": 2";
    const char *at = strstr(sub_text, from);
    CHECK(at != NULL);
    if (!at)
        return;
    size_t n = strlen(sub_text) + 1;
    char *sub2 = malloc(n);
    snprintf(sub2, n, "%.*s%s%s", (int)(at - sub_text), sub_text, to, at + strlen(from));
    struct ff_library *lib = std_lib();
    struct ff_run *run = NULL, *back = NULL, *later = NULL;
    struct ff_chart *c2 = NULL;
    struct ff_diags d;
    char *snap = NULL;
    ff_diags_init(&d);
    CHECK(lib != NULL);
    if (!lib || ff_run_start(lib, "runner-main", 0, "en", 0, &run) != FF_OK)
        goto out;
    CHECK_INT(ff_chart_parse(sub2, strlen(sub2), "sub2.json", &d, &c2), FF_OK);
    CHECK_INT(ff_library_add(lib, c2, &d), FF_OK);
    CHECK_INT(ff_library_find(lib, "runner-sub", 0)->version, 2);
    CHECK_INT(ff_run_snapshot(run, &snap), FF_OK);
    play(
        run,
        (const struct step[]){{1, "next", FF_OK}, {2, "next", FF_OK}, {3, "choose service", FF_OK}},
        0, 3);
    CHECK_STR(ff_run_chart(run)->id, "runner-sub");
    CHECK_INT(ff_run_chart(run)->version, 1);
    char *err = NULL;
    CHECK_INT(snap ? ff_run_restore(lib, snap, strlen(snap), &back, &err) : FF_EINVAL, FF_OK);
    ff_free(err);
    if (back) {
        play(back,
             (const struct step[]){
                 {1, "next", FF_OK}, {2, "next", FF_OK}, {3, "choose service", FF_OK}},
             0, 3);
        CHECK_INT(ff_run_chart(back)->version, 1);
    }
    CHECK_INT(ff_run_start(lib, "runner-main", 0, "en", 0, &later), FF_OK);
    if (later) {
        play(later,
             (const struct step[]){
                 {1, "next", FF_OK}, {2, "next", FF_OK}, {3, "choose service", FF_OK}},
             0, 3);
        CHECK_INT(ff_run_chart(later)->version, 2);
    }
out:
    ff_run_free(later);
    ff_run_free(back);
    ff_run_free(run);
    ff_free(snap);
    ff_library_free(lib);
    ff_diags_free(&d);
    free(sub2);
}

struct bad_snap {
    const char *from, *to; /* edit of a good snapshot; from NULL = `to` is the whole text */
    enum ff_err want;
    const char *msg_part;
};

static const struct bad_snap bad_snaps[] = {
    {NULL, "", FF_EPARSE, "well-formed"},
    {NULL, "[]", FF_EPARSE, "not a fieldflow"},
    {NULL, "{\"format\":\"fieldflow-run\"}", FF_EPARSE, "format_version"},
    {"\"format_version\":1", "\"format_version\":2", FF_EVERSION, "format 2"},
    {"\"format_version\":1", "\"format_version\":1.5", FF_EPARSE, NULL},
    {"\"node\":\"contact_form\"}]", "\"node\":\"nowhere\"}]", FF_EPARSE, "nowhere"},
    {"\"frames\":[{\"chart\":0", "\"frames\":[{\"chart\":7", FF_EPARSE, NULL},
    {"\"frames\":[{\"chart\":0", "\"frames\":[{\"chart\":-1", FF_EPARSE, NULL},
    {"\"node\":\"contact_form\"}]", "\"node\":\"end_case\"},{\"chart\":0,\"node\":\"ask\"}]",
     FF_EPARSE, "does not call"},
    {"\"node\":\"contact_form\"}]", "\"node\":\"call_sub\"}]", FF_EPARSE, "subchart node"},
    {"\"seq\":2", "\"seq\":3", FF_EPARSE, "entry 2"},
    {"\"event\":\"next\"", "\"event\":\"jump\"", FF_EPARSE, NULL},
    {"\"kind\":\"step\"", "\"kind\":\"end\"", FF_EPARSE, NULL},
    {"\"time_ms\":1", "\"time_ms\":1e300", FF_EPARSE, NULL},
    {"\"locale\":\"en\"", "\"locale\":\"a-very-long-locale-tag-that-is-too-long\"", FF_EPARSE,
     "locale"},
    {"\"history\":[",
     "\"history\":[{\"frames\":[{\"chart\":0,\"node\":\"ask\"}],"
     "\"values\":{\"name\":\"x\"}},",
     FF_EPARSE, "values"},
    {"\"limits\":[]",
     "\"limits\":[{\"chart\":0,\"limit\":\"nope\",\"started_ms\":0,"
     "\"breached\":false}]",
     FF_EPARSE, "limit 0"},
    {"\"answer\":null", "\"answer\":{\"a\":1}", FF_EPARSE, "answer"},
    {"\"digest\":\"", "\"digest\":\"0", FF_EVERSION, "digest"},
};

static void test_bad_snapshots(const struct ff_library *lib)
{
    char *snap = snapshot_at_form(lib);
    if (!snap)
        return;
    for (size_t i = 0; i < sizeof bad_snaps / sizeof bad_snaps[0]; i++) {
        const struct bad_snap *b = &bad_snaps[i];
        char buf[16384];
        if (!b->from) {
            snprintf(buf, sizeof buf, "%s", b->to);
        } else {
            const char *at = strstr(snap, b->from);
            CHECK_MSG(at != NULL, b->from);
            if (!at)
                continue;
            snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - snap), snap, b->to,
                     at + strlen(b->from));
        }
        expect_restore(lib, buf, b->want, b->msg_part);
    }
    struct ff_run *run = NULL;
    CHECK_INT(ff_run_restore(lib, snap, FF_RUN_MAX_SNAPSHOT + 1u, &run, NULL), FF_ELIMIT);
    ff_free(snap);
}

/* Fault injection, operation by operation: each call is made with the Nth allocation
 * failing for N = 0, 1, ... until it gets through. Every failure must be FF_ENOMEM and leave
 * the whole run as it was (same snapshot), so the same run is simply retried; nothing may
 * leak (ASan checks that). Returns the number of failures seen. */
static long retry_op(struct ff_run *run, const struct step *st)
{
    char *before = NULL, *after = NULL;
    long failures = 0;
    enum ff_err err;
    CHECK_INT(ff_run_snapshot(run, &before), FF_OK);
    for (long n = 0;; n++) {
        ff_mem_fail_after(n);
        err = do_op(run, st->op, st->t);
        ff_mem_fail_after(-1);
        if (err != FF_ENOMEM)
            break;
        failures++;
        CHECK_INT(ff_run_snapshot(run, &after), FF_OK);
        CHECK_MSG(after && before && !strcmp(after, before), st->op);
        ff_free(after);
    }
    CHECK_INT(err, st->want);
    ff_free(before);
    return failures;
}

static void test_alloc_failures(const struct ff_library *lib)
{
    struct ff_run *run = NULL, *back = NULL;
    char *snap = NULL, *json = NULL;
    long n = 0, failures = 0;
    enum ff_err err;
    do {
        ff_mem_fail_after(n++);
        err = ff_run_start(lib, "runner-main", 0, "da", 0, &run);
        ff_mem_fail_after(-1);
        CHECK(err == FF_OK || (err == FF_ENOMEM && run == NULL));
    } while (err == FF_ENOMEM);
    if (!run)
        return;
    for (size_t i = 0; i < NFULL; i++)
        failures += retry_op(run, &full_script[i]);
    for (n = 0; (ff_mem_fail_after(n++), err = ff_run_snapshot(run, &snap)) == FF_ENOMEM;)
        CHECK(snap == NULL);
    for (n = 0; (ff_mem_fail_after(n++),
                 err = ff_run_restore(lib, snap, strlen(snap), &back, NULL)) == FF_ENOMEM;)
        CHECK(back == NULL);
    for (n = 0; (ff_mem_fail_after(n++), err = ff_run_transcript_json(back, &json)) == FF_ENOMEM;)
        CHECK(json == NULL);
    ff_mem_fail_after(-1);
    CHECK_INT(err, FF_OK);
    CHECK(failures > 20);
    char *want = transcript(run);
    CHECK_STR(json, want);
    ff_free(want);
    ff_free(json);
    ff_free(snap);
    ff_run_free(back);
    ff_run_free(run);
}

/* A chain of charts d0 -> d1 -> ... each calling the next: entering one frame too many is
 * FF_ELIMIT and changes nothing; restart from deep inside returns to d0. */
static void test_depth_cap(void)
{
    enum { NCHARTS = FF_RUN_MAX_DEPTH + 1 };
    static char texts[NCHARTS][1024];
    const char *list[NCHARTS + 1];
    for (int i = 0; i < NCHARTS; i++) {
        char call[256] = "";
        if (i + 1 < NCHARTS)
            snprintf(call, sizeof call,
                     "{\"id\":\"call\",\"kind\":\"subchart\",\"title\":{\"en\":\"c\"},"
                     "\"chart\":\"d%d\",\"next\":\"end\"},",
                     i + 1);
        snprintf(texts[i], sizeof texts[i],
                 "{\"format\":1,\"id\":\"d%d\",\"version\":1,\"title\":{\"en\":\"t\"},"
                 "\"category\":\"triage\",\"audience\":\"any\",\"touchpoints\":[\"kiosk\"],"
                 "\"locales\":[\"en\"],\"nodes\":[{\"id\":\"start\",\"kind\":\"start\","
                 "\"title\":{\"en\":\"s\"},\"next\":\"%s\"},%s{\"id\":\"end\",\"kind\":"
                 "\"end\",\"title\":{\"en\":\"e\"},\"outcome\":\"resolved\",\"success\":true}]}",
                 i, i + 1 < NCHARTS ? "call" : "end", call);
        list[i] = texts[i];
    }
    list[NCHARTS] = NULL;
    struct ff_library *lib = lib_from(list);
    CHECK(lib != NULL);
    if (!lib)
        return;
    struct ff_run *run = NULL;
    CHECK_INT(ff_run_start(lib, "d0", 0, "en", 0, &run), FF_OK);
    for (int i = 1; i < FF_RUN_MAX_DEPTH; i++)
        CHECK_INT(ff_run_next(run, i), FF_OK);
    CHECK_INT(ff_run_depth(run), FF_RUN_MAX_DEPTH);
    size_t n = ff_run_transcript_count(run);
    CHECK_INT(ff_run_next(run, 100), FF_ELIMIT);
    CHECK(strstr(ff_run_errmsg(run), "deeper than") != NULL);
    CHECK_INT(ff_run_depth(run), FF_RUN_MAX_DEPTH);
    CHECK_INT(ff_run_transcript_count(run), n);
    CHECK_INT(ff_run_set_locale(run, "da"), FF_OK);
    CHECK_STR(ff_run_text(run, &ff_run_node(run)->title), "s");
    CHECK_INT(ff_run_restart(run, 101), FF_OK);
    CHECK_INT(ff_run_depth(run), 1);
    CHECK_STR(ff_run_chart(run)->id, "d0");
    ff_run_free(run);
    ff_library_free(lib);
}

int main(void)
{
    main_text = ff_test_slurp(ff_test_src(MAIN_CHART), NULL);
    sub_text = ff_test_slurp(ff_test_src(SUB_CHART), NULL);
    CHECK(main_text && sub_text);
    struct ff_library *lib = main_text && sub_text ? std_lib() : NULL;
    CHECK(lib != NULL);
    if (lib) {
        test_walks(lib);
        test_wrong_moves(lib);
        test_fields(lib);
        test_back_restart(lib);
        test_subchart(lib);
        test_actions_and_limits(lib);
        test_snapshot_resume(lib);
        test_restore_versions(lib);
        test_pinned_versions();
        test_bad_snapshots(lib);
        test_alloc_failures(lib);
    }
    test_depth_cap();
    ff_library_free(lib);
    free(main_text);
    free(sub_text);
    return ff_test_finish();
}

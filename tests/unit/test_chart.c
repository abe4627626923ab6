/* test_chart.c - the chart loader and validator: the bad-chart corpus, the good charts,
 * the model, positions, hostile sizes, subchart libraries and out-of-memory at every step.
 *
 * tests/charts/bad/NAME.json must fail with NAME.expect as its first error line;
 * tests/charts/bad/lib-NAME/ holds charts that load alone but fail ff_library_check
 * together, with lib-NAME.expect beside the directory. Names starting "warn-" (and
 * "lib-warn-") must load and pass, and their .expect is the first warning instead.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/chart.h"
#include "fieldflow/mem.h"
#include "harness.h"

#define MAX_FILES 256

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir ending with `suffix` (or directories starting "lib-" when NULL). */
static size_t list_dir(const char *dir, const char *suffix, char **names)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    CHECK_MSG(d != NULL, dir);
    while (d && (e = readdir(d)) && n < MAX_FILES) {
        size_t len = strlen(e->d_name);
        bool want = suffix
                        ? len > strlen(suffix) && !strcmp(e->d_name + len - strlen(suffix), suffix)
                        : !strncmp(e->d_name, "lib-", 4) && !strchr(e->d_name, '.');
        if (want)
            names[n++] = strdup(e->d_name);
    }
    if (d)
        closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    return n;
}

static void read_expect(const char *path, char *buf, size_t size)
{
    char *s = ff_test_slurp(path, NULL);
    CHECK_MSG(s != NULL, path);
    snprintf(buf, size, "%s", s ? s : "");
    buf[strcspn(buf, "\n")] = '\0';
    free(s);
}

static const struct ff_diag *first_error(const struct ff_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity == FF_SEV_ERROR)
            return &d->v[i];
    return NULL;
}

static const struct ff_diag *first_warning(const struct ff_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity == FF_SEV_WARNING)
            return &d->v[i];
    return NULL;
}

/* The first error (the first warning for a "warn-" case) equals the .expect line. */
static void check_first_error(const struct ff_diags *d, const char *expect_path, bool warning)
{
    char want[1024], got[1024] = "(no finding)";
    read_expect(expect_path, want, sizeof want);
    const struct ff_diag *e = warning ? first_warning(d) : first_error(d);
    if (e)
        ff_diag_format(e, got, sizeof got);
    CHECK_STR(got, want);
}

static enum ff_err parse_file(const char *dir, const char *name, struct ff_diags *d,
                              struct ff_chart **out)
{
    char path[4096];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *buf = ff_test_slurp(path, &len);
    CHECK_MSG(buf != NULL, path);
    enum ff_err err = buf ? ff_chart_parse(buf, len, name, d, out) : FF_EIO;
    free(buf);
    return err;
}

static size_t test_bad_files(void)
{
    char dir[1024], *names[MAX_FILES];
    snprintf(dir, sizeof dir, "%s", ff_test_src("tests/charts/bad"));
    size_t n = list_dir(dir, ".json", names);
    for (size_t i = 0; i < n; i++) {
        struct ff_diags d;
        struct ff_chart *c = NULL;
        char expect[2100];
        ff_diags_init(&d);
        bool warn = !strncmp(names[i], "warn-", 5);
        enum ff_err err = parse_file(dir, names[i], &d, &c);
        if (warn)
            CHECK_MSG(err == FF_OK && d.nerrors == 0, names[i]);
        else
            CHECK_MSG(err != FF_OK && c == NULL, names[i]);
        names[i][strlen(names[i]) - 5] = '\0';
        snprintf(expect, sizeof expect, "%s/%s.expect", dir, names[i]);
        check_first_error(&d, expect, warn);
        ff_chart_free(c);
        ff_diags_free(&d);
        free(names[i]);
    }
    return n;
}

/* Loads every chart of dir into one library; returns what ff_library_check said. */
static enum ff_err check_library_dir(const char *dir, struct ff_diags *d)
{
    char *names[MAX_FILES];
    struct ff_library *lib;
    enum ff_err err = ff_library_new(&lib);
    if (err != FF_OK)
        return err;
    size_t n = list_dir(dir, ".json", names);
    for (size_t i = 0; i < n; i++) {
        struct ff_chart *c = NULL;
        enum ff_err e = err == FF_OK ? parse_file(dir, names[i], d, &c) : err;
        if (e == FF_OK)
            e = ff_library_add(lib, c, d);
        err = e != FF_OK ? e : err;
        free(names[i]);
    }
    if (err == FF_OK)
        err = ff_library_check(lib, d);
    ff_library_free(lib);
    return err;
}

static size_t test_bad_libraries(void)
{
    char dir[1024], *names[MAX_FILES];
    snprintf(dir, sizeof dir, "%s", ff_test_src("tests/charts/bad"));
    size_t n = list_dir(dir, NULL, names);
    for (size_t i = 0; i < n; i++) {
        char sub[2048], expect[2048];
        struct ff_diags d;
        ff_diags_init(&d);
        snprintf(sub, sizeof sub, "%s/%s", dir, names[i]);
        snprintf(expect, sizeof expect, "%s/%s.expect", dir, names[i]);
        bool warn = !strncmp(names[i], "lib-warn-", 9);
        CHECK_MSG(check_library_dir(sub, &d) == (warn ? FF_OK : FF_EINVALID), names[i]);
        check_first_error(&d, expect, warn);
        ff_diags_free(&d);
        free(names[i]);
    }
    return n;
}

static void test_good_files(void)
{
    char dir[1024], *names[MAX_FILES];
    snprintf(dir, sizeof dir, "%s", ff_test_src("tests/charts/good"));
    size_t n = list_dir(dir, ".json", names);
    CHECK(n >= 3);
    for (size_t i = 0; i < n; i++) {
        struct ff_diags d;
        struct ff_chart *c = NULL;
        ff_diags_init(&d);
        CHECK_MSG(parse_file(dir, names[i], &d, &c) == FF_OK, names[i]);
        CHECK_INT(d.nerrors, 0);
        ff_chart_free(c);
        ff_diags_free(&d);
        free(names[i]);
    }
    struct ff_diags d;
    ff_diags_init(&d);
    CHECK_INT(check_library_dir(dir, &d), FF_OK);
    ff_diags_free(&d);
}

static struct ff_chart *load_good(const char *name, struct ff_diags *d)
{
    struct ff_chart *c = NULL;
    CHECK_INT(parse_file(ff_test_src("tests/charts/good"), name, d, &c), FF_OK);
    return c;
}

static void test_model(void)
{
    struct ff_diags d;
    ff_diags_init(&d);
    struct ff_chart *c = load_good("demo.json", &d);
    if (!c)
        return;
    CHECK_INT(c->format, 1);
    CHECK_STR(c->id, "demo");
    CHECK_INT(c->version, 1);
    CHECK_STR(c->category, "triage");
    CHECK_INT(c->audience, FF_AUDIENCE_KIOSK);
    CHECK_INT(c->nlocales, 3);
    CHECK_STR(c->locales[1], "da");
    CHECK_INT(c->ntouchpoints, 1);
    CHECK_STR(c->touchpoints[0], "kiosk");
    CHECK_STR(c->file, "demo.json");
    CHECK_INT(strlen(c->digest), 16);
    CHECK_INT(c->nnodes, 5);
    CHECK_INT(c->start_index, 0);
    CHECK_STR(ff_text_get(c, &c->title, "da"), "Demo");
    CHECK_STR(ff_text_get(c, &c->nodes[0].title, "da"), "Velkommen");
    CHECK_STR(ff_text_get(c, &c->nodes[0].title, "fr"), "Welcome");
    CHECK_STR(ff_text_get(c, &c->nodes[0].body, "en"), "");
    CHECK_INT(ff_chart_find_node(c, "act"), 3);
    CHECK_INT(ff_chart_find_node(c, "nope"), -1);
    CHECK_INT(ff_chart_locale_index(c, "es"), 2);
    CHECK_INT(c->nodes[0].next_index, 1);
    CHECK_INT(c->nodes[0].pos.line, 15);
    CHECK_INT(c->nodes[0].pos.col, 5);
    const struct ff_node *ask = &c->nodes[1];
    CHECK_INT(ask->kind, FF_NODE_DECISION);
    CHECK_INT(ask->next_index, -1);
    CHECK_INT(ask->noptions, 2);
    CHECK_STR(ask->options[1].id, "other");
    CHECK_STR(ask->options[1].target, "form");
    CHECK_INT(ask->options[1].target_index, 2);
    CHECK_STR(ff_text_get(c, &ask->options[0].label, "es"), "Información");
    const struct ff_field *f = &c->nodes[2].fields[0];
    CHECK_STR(f->name, "phone");
    CHECK_INT(f->type, FF_FIELD_PHONE);
    CHECK(f->required && f->has_min && f->has_max && f->min == 6 && f->max == 20);
    CHECK_STR(f->pattern, "^[+0-9 ]+$");
    CHECK(f->hint.s == NULL);
    const struct ff_node *act = &c->nodes[3];
    CHECK_INT(act->nactions, 2);
    CHECK_INT(act->actions[0].kind, FF_ACTION_ESCALATE);
    CHECK_INT(act->actions[0].level, 2);
    CHECK_INT(act->actions[0].eta_minutes, 30);
    CHECK_INT(act->actions[1].kind, FF_ACTION_CREATE_CASE);
    CHECK_INT(c->nodes[4].outcome, FF_OUTCOME_RESOLVED);
    CHECK(c->nodes[4].success);
    CHECK_INT(c->nlimits, 1);
    CHECK_INT(c->limits[0].from_index, 0);
    CHECK_INT(c->limits[0].to_index, 1);
    CHECK_INT(c->limits[0].seconds, 20);
    size_t longest, to_end;
    CHECK_INT(ff_chart_depth(c, &longest, &to_end), FF_OK);
    CHECK_INT(longest, 5);
    CHECK_INT(to_end, 5);
    CHECK_STR(ff_node_kind_name(FF_NODE_SUBCHART), "subchart");
    CHECK_STR(ff_outcome_name(FF_OUTCOME_VISIT_REQUESTED), "visit_requested");
    CHECK_STR(ff_action_kind_name(FF_ACTION_CALL_BACK), "call_back");
    CHECK_STR(ff_field_type_name(FF_FIELD_YES_NO), "yes_no");
    CHECK_STR(ff_audience_name(FF_AUDIENCE_DESK), "desk");
    ff_chart_free(c);
    ff_chart_free(NULL);
    ff_diags_free(&d);
}

/* The node kinds and field/action details demo.json lacks. */
static void test_model_minimal(void)
{
    struct ff_diags d;
    size_t longest, to_end;
    ff_diags_init(&d);
    struct ff_chart *c = load_good("minimal.json", &d);
    if (c) {
        CHECK_STR(c->locales[0], "pt-BR");
        CHECK_INT(c->nodes[1].kind, FF_NODE_SUBCHART);
        CHECK_STR(c->nodes[1].subchart, "demo");
        CHECK_STR(c->nodes[2].kb_article, "KB-1042");
        CHECK_STR(ff_text_get(c, &c->nodes[2].body, "en"), "Leia");
        CHECK_INT(c->nodes[4].fields[0].nchoices, 2);
        CHECK_STR(c->nodes[4].fields[0].choices[1], "pm");
        CHECK_STR(ff_text_get(c, &c->nodes[4].fields[0].choice_labels[0], NULL), "Manhã");
        CHECK(c->nodes[4].fields[1].min == -1.5);
        CHECK_STR(c->nodes[5].actions[1].value, "urgent");
        CHECK_STR(c->nodes[5].actions[3].value, "visit_requested");
        CHECK_INT(c->nodes[5].actions[2].eta_minutes, 120);
        CHECK(!c->nodes[6].success);
        CHECK_INT(ff_chart_depth(c, &longest, &to_end), FF_OK);
        CHECK_INT(longest, 7);
    }
    ff_chart_free(c);
    ff_diags_free(&d);
}

static void test_warnings(void)
{
    struct ff_diags d;
    ff_diags_init(&d);
    struct ff_chart *c = load_good("warnings.json", &d);
    CHECK_INT(d.nerrors, 0);
    CHECK_INT(d.nwarnings, 4);
    const char *want[] = {"many-options", "long-label", "long-label", "deep-path"};
    for (size_t i = 0; i < d.n && i < 4; i++) {
        CHECK_STR(d.v[i].code, want[i]);
        CHECK(d.v[i].severity == FF_SEV_WARNING);
    }
    char line[512];
    if (d.n) {
        ff_diag_format(&d.v[0], line, sizeof line);
        CHECK_STR(line, "warnings.json:52:7: warning: $.nodes[1].options: node \"ask\": 8 options "
                        "at one decision; more than 7 are hard to choose from [many-options]");
    }
    ff_chart_free(c);
    ff_diags_free(&d);
}

/* Parses text; formats the first finding with `code` (any code when NULL) into line. */
static enum ff_err parse_code(const char *text, size_t len, const char *code, char *line,
                              size_t size)
{
    struct ff_diags d;
    struct ff_chart *c = NULL;
    ff_diags_init(&d);
    enum ff_err err = ff_chart_parse(text, len, "t.json", &d, &c);
    line[0] = '\0';
    for (size_t i = 0; i < d.n && !line[0]; i++)
        if (!code || !strcmp(d.v[i].code, code))
            ff_diag_format(&d.v[i], line, size);
    ff_chart_free(c);
    ff_diags_free(&d);
    return err;
}

static enum ff_err parse_text(const char *text, size_t len, char *line, size_t size)
{
    return parse_code(text, len, NULL, line, size);
}

static void test_positions(void)
{
    char line[512];
    /* Columns count code points: "æøå" is 6 bytes but 3 columns. */
    const char *t = "{\"format\": 1, \"x-a\": \"æøå\", \"colour\": 1}";
    CHECK_INT(parse_text(t, strlen(t), line, sizeof line), FF_EINVALID);
    CHECK_STR(line, "t.json:1:29: error: $.colour: unknown key \"colour\" in the chart (it takes "
                    "format, id, version, title, category, audience, touchpoints, locales, "
                    "time_limits, nodes, countries, or x-...) [unknown-key]");
    t = "{\n\t\"format\": 1,\r\n  \"x-é\": [1, 2,]}";
    CHECK_INT(parse_text(t, strlen(t), line, sizeof line), FF_EPARSE);
    CHECK_STR(line, "t.json:3:16: error: $: malformed JSON: trailing comma before ']' "
                    "[json-syntax]");
    CHECK_INT(parse_text("{\"a\": 1} x", 10, line, sizeof line), FF_EPARSE);
    CHECK_STR(line, "t.json:1:10: error: $: malformed JSON: text after the end of the JSON "
                    "value [json-syntax]");
}

static void test_limits(void)
{
    char line[512];
    size_t big = FF_CHART_MAX_BYTES + 1;
    char *buf = malloc(big + 20000 * 120);
    if (!buf)
        return;
    memset(buf, ' ', big);
    buf[0] = '{';
    buf[big - 1] = '}';
    CHECK_INT(parse_text(buf, big, line, sizeof line), FF_ELIMIT);
    CHECK_STR(line, "t.json:1:1: error: $: the file is larger than 4194304 bytes, the most a "
                    "chart may have [file-too-large]");

    size_t n = (size_t)snprintf(buf, 64, "{\"x-long\": \"");
    memset(buf + n, 'a', FF_CHART_MAX_STRING + 1);
    n += FF_CHART_MAX_STRING + 1;
    n += (size_t)snprintf(buf + n, 64, "\"}");
    CHECK_INT(parse_text(buf, n, line, sizeof line), FF_ELIMIT);
    CHECK_STR(line, "t.json:1:12: error: $: string longer than 8192 bytes [string-too-long]");

    n = 0;
    for (int i = 0; i < 2000; i++)
        buf[n++] = '[';
    CHECK_INT(parse_text(buf, n, line, sizeof line), FF_ELIMIT);
    CHECK_STR(line, "t.json:1:33: error: $: nesting deeper than 32 levels [too-deep]");

    n = (size_t)snprintf(buf, 256, "{\"format\": 1, \"locales\": [\"en\"], \"nodes\": [");
    for (int i = 0; i <= FF_CHART_MAX_NODES; i++)
        n += (size_t)snprintf(buf + n, 120, "%s{\"id\": \"n%d\", \"kind\": \"step\"}", i ? "," : "",
                              i);
    n += (size_t)snprintf(buf + n, 16, "]}");
    CHECK_INT(parse_code(buf, n, "too-many", line, sizeof line), FF_ELIMIT);
    CHECK_STR(line, "t.json:1:34: error: $.nodes: 10001 entries; at most 10000 are allowed "
                    "[too-many]");
    free(buf);
}

static void test_load(void)
{
    struct ff_diags d;
    struct ff_chart *c = NULL;
    char path[4096];
    ff_diags_init(&d);
    snprintf(path, sizeof path, "%s/demo.json", ff_test_src("tests/charts/good"));
    CHECK_INT(ff_chart_load(path, &d, &c), FF_OK);
    CHECK(c && !strcmp(c->file, path));
    ff_chart_free(c);
    CHECK_INT(ff_chart_load("/nonexistent/chart.json", &d, &c), FF_EIO);
    CHECK(c == NULL);
    CHECK_INT(d.nerrors, 1);
    if (d.n)
        CHECK_STR(d.v[0].code, "unreadable");
    CHECK_INT(ff_chart_load(ff_test_src("tests/charts"), &d, &c), FF_EIO); /* a directory */
    ff_diags_free(&d);
    for (long i = 0;; i++) { /* out of memory while loading a file */
        ff_diags_init(&d);
        ff_mem_fail_after(i);
        enum ff_err err = ff_chart_load(path, &d, &c);
        ff_mem_fail_after(-1);
        ff_chart_free(c);
        ff_diags_free(&d);
        if (err != FF_ENOMEM) {
            CHECK_INT(err, FF_OK);
            break;
        }
    }
}

static void test_library(void)
{
    struct ff_diags d;
    struct ff_library *lib;
    ff_diags_init(&d);
    CHECK_INT(ff_library_new(&lib), FF_OK);
    struct ff_chart *a = load_good("demo.json", &d), *b = load_good("minimal.json", &d);
    struct ff_chart *again = load_good("demo.json", &d);
    CHECK_INT(ff_library_add(lib, a, &d), FF_OK);
    CHECK_INT(ff_library_add(lib, b, &d), FF_OK);
    CHECK_INT(ff_library_add(lib, again, &d), FF_EINVALID);
    CHECK_INT(ff_library_count(lib), 2);
    CHECK(ff_library_at(lib, 1) == b);
    CHECK(ff_library_at(lib, 2) == NULL);
    CHECK(ff_library_find(lib, "demo", 0) == a);
    CHECK(ff_library_find(lib, "minimal", 2) == b);
    CHECK(ff_library_find(lib, "minimal", 1) == NULL);
    CHECK_INT(ff_library_check(lib, &d), FF_OK);
    CHECK_INT(d.nerrors, 1);
    if (d.n)
        CHECK_STR(d.v[0].code, "duplicate-chart");
    ff_library_free(lib);
    ff_library_free(NULL);
    ff_diags_free(&d);
}

/* Node audience (the chart's unless the node says otherwise) and hand-off marks; a kiosk
 * chart that hands off before its staff node, also inside a called chart, is clean. */
static void test_handoff(void)
{
    struct ff_diags d;
    struct ff_library *lib;
    ff_diags_init(&d);
    CHECK_INT(ff_library_new(&lib), FF_OK);
    struct ff_chart *k = load_good("kiosk-handoff.json", &d);
    struct ff_chart *h = load_good("kiosk-helper.json", &d);
    if (k && h) {
        const struct ff_node *n = &k->nodes[ff_chart_find_node(k, "desk-check")];
        CHECK(n->audience == FF_AUDIENCE_DESK && !n->handoff);
        n = &k->nodes[ff_chart_find_node(k, "tell")];
        CHECK(n->audience == FF_AUDIENCE_KIOSK && n->handoff);
        n = &k->nodes[ff_chart_find_node(k, "done")];
        CHECK(n->audience == FF_AUDIENCE_ANY && !n->handoff);
        CHECK(h->nodes[ff_chart_find_node(h, "leave")].handoff);
        CHECK(ff_audience_is_staff(FF_AUDIENCE_ENGINEER) && !ff_audience_is_staff(FF_AUDIENCE_ANY));
    }
    CHECK_INT(ff_library_add(lib, k, &d), FF_OK);
    CHECK_INT(ff_library_add(lib, h, &d), FF_OK);
    CHECK_INT(ff_library_check(lib, &d), FF_OK);
    CHECK_INT(d.nwarnings, 0);
    ff_library_free(lib);
    ff_diags_free(&d);

    /* The same kiosk chart without the hand-off mark warns at the staff node. */
    char line[1024];
    char *buf = ff_test_slurp(ff_test_src("tests/charts/good/kiosk-handoff.json"), NULL);
    char *mark = buf ? strstr(buf, "\"handoff\": true") : NULL;
    CHECK(mark != NULL);
    if (mark) {
        memcpy(mark, "\"x-off\":   true", strlen("\"handoff\": true"));
        CHECK_INT(parse_code(buf, strlen(buf), "kiosk-reaches-staff", line, sizeof line), FF_OK);
        CHECK(strstr(line, "staff node \"desk-check\" (audience desk) without a hand-off: "
                           "start -> ask -> tell -> desk-check") != NULL);
    }
    free(buf);
}

/* A locale typo, in the list or in every text, is one error, not one per text. */
static void test_locale_typo(void)
{
    const char *files[] = {"locale-typo-list.json", "locale-typo-texts.json"};
    for (size_t i = 0; i < 2; i++) {
        struct ff_diags d;
        struct ff_chart *c = NULL;
        ff_diags_init(&d);
        CHECK_INT(parse_file(ff_test_src("tests/charts/bad"), files[i], &d, &c), FF_EINVALID);
        CHECK_INT(d.nerrors, 1);
        CHECK(d.n && strstr(d.v[0].message, "did you mean \"da\"") != NULL);
        ff_chart_free(c);
        ff_diags_free(&d);
    }
}

/* Every allocation of the kiosk check across calls fails in turn: FF_ENOMEM or the warning. */
static void test_handoff_out_of_memory(void)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", ff_test_src("tests/charts/bad/lib-warn-kiosk-call"));
    for (long i = 0;; i++) {
        struct ff_diags d;
        ff_diags_init(&d);
        ff_mem_fail_after(i);
        enum ff_err err = check_library_dir(dir, &d);
        ff_mem_fail_after(-1);
        bool warned = d.nwarnings == 1;
        ff_diags_free(&d);
        if (err != FF_ENOMEM) {
            CHECK_INT(err, FF_OK);
            CHECK(warned);
            break;
        }
    }
}

/* Fails the i-th allocation for i = 0, 1, ... until the call succeeds; every failure must
 * be a clean FF_ENOMEM (ASan reports any leak or bad access). */
static void test_out_of_memory(const char *dir, const char *name, enum ff_err final)
{
    char path[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", ff_test_src(dir), name);
    char *buf = ff_test_slurp(path, &len);
    CHECK_MSG(buf != NULL, path);
    for (long i = 0; buf; i++) {
        struct ff_diags d;
        struct ff_chart *c = NULL;
        ff_diags_init(&d);
        ff_mem_fail_after(i);
        enum ff_err err = ff_chart_parse(buf, len, name, &d, &c);
        ff_mem_fail_after(-1);
        ff_chart_free(c);
        ff_diags_free(&d);
        if (err != FF_ENOMEM) {
            CHECK_INT(err, final);
            CHECK(i > 0);
            break;
        }
        CHECK(c == NULL);
    }
    free(buf);
}

static void test_library_out_of_memory(void)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", ff_test_src("tests/charts/bad/lib-cycle"));
    for (long i = 0;; i++) {
        struct ff_diags d;
        ff_diags_init(&d);
        ff_mem_fail_after(i);
        enum ff_err err = check_library_dir(dir, &d);
        ff_mem_fail_after(-1);
        ff_diags_free(&d);
        if (err != FF_ENOMEM && err != FF_OK) {
            CHECK_INT(err, FF_EINVALID);
            break;
        }
    }
}

int main(void)
{
    size_t nbad = test_bad_files(), nlib = test_bad_libraries();
    printf("bad corpus: %zu charts, %zu libraries\n", nbad, nlib);
    CHECK(nbad + nlib >= 45);
    test_good_files();
    test_model();
    test_model_minimal();
    test_warnings();
    test_positions();
    test_limits();
    test_load();
    test_library();
    test_out_of_memory("tests/charts/good", "demo.json", FF_OK);
    test_out_of_memory("tests/charts/good", "warnings.json", FF_OK);
    test_out_of_memory("tests/charts/bad", "dup-node.json", FF_EINVALID);
    test_out_of_memory("tests/charts/bad", "json-trailing-comma.json", FF_EPARSE);
    test_library_out_of_memory();
    test_handoff();
    test_handoff_out_of_memory();
    test_locale_typo();
    test_out_of_memory("tests/charts/bad", "locale-typo-list.json", FF_EINVALID);
    return ff_test_finish();
}

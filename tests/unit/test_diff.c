/* test_diff.c - ff_diff_charts: every kind of change in both directions, identical charts,
 * positions on the NEW side, a node id reused for another kind, out of memory at every step.
 *
 * Two sources of cases: a table of one-edit variants of tests/charts/diff/base.json made in
 * memory (each edit must give exactly the listed changes, and the reverse edit the mirror
 * image), and the files under tests/charts/diff/ (changed.json changes everything at once).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/chart.h"
#include "fieldflow/diff.h"
#include "fieldflow/mem.h"
#include "harness.h"

#define A FF_DIFF_ADDED
#define R FF_DIFF_REMOVED
#define C FF_DIFF_CHANGED
#define M FF_DIFF_MOVED

/* One expected change of OLD -> NEW. `who` is the node id, or the time limit id. */
struct want {
    enum ff_diff_op op;
    enum ff_diff_entity entity;
    const char *who, *item, *choice, *attr, *locale, *old_value, *new_value;
};

struct edit {
    const char *name;
    const char *find, *replace; /* the first occurrence in base.json */
    struct want w[3];
    size_t nw;
};

/* clang-format off */
static const struct edit edits[] = {
    {"chart id", "\"id\": \"diff-demo\"", "\"id\": \"diff-demo2\"",
     {{C, FF_DIFF_CHART, NULL, NULL, NULL, "id", NULL, "diff-demo", "diff-demo2"}}, 1},
    {"version", "\"version\": 1", "\"version\": 2",
     {{C, FF_DIFF_CHART, NULL, NULL, NULL, "version", NULL, "1", "2"}}, 1},
    {"chart title", "\"da\": \"Meld en fejl\"", "\"da\": \"Meld fejl\"",
     {{C, FF_DIFF_CHART, NULL, NULL, NULL, "title", "da", "Meld en fejl", "Meld fejl"}}, 1},
    {"category", "\"service\"", "\"repair\"",
     {{C, FF_DIFF_CHART, NULL, NULL, NULL, "category", NULL, "service", "repair"}}, 1},
    {"audience", "\"desk\"", "\"engineer\"",
     {{C, FF_DIFF_CHART, NULL, NULL, NULL, "audience", NULL, "desk", "engineer"}}, 1},
    {"touchpoints", "[\"telephone\", \"email\"]", "[\"email\", \"telephone\"]",
     {{C, FF_DIFF_CHART, NULL, NULL, NULL, "touchpoints", NULL, "telephone, email",
       "email, telephone"}}, 1},
    {"limit label", "Whole call", "All of the call",
     {{C, FF_DIFF_LIMIT, "whole", NULL, NULL, "label", "en", "Whole call", "All of the call"}}, 1},
    {"limit from", "\"from\": \"start\", \"seconds\": 600", "\"from\": \"ask\", \"seconds\": 600",
     {{C, FF_DIFF_LIMIT, "whole", NULL, NULL, "from", NULL, "start", "ask"}}, 1},
    {"limit to", "\"to\": \"ask\"", "\"to\": \"form\"",
     {{C, FF_DIFF_LIMIT, "answer", NULL, NULL, "to", NULL, "ask", "form"}}, 1},
    {"limit seconds", "\"seconds\": 600", "\"seconds\": 601",
     {{C, FF_DIFF_LIMIT, "whole", NULL, NULL, "seconds", NULL, "600", "601"}}, 1},
    {"limit added", "\"time_limits\": [",
     "\"time_limits\": [{\"id\": \"t3\", \"label\": {\"en\": \"T\", \"da\": \"T\"}, \"from\": "
     "\"ask\", \"seconds\": 5},",
     {{A, FF_DIFF_LIMIT, "t3", NULL, NULL, NULL, NULL, NULL, NULL}}, 1},
    {"node title", "What do you need?", "What do you want?",
     {{C, FF_DIFF_NODE, "ask", NULL, NULL, "title", "en", "What do you need?",
       "What do you want?"}}, 1},
    {"node body", "Spørg kunden.", "Spørg kunden nu.",
     {{C, FF_DIFF_NODE, "ask", NULL, NULL, "body", "da", "Spørg kunden.", "Spørg kunden nu."}}, 1},
    {"next", "\"article\": \"faq-1\", \"next\": \"done\"",
     "\"article\": \"faq-1\", \"next\": \"done-bad\"",
     {{M, FF_DIFF_NODE, "kb", NULL, NULL, "next", NULL, "done", "done-bad"},
      {M, FF_DIFF_NODE, "done", NULL, NULL, "incoming", NULL, "call, kb", "call"},
      {M, FF_DIFF_NODE, "done-bad", NULL, NULL, "incoming", NULL, "ask", "ask, kb"}}, 3},
    {"article", "\"faq-1\"", "\"faq-9\"",
     {{C, FF_DIFF_NODE, "kb", NULL, NULL, "article", NULL, "faq-1", "faq-9"}}, 1},
    {"subchart", "\"chart\": \"other\"", "\"chart\": \"other2\"",
     {{C, FF_DIFF_NODE, "call", NULL, NULL, "chart", NULL, "other", "other2"}}, 1},
    {"outcome", "\"resolved\"", "\"referred\"",
     {{C, FF_DIFF_NODE, "done", NULL, NULL, "outcome", NULL, "resolved", "referred"}}, 1},
    {"success", "\"success\": false", "\"success\": true",
     {{C, FF_DIFF_NODE, "done-bad", NULL, NULL, "success", NULL, "false", "true"}}, 1},
    {"node added", "\"article\": \"faq-1\", \"next\": \"done\"}",
     "\"article\": \"faq-1\", \"next\": \"wait\"}, {\"id\": \"wait\", \"kind\": \"step\", "
     "\"title\": {\"en\": \"W\", \"da\": \"V\"}, \"next\": \"done\"}",
     {{A, FF_DIFF_NODE, "wait", NULL, NULL, NULL, NULL, NULL, "step"},
      {M, FF_DIFF_NODE, "kb", NULL, NULL, "next", NULL, "done", "wait"},
      {M, FF_DIFF_NODE, "done", NULL, NULL, "incoming", NULL, "call, kb", "call, wait"}}, 3},
    {"option label", "\"Nothing\"", "\"Nothing more\"",
     {{C, FF_DIFF_OPTION, "ask", "bye", NULL, "label", "en", "Nothing", "Nothing more"}}, 1},
    {"option added", "{\"id\": \"bye\",",
     "{\"id\": \"bye2\", \"label\": {\"en\": \"x\", \"da\": \"y\"}, \"target\": \"done\"}, "
     "{\"id\": \"bye\",",
     {{A, FF_DIFF_OPTION, "ask", "bye2", NULL, NULL, NULL, NULL, "done"},
      {M, FF_DIFF_NODE, "done", NULL, NULL, "incoming", NULL, "call, kb", "ask, call, kb"}}, 2},
    {"field type", "\"type\": \"date\"", "\"type\": \"email\"",
     {{C, FF_DIFF_FIELD, "form", "when", NULL, "type", NULL, "date", "email"}}, 1},
    {"required", "\"type\": \"choice\", \"required\": true",
     "\"type\": \"choice\", \"required\": false",
     {{C, FF_DIFF_FIELD, "form", "kind", NULL, "required", NULL, "true", "false"}}, 1},
    {"pattern", "\"[A-Za-z ]+\"", "\"[A-Za-z]+\"",
     {{C, FF_DIFF_FIELD, "form", "name", NULL, "pattern", NULL, "[A-Za-z ]+", "[A-Za-z]+"}}, 1},
    {"min", "\"min\": 2,", "\"min\": 3,",
     {{C, FF_DIFF_FIELD, "form", "name", NULL, "min", NULL, "2", "3"}}, 1},
    {"max gone", ", \"max\": 80", "",
     {{C, FF_DIFF_FIELD, "form", "name", NULL, "max", NULL, "80", NULL}}, 1},
    {"field label", "Since when?", "Since?",
     {{C, FF_DIFF_FIELD, "form", "when", NULL, "label", "en", "Since when?", "Since?"}}, 1},
    {"hint", "As on the bill", "As on the invoice",
     {{C, FF_DIFF_FIELD, "form", "name", NULL, "hint", "en", "As on the bill",
       "As on the invoice"}}, 1},
    {"choice label", "\"Strøm\"", "\"Elektricitet\"",
     {{C, FF_DIFF_CHOICE, "form", "kind", "power", "label", "da", "Strøm", "Elektricitet"}}, 1},
    {"choice added", "{\"id\": \"water\",",
     "{\"id\": \"oil\", \"label\": {\"en\": \"Oil\", \"da\": \"Olie\"}}, {\"id\": \"water\",",
     {{A, FF_DIFF_CHOICE, "form", "kind", "oil", NULL, NULL, NULL, NULL}}, 1},
    {"field added", "{\"name\": \"note\",",
     "{\"name\": \"mail\", \"type\": \"email\", \"label\": {\"en\": \"E\", \"da\": \"E\"}}, "
     "{\"name\": \"note\",",
     {{A, FF_DIFF_FIELD, "form", "mail", NULL, NULL, NULL, NULL, "email"}}, 1},
    {"action value", "\"value\": \"high\"", "\"value\": \"urgent\"",
     {{C, FF_DIFF_ACTION, "act", "set_priority", NULL, "value", NULL, "high", "urgent"}}, 1},
    {"action level", "\"level\": 3", "\"level\": 4",
     {{C, FF_DIFF_ACTION, "act", "escalate#2", NULL, "level", NULL, "3", "4"}}, 1},
    {"action eta", "\"eta_minutes\": 30", "\"eta_minutes\": 45",
     {{C, FF_DIFF_ACTION, "act", "escalate", NULL, "eta_minutes", NULL, "30", "45"}}, 1},
    {"action added", "{\"type\": \"create_case\"},",
     "{\"type\": \"create_case\"}, {\"type\": \"ask_feedback\"},",
     {{A, FF_DIFF_ACTION, "act", "ask_feedback", NULL, NULL, NULL, NULL, NULL}}, 1},
    {"action order", "{\"type\": \"create_case\"},\n        {\"type\": \"set_priority\", "
     "\"value\": \"high\"},",
     "{\"type\": \"set_priority\", \"value\": \"high\"}, {\"type\": \"create_case\"},",
     {{C, FF_DIFF_NODE, "act", NULL, NULL, "actions", NULL,
       "create_case, set_priority, escalate, escalate#2",
       "set_priority, create_case, escalate, escalate#2"}}, 1},
    {"countries", "\"locales\": [\"en\", \"da\"],",
     "\"locales\": [\"en\", \"da\"], \"countries\": [\"DK\", \"ES\"],",
     {{C, FF_DIFF_CHART, NULL, NULL, NULL, "countries", NULL, "", "DK, ES"}}, 1},
    {"min days", "\"type\": \"date\",", "\"type\": \"date\", \"min_days\": 0,",
     {{C, FF_DIFF_FIELD, "form", "when", NULL, "min_days", NULL, NULL, "0"}}, 1},
    {"max days", "\"type\": \"date\",", "\"type\": \"date\", \"max_days\": 60,",
     {{C, FF_DIFF_FIELD, "form", "when", NULL, "max_days", NULL, NULL, "60"}}, 1},
    {"node audience", "\"article\": \"faq-1\",", "\"article\": \"faq-1\", \"audience\": \"kiosk\",",
     {{C, FF_DIFF_NODE, "kb", NULL, NULL, "audience", NULL, NULL, "kiosk"}}, 1},
    {"handoff", "\"next\": \"call\"", "\"audience\": \"any\", \"handoff\": true, \"next\": \"call\"",
     {{C, FF_DIFF_NODE, "act", NULL, NULL, "audience", NULL, NULL, "any"},
      {C, FF_DIFF_NODE, "act", NULL, NULL, "handoff", NULL, "false", "true"}}, 2},
};
/* clang-format on */

static bool same(const char *p, const char *q)
{
    return p == q || (p && q && !strcmp(p, q));
}

/* Does c say w (or, reversed, what w says for NEW -> OLD)? */
static bool matches(const struct ff_diff_change *c, const struct want *w, bool reversed)
{
    enum ff_diff_op op = w->op;
    if (reversed && op != C && op != M)
        op = op == A ? R : A;
    const char *who = c->entity == FF_DIFF_LIMIT ? c->limit : c->node;
    return c->op == op && c->entity == w->entity && same(who, w->who) && same(c->item, w->item) &&
           same(c->choice, w->choice) && same(c->attr, w->attr) && same(c->locale, w->locale) &&
           same(c->old_value, reversed ? w->new_value : w->old_value) &&
           same(c->new_value, reversed ? w->old_value : w->new_value);
}

static void print_diff(const struct ff_diff *d)
{
    for (size_t i = 0; i < ff_diff_count(d); i++) {
        const struct ff_diff_change *c = ff_diff_at(d, i);
        fprintf(stderr, "    got: %s %s %s/%s/%s/%s %s [%s] %s -> %s\n", ff_diff_op_name(c->op),
                ff_diff_entity_name(c->entity), c->limit ? c->limit : "-", c->node ? c->node : "-",
                c->item ? c->item : "-", c->choice ? c->choice : "-", c->attr ? c->attr : "-",
                c->locale ? c->locale : "-", c->old_value ? c->old_value : "(null)",
                c->new_value ? c->new_value : "(null)");
    }
}

/* Exactly the wanted changes, each once. */
static void expect_changes(const char *name, const struct ff_diff *d, const struct want *w,
                           size_t nw, bool reversed)
{
    bool ok = ff_diff_count(d) == nw;
    for (size_t k = 0; k < nw; k++) {
        size_t hits = 0;
        for (size_t i = 0; i < ff_diff_count(d); i++)
            hits += matches(ff_diff_at(d, i), &w[k], reversed);
        ok = ok && hits == 1;
    }
    CHECK_MSG(ok, name);
    if (!ok)
        print_diff(d);
}

static struct ff_chart *parse(const char *text, const char *file)
{
    struct ff_diags dg;
    struct ff_chart *c = NULL;
    ff_diags_init(&dg);
    enum ff_err err = ff_chart_parse(text, strlen(text), file, &dg, &c);
    CHECK_MSG(err == FF_OK, file);
    for (size_t i = 0; err != FF_OK && i < dg.n; i++)
        fprintf(stderr, "    %s: %s\n", dg.v[i].path, dg.v[i].message);
    ff_diags_free(&dg);
    return c;
}

static struct ff_chart *load(const char *name)
{
    char rel[128];
    snprintf(rel, sizeof rel, "tests/charts/diff/%s", name);
    char *text = ff_test_slurp(ff_test_src(rel), NULL);
    CHECK_MSG(text != NULL, rel);
    struct ff_chart *c = text ? parse(text, name) : NULL;
    free(text);
    return c;
}

static struct ff_diff *diff(const struct ff_chart *a, const struct ff_chart *b)
{
    struct ff_diags dg;
    struct ff_diff *d = NULL;
    ff_diags_init(&dg);
    CHECK_INT(ff_diff_charts(a, b, &dg, &d), FF_OK);
    CHECK_INT(dg.n, 0);
    ff_diags_free(&dg);
    return d;
}

/* text with the first `find` replaced; malloc'd. */
static char *edit_text(const char *text, const char *find, const char *replace)
{
    const char *at = strstr(text, find);
    if (!at)
        return NULL;
    size_t n = strlen(text) - strlen(find) + strlen(replace) + 1;
    char *s = malloc(n);
    snprintf(s, n, "%.*s%s%s", (int)(at - text), text, replace, at + strlen(find));
    return s;
}

static void test_edits(void)
{
    char *base_text = ff_test_slurp(ff_test_src("tests/charts/diff/base.json"), NULL);
    struct ff_chart *base = load("base.json");
    for (size_t i = 0; base && i < sizeof edits / sizeof edits[0]; i++) {
        const struct edit *e = &edits[i];
        char *text = edit_text(base_text, e->find, e->replace);
        CHECK_MSG(text != NULL, e->name);
        struct ff_chart *c = text ? parse(text, e->name) : NULL;
        if (c) {
            struct ff_diff *d = diff(base, c);
            if (d)
                expect_changes(e->name, d, e->w, e->nw, false);
            ff_diff_free(d);
            d = diff(c, base);
            if (d)
                expect_changes(e->name, d, e->w, e->nw, true);
            ff_diff_free(d);
        }
        ff_chart_free(c);
        free(text);
    }
    ff_chart_free(base);
    free(base_text);
}

static void test_identical(void)
{
    struct ff_chart *base = load("base.json"), *shuffled = load("shuffled.json");
    if (!base || !shuffled)
        goto out;
    const struct ff_chart *pairs[][2] = {{base, base}, {base, shuffled}, {shuffled, base}};
    for (size_t i = 0; i < 3; i++) {
        struct ff_diff *d = diff(pairs[i][0], pairs[i][1]);
        if (!d)
            continue;
        CHECK_INT(ff_diff_count(d), 0);
        CHECK_INT(ff_diff_node_ids(d).kept, base->nnodes);
        CHECK_INT(ff_diff_node_ids(d).broken + ff_diff_node_ids(d).added, 0);
        ff_diff_free(d);
    }
out:
    ff_chart_free(shuffled);
    ff_chart_free(base);
}

/* A locale dropped is one chart change, not one per text. */
static void test_locales(void)
{
    struct ff_chart *base = load("base.json"), *en = load("locales.json");
    static const struct want w[] = {
        {C, FF_DIFF_CHART, NULL, NULL, NULL, "locales", NULL, "en, da", "en"}};
    struct ff_diff *d = base && en ? diff(base, en) : NULL;
    if (d)
        expect_changes("locale dropped", d, w, 1, false);
    ff_diff_free(d);
    d = base && en ? diff(en, base) : NULL;
    if (d)
        expect_changes("locale added", d, w, 1, true);
    ff_diff_free(d);
    ff_chart_free(en);
    ff_chart_free(base);
}

/* 1-based line and column (code points) where `needle` begins in text. */
static struct ff_pos pos_of(const char *text, const char *needle)
{
    const char *at = strstr(text, needle);
    struct ff_pos p = {1, 1};
    CHECK_MSG(at != NULL, needle);
    for (const char *s = text; at && s < at; s++) {
        if (*s == '\n')
            p = (struct ff_pos){p.line + 1, 1};
        else if ((*s & 0xC0) != 0x80)
            p.col++;
    }
    return p;
}

static const struct ff_diff_change *find(const struct ff_diff *d, enum ff_diff_op op,
                                         const char *node, const char *item, const char *attr)
{
    for (size_t i = 0; i < ff_diff_count(d); i++) {
        const struct ff_diff_change *c = ff_diff_at(d, i);
        if (c->op == op && same(c->node, node) && same(c->item, item) && same(c->attr, attr))
            return c;
    }
    CHECK_MSG(false, attr ? attr : node);
    return NULL;
}

static void check_pos(const struct ff_diff_change *c, struct ff_pos want, bool new_side)
{
    struct ff_pos got = c ? (new_side ? c->new_pos : c->old_pos) : (struct ff_pos){0, 0};
    CHECK_INT(got.line, want.line);
    CHECK_INT(got.col, want.col);
}

/* changed.json changes everything at once: the mirror property, the ids and positions. */
static void test_files(void)
{
    char *ta = ff_test_slurp(ff_test_src("tests/charts/diff/base.json"), NULL);
    char *tb = ff_test_slurp(ff_test_src("tests/charts/diff/changed.json"), NULL);
    struct ff_chart *a = load("base.json"), *b = load("changed.json");
    struct ff_diff *d = a && b ? diff(a, b) : NULL, *r = a && b ? diff(b, a) : NULL;
    if (!d || !r || !ta || !tb)
        goto out;
    CHECK(ff_diff_count(d) > 30);
    CHECK_INT(ff_diff_count(r), ff_diff_count(d));
    for (size_t i = 0; i < ff_diff_count(d); i++) {
        const struct ff_diff_change *c = ff_diff_at(d, i);
        const struct want w = {
            c->op,     c->entity,    c->entity == FF_DIFF_LIMIT ? c->limit : c->node,
            c->item,   c->choice,    c->attr,
            c->locale, c->old_value, c->new_value};
        size_t hits = 0;
        for (size_t k = 0; k < ff_diff_count(r); k++)
            hits += matches(ff_diff_at(r, k), &w, true);
        CHECK_MSG(hits == 1, c->attr ? c->attr : c->node);
    }
    struct ff_diff_ids ids = ff_diff_node_ids(d);
    CHECK_INT(ids.kept, 7);
    CHECK_INT(ids.added, 2);
    CHECK_INT(ids.broken, 1);
    CHECK_INT(ff_diff_node_ids(r).broken, 2);
    check_pos(find(d, A, "kb2", NULL, NULL), pos_of(tb, "{\"id\": \"kb2\""), true);
    check_pos(find(d, R, "done-bad", NULL, NULL), pos_of(ta, "{\"id\": \"done-bad\""), false);
    check_pos(find(d, M, "ask", "info", "target"), pos_of(tb, "\"target\": \"kb2\""), true);
    check_pos(find(d, M, "call", NULL, "next"), pos_of(tb, "\"next\": \"done-later\""), true);
    check_pos(find(d, C, "form", "name", "max"), pos_of(tb, "{\n          \"name\": \"name\""),
              true);
    const struct ff_diff_change *c = find(d, C, NULL, NULL, "version");
    CHECK(c && c->group == FF_DIFF_GROUP_CHART && c->new_pos.line == 0);
    c = find(d, C, "done", NULL, "title");
    CHECK(c && c->group == FF_DIFF_GROUP_TEXTS && !strcmp(c->locale, "da"));
    c = find(d, C, "ask", NULL, "body");
    CHECK(c && c->old_value && !c->new_value);
out:
    ff_diff_free(r);
    ff_diff_free(d);
    ff_chart_free(b);
    ff_chart_free(a);
    free(tb);
    free(ta);
}

/* An id reused for another kind: refused, one finding per node, at NEW's "id" key. */
static void test_kind_changed(void)
{
    char *tb = ff_test_slurp(ff_test_src("tests/charts/diff/kind.json"), NULL);
    struct ff_chart *a = load("base.json"), *b = load("kind.json");
    struct ff_diags dg;
    struct ff_diff *d = (struct ff_diff *)&dg; /* must come back NULL */
    ff_diags_init(&dg);
    if (!a || !b || !tb)
        goto out;
    CHECK_INT(ff_diff_charts(a, b, &dg, &d), FF_EINVALID);
    CHECK(d == NULL);
    CHECK_INT(dg.nerrors, 2);
    if (dg.n == 2) {
        const struct ff_diag *g = &dg.v[0];
        struct ff_pos p = pos_of(tb, "\"id\": \"kb\"");
        CHECK_STR(g->file, "kind.json");
        CHECK_STR(g->code, "kind-changed");
        CHECK_STR(g->path, "$.nodes[2].id");
        CHECK_INT(g->pos.line, p.line);
        CHECK_INT(g->pos.col, p.col);
        CHECK(strstr(g->message, "\"kb\"") && strstr(g->message, "\"step\""));
        CHECK(strstr(dg.v[1].message, "node \"done\"") != NULL);
    }
    ff_diags_free(&dg);
    /* The other way round is refused too: OLD's step "kb" is NEW's kb. */
    CHECK_INT(ff_diff_charts(b, a, &dg, &d), FF_EINVALID);
    CHECK(d == NULL);
out:
    ff_diags_free(&dg);
    ff_chart_free(b);
    ff_chart_free(a);
    free(tb);
}

/* Every allocation fails in turn: FF_ENOMEM and no diff, until enough succeed. */
static void test_nomem(void)
{
    struct ff_chart *a = load("base.json"), *b = load("changed.json"), *k = load("kind.json");
    size_t want = 0;
    if (!a || !b || !k)
        goto out;
    struct ff_diff *d = diff(a, b);
    want = d ? ff_diff_count(d) : 0;
    ff_diff_free(d);
    for (long n = 0;; n++) {
        struct ff_diags dg;
        ff_diags_init(&dg);
        d = NULL;
        ff_mem_fail_after(n);
        enum ff_err err = ff_diff_charts(a, b, &dg, &d);
        ff_mem_fail_after(-1);
        ff_diags_free(&dg);
        if (err == FF_OK) {
            CHECK_INT(ff_diff_count(d), want);
            ff_diff_free(d);
            break;
        }
        CHECK_INT(err, FF_ENOMEM);
        CHECK(d == NULL);
        if (err != FF_ENOMEM || n > 100000)
            break;
    }
    for (long n = 0;; n++) {
        struct ff_diags dg;
        ff_diags_init(&dg);
        d = NULL;
        ff_mem_fail_after(n);
        enum ff_err err = ff_diff_charts(a, k, &dg, &d);
        ff_mem_fail_after(-1);
        ff_diags_free(&dg);
        CHECK(d == NULL);
        if (err == FF_EINVALID)
            break;
        CHECK_INT(err, FF_ENOMEM);
        if (err != FF_ENOMEM || n > 1000)
            break;
    }
out:
    ff_chart_free(k);
    ff_chart_free(b);
    ff_chart_free(a);
}

int main(void)
{
    test_edits();
    test_identical();
    test_locales();
    test_files();
    test_kind_changed();
    test_nomem();
    return ff_test_finish();
}

/* test_import.c - ff_import() with DOT: the back end's rules, DOT conventions, source
 * positions of every finding, Latin-1, HTML and record labels, bounds, the format guess,
 * failed allocations, and the round trip of every shipped chart through our own DOT.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/chart.h"
#include "fieldflow/graph.h"
#include "fieldflow/import.h"
#include "fieldflow/mem.h"
#include "harness.h"

/* One import: the result, its findings, and the chart when it validated. */
struct run {
    enum ff_err err;
    struct ff_diags d;
    char *json;
    struct ff_chart *chart;
};

static void import_dot(struct run *r, const char *dot, size_t len)
{
    memset(r, 0, sizeof *r);
    ff_diags_init(&r->d);
    r->json = (char *)"untouched";
    r->err = ff_import(FF_IMPORT_DOT, dot, len, "t.dot", "en", &r->d, &r->json);
    CHECK((r->err == FF_OK) == (r->json != NULL));
    if (r->json) {
        struct ff_diags again;
        ff_diags_init(&again);
        CHECK_INT(ff_chart_parse(r->json, strlen(r->json), "t.json", &again, &r->chart), FF_OK);
        ff_diags_free(&again);
    }
}

static void run_free(struct run *r)
{
    ff_chart_free(r->chart);
    ff_free(r->json);
    ff_diags_free(&r->d);
}

/* The finding with this code and path, or NULL. */
static const struct ff_diag *finding(const struct run *r, const char *code, const char *path)
{
    for (size_t i = 0; i < r->d.n; i++)
        if (!strcmp(r->d.v[i].code, code) && (!path || !strcmp(r->d.v[i].path, path)))
            return &r->d.v[i];
    return NULL;
}

static void check_at(const struct run *r, const char *code, const char *path, unsigned line,
                     unsigned col)
{
    const struct ff_diag *d = finding(r, code, path);
    CHECK_MSG(d != NULL, code);
    if (d) {
        CHECK_INT(d->pos.line, line);
        CHECK_INT(d->pos.col, col);
    }
}

static const struct ff_node *node(const struct run *r, const char *id)
{
    int i = r->chart ? ff_chart_find_node(r->chart, id) : -1;
    CHECK_MSG(i >= 0, id);
    return i >= 0 ? &r->chart->nodes[i] : NULL;
}

static const char *title(const struct run *r, const char *id)
{
    const struct ff_node *n = node(r, id);
    return n ? ff_text_get(r->chart, &n->title, "en") : "";
}

/* Kinds from shapes and structure, as a table: each DOT, the id, the kind it must get. */
static void test_kinds(void)
{
    static const struct {
        const char *dot, *id;
        enum ff_node_kind kind;
        const char *code; /* a finding that must be made at that node, or NULL */
    } cases[] = {
        {"digraph { s [shape=Mdiamond]; s -> a -> e; e [shape=Msquare]; }", "s", FF_NODE_START,
         NULL},
        {"digraph { s [shape=Mdiamond]; s -> a -> e; e [shape=Msquare]; }", "e", FF_NODE_END,
         "outcome-assumed"},
        {"digraph { s [shape=point]; s -> a -> e; e [shape=doublecircle]; }", "s", FF_NODE_START,
         NULL},
        {"digraph { s [shape=ellipse]; s -> a; a [shape=box]; a -> e; }", "s", FF_NODE_START,
         "start-assumed"},
        {"digraph { s -> q; q [shape=diamond]; q -> a; q -> b; }", "q", FF_NODE_DECISION, NULL},
        {"digraph { s -> q; q -> a [label=yes]; q -> b [label=no]; }", "q", FF_NODE_DECISION,
         "decision-from-labels"},
        {"digraph { s -> q; q [shape=box]; q -> a; q -> b; }", "q", FF_NODE_DECISION,
         "branch-as-decision"},
        {"digraph { s -> p; p [shape=parallelogram]; p -> e; }", "p", FF_NODE_INPUT,
         "fields-assumed"},
        {"digraph { s -> a; a [shape=box]; }", "a", FF_NODE_END, "end-assumed"},
        {"digraph { s -> q; q [shape=diamond]; q -> e; }", "q", FF_NODE_STEP, "one-way-decision"},
        {"digraph { s -> h; h [shape=hexagon]; h -> e; }", "h", FF_NODE_STEP, "shape-as-step"},
        {"digraph { s -> o -> e; o [shape=ellipse]; }", "o", FF_NODE_STEP, "terminal-in-middle"},
        {"digraph { b [shape=box]; b -> e; }", "start", FF_NODE_START, "start-added"},
        {"digraph { a -> b -> a; b -> e; }", "start", FF_NODE_START, "start-added"},
        {"digraph { s [class=\"ff-start\"]; s -> k; k [class=\"ff-kb\"]; k -> e; }", "k",
         FF_NODE_STEP, "kind-lost"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct run r;
        import_dot(&r, cases[i].dot, strlen(cases[i].dot));
        CHECK_MSG(r.err == FF_OK, cases[i].dot);
        const struct ff_node *n = r.chart ? node(&r, cases[i].id) : NULL;
        CHECK_MSG(n && n->kind == cases[i].kind, cases[i].dot);
        if (cases[i].code)
            CHECK_MSG(finding(&r, cases[i].code, NULL) != NULL, cases[i].dot);
        run_free(&r);
    }
}

static const char messy_dot[] = "digraph messy {\n"
                                "  a [shape=ellipse, label=\"Begin\"];\n"
                                "  b [shape=hexagon, label=\"Odd\\nshape\"];\n"
                                "  c [shape=diamond, label=\"Q?\"];\n"
                                "  d [shape=box, label=<<b>Bo</b>ld &amp; <i>x</i><br/>y>];\n"
                                "  subgraph cluster_x { e [shape=box, label=\"E\"]; }\n"
                                "  f [shape=ellipse, label=\"Done \\N\"];\n"
                                "  a -> b [label=\"go\"]; b -> c; c -> d [label=\"Yes\"]; c -> e;\n"
                                "  d -> f; e -> f; /* e */ e -> d;\n"
                                "  z [shape=box]; z -> z;\n"
                                "}\n";

/* Every finding at the line and column of the DOT text; the loader's too. */
static void test_positions(void)
{
    struct run r;
    import_dot(&r, messy_dot, strlen(messy_dot));
    CHECK_INT(r.err, FF_OK);
    check_at(&r, "chart-defaults", "graph", 1, 1);
    check_at(&r, "start-assumed", "node a", 2, 3);
    check_at(&r, "shape-as-step", "node b", 3, 3);
    check_at(&r, "cluster-ignored", "subgraph cluster_x", 6, 3);
    check_at(&r, "branch-as-decision", "node e", 6, 24);
    check_at(&r, "outcome-assumed", "node f", 7, 3);
    check_at(&r, "label-dropped", "edge a -> b", 8, 5);
    check_at(&r, "unlabeled-option", "edge c -> e", 8, 56);
    check_at(&r, "unlabeled-option", "edge e -> d", 9, 29);
    check_at(&r, "unreachable-dropped", "node z", 10, 3);
    CHECK_INT(r.d.nerrors, 0);
    for (size_t i = 1; i < r.d.n; i++) /* in source order */
        CHECK(r.d.v[i - 1].pos.line <= r.d.v[i].pos.line);
    if (r.chart) {
        CHECK_STR(title(&r, "b"), "Odd shape");
        CHECK_STR(title(&r, "d"), "Bold & x y");
        CHECK_STR(title(&r, "f"), "Done f");
        CHECK_INT(ff_chart_find_node(r.chart, "z"), -1);
        const struct ff_node *c = node(&r, "c");
        CHECK(c && c->noptions == 2 && !strcmp(c->options[0].id, "yes"));
    }
    run_free(&r);

    /* The loader's findings on the generated chart point into the DOT, not the JSON. */
    static const char loop[] = "digraph {\n  s -> a;\n  a -> b;\n  b -> a;\n}\n";
    import_dot(&r, loop, strlen(loop));
    CHECK_INT(r.err, FF_EINVALID);
    check_at(&r, "endless-cycle", "node s", 2, 3);
    run_free(&r);
}

static void test_labels(void)
{
    static const char rec[] = "digraph { s -> r -> e; r [shape=record, "
                              "label=\"{<f0> Check | <f1> the \\{fuse\\}|}\"]; }";
    static const char latin1[] = "digraph { graph [charset=latin1]; s -> a -> e;\n"
                                 "a [label=\"R\xf8"
                                 "d gr\xf8"
                                 "d med fl\xf8"
                                 "de\"]; }";
    static const char raw[] = "digraph { s -> a -> e;\n  a [label=\"caf\xe9\"]; }";
    struct run r;
    import_dot(&r, rec, strlen(rec));
    CHECK_STR(title(&r, "r"), "Check / the {fuse}");
    run_free(&r);
    import_dot(&r, latin1, strlen(latin1));
    CHECK_STR(title(&r, "a"), "R\xc3\xb8"
                              "d gr\xc3\xb8"
                              "d med fl\xc3\xb8"
                              "de");
    CHECK(finding(&r, "charset-assumed", NULL) == NULL);
    run_free(&r);
    import_dot(&r, raw, strlen(raw));
    CHECK_STR(title(&r, "a"), "caf\xc3\xa9");
    check_at(&r, "charset-assumed", "graph", 2, 16);
    run_free(&r);
}

/* Refusals: clear, located, nothing written. */
static void test_refused(void)
{
    static const struct {
        const char *dot;
        enum ff_err err;
        const char *code;
        unsigned line, col;
    } cases[] = {
        {"graph {\n a -- b; }", FF_EINVALID, "undirected", 1, 1},
        {"digraph {\n a -> c;\n b -> c; }", FF_EINVALID, "several-starts", 2, 2},
        {"digraph {\n a -> ;\n}", FF_EPARSE, "dot-syntax", 2, 1},
        {"digraph { a \0 }", FF_EPARSE, "dot-syntax", 1, 13},
        {"", FF_EPARSE, "dot-syntax", 0, 0},
        {"digraph { }", FF_EINVALID, "import-empty", 1, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct run r;
        size_t len = strlen(cases[i].dot) + (i == 3 ? 3 : 0);
        import_dot(&r, cases[i].dot, len);
        CHECK_INT(r.err, cases[i].err);
        CHECK(r.json == NULL);
        const struct ff_diag *d = finding(&r, cases[i].code, NULL);
        CHECK_MSG(d && d->severity == FF_SEV_ERROR, cases[i].code);
        if (d && cases[i].line) {
            CHECK_INT(d->pos.line, cases[i].line);
            CHECK_INT(d->pos.col, cases[i].col);
        }
        run_free(&r);
    }
    static char deep[300];
    memset(deep, '{', sizeof deep - 1);
    memcpy(deep, "digraph ", 8);
    struct run r;
    import_dot(&r, deep, strlen(deep));
    CHECK_INT(r.err, FF_ELIMIT);
    check_at(&r, "dot-limit", "graph", 1, 73);
    run_free(&r);
    size_t big = FF_DOT_MAX_BYTES + 1;
    char *huge = malloc(big);
    if (huge) {
        memset(huge, ' ', big);
        import_dot(&r, huge, big);
        CHECK_INT(r.err, FF_ELIMIT);
        run_free(&r);
    }
    free(huge);
}

static void test_guess(void)
{
    enum ff_import_format f = FF_IMPORT_DRAWIO;
    CHECK(ff_import_format_guess("a/b.gv", NULL, 0, &f) == FF_OK && f == FF_IMPORT_DOT);
    CHECK(ff_import_format_guess("x.MMD", NULL, 0, &f) == FF_OK && f == FF_IMPORT_MERMAID);
    CHECK(ff_import_format_guess("x.drawio", NULL, 0, &f) == FF_OK && f == FF_IMPORT_DRAWIO);
    CHECK(ff_import_format_guess("x.txt", "/* c */ strict digraph{}", 24, &f) == FF_OK &&
          f == FF_IMPORT_DOT);
    CHECK(ff_import_format_guess(NULL, "graph G {\n}", 11, &f) == FF_OK && f == FF_IMPORT_DOT);
    CHECK(ff_import_format_guess(NULL, "%% c\ngraph TD\n A-->B", 19, &f) == FF_OK &&
          f == FF_IMPORT_MERMAID);
    CHECK(ff_import_format_guess(NULL, "<mxfile>", 8, &f) == FF_OK && f == FF_IMPORT_DRAWIO);
    CHECK_INT(ff_import_format_guess(NULL, "hello", 5, &f), FF_EINVAL);
    CHECK(ff_import_format_parse("gv", &f) == FF_OK && f == FF_IMPORT_DOT);
    CHECK_INT(ff_import_format_parse("svg", &f), FF_EINVAL);
}

/* "Equal": every member of the model the loader fills, node by node in order. */
static void same_text(const struct ff_chart *a, const struct ff_text *x, const struct ff_chart *b,
                      const struct ff_text *y, const char *what)
{
    CHECK_MSG((x->s == NULL) == (y->s == NULL), what);
    for (size_t i = 0; x->s && y->s && i < a->nlocales; i++) {
        int j = ff_chart_locale_index(b, a->locales[i]);
        const char *s = j >= 0 ? y->s[j] : NULL;
        CHECK_MSG((x->s[i] == NULL) == (s == NULL), what);
        if (x->s[i] && s)
            CHECK_STR(s, x->s[i]);
    }
}

static void same_field(const struct ff_chart *a, const struct ff_field *x, const struct ff_chart *b,
                       const struct ff_field *y)
{
    CHECK_STR(y->name, x->name);
    CHECK(y->type == x->type && y->required == x->required);
    CHECK((x->pattern == NULL) == (y->pattern == NULL));
    if (x->pattern && y->pattern)
        CHECK_STR(y->pattern, x->pattern);
    CHECK(y->has_min == x->has_min && y->has_max == x->has_max);
    CHECK(y->min == x->min && y->max == x->max);
    same_text(a, &x->label, b, &y->label, x->name);
    same_text(a, &x->hint, b, &y->hint, x->name);
    CHECK_INT(y->nchoices, x->nchoices);
    for (size_t k = 0; k < x->nchoices && k < y->nchoices; k++) {
        CHECK_STR(y->choices[k], x->choices[k]);
        same_text(a, &x->choice_labels[k], b, &y->choice_labels[k], x->choices[k]);
    }
}

static void same_node(const struct ff_chart *a, const struct ff_node *x, const struct ff_chart *b,
                      const struct ff_node *y)
{
    CHECK_STR(y->id, x->id);
    CHECK_INT(y->kind, x->kind);
    same_text(a, &x->title, b, &y->title, x->id);
    same_text(a, &x->body, b, &y->body, x->id);
    CHECK_STR(y->next ? y->next : "", x->next ? x->next : "");
    CHECK_INT(y->noptions, x->noptions);
    for (size_t k = 0; k < x->noptions && k < y->noptions; k++) {
        CHECK_STR(y->options[k].id, x->options[k].id);
        CHECK_STR(y->options[k].target, x->options[k].target);
        same_text(a, &x->options[k].label, b, &y->options[k].label, x->options[k].id);
    }
    CHECK_INT(y->nfields, x->nfields);
    for (size_t k = 0; k < x->nfields && k < y->nfields; k++)
        same_field(a, &x->fields[k], b, &y->fields[k]);
    CHECK_STR(y->kb_article ? y->kb_article : "", x->kb_article ? x->kb_article : "");
    CHECK_STR(y->subchart ? y->subchart : "", x->subchart ? x->subchart : "");
    CHECK_INT(y->nactions, x->nactions);
    for (size_t k = 0; k < x->nactions && k < y->nactions; k++) {
        const struct ff_action *p = &x->actions[k], *q = &y->actions[k];
        CHECK(q->kind == p->kind && q->level == p->level && q->eta_minutes == p->eta_minutes);
        CHECK_STR(q->value ? q->value : "", p->value ? p->value : "");
    }
    CHECK(y->outcome == x->outcome && y->success == x->success);
}

static void same_chart(const struct ff_chart *a, const struct ff_chart *b)
{
    CHECK_STR(b->id, a->id);
    CHECK_INT(b->version, a->version);
    same_text(a, &a->title, b, &b->title, "title");
    CHECK_STR(b->category, a->category);
    CHECK_INT(b->audience, a->audience);
    CHECK_INT(b->ntouchpoints, a->ntouchpoints);
    for (size_t i = 0; i < a->ntouchpoints && i < b->ntouchpoints; i++)
        CHECK_STR(b->touchpoints[i], a->touchpoints[i]);
    CHECK_INT(b->nlocales, a->nlocales);
    for (size_t i = 0; i < a->nlocales && i < b->nlocales; i++)
        CHECK_STR(b->locales[i], a->locales[i]);
    CHECK_INT(b->nlimits, a->nlimits);
    for (size_t i = 0; i < a->nlimits && i < b->nlimits; i++) {
        const struct ff_time_limit *x = &a->limits[i], *y = &b->limits[i];
        CHECK_STR(y->id, x->id);
        CHECK_STR(y->from, x->from);
        CHECK_STR(y->to ? y->to : "", x->to ? x->to : "");
        CHECK(y->seconds == x->seconds);
        same_text(a, &x->label, b, &y->label, x->id);
    }
    CHECK_INT(b->nnodes, a->nnodes);
    for (size_t i = 0; i < a->nnodes && i < b->nnodes; i++)
        same_node(a, &a->nodes[i], b, &b->nodes[i]);
}

/* Our own DOT imports back to an equal chart, saying nothing the loader does not say. */
static void round_trip(const char *path)
{
    struct ff_diags d;
    struct ff_chart *a = NULL;
    char *dot = NULL;
    size_t len = 0;
    ff_diags_init(&d);
    CHECK_MSG(ff_chart_load(path, &d, &a) == FF_OK, path);
    size_t loader_findings = d.n;
    if (a && ff_chart_to_dot(a, NULL, NULL, &dot, &len) == FF_OK) {
        struct run r;
        import_dot(&r, dot, len);
        CHECK_MSG(r.err == FF_OK && r.chart, path);
        CHECK_MSG(r.d.n == loader_findings, path);
        if (r.chart)
            same_chart(a, r.chart);
        run_free(&r);
    } else {
        CHECK_MSG(false, path);
    }
    ff_free(dot);
    ff_chart_free(a);
    ff_diags_free(&d);
}

static void test_round_trips(const char *dir)
{
    char path[1024];
    size_t count = 0;
    DIR *dp = opendir(ff_test_src(dir));
    CHECK_MSG(dp != NULL, dir);
    for (struct dirent *e; dp && (e = readdir(dp)) != NULL;) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        round_trip(ff_test_src(path));
        count++;
    }
    if (dp)
        closedir(dp);
    CHECK_MSG(count >= 4, dir);
}

/* An edited export: a node added by hand gets the drawing's rules, the rest stays. */
static void test_edited_export(void)
{
    struct ff_diags d;
    struct ff_chart *a = NULL;
    char *dot = NULL;
    size_t len = 0;
    ff_diags_init(&d);
    CHECK_INT(ff_chart_load(ff_test_src("tests/charts/good/minimal.json"), &d, &a), FF_OK);
    if (a && ff_chart_to_dot(a, NULL, NULL, &dot, &len) == FF_OK) {
        char *cut = strrchr(dot, '}');
        if (cut)
            *cut = '\0';
        size_t n = strlen(dot) + 64;
        char *edited = malloc(n);
        if (edited) {
            snprintf(edited, n, "%s  extra [shape=box];\n}\n", dot);
            struct run r;
            import_dot(&r, edited, strlen(edited));
            CHECK_INT(r.err, FF_OK);
            CHECK(finding(&r, "unreachable-dropped", "node extra") != NULL);
            if (r.chart)
                CHECK_INT(r.chart->nnodes, a->nnodes);
            run_free(&r);
        }
        free(edited);
    }
    ff_free(dot);
    ff_chart_free(a);
    ff_diags_free(&d);
}

static enum ff_err fault_import(const char *dot)
{
    struct ff_diags d;
    char *out = NULL;
    ff_diags_init(&d);
    enum ff_err err = ff_import(FF_IMPORT_DOT, dot, strlen(dot), "m.dot", "en", &d, &out);
    CHECK((err == FF_OK) == (out != NULL));
    ff_free(out);
    ff_diags_free(&d);
    return err;
}

/* Fails the Nth allocation for N = 0, 1, 2... until the import succeeds: every failure is
 * FF_ENOMEM and leaks nothing (LeakSanitizer checks the latter). */
static void fault_loop(const char *dot, const char *name)
{
    for (long n = 0; n < 100000; n++) {
        ff_mem_fail_after(n);
        enum ff_err err = fault_import(dot);
        ff_mem_fail_after(-1);
        if (err == FF_OK)
            return;
        CHECK_MSG(err == FF_ENOMEM, name);
        if (err != FF_ENOMEM)
            return;
    }
    CHECK_MSG(false, name);
}

/* A hand-drawn DOT, and our own export with its marks (parsed by cJSON through the seam). */
static void test_faults(void)
{
    struct ff_diags d;
    struct ff_chart *c = NULL;
    char *dot = NULL;
    fault_loop(messy_dot, "messy");
    ff_diags_init(&d);
    if (ff_chart_load(ff_test_src("tests/charts/good/demo.json"), &d, &c) == FF_OK &&
        ff_chart_to_dot(c, NULL, NULL, &dot, NULL) == FF_OK)
        fault_loop(dot, "own export");
    else
        CHECK_MSG(false, "demo.json exports");
    ff_free(dot);
    ff_chart_free(c);
    ff_diags_free(&d);
}

int main(void)
{
    test_kinds();
    test_positions();
    test_labels();
    test_refused();
    test_guess();
    test_round_trips("assets/flowcharts");
    test_round_trips("tests/charts/good");
    test_edited_export();
    test_faults();
    return ff_test_finish();
}

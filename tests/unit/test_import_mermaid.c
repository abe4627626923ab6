/* test_import_mermaid.c - the Mermaid front end (ff_imp_read_mermaid) on the drawing it
 * produces: shapes, labels, edge forms, positions, subgraphs, skipped statements, refusals
 * and bounds; then ff_import() end to end: our own Mermaid export of every shipped chart
 * imports back to an equal chart, and failed allocations are FF_ENOMEM without leaks.
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
#include "import_int.h"
#include "import_testlib.h"

static void read_mm(struct imp_read *r, const char *text)
{
    imp_read(r, ff_imp_read_mermaid, text, strlen(text), "t.mmd");
}

static void check_finding(const struct imp_read *r, const char *code, unsigned line, unsigned col)
{
    const struct ff_diag *d = imp_finding(r, code);
    CHECK_MSG(d != NULL, code);
    if (d) {
        CHECK_INT(d->pos.line, line);
        CHECK_INT(d->pos.col, col);
    }
}

/* Each shape form: the text after "flowchart TD\n", the node, its shape and its label. */
static void test_shapes(void)
{
    static const struct {
        const char *src;
        enum ff_imp_shape shape;
        const char *shape_name, *label;
    } cases[] = {
        {"a", FF_IMP_SHAPE_DEFAULT, NULL, NULL},
        {"a[Box]", FF_IMP_SHAPE_PROCESS, "rectangle", "Box"},
        {"a(Round)", FF_IMP_SHAPE_TERMINAL, "rounded rectangle", "Round"},
        {"a([Stadium])", FF_IMP_SHAPE_TERMINAL, "stadium", "Stadium"},
        {"a[[Sub]]", FF_IMP_SHAPE_SUBROUTINE, "subroutine", "Sub"},
        {"a[(Db)]", FF_IMP_SHAPE_OTHER, "cylinder", "Db"},
        {"a((Circle))", FF_IMP_SHAPE_TERMINAL, "circle", "Circle"},
        {"a(((Stop)))", FF_IMP_SHAPE_END, "double circle", "Stop"},
        {"a>Flag]", FF_IMP_SHAPE_OTHER, "asymmetric", "Flag"},
        {"a{Ask?}", FF_IMP_SHAPE_DECISION, "rhombus", "Ask?"},
        {"a{{Hex}}", FF_IMP_SHAPE_OTHER, "hexagon", "Hex"},
        {"a[/In/]", FF_IMP_SHAPE_DATA, "parallelogram", "In"},
        {"a[\\In\\]", FF_IMP_SHAPE_DATA, "parallelogram (alt)", "In"},
        {"a[/Trap\\]", FF_IMP_SHAPE_OTHER, "trapezoid", "Trap"},
        {"a[\\Trap/]", FF_IMP_SHAPE_OTHER, "trapezoid (alt)", "Trap"},
        {"a@{ shape: diam, label: \"New ask\" }", FF_IMP_SHAPE_DECISION, "diam", "New ask"},
        {"a@{ shape: lean-r }", FF_IMP_SHAPE_DATA, "lean-r", NULL},
        {"a[First] --> b\na{Later}", FF_IMP_SHAPE_DECISION, "rhombus", "Later"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char src[200];
        struct imp_read r;
        snprintf(src, sizeof src, "flowchart TD\n%s\n", cases[i].src);
        read_mm(&r, src);
        CHECK_INT(r.err, FF_OK);
        const struct ff_imp_node *n = imp_node(&r, "a");
        if (n) {
            CHECK_INT(n->shape, cases[i].shape);
            CHECK_STR(n->shape_name ? n->shape_name : "(none)",
                      cases[i].shape_name ? cases[i].shape_name : "(none)");
            CHECK_STR(n->label ? n->label : "(none)", cases[i].label ? cases[i].label : "(none)");
        }
        imp_read_free(&r);
    }
}

/* Labels are reduced to plain text. */
static void test_labels(void)
{
    static const struct {
        const char *src, *label;
    } cases[] = {
        {"a[\"Quoted (with) [brackets]\"]", "Quoted (with) [brackets]"},
        {"a[\"Say #quot;hi#quot; #35;1\"]", "Say \"hi\" #1"},
        {"a[One<br>two<br/>three<br />four]", "One\ntwo\nthree\nfour"},
        {"a[\"`**Bold** and *it*\nnext line`\"]", "Bold and it\nnext line"},
        {"a[Fish &amp; chips &lt;3]", "Fish & chips <3"},
        {"a[  lots   of    blanks ]", "lots of blanks"},
        {"a[is BMI < 18.5]", "is BMI < 18.5"},
        {"a[/print \"underweight\"/]", "print \"underweight\""},
        {"a[#9829; #x41;]", "\xE2\x99\xA5 #x41;"},
        {"a[Bad #0; code]", "Bad \xEF\xBF\xBD code"},
        {"a[<b>bold</b> <i>it</i>]", "bold it"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char src[200];
        struct imp_read r;
        snprintf(src, sizeof src, "flowchart LR\n%s\n", cases[i].src);
        read_mm(&r, src);
        CHECK_INT(r.err, FF_OK);
        const struct ff_imp_node *n = imp_node(&r, "a");
        if (n)
            CHECK_STR(n->label ? n->label : "(none)", cases[i].label);
        imp_read_free(&r);
    }
}

/* Edge forms: one line each between a and b, with the label they carry. */
static void test_edges(void)
{
    static const struct {
        const char *src, *label;
    } cases[] = {
        {"a --> b", NULL},
        {"a --- b", NULL},
        {"a-->b", NULL},
        {"a ---> b", NULL},
        {"a -.-> b", NULL},
        {"a -.- b", NULL},
        {"a ==> b", NULL},
        {"a === b", NULL},
        {"a --o b", NULL},
        {"a --x b", NULL},
        {"a -->|yes| b", "yes"},
        {"a --> |\"yes\"| b", "yes"},
        {"a -- yes --> b", "yes"},
        {"a--yes-->b", "yes"},
        {"a -- no: go on --- b", "no: go on"},
        {"a -. maybe .-> b", "maybe"},
        {"a == sure ==> b", "sure"},
        {"a -->|One<br/>two| b", "One\ntwo"},
        {"a --\n b", NULL},
        {"a-b --> b", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char src[200];
        struct imp_read r;
        snprintf(src, sizeof src, "graph TD;\n%s\n", cases[i].src);
        read_mm(&r, src);
        if (!strcmp(cases[i].src, "a --\n b")) {
            CHECK_INT(r.err, FF_EPARSE); /* "--" then text: needs its closing "-->" */
            imp_read_free(&r);
            continue;
        }
        CHECK_MSG(r.err == FF_OK, cases[i].src);
        CHECK_MSG(r.g.nedges == 1, cases[i].src);
        if (r.g.nedges == 1) {
            const struct ff_imp_edge *e = &r.g.edges[0];
            CHECK_STR(r.g.nodes[e->to].name, "b");
            CHECK_STR(e->label ? e->label : "(none)", cases[i].label ? cases[i].label : "(none)");
        }
        imp_read_free(&r);
    }
}

/* Chains, fan-in and fan-out, targets on the next line, two arrowheads. */
static void test_chains(void)
{
    struct imp_read r;
    read_mm(&r, "flowchart TD\n"
                "A --> B --> C\n"
                "A & B --> D & E\n"
                "C -- long text -->\n"
                "    F\n"
                "F <--> A\n");
    CHECK_INT(r.err, FF_OK);
    CHECK_INT(r.g.nnodes, 6);
    CHECK_INT(r.g.nedges, 2 + 4 + 1 + 1);
    if (r.g.nedges == 8) {
        CHECK_STR(r.g.nodes[r.g.edges[1].from].name, "B");
        CHECK_STR(r.g.nodes[r.g.edges[5].from].name, "B");
        CHECK_STR(r.g.nodes[r.g.edges[5].to].name, "E");
        CHECK_STR(r.g.edges[6].label, "long text");
        CHECK_STR(r.g.nodes[r.g.edges[6].to].name, "F");
    }
    check_finding(&r, "mermaid-both-ways", 6, 3);
    imp_read_free(&r);
}

/* Nodes are where first written, edges where their operator is; ids may be used first and
 * shaped later. Columns count characters, not bytes. */
static void test_positions(void)
{
    struct imp_read r;
    read_mm(&r, "---\ntitle: Café flow\n---\n%%{init: {\"theme\": \"dark\"}}%%\n"
                "flowchart TD\n"
                "  %% a comment\n"
                "  ÆØÅ[Start] -->|go| b\n"
                "\tb{Question}\n");
    CHECK_INT(r.err, FF_OK);
    const struct ff_imp_node *n = imp_node(&r, "b");
    if (n) {
        CHECK_INT(n->pos.line, 7);
        CHECK_INT(n->pos.col, 22);
        CHECK_INT(n->shape, FF_IMP_SHAPE_DECISION);
    }
    n = imp_node(&r, "ÆØÅ");
    if (n) {
        CHECK_INT(n->pos.line, 7);
        CHECK_INT(n->pos.col, 3);
    }
    if (r.g.nedges == 1) {
        CHECK_INT(r.g.edges[0].pos.line, 7);
        CHECK_INT(r.g.edges[0].pos.col, 14);
    }
    CHECK_STR(r.g.title ? r.g.title : "", "Café flow");
    CHECK_STR(r.g.name ? r.g.name : "", "t");
    CHECK_INT(r.g.pos.line, 5);
    imp_read_free(&r);
}

/* Subgraphs flatten: edges to one reach its first node, edges from one leave its last. */
static void test_subgraphs(void)
{
    struct imp_read r;
    read_mm(&r, "flowchart LR\n"
                "start --> group1\n"
                "subgraph group1 [Group one]\n"
                "  direction TB\n"
                "  x --> y\n"
                "  subgraph \"Inner title\"\n"
                "    z\n"
                "  end\n"
                "end\n"
                "group1 --> done\n"
                "classDef hot fill:#f00\n"
                "class x hot\n"
                "x:::hot\n"
                "style y fill:#0f0\n"
                "click x callback\n"
                "linkStyle 0 stroke:red\n");
    CHECK_INT(r.err, FF_OK);
    CHECK_INT(r.g.nnodes, 5); /* start x y z done: no node for a subgraph */
    CHECK(ff_imp_find_node(&r.g, "group1") < 0);
    if (r.g.nedges == 3) {
        CHECK_STR(r.g.nodes[r.g.edges[0].to].name, "x");
        CHECK_STR(r.g.nodes[r.g.edges[2].from].name, "z");
    }
    check_finding(&r, "mermaid-subgraph", 3, 1);
    const struct ff_diag *d = imp_finding(&r, "mermaid-style-ignored");
    CHECK(d != NULL);
    size_t styles = 0;
    for (size_t i = 0; i < r.d.n; i++)
        styles += !strcmp(r.d.v[i].code, "mermaid-style-ignored");
    CHECK_INT(styles, 5); /* classDef, class (with :::), style, click, linkStyle */
    CHECK_INT(r.d.nerrors, 0);
    imp_read_free(&r);
}

/* accTitle names the chart; accDescr (one line or a block) is skipped. */
static void test_accessibility(void)
{
    struct imp_read r;
    read_mm(&r, "flowchart TD\n  accTitle: Fix the boiler\n  accDescr {\n  many lines\n  }\n"
                "  accDescr: one line\n  accTitleX --> b\n");
    CHECK_INT(r.err, FF_OK);
    CHECK_STR(r.g.title ? r.g.title : "", "Fix the boiler");
    CHECK_INT(r.g.nnodes, 2);
    imp_read_free(&r);
}

/* Our marks: a node mark gives the chart id; a mark whose id holds '{' (found by the
 * fuzzer: it once read past its line) is taken without data. */
static void test_marks(void)
{
    struct imp_read r;
    read_mm(&r, "flowchart TD\n  a_1[A] --> b\n  %% ff-node a_1 id=a.1 ff-step {\"at\":0}\n"
                "  %% ff-node b{x ff-end\n  %% ff-edge {\"id\":\"y\"}\n");
    CHECK_INT(r.err, FF_OK);
    const struct ff_imp_node *n = imp_node(&r, "a.1");
    if (n) {
        CHECK_STR(n->hint ? n->hint : "", "ff-step");
        CHECK_STR(n->extra ? n->extra : "", "{\"at\":0}");
    }
    if (r.g.nedges == 1)
        CHECK_STR(r.g.edges[0].extra ? r.g.edges[0].extra : "", "{\"id\":\"y\"}");
    imp_read_free(&r);
}

/* Refusals: the code and the position of the first error. */
static void test_refused(void)
{
    static const struct {
        const char *src;
        enum ff_err err;
        const char *code;
        unsigned line, col;
    } cases[] = {
        {"sequenceDiagram\n  A->>B: hi\n", FF_EPARSE, "mermaid-not-flowchart", 1, 1},
        {"%% only a comment\n\n  pie title Pets\n", FF_EPARSE, "mermaid-not-flowchart", 3, 3},
        {"", FF_EPARSE, "mermaid-not-flowchart", 1, 1},
        {"flowchart TD\n", FF_EPARSE, "mermaid-empty", 2, 1},
        {"flowchart TD\n  a[never closed\n", FF_EPARSE, "mermaid-syntax", 2, 4},
        {"flowchart TD\n  a --> b c\n", FF_EPARSE, "mermaid-syntax", 2, 11},
        {"flowchart TD\n  a -->|open b\n", FF_EPARSE, "mermaid-syntax", 2, 15},
        {"flowchart TD\n  a --> \n", FF_EPARSE, "mermaid-syntax", 3, 1},
        {"flowchart TD\n  end\n", FF_EPARSE, "mermaid-syntax", 2, 3},
        {"flowchart TD\n  subgraph s\n  a\n", FF_EPARSE, "mermaid-syntax", 2, 3},
        {"flowchart XY\n  a\n", FF_EPARSE, "mermaid-syntax", 1, 11},
        {"flowchart TD\n  a[\xff]\n", FF_EPARSE, "mermaid-encoding", 2, 5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct imp_read r;
        read_mm(&r, cases[i].src);
        CHECK_MSG(r.err == cases[i].err, cases[i].src);
        CHECK_MSG(r.d.nerrors > 0, cases[i].src);
        if (r.d.nerrors > 0) {
            CHECK_STR(r.d.v[0].code, cases[i].code);
            CHECK_MSG(r.d.v[0].pos.line == cases[i].line && r.d.v[0].pos.col == cases[i].col,
                      cases[i].src);
        }
        imp_read_free(&r);
    }
}

enum rep { REP_EDGES, REP_SUBGRAPHS, REP_AMPERSANDS };

/* A Mermaid text of `n` repeated lines or items after the header. */
static char *repeat(enum rep what, size_t n, size_t *len)
{
    size_t cap = 32 + n * 48, at = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    at += (size_t)snprintf(s, cap, "flowchart TD\n%s", what == REP_AMPERSANDS ? "z" : "");
    for (size_t i = 0; i < n; i++) {
        if (what == REP_EDGES)
            at += (size_t)snprintf(s + at, cap - at, "n%zu --> n%zu\n", i, i + 1);
        else if (what == REP_SUBGRAPHS)
            at += (size_t)snprintf(s + at, cap - at, "subgraph s%zu\n", i);
        else
            at += (size_t)snprintf(s + at, cap - at, " & a%zu", i);
    }
    *len = at;
    return s;
}

/* Bounds: too many bytes, nodes, nested subgraphs, a huge label, a long & group. */
static void test_bounds(void)
{
    size_t len = 0;
    struct imp_read r;
    char *big = repeat(REP_EDGES, 12000, &len);
    if (big) {
        read_mm(&r, big);
        CHECK_INT(r.err, FF_ELIMIT);
        CHECK(imp_finding(&r, "mermaid-limit") != NULL);
        imp_read_free(&r);
        free(big);
    }
    char *deep = repeat(REP_SUBGRAPHS, 100, &len);
    if (deep) {
        read_mm(&r, deep);
        CHECK_INT(r.err, FF_ELIMIT);
        imp_read_free(&r);
        free(deep);
    }
    char *huge = malloc(2u * 1024u * 1024u);
    if (huge) {
        memset(huge, 'a', 2u * 1024u * 1024u);
        memcpy(huge, "flowchart TD\nx[", 15);
        r.err = FF_OK;
        memset(&r, 0, sizeof r);
        ff_diags_init(&r.d);
        r.err = ff_imp_read_mermaid(huge, 2u * 1024u * 1024u, "t.mmd", &r.d, &r.g);
        CHECK_INT(r.err, FF_ELIMIT);
        imp_read_free(&r);
        memset(&r, 0, sizeof r);
        ff_diags_init(&r.d);
        r.err = ff_imp_read_mermaid(huge, 10000, "t.mmd", &r.d, &r.g);
        CHECK_INT(r.err, FF_ELIMIT); /* a label longer than 4096 bytes */
        imp_read_free(&r);
        free(huge);
    }
    char *fan = repeat(REP_AMPERSANDS, 70, &len);
    if (fan) {
        read_mm(&r, fan);
        CHECK_INT(r.err, FF_ELIMIT);
        imp_read_free(&r);
        free(fan);
    }
}

/* Our own export imports back: the chart exported again gives the same Mermaid text (the
 * export writes every member of the model, in every locale), and ids and kinds match. */
static void round_trip(const char *path)
{
    struct ff_diags d;
    struct ff_chart *a = NULL, *b = NULL;
    char *text = NULL, *json = NULL, *again = NULL;
    size_t len = 0;
    ff_diags_init(&d);
    CHECK_MSG(ff_chart_load(path, &d, &a) == FF_OK, path);
    if (a && ff_chart_to_mermaid(a, NULL, &text, &len) == FF_OK) {
        enum ff_err err = ff_import(FF_IMPORT_MERMAID, text, len, "rt.mmd", "en", &d, &json);
        CHECK_MSG(err == FF_OK, path);
        if (json)
            CHECK_MSG(ff_chart_parse(json, strlen(json), "rt.json", &d, &b) == FF_OK, path);
    }
    if (b) {
        CHECK_INT(b->nnodes, a->nnodes);
        CHECK_STR(b->id, a->id);
        CHECK_INT(b->version, a->version);
        for (size_t i = 0; i < a->nnodes && i < b->nnodes; i++) {
            CHECK_STR(b->nodes[i].id, a->nodes[i].id);
            CHECK_INT(b->nodes[i].kind, a->nodes[i].kind);
        }
        size_t len2 = 0;
        CHECK_INT(ff_chart_to_mermaid(b, NULL, &again, &len2), FF_OK);
        CHECK_MSG(again && len2 == len && !memcmp(again, text, len), path);
    }
    ff_free(again);
    ff_free(json);
    ff_free(text);
    ff_chart_free(b);
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

static const char fault_src[] = "---\ntitle: T\n---\nflowchart TD\n"
                                "  s([Start]) --> q{Ask?}\n"
                                "  q -->|Yes #35;1| a[Do it<br>now]\n"
                                "  q -- No --> g\n"
                                "  subgraph g [Group]\n    b[/Give/] --> e((End))\n  end\n"
                                "  a --> e\n  classDef x fill:#fff\n";

static enum ff_err fault_import(void)
{
    struct ff_diags d;
    char *out = NULL;
    ff_diags_init(&d);
    enum ff_err err =
        ff_import(FF_IMPORT_MERMAID, fault_src, strlen(fault_src), "f.mmd", "en", &d, &out);
    CHECK((err == FF_OK) == (out != NULL));
    ff_free(out);
    ff_diags_free(&d);
    return err;
}

/* Fails the Nth allocation for N = 0, 1, 2... until the import succeeds. */
static void test_faults(void)
{
    for (long n = 0; n < 100000; n++) {
        ff_mem_fail_after(n);
        enum ff_err err = fault_import();
        ff_mem_fail_after(-1);
        if (err == FF_OK)
            return;
        CHECK_INT(err, FF_ENOMEM);
        if (err != FF_ENOMEM)
            return;
    }
    CHECK_MSG(false, "import never succeeded");
}

int main(void)
{
    test_shapes();
    test_labels();
    test_edges();
    test_chains();
    test_positions();
    test_subgraphs();
    test_accessibility();
    test_marks();
    test_refused();
    test_bounds();
    test_round_trips("assets/flowcharts");
    test_round_trips("tests/charts/good");
    test_faults();
    return ff_test_finish();
}

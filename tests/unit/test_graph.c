/* test_graph.c - layout, export and DOT import (graph_*.c).
 *
 * One small two-locale chart drives the layout and export checks; DOT texts drive the
 * importer, including one with every kind of unmappable item. Allocation faults are
 * injected into each entry point in turn.
 */
#include <string.h>

#include "fieldflow/chart.h"
#include "fieldflow/graph.h"
#include "fieldflow/mem.h"
#include "harness.h"

static const char demo_json[] =
    "{\"format\":1,\"id\":\"demo\",\"version\":1,\"title\":{\"en\":\"Demo\",\"da\":\"Demo\"},"
    "\"category\":\"triage\",\"audience\":\"any\",\"touchpoints\":[\"telephone\"],"
    "\"locales\":[\"en\",\"da\"],\"nodes\":["
    "{\"id\":\"start\",\"kind\":\"start\",\"title\":{\"en\":\"Start\",\"da\":\"Start\"},"
    "\"next\":\"powered\"},"
    "{\"id\":\"powered\",\"kind\":\"decision\",\"title\":{\"en\":\"Is the device powered on "
    "and showing lights?\",\"da\":\"Er enheden t\\u00e6ndt?\"},\"options\":["
    "{\"id\":\"yes\",\"label\":{\"en\":\"Yes\",\"da\":\"Ja\"},\"target\":\"restart\"},"
    "{\"id\":\"no\",\"label\":{\"en\":\"No\",\"da\":\"Nej\"},\"target\":\"phone\"}]},"
    "{\"id\":\"restart\",\"kind\":\"step\",\"title\":{\"en\":\"Restart \\\"the\\\" router\","
    "\"da\":\"Genstart routeren\"},\"next\":\"fixed\"},"
    "{\"id\":\"phone\",\"kind\":\"input\",\"title\":{\"en\":\"Your phone number\",\"da\":"
    "\"Dit telefonnummer\"},\"fields\":[{\"name\":\"phone\",\"type\":\"phone\",\"label\":"
    "{\"en\":\"Phone\",\"da\":\"Telefon\"}}],\"next\":\"visit\"},"
    "{\"id\":\"fixed\",\"kind\":\"end\",\"title\":{\"en\":\"Fixed\",\"da\":\"L\\u00f8st\"},"
    "\"outcome\":\"resolved\",\"success\":true},"
    "{\"id\":\"visit\",\"kind\":\"end\",\"title\":{\"en\":\"Visit booked\",\"da\":"
    "\"Bes\\u00f8g bestilt\"},\"outcome\":\"abandoned\",\"success\":false}]}";

static struct ff_chart *load(const char *json)
{
    struct ff_diags d;
    struct ff_chart *c = NULL;
    ff_diags_init(&d);
    enum ff_err err = ff_chart_parse(json, strlen(json), "test.json", &d, &c);
    CHECK_INT(err, FF_OK);
    for (size_t i = 0; i < d.n && err != FF_OK; i++)
        CHECK_MSG(false, d.v[i].message);
    ff_diags_free(&d);
    return c;
}

static bool inside(const struct ff_layout *l, struct ff_point p)
{
    double w, h;
    ff_layout_size(l, &w, &h);
    return p.x >= -0.5 && p.x <= w + 0.5 && p.y >= -0.5 && p.y <= h + 0.5;
}

static void test_layout(const struct ff_chart *c)
{
    static const enum ff_shape shapes[] = {FF_SHAPE_OVAL,          FF_SHAPE_DIAMOND, FF_SHAPE_BOX,
                                           FF_SHAPE_PARALLELOGRAM, FF_SHAPE_OVAL,    FF_SHAPE_OVAL};
    struct ff_layout *l = NULL;
    CHECK_INT(ff_layout_new(c, "en", NULL, &l), FF_OK);
    if (!l)
        return;
    CHECK_INT(ff_layout_node_count(l), 6);
    CHECK_INT(ff_layout_edge_count(l), 5);
    for (size_t i = 0; i < ff_layout_node_count(l); i++) {
        const struct ff_layout_node *n = ff_layout_node(l, i);
        CHECK_INT(n->index, i);
        CHECK_INT(n->shape, shapes[i]);
        CHECK(n->width > 10 && n->height > 10 && inside(l, n->center));
    }
    for (size_t i = 0; i < ff_layout_edge_count(l); i++) {
        const struct ff_layout_edge *e = ff_layout_edge(l, i);
        CHECK(e->npoints >= 4 && (e->npoints - 1) % 3 == 0);
        CHECK(e->has_arrow && inside(l, e->arrow));
        for (size_t k = 0; k < e->npoints; k++)
            CHECK(inside(l, e->points[k]));
        CHECK((e->option >= 0) == (e->label != NULL) && e->has_label == (e->label != NULL));
    }
    /* y points down: start is drawn above the decision, which is above the ends. */
    CHECK(ff_layout_node(l, 0)->center.y < ff_layout_node(l, 1)->center.y);
    CHECK(ff_layout_node(l, 1)->center.y < ff_layout_node(l, 4)->center.y);
    /* edge 0 leaves start downwards: first point near start, arrow near the decision */
    const struct ff_layout_edge *e0 = ff_layout_edge(l, 0);
    CHECK(e0->from == 0 && e0->to == 1 && e0->points[0].y < e0->arrow.y);
    CHECK_STR(ff_layout_node(l, 1)->label, "Is the device powered on\nand showing lights?");
    CHECK_STR(ff_layout_edge(l, 1)->label, "Yes");
    CHECK(ff_layout_node(l, 4)->success && !ff_layout_node(l, 5)->success);
    ff_layout_free(l);

    CHECK_INT(ff_layout_new(c, "da", NULL, &l), FF_OK);
    if (l) {
        CHECK_STR(ff_layout_node(l, 1)->label, "Er enheden t\xc3\xa6ndt?");
        CHECK_STR(ff_layout_edge(l, 2)->label, "Nej");
        ff_layout_free(l);
    }
}

static void test_highlight(const struct ff_chart *c)
{
    const char *path[] = {"start", "powered", "restart", "fixed"};
    const char *choices[] = {NULL, "yes", NULL, NULL};
    struct ff_layout_opts o = {.path = path, .choices = choices, .npath = 4};
    struct ff_layout *l = NULL;
    CHECK_INT(ff_layout_new(c, NULL, &o, &l), FF_OK);
    if (!l)
        return;
    static const bool lit_nodes[] = {true, true, true, false, true, false};
    static const bool lit_edges[] = {true, true, false, true, false};
    for (size_t i = 0; i < 6; i++)
        CHECK_INT(ff_layout_node(l, i)->highlighted, lit_nodes[i]);
    for (size_t i = 0; i < 5; i++)
        CHECK_INT(ff_layout_edge(l, i)->highlighted, lit_edges[i]);
    ff_layout_free(l);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_render(const struct ff_chart *c)
{
    struct ff_layout *l = NULL;
    char *out = NULL;
    size_t len = 0;
    CHECK_INT(ff_layout_new(c, "en", NULL, &l), FF_OK);
    if (!l)
        return;
    CHECK_INT(ff_layout_render(l, FF_EXPORT_SVG, &out, &len), FF_OK);
    if (out) {
        CHECK(len == strlen(out) && strstr(out, "<svg") && strstr(out, "</svg>"));
        CHECK(strstr(out, "Restart &quot;the&quot; router") != NULL);
        CHECK(strstr(out, ">Yes<") && strstr(out, ">Visit booked<"));
        CHECK_INT(count(out, "<g "), count(out, "</g>"));
        CHECK_INT(count(out, "class=\"node"), 6);
    }
    ff_free(out);
    CHECK_INT(ff_layout_render(l, FF_EXPORT_PNG, &out, &len), FF_OK);
    CHECK(out && len > 8 && !memcmp(out, "\x89PNG\r\n\x1a\n", 8));
    ff_free(out);
    CHECK_INT(ff_layout_render(l, FF_EXPORT_PDF, &out, &len), FF_OK);
    CHECK(out && len > 5 && !memcmp(out, "%PDF", 4));
    ff_free(out);
    CHECK_INT(ff_layout_render(l, FF_EXPORT_MERMAID, &out, &len), FF_EINVAL);
    CHECK(out == NULL && *ff_layout_errmsg(l));
    ff_layout_free(l);
}

static const char mermaid_golden[] =
    "flowchart TD\n"
    "%% ff-chart "
    "{\"id\":\"demo\",\"version\":1,\"title\":{\"en\":\"Demo\",\"da\":\"Demo\"},\"category\":"
    "\"triage\",\"audience\":\"any\",\"touchpoints\":[\"telephone\"],\"locales\":[\"en\",\"da\"]}\n"
    "    start([\"Start\"]):::start\n"
    "    %% ff-node start id=start ff-start "
    "{\"at\":0,\"title\":{\"en\":\"Start\",\"da\":\"Start\"}}\n"
    "    powered{\"Is the device powered on and showing lights?\"}:::decision\n"
    "    %% ff-node powered id=powered ff-decision {\"at\":1,\"title\":{\"en\":\"Is the device "
    "powered on and showing lights?\",\"da\":\"Er enheden tændt?\"}}\n"
    "    restart[\"Restart #quot;the#quot; router\"]:::step\n"
    "    %% ff-node restart id=restart ff-step {\"at\":2,\"title\":{\"en\":\"Restart "
    "\\u0022the\\u0022 router\",\"da\":\"Genstart routeren\"}}\n"
    "    phone[/\"Your phone number\"/]:::input\n"
    "    %% ff-node phone id=phone ff-input {\"at\":3,\"title\":{\"en\":\"Your phone "
    "number\",\"da\":\"Dit "
    "telefonnummer\"},\"fields\":[{\"name\":\"phone\",\"type\":\"phone\",\"label\":{\"en\":"
    "\"Phone\",\"da\":\"Telefon\"}}]}\n"
    "    fixed([\"Fixed\"]):::success\n"
    "    %% ff-node fixed id=fixed ff-end ff-success ff-outcome-resolved "
    "{\"at\":4,\"title\":{\"en\":\"Fixed\",\"da\":\"Løst\"},\"outcome\":\"resolved\",\"success\":"
    "true}\n"
    "    visit([\"Visit booked\"]):::failure\n"
    "    %% ff-node visit id=visit ff-end ff-failure ff-outcome-abandoned "
    "{\"at\":5,\"title\":{\"en\":\"Visit booked\",\"da\":\"Besøg "
    "bestilt\"},\"outcome\":\"abandoned\",\"success\":false}\n"
    "    start --> powered\n"
    "    powered -->|\"Yes\"| restart\n"
    "    %% ff-edge {\"id\":\"yes\",\"label\":{\"en\":\"Yes\",\"da\":\"Ja\"},\"at\":0}\n"
    "    powered -->|\"No\"| phone\n"
    "    %% ff-edge {\"id\":\"no\",\"label\":{\"en\":\"No\",\"da\":\"Nej\"},\"at\":1}\n"
    "    restart --> fixed\n"
    "    phone --> visit\n"
    "    classDef start fill:#cfe2f3,stroke:#3d6fa8\n"
    "    classDef step fill:#ffffff,stroke:#5f6b7a\n"
    "    classDef kb fill:#fce5cd,stroke:#b45f06\n"
    "    classDef action fill:#d0e8ee,stroke:#2f6f7e\n"
    "    classDef subchart fill:#eeeeee,stroke:#666666\n"
    "    classDef decision fill:#fff2cc,stroke:#bf9000\n"
    "    classDef input fill:#e6ddf3,stroke:#674ea7\n"
    "    classDef success fill:#b6d7a8,stroke:#38761d\n"
    "    classDef failure fill:#f4cccc,stroke:#b33a3a\n";

static void test_mermaid(const struct ff_chart *c)
{
    char *out = NULL;
    size_t len = 0;
    CHECK_INT(ff_chart_to_mermaid(c, "en", &out, &len), FF_OK);
    CHECK_STR(out, mermaid_golden);
    CHECK(out && len == strlen(out));
    ff_free(out);
}

/* Labels with Mermaid's own syntax characters, and ids that are Mermaid keywords or hold '-'. */
static void test_mermaid_escapes(void)
{
    static const char json[] =
        "{\"format\":1,\"id\":\"m\",\"version\":1,\"title\":{\"en\":\"M\"},"
        "\"category\":\"t\",\"audience\":\"any\",\"touchpoints\":[\"telephone\"],"
        "\"locales\":[\"en\"],\"nodes\":["
        "{\"id\":\"start\",\"kind\":\"start\",\"title\":{\"en\":\"S\"},\"next\":\"q-1\"},"
        "{\"id\":\"q-1\",\"kind\":\"decision\",\"title\":{\"en\":\"Line <1> #2\"},"
        "\"options\":[{\"id\":\"a\",\"label\":{\"en\":\"A|B \\\"c\\\"\"},\"target\":\"end\"},"
        "{\"id\":\"b\",\"label\":{\"en\":\"B\"},\"target\":\"end\"}]},"
        "{\"id\":\"end\",\"kind\":\"end\",\"title\":{\"en\":\"E\"},"
        "\"outcome\":\"resolved\",\"success\":true}]}";
    struct ff_chart *c = load(json);
    char *out = NULL;
    if (c && ff_chart_to_mermaid(c, "en", &out, NULL) == FF_OK) {
        CHECK(strstr(out, "    q_1_1{\"Line #lt;1#gt; #35;2\"}:::decision\n") != NULL);
        CHECK(strstr(out, "    q_1_1 -->|\"A#124;B #quot;c#quot;\"| end_2\n") != NULL);
        CHECK(strstr(out, "    end_2([\"E\"]):::success\n") != NULL);
    }
    ff_free(out);
    ff_chart_free(c);
}

typedef enum ff_err (*fault_fn)(const struct ff_chart *c);

static enum ff_err fault_layout(const struct ff_chart *c)
{
    struct ff_layout *l = NULL;
    enum ff_err err = ff_layout_new(c, "en", NULL, &l);
    CHECK((err == FF_OK) == (l != NULL));
    ff_layout_free(l);
    return err;
}

static enum ff_err fault_text(const struct ff_chart *c)
{
    char *out = NULL;
    enum ff_err err = ff_chart_to_mermaid(c, "en", &out, NULL);
    ff_free(out);
    out = NULL;
    if (err == FF_OK)
        err = ff_chart_to_dot(c, "en", NULL, &out, NULL);
    ff_free(out);
    return err;
}

/* Fails the Nth allocation for N = 0, 1, 2... until the call succeeds: every failure must
 * be FF_ENOMEM and leak nothing (LeakSanitizer checks the latter). */
static void fault_loop(fault_fn f, const struct ff_chart *c, const char *name)
{
    for (long n = 0; n < 100000; n++) {
        ff_mem_fail_after(n);
        enum ff_err err = f(c);
        ff_mem_fail_after(-1);
        if (err == FF_OK)
            return;
        CHECK_MSG(err == FF_ENOMEM, name);
        if (err != FF_ENOMEM)
            return;
    }
    CHECK_MSG(false, name);
}

static void test_faults(const struct ff_chart *c)
{
    fault_loop(fault_layout, c, "layout");
    fault_loop(fault_text, c, "mermaid and dot");
}

int main(void)
{
    struct ff_chart *c = load(demo_json);
    if (c) {
        test_layout(c);
        test_highlight(c);
        test_render(c);
        test_mermaid(c);
        test_faults(c);
    }
    ff_chart_free(c);
    test_mermaid_escapes();
    return ff_test_finish();
}

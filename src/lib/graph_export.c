/* graph_export.c - a chart as SVG, PDF, PNG (Graphviz renderers), DOT (Graphviz's writer)
 * or Mermaid (written here: Mermaid has no C library).
 *
 * Every output is returned as one ff_malloc'd buffer: charts are small (a 2000-node SVG is
 * about 1 MB) and callers write them out in one go. Graphviz's renderers allocate with
 * malloc, so their bytes are copied once into our allocator.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "graph_int.h"

static const char *const format_names[] = {"svg", "pdf", "png", "dot", "mermaid"};

enum ff_err ff_export_format_parse(const char *name, enum ff_export_format *out)
{
    for (size_t i = 0; name && i < sizeof format_names / sizeof *format_names; i++) {
        if (!strcmp(name, format_names[i])) {
            *out = (enum ff_export_format)i;
            return FF_OK;
        }
    }
    return FF_EINVAL;
}

bool ff_export_format_binary(enum ff_export_format format)
{
    return format == FF_EXPORT_PDF || format == FF_EXPORT_PNG;
}

/* PNG bounds. Graphviz draws bitmaps at 96 dpi and, past 32767 pixels a side, shrinks the
 * picture itself while printing "(null): graph is too large for cairo-renderer bitmaps" on
 * stderr. We shrink first, to bounds a desktop can open, and refuse a chart that would
 * have to shrink so far that its text could not be read. */
#define PNG_DPI 96.0
#define PNG_MAX_SIDE 16384.0 /* pixels */
#define PNG_MAX_PIXELS 64e6  /* 256 MB as RGBA */
#define PNG_MIN_SCALE 0.25   /* 14 pt text at 96 dpi is 18 px; at a quarter, 4-5 px */
#define PNG_PAD 8.0          /* points Graphviz adds around the drawing (pad 4 each side) */

/* The resolution to draw a PNG of this layout at, or 0 (with the error set) when it is too
 * large for any readable PNG. */
static double png_dpi(struct ff_layout *l)
{
    double w, h, scale = 1;
    ff_layout_size(l, &w, &h);
    w = (w + PNG_PAD) * PNG_DPI / 72;
    h = (h + PNG_PAD) * PNG_DPI / 72;
    if (w * scale > PNG_MAX_SIDE)
        scale = PNG_MAX_SIDE / w;
    if (h * scale > PNG_MAX_SIDE)
        scale = PNG_MAX_SIDE / h;
    if (w * h * scale * scale > PNG_MAX_PIXELS)
        scale = sqrt(PNG_MAX_PIXELS / (w * h));
    if (scale >= PNG_MIN_SCALE)
        return PNG_DPI * scale;
    char detail[200];
    snprintf(detail, sizeof detail,
             "%.0f x %.0f pixels at %.0f dpi; it would have to shrink to %.0f%% to fit %.0f "
             "pixels a side, too small to read: export svg or pdf instead",
             w, h, PNG_DPI, scale * 100, PNG_MAX_SIDE);
    ff_layout_set_error(l, "the chart is too large for a PNG", detail);
    return 0;
}

enum ff_err ff_layout_render(struct ff_layout *l, enum ff_export_format format, char **out,
                             size_t *len)
{
    char *data = NULL;
    unsigned int n = 0;

    *out = NULL;
    if (len)
        *len = 0;
    if (format > FF_EXPORT_PNG) {
        ff_layout_set_error(l, "only svg, pdf and png are rendered from a layout", NULL);
        return FF_EINVAL;
    }
    Agraph_t *g = ff_layout_graph(l);
    double dpi = GD_drawing(g)->dpi;
    if (format == FF_EXPORT_PNG) {
        double want = png_dpi(l);
        if (want <= 0)
            return FF_ELIMIT;
        GD_drawing(g)->dpi = want; /* read by the renderer; the layout itself is in points */
    }
    ff_gv_capture_begin();
    int rc = gvRenderData(ff_layout_gvc(l), g, format_names[format], &data, &n);
    const char *msg = ff_gv_capture_end();
    GD_drawing(g)->dpi = dpi;
    if (rc != 0 || !data) {
        ff_layout_set_error(l, "Graphviz could not render the chart", msg);
        gvFreeRenderData(data);
        return FF_EGRAPHVIZ;
    }
    char *copy = ff_malloc((size_t)n + 1);
    if (!copy) {
        gvFreeRenderData(data);
        ff_layout_set_error(l, "out of memory", NULL);
        return FF_ENOMEM;
    }
    memcpy(copy, data, n);
    copy[n] = '\0';
    gvFreeRenderData(data);
    *out = copy;
    if (len)
        *len = n;
    return FF_OK;
}

/* agwrite() writes through the graph's I/O discipline: ours appends to a struct ff_gbuf. */
static int gbuf_putstr(void *chan, const char *s)
{
    struct ff_gbuf *b = chan;
    ff_gbuf_puts(b, s);
    return b->oom ? EOF : 0;
}

static int gbuf_flush(void *chan)
{
    (void)chan;
    return 0;
}

static Agiodisc_t gbuf_io = {NULL, gbuf_putstr, gbuf_flush};
static Agdisc_t gbuf_disc = {NULL, NULL, &gbuf_io};

/* ---- our own marks: what DOT cannot show, carried for ff_import() ----
 *
 * Each node, option edge and the graph get an "ff_data" attribute: a JSON object with the
 * members a drawing cannot carry (texts in every locale, body, a node's own audience and
 * hand-off, fields, article, actions, called chart, outcome; the chart's id, version,
 * category, audience, touchpoints, locales, countries and time limits). The importer takes them
 * back where the drawing still says the same thing, so an exported chart imports back equal
 * (docs/internals/import.md). "at" keeps the order of nodes and of each decision's options, which
 * Graphviz's writer does not. */

/* A JSON string for a mark: quotes and backslashes as \u escapes, because Graphviz writes
 * a backslash before a quote in a way its own reader does not take back. */
static void mark_str(struct ff_gbuf *b, const char *s)
{
    ff_gbuf_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == '"' || *p == '\\')
            ff_gbuf_printf(b, "\\u%04x", *p);
        else
            ff_gbuf_add(b, (const char *)p, 1);
    }
    ff_gbuf_add(b, "\"", 1);
}

static void json_text(struct ff_gbuf *b, const struct ff_chart *c, const struct ff_text *t)
{
    bool first = true;
    ff_gbuf_puts(b, "{");
    for (size_t i = 0; t->s && i < c->nlocales; i++) {
        if (!t->s[i])
            continue;
        ff_gbuf_puts(b, first ? "" : ",");
        mark_str(b, c->locales[i]);
        ff_gbuf_puts(b, ":");
        mark_str(b, t->s[i]);
        first = false;
    }
    ff_gbuf_puts(b, "}");
}

static void json_key(struct ff_gbuf *b, const char *key)
{
    ff_gbuf_puts(b, b->n > 0 && b->p[b->n - 1] != '{' ? "," : "");
    mark_str(b, key);
    ff_gbuf_puts(b, ":");
}

static void json_field(struct ff_gbuf *b, const struct ff_chart *c, const struct ff_field *f)
{
    ff_gbuf_puts(b, "{");
    json_key(b, "name");
    mark_str(b, f->name);
    json_key(b, "type");
    mark_str(b, ff_field_type_name(f->type));
    if (f->required) { /* false is the default: left out, as authors write it */
        json_key(b, "required");
        ff_gbuf_puts(b, "true");
    }
    if (f->pattern) {
        json_key(b, "pattern");
        mark_str(b, f->pattern);
    }
    if (f->has_min) {
        json_key(b, "min");
        ff_gbuf_printf(b, "%.17g", f->min);
    }
    if (f->has_max) {
        json_key(b, "max");
        ff_gbuf_printf(b, "%.17g", f->max);
    }
    if (f->has_min_days) {
        json_key(b, "min_days");
        ff_gbuf_printf(b, "%d", f->min_days);
    }
    if (f->has_max_days) {
        json_key(b, "max_days");
        ff_gbuf_printf(b, "%d", f->max_days);
    }
    json_key(b, "label");
    json_text(b, c, &f->label);
    if (f->hint.s) {
        json_key(b, "hint");
        json_text(b, c, &f->hint);
    }
    if (f->type == FF_FIELD_CHOICE) {
        json_key(b, "choices");
        ff_gbuf_puts(b, "[");
        for (size_t k = 0; k < f->nchoices; k++) {
            ff_gbuf_puts(b, k ? ",{" : "{");
            json_key(b, "id");
            mark_str(b, f->choices[k]);
            json_key(b, "label");
            json_text(b, c, &f->choice_labels[k]);
            ff_gbuf_puts(b, "}");
        }
        ff_gbuf_puts(b, "]");
    }
    ff_gbuf_puts(b, "}");
}

static void json_action(struct ff_gbuf *b, const struct ff_action *a)
{
    ff_gbuf_puts(b, "{");
    json_key(b, "type");
    mark_str(b, ff_action_kind_name(a->kind));
    if (a->value) {
        json_key(b, "value");
        mark_str(b, a->value);
    }
    if (a->kind == FF_ACTION_ESCALATE) {
        json_key(b, "level");
        ff_gbuf_printf(b, "%d", a->level);
    }
    if (a->eta_minutes > 0) {
        json_key(b, "eta_minutes");
        ff_gbuf_printf(b, "%d", a->eta_minutes);
    }
    ff_gbuf_puts(b, "}");
}

static void node_data(struct ff_gbuf *b, const struct ff_chart *c, const struct ff_node *n,
                      size_t at)
{
    ff_gbuf_puts(b, "{");
    json_key(b, "at");
    ff_gbuf_printf(b, "%zu", at);
    json_key(b, "title");
    json_text(b, c, &n->title);
    if (n->body.s) {
        json_key(b, "body");
        json_text(b, c, &n->body);
    }
    if (n->audience != c->audience) { /* the chart's is the default: said only when other */
        json_key(b, "audience");
        mark_str(b, ff_audience_name(n->audience));
    }
    if (n->handoff) {
        json_key(b, "handoff");
        ff_gbuf_puts(b, "true");
    }
    if (n->kind == FF_NODE_INPUT) {
        json_key(b, "fields");
        for (size_t k = 0; k < n->nfields; k++) {
            ff_gbuf_puts(b, k ? "," : "[");
            json_field(b, c, &n->fields[k]);
        }
        ff_gbuf_puts(b, n->nfields ? "]" : "[]");
    } else if (n->kind == FF_NODE_KB && n->kb_article) {
        json_key(b, "article");
        mark_str(b, n->kb_article);
    } else if (n->kind == FF_NODE_ACTION) {
        json_key(b, "actions");
        for (size_t k = 0; k < n->nactions; k++) {
            ff_gbuf_puts(b, k ? "," : "[");
            json_action(b, &n->actions[k]);
        }
        ff_gbuf_puts(b, n->nactions ? "]" : "[]");
    } else if (n->kind == FF_NODE_SUBCHART && n->subchart) {
        json_key(b, "chart");
        mark_str(b, n->subchart);
    } else if (n->kind == FF_NODE_END) {
        json_key(b, "outcome");
        mark_str(b, ff_outcome_name(n->outcome));
        json_key(b, "success");
        ff_gbuf_puts(b, n->success ? "true" : "false");
    }
    ff_gbuf_puts(b, "}");
}

static void chart_data(struct ff_gbuf *b, const struct ff_chart *c)
{
    ff_gbuf_puts(b, "{");
    json_key(b, "id");
    mark_str(b, c->id);
    json_key(b, "version");
    ff_gbuf_printf(b, "%d", c->version);
    json_key(b, "title");
    json_text(b, c, &c->title);
    json_key(b, "category");
    mark_str(b, c->category);
    json_key(b, "audience");
    mark_str(b, ff_audience_name(c->audience));
    json_key(b, "touchpoints");
    for (size_t i = 0; i < c->ntouchpoints; i++) {
        ff_gbuf_puts(b, i ? "," : "[");
        mark_str(b, c->touchpoints[i]);
    }
    ff_gbuf_puts(b, c->ntouchpoints ? "]" : "[]");
    json_key(b, "locales");
    for (size_t i = 0; i < c->nlocales; i++) {
        ff_gbuf_puts(b, i ? "," : "[");
        mark_str(b, c->locales[i]);
    }
    ff_gbuf_puts(b, c->nlocales ? "]" : "[]");
    if (c->ncountries) {
        json_key(b, "countries");
        for (size_t i = 0; i < c->ncountries; i++) {
            ff_gbuf_puts(b, i ? "," : "[");
            mark_str(b, c->countries[i]);
        }
        ff_gbuf_puts(b, "]");
    }
    if (c->nlimits) {
        json_key(b, "time_limits");
        for (size_t i = 0; i < c->nlimits; i++) {
            const struct ff_time_limit *l = &c->limits[i];
            ff_gbuf_puts(b, i ? ",{" : "[{");
            json_key(b, "id");
            mark_str(b, l->id);
            json_key(b, "label");
            json_text(b, c, &l->label);
            json_key(b, "from");
            mark_str(b, l->from);
            if (l->to) {
                json_key(b, "to");
                mark_str(b, l->to);
            }
            json_key(b, "seconds");
            ff_gbuf_printf(b, "%lld", (long long)l->seconds);
            ff_gbuf_puts(b, "}");
        }
        ff_gbuf_puts(b, "]");
    }
    ff_gbuf_puts(b, "}");
}

/* Sets attribute `sym` of obj to the text in b, then empties b. */
static bool set_data(void *obj, Agsym_t *sym, struct ff_gbuf *b)
{
    bool ok = !b->oom && agxset(obj, sym, b->p ? b->p : "") == 0;
    b->n = 0;
    if (b->p)
        b->p[0] = '\0';
    return ok;
}

static enum ff_err add_marks(const struct ff_chart *c, struct ff_gbuilt *built)
{
    struct ff_gbuf b = {0};
    Agsym_t *gsym = agattr(built->g, AGRAPH, "ff_data", "");
    Agsym_t *nsym = agattr(built->g, AGNODE, "ff_data", "");
    Agsym_t *esym = agattr(built->g, AGEDGE, "ff_data", "");
    bool ok = gsym && nsym && esym;
    chart_data(&b, c);
    ok = ok && set_data(built->g, gsym, &b);
    for (size_t i = 0; ok && i < c->nnodes; i++) {
        node_data(&b, c, &c->nodes[i], i);
        ok = set_data(built->nodes[i], nsym, &b);
    }
    for (size_t k = 0; ok && k < built->nedges; k++) {
        const struct ff_gedge *e = &built->edges[k];
        if (e->option < 0)
            continue;
        const struct ff_option *o = &c->nodes[e->from].options[e->option];
        ff_gbuf_puts(&b, "{");
        json_key(&b, "id");
        mark_str(&b, o->id);
        json_key(&b, "label");
        json_text(&b, c, &o->label);
        json_key(&b, "at");
        ff_gbuf_printf(&b, "%d", e->option);
        ff_gbuf_puts(&b, "}");
        ok = set_data(e->e, esym, &b);
    }
    enum ff_err err = b.oom ? FF_ENOMEM : ok ? FF_OK : FF_EGRAPHVIZ;
    ff_gbuf_free(&b);
    return err;
}

enum ff_err ff_chart_to_dot(const struct ff_chart *chart, const char *locale,
                            const struct ff_layout_opts *opts, char **out, size_t *len)
{
    struct ff_gbuilt built;
    struct ff_gbuf b = {0};

    if (!out)
        return FF_EINVAL;
    *out = NULL;
    if (!chart)
        return FF_EINVAL;
    gbuf_io.afread = AgIoDisc.afread;
    gbuf_disc.mem = &AgMemDisc;
    gbuf_disc.id = &AgIdDisc;
    ff_gv_capture_begin();
    enum ff_err err = ff_graph_build(chart, locale, opts, &gbuf_disc, &built);
    if (err == FF_OK) {
        err = add_marks(chart, &built);
        if (err == FF_OK && agwrite(built.g, &b) != 0 && !b.oom)
            err = FF_EGRAPHVIZ;
        ff_graph_built_free(&built);
    }
    ff_gv_capture_end();
    if (err != FF_OK) {
        ff_gbuf_free(&b);
        return err;
    }
    return ff_gbuf_take(&b, out, len);
}

static const char *const mermaid_words[] = {"end",       "graph",     "subgraph", "flowchart",
                                            "style",     "class",     "classdef", "click",
                                            "linkstyle", "direction", "default"};

static bool mermaid_plain(const char *id)
{
    for (const char *p = id; *p; p++)
        if (*p == '.' || *p == '-')
            return false;
    for (size_t i = 0; i < sizeof mermaid_words / sizeof *mermaid_words; i++)
        if (!strcmp(id, mermaid_words[i]))
            return false;
    return true;
}

/* Mermaid ids: the node id when it is a plain word, else with '.' and '-' as '_' and the
 * node index appended (keeps ids unique and clear of Mermaid's keywords). */
static void mermaid_id(struct ff_gbuf *b, const struct ff_chart *c, int index)
{
    const char *id = c->nodes[index].id;
    if (mermaid_plain(id)) {
        ff_gbuf_puts(b, id);
        return;
    }
    for (const char *p = id; *p; p++)
        ff_gbuf_add(b, *p == '.' || *p == '-' ? "_" : p, 1);
    ff_gbuf_printf(b, "_%d", index);
}

/* A quoted Mermaid label: quotes, '#', '|' and angle brackets as entity codes, line breaks
 * as <br/>. */
static void mermaid_text(struct ff_gbuf *b, const char *text)
{
    ff_gbuf_add(b, "\"", 1);
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '"':
            ff_gbuf_puts(b, "#quot;");
            break;
        case '#':
            ff_gbuf_puts(b, "#35;");
            break;
        case '|': /* would close an edge label in parsers that ignore the quotes */
            ff_gbuf_puts(b, "#124;");
            break;
        case '<':
            ff_gbuf_puts(b, "#lt;");
            break;
        case '>':
            ff_gbuf_puts(b, "#gt;");
            break;
        case '\n':
            ff_gbuf_puts(b, "<br/>");
            break;
        case '\r':
            break;
        default:
            ff_gbuf_add(b, p, 1);
        }
    }
    ff_gbuf_add(b, "\"", 1);
}

static void mermaid_node(struct ff_gbuf *b, const struct ff_chart *c, int i, const char *locale)
{
    static const char *const open[] = {"([", "[", "[(", "{{", "[[", "{", "[/", "(["};
    static const char *const close[] = {"])", "]", ")]", "}}", "]]", "}", "/]", "])"};
    static const char *const cls[] = {"start",    "step",     "kb",    "action",
                                      "subchart", "decision", "input", "success"};
    const struct ff_node *n = &c->nodes[i];
    int shape = n->kind == FF_NODE_START      ? 0
                : n->kind == FF_NODE_KB       ? 2
                : n->kind == FF_NODE_ACTION   ? 3
                : n->kind == FF_NODE_SUBCHART ? 4
                : n->kind == FF_NODE_DECISION ? 5
                : n->kind == FF_NODE_INPUT    ? 6
                : n->kind == FF_NODE_END      ? 7
                                              : 1;
    ff_gbuf_puts(b, "    ");
    mermaid_id(b, c, i);
    ff_gbuf_puts(b, open[shape]);
    mermaid_text(b, ff_text_get(c, &n->title, locale));
    ff_gbuf_puts(b, close[shape]);
    ff_gbuf_puts(b, ":::");
    ff_gbuf_puts(b, n->kind == FF_NODE_END && !n->success ? "failure" : cls[shape]);
    ff_gbuf_puts(b, "\n");
    /* Our mark, as in DOT: the kind and what Mermaid cannot show, for ff_import(). */
    ff_gbuf_puts(b, "    %% ff-node ");
    mermaid_id(b, c, i);
    ff_gbuf_printf(b, " id=%s", n->id);
    if (n->kind == FF_NODE_END)
        ff_gbuf_printf(b, " ff-end ff-%s ff-outcome-%s ", n->success ? "success" : "failure",
                       ff_outcome_name(n->outcome));
    else
        ff_gbuf_printf(b, " ff-%s ", ff_node_kind_name(n->kind));
    node_data(b, c, n, (size_t)i);
    ff_gbuf_puts(b, "\n");
}

static void mermaid_edge(struct ff_gbuf *b, const struct ff_chart *c, int from, int to,
                         const char *label, int option)
{
    if (to < 0)
        return;
    ff_gbuf_puts(b, "    ");
    mermaid_id(b, c, from);
    ff_gbuf_puts(b, " -->");
    if (label) {
        ff_gbuf_puts(b, "|");
        mermaid_text(b, label);
        ff_gbuf_puts(b, "|");
    }
    ff_gbuf_puts(b, " ");
    mermaid_id(b, c, to);
    ff_gbuf_puts(b, "\n");
    if (option < 0)
        return;
    const struct ff_option *o = &c->nodes[from].options[option];
    ff_gbuf_puts(b, "    %% ff-edge {");
    json_key(b, "id");
    mark_str(b, o->id);
    json_key(b, "label");
    json_text(b, c, &o->label);
    json_key(b, "at");
    ff_gbuf_printf(b, "%d}\n", option);
}

static const char mermaid_classes[] = "    classDef start fill:#cfe2f3,stroke:#3d6fa8\n"
                                      "    classDef step fill:#ffffff,stroke:#5f6b7a\n"
                                      "    classDef kb fill:#fce5cd,stroke:#b45f06\n"
                                      "    classDef action fill:#d0e8ee,stroke:#2f6f7e\n"
                                      "    classDef subchart fill:#eeeeee,stroke:#666666\n"
                                      "    classDef decision fill:#fff2cc,stroke:#bf9000\n"
                                      "    classDef input fill:#e6ddf3,stroke:#674ea7\n"
                                      "    classDef success fill:#b6d7a8,stroke:#38761d\n"
                                      "    classDef failure fill:#f4cccc,stroke:#b33a3a\n";

enum ff_err ff_chart_to_mermaid(const struct ff_chart *chart, const char *locale, char **out,
                                size_t *len)
{
    struct ff_gbuf b = {0};

    if (!out)
        return FF_EINVAL;
    *out = NULL;
    if (!chart)
        return FF_EINVAL;
    locale = ff_graph_locale(chart, locale);
    ff_gbuf_puts(&b, "flowchart TD\n%% ff-chart ");
    chart_data(&b, chart);
    ff_gbuf_puts(&b, "\n");
    for (size_t i = 0; i < chart->nnodes; i++)
        mermaid_node(&b, chart, (int)i, locale);
    for (size_t i = 0; i < chart->nnodes; i++) {
        const struct ff_node *n = &chart->nodes[i];
        for (size_t k = 0; n->kind == FF_NODE_DECISION && k < n->noptions; k++)
            mermaid_edge(&b, chart, (int)i, n->options[k].target_index,
                         ff_text_get(chart, &n->options[k].label, locale), (int)k);
        if (n->kind != FF_NODE_DECISION && n->kind != FF_NODE_END && n->next)
            mermaid_edge(&b, chart, (int)i, n->next_index, NULL, -1);
    }
    ff_gbuf_puts(&b, mermaid_classes);
    return ff_gbuf_take(&b, out, len);
}

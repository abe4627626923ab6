/* graph_build.c - a chart as a cgraph graph with the standard flowchart symbols.
 *
 * Ovals for start and end (green for a success end, red for a failure), boxes for steps
 * (kb a folded note, action a double border, subchart a component box), diamonds for
 * decisions, parallelograms for inputs; option labels on edges; titles wrapped so a diamond
 * stays readable. A run's path can be highlighted. The graph is not laid out here:
 * graph_layout.c lays it out, graph_export.c writes it as DOT.
 *
 * Also home of the module's small shared helpers (text buffer, Graphviz message capture),
 * declared in graph_int.h. Workload: up to a few thousand nodes, built once per layout.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chart_int.h"
#include "fieldflow/mem.h"
#include "graph_int.h"

#define GV_MSG_MAX 2048

/* Graphviz's error callback has no user pointer: see ff_gv_capture_begin(). */
static char gv_msg[GV_MSG_MAX];
static size_t gv_len;
static agusererrf gv_prev_fn;
static agerrlevel_t gv_prev_level;

static int gv_capture(char *msg)
{
    size_t n = strlen(msg);
    if (n > GV_MSG_MAX - 1 - gv_len)
        n = GV_MSG_MAX - 1 - gv_len;
    memcpy(gv_msg + gv_len, msg, n);
    gv_len += n;
    gv_msg[gv_len] = '\0';
    return 0;
}

void ff_gv_capture_begin(void)
{
    gv_len = 0;
    gv_msg[0] = '\0';
    gv_prev_fn = agseterrf(gv_capture);
    gv_prev_level = agseterr(AGWARN);
    agreseterrors();
}

const char *ff_gv_capture_end(void)
{
    agseterrf(gv_prev_fn);
    agseterr(gv_prev_level);
    while (gv_len > 0 && (gv_msg[gv_len - 1] == '\n' || gv_msg[gv_len - 1] == ' '))
        gv_msg[--gv_len] = '\0';
    return gv_msg;
}

bool ff_graph_diag(struct ff_diags *d, enum ff_severity sev, const char *file, const char *path,
                   const char *code, const char *message)
{
    return ff_diags_add(d, sev, file, (struct ff_pos){0, 0}, path ? path : "", code, message) ==
           FF_OK;
}

void ff_gv_capture_to_diags(const char *text, const char *file, enum ff_severity sev,
                            struct ff_diags *diags)
{
    char line[512];
    while (diags && *text) {
        size_t n = strcspn(text, "\n");
        size_t m = n < sizeof line - 1 ? n : sizeof line - 1;
        memcpy(line, text, m);
        line[m] = '\0';
        if (m > 0 && !ff_graph_diag(diags, sev, file, "graphviz", "graphviz", line))
            return;
        text += n;
        text += *text == '\n';
    }
}

void ff_gbuf_add(struct ff_gbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = ff_realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void ff_gbuf_puts(struct ff_gbuf *b, const char *s)
{
    ff_gbuf_add(b, s, strlen(s));
}

void ff_gbuf_printf(struct ff_gbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        b->oom = true; /* only short fixed texts go through here */
        return;
    }
    ff_gbuf_add(b, tmp, (size_t)n);
}

void ff_gbuf_json_str(struct ff_gbuf *b, const char *s)
{
    ff_gbuf_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            char esc[2] = {'\\', (char)*p};
            ff_gbuf_add(b, esc, 2);
        } else if (*p == '\n') {
            ff_gbuf_add(b, "\\n", 2);
        } else if (*p < 0x20) {
            ff_gbuf_printf(b, "\\u%04x", *p);
        } else {
            ff_gbuf_add(b, (const char *)p, 1);
        }
    }
    ff_gbuf_add(b, "\"", 1);
}

enum ff_err ff_gbuf_take(struct ff_gbuf *b, char **out, size_t *len)
{
    if (!b->oom && !b->p)
        ff_gbuf_add(b, "", 0);
    if (b->oom) {
        ff_gbuf_free(b);
        return FF_ENOMEM;
    }
    *out = b->p;
    if (len)
        *len = b->n;
    memset(b, 0, sizeof *b);
    return FF_OK;
}

void ff_gbuf_free(struct ff_gbuf *b)
{
    ff_free(b->p);
    memset(b, 0, sizeof *b);
}

char *ff_graph_wrap(const char *text, int width)
{
    char *s = ff_strdup(text);
    if (!s)
        return NULL;
    int col = 0, col_at_space = 0;
    char *space = NULL;
    for (char *p = s; *p; p++) {
        if (*p == '\n') {
            col = 0;
            space = NULL;
            continue;
        }
        if (((unsigned char)*p & 0xC0) == 0x80)
            continue; /* a UTF-8 continuation byte: same character */
        if (*p == ' ') {
            space = p;
            col_at_space = col;
        }
        col++;
        if (col > width && space) {
            *space = '\n';
            col -= col_at_space + 1;
            space = NULL;
        }
    }
    return s;
}

const char *ff_graph_locale(const struct ff_chart *chart, const char *locale)
{
    if (locale)
        return locale;
    return chart->nlocales > 0 && chart->locales[0] ? chart->locales[0] : "en";
}

enum ff_shape ff_graph_shape_of(enum ff_node_kind kind)
{
    switch (kind) {
    case FF_NODE_START:
    case FF_NODE_END:
        return FF_SHAPE_OVAL;
    case FF_NODE_KB:
        return FF_SHAPE_NOTE;
    case FF_NODE_ACTION:
        return FF_SHAPE_DOUBLE_BOX;
    case FF_NODE_SUBCHART:
        return FF_SHAPE_COMPONENT;
    case FF_NODE_DECISION:
        return FF_SHAPE_DIAMOND;
    case FF_NODE_INPUT:
        return FF_SHAPE_PARALLELOGRAM;
    case FF_NODE_STEP:
        break;
    }
    return FF_SHAPE_BOX;
}

/* Declared attributes with their defaults; per-object values go through agxset. */
struct gsyms {
    Agsym_t *shape, *label, *fill, *color, *periph, *pen, *cls, *font;
    Agsym_t *elabel, *ecolor, *epen, *efont;
};

static void declare_attrs(Agraph_t *g, struct gsyms *s)
{
    agattr(g, AGRAPH, "rankdir", "TB");
    agattr(g, AGRAPH, "nodesep", "0.35");
    agattr(g, AGRAPH, "ranksep", "0.45");
    agattr(g, AGRAPH, "bgcolor", "white");
    agattr(g, AGRAPH, "fontname", "Helvetica");
    agattr(g, AGNODE, "style", "filled");
    agattr(g, AGNODE, "fontname", "Helvetica");
    agattr(g, AGNODE, "fontsize", "11");
    agattr(g, AGNODE, "margin", "0.15,0.06");
    agattr(g, AGEDGE, "fontname", "Helvetica");
    agattr(g, AGEDGE, "fontsize", "10");
    agattr(g, AGEDGE, "arrowsize", "0.8");
    s->shape = agattr(g, AGNODE, "shape", "box");
    s->label = agattr(g, AGNODE, "label", "\\N");
    s->fill = agattr(g, AGNODE, "fillcolor", "#ffffff");
    s->color = agattr(g, AGNODE, "color", "#5f6b7a");
    s->periph = agattr(g, AGNODE, "peripheries", "1");
    s->pen = agattr(g, AGNODE, "penwidth", "1.2");
    s->cls = agattr(g, AGNODE, "class", "");
    s->font = agattr(g, AGNODE, "fontcolor", "#1b1f24");
    s->elabel = agattr(g, AGEDGE, "label", "");
    s->ecolor = agattr(g, AGEDGE, "color", "#5f6b7a");
    s->epen = agattr(g, AGEDGE, "penwidth", "1.2");
    s->efont = agattr(g, AGEDGE, "fontcolor", "#39424e");
}

#define LIT_COLOR "#1c4587"

/* Graphviz reads labels as escString: backslashes are doubled, line breaks become "\n".
 * Returns the wrapped, escaped label (ff_free) or NULL when out of memory. */
static char *gv_label(const char *text, int wrap)
{
    char *w = ff_graph_wrap(text, wrap);
    if (!w)
        return NULL;
    struct ff_gbuf b = {0};
    for (const char *p = w; *p; p++) {
        if (*p == '\\')
            ff_gbuf_add(&b, "\\\\", 2);
        else if (*p == '\n')
            ff_gbuf_add(&b, "\\n", 2);
        else if (*p != '\r')
            ff_gbuf_add(&b, p, 1);
    }
    ff_free(w);
    char *out = NULL;
    return ff_gbuf_take(&b, &out, NULL) == FF_OK ? out : NULL;
}

static const char *const shape_names[] = {"ellipse",   "box",     "note",         "box",
                                          "component", "diamond", "parallelogram"};

static void style_node(Agnode_t *n, const struct ff_node *cn, const struct gsyms *s, bool lit)
{
    /* by enum ff_node_kind: start, step, decision, input, kb, action, subchart, end */
    static const char *const fills[] = {"#cfe2f3", "#ffffff", "#fff2cc", "#e6ddf3",
                                        "#fce5cd", "#d0e8ee", "#eeeeee", "#b6d7a8"};
    static const char *const borders[] = {"#3d6fa8", "#5f6b7a", "#bf9000", "#674ea7",
                                          "#b45f06", "#2f6f7e", "#666666", "#38761d"};
    enum ff_shape shape = ff_graph_shape_of(cn->kind);
    size_t k = (size_t)cn->kind < sizeof fills / sizeof fills[0] ? (size_t)cn->kind : 1;
    const char *fill = fills[k], *border = borders[k];
    char cls[96];
    if (cn->kind == FF_NODE_END && !cn->success) {
        fill = "#f4cccc";
        border = "#b33a3a";
    }
    agxset(n, s->shape, (char *)shape_names[shape]);
    agxset(n, s->fill, (char *)fill);
    agxset(n, s->color, (char *)(lit ? LIT_COLOR : border));
    if (shape == FF_SHAPE_DOUBLE_BOX)
        agxset(n, s->periph, "2");
    if (lit)
        agxset(n, s->pen, "3");
    if (cn->kind == FF_NODE_END)
        snprintf(cls, sizeof cls, "ff-end ff-%s ff-outcome-%s", cn->success ? "success" : "failure",
                 ff_outcome_name(cn->outcome));
    else
        snprintf(cls, sizeof cls, "ff-%s", ff_node_kind_name(cn->kind));
    agxset(n, s->cls, cls);
}

static enum ff_err add_nodes(const struct ff_chart *c, const char *locale, int wrap,
                             const struct gsyms *s, struct ff_gbuilt *b)
{
    for (size_t i = 0; i < c->nnodes; i++) {
        const struct ff_node *cn = &c->nodes[i];
        Agnode_t *n = agnode(b->g, (char *)cn->id, 1);
        char *label = gv_label(ff_text_get(c, &cn->title, locale), wrap);
        if (!n || !label) {
            ff_free(label);
            return n ? FF_ENOMEM : FF_EGRAPHVIZ;
        }
        agxset(n, s->label, label);
        ff_free(label);
        style_node(n, cn, s, b->node_lit[i]);
        b->nodes[i] = n;
    }
    return FF_OK;
}

static enum ff_err add_edge(struct ff_gbuilt *b, int from, int to, int option, const char *label,
                            int wrap, const struct gsyms *s)
{
    if (to < 0)
        return FF_OK; /* a dangling target: only an invalid chart has one */
    Agedge_t *e = agedge(b->g, b->nodes[from], b->nodes[to], NULL, 1);
    if (!e)
        return FF_EGRAPHVIZ;
    if (label) {
        char *l = gv_label(label, wrap);
        if (!l)
            return FF_ENOMEM;
        agxset(e, s->elabel, l);
        ff_free(l);
    }
    b->edges[b->nedges++] = (struct ff_gedge){e, from, to, option, false};
    return FF_OK;
}

static enum ff_err add_edges(const struct ff_chart *c, const char *locale, int wrap,
                             const struct gsyms *s, struct ff_gbuilt *b)
{
    enum ff_err err = FF_OK;
    for (size_t i = 0; i < c->nnodes && err == FF_OK; i++) {
        const struct ff_node *cn = &c->nodes[i];
        if (cn->kind == FF_NODE_DECISION) {
            for (size_t k = 0; k < cn->noptions && err == FF_OK; k++) {
                const struct ff_option *o = &cn->options[k];
                err = add_edge(b, (int)i, o->target_index, (int)k,
                               ff_text_get(c, &o->label, locale), wrap, s);
            }
        } else if (cn->kind != FF_NODE_END && cn->next) {
            err = add_edge(b, (int)i, cn->next_index, -1, NULL, wrap, s);
        }
    }
    return err;
}

static bool edge_matches(const struct ff_chart *c, const struct ff_gedge *e, int from, int to,
                         const char *choice)
{
    if (e->from != from || e->to != to)
        return false;
    return !choice || e->option < 0 || !strcmp(c->nodes[from].options[e->option].id, choice);
}

/* Marks the path's nodes and the edges between consecutive ones. */
static void mark_path(const struct ff_chart *c, const struct ff_layout_opts *o,
                      const struct gsyms *s, struct ff_gbuilt *b)
{
    int prev = -1;
    for (size_t i = 0; i < o->npath; i++) {
        int cur = o->path[i] ? ff_chart_find_node(c, o->path[i]) : -1;
        if (cur >= 0)
            b->node_lit[cur] = true;
        const char *choice = i > 0 && o->choices ? o->choices[i - 1] : NULL;
        for (size_t k = 0; prev >= 0 && cur >= 0 && k < b->nedges; k++) {
            struct ff_gedge *e = &b->edges[k];
            if (e->highlighted || !edge_matches(c, e, prev, cur, choice))
                continue;
            e->highlighted = true;
            agxset(e->e, s->ecolor, LIT_COLOR);
            agxset(e->e, s->efont, LIT_COLOR);
            agxset(e->e, s->epen, "2.5");
        }
        prev = cur;
    }
}

static size_t count_edges(const struct ff_chart *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nnodes; i++)
        n += c->nodes[i].kind == FF_NODE_DECISION ? c->nodes[i].noptions : 1;
    return n;
}

enum ff_err ff_graph_build(const struct ff_chart *chart, const char *locale,
                           const struct ff_layout_opts *opts, Agdisc_t *disc, struct ff_gbuilt *out)
{
    static const struct ff_layout_opts none = {0};
    const struct ff_layout_opts *o = opts ? opts : &none;
    int wrap = o->wrap > 0 ? o->wrap : FF_LAYOUT_WRAP;
    struct ff_gbuilt b = {0};
    struct gsyms s;
    enum ff_err err = FF_ENOMEM;

    memset(out, 0, sizeof *out);
    locale = ff_graph_locale(chart, locale);
    b.nodes = ff_calloc(chart->nnodes, sizeof(Agnode_t *));
    b.node_lit = ff_calloc(chart->nnodes, sizeof *b.node_lit);
    b.edges = ff_calloc(count_edges(chart), sizeof *b.edges);
    if (!b.nodes || !b.node_lit || !b.edges)
        goto out_free;
    b.g = agopen((char *)(chart->id ? chart->id : "chart"), Agdirected, disc);
    if (!b.g) {
        err = FF_EGRAPHVIZ;
        goto out_free;
    }
    declare_attrs(b.g, &s);
    for (size_t i = 0; i < o->npath; i++) {
        int k = o->path[i] ? ff_chart_find_node(chart, o->path[i]) : -1;
        if (k >= 0)
            b.node_lit[k] = true;
    }
    err = add_nodes(chart, locale, wrap, &s, &b);
    if (err == FF_OK)
        err = add_edges(chart, locale, wrap, &s, &b);
    if (err != FF_OK)
        goto out_free;
    mark_path(chart, o, &s, &b);
    *out = b;
    return FF_OK;

out_free:
    ff_graph_built_free(&b);
    return err;
}

void ff_graph_built_free(struct ff_gbuilt *b)
{
    if (b->g)
        agclose(b->g);
    ff_free(b->nodes);
    ff_free(b->node_lit);
    ff_free(b->edges);
    memset(b, 0, sizeof *b);
}

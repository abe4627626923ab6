/* graph_layout.c - ff_layout: a chart laid out by Graphviz `dot`, read back for drawing.
 *
 * The handle keeps the laid-out graph (in the process's one Graphviz context) so that it can
 * also render SVG/PDF/PNG (graph_export.c) without laying out again. Coordinates are copied
 * out once, converted from Graphviz's y-up frame (origin bottom-left) to y-down with the
 * origin at the top-left of the bounding box. Invariant: nodes[i].index == i; edges are in
 * the order the builder made them.
 */
#include <stdio.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "graph_int.h"

struct ff_layout {
    GVC_t *gvc;                   /* the shared context (not owned); NULL if none */
    struct ff_gbuilt built;       /* the laid-out graph */
    double width, height;         /* bounding box, points */
    struct ff_layout_node *nodes; /* built.g's nodes by chart index */
    size_t nnodes;
    struct ff_layout_edge *edges;
    size_t nedges;
    struct ff_point *points; /* every edge's control points, back to back */
    char errmsg[512];        /* last error text */
};

void ff_layout_set_error(struct ff_layout *l, const char *what, const char *detail)
{
    snprintf(l->errmsg, sizeof l->errmsg, "%s%s%s", what, detail && *detail ? ": " : "",
             detail ? detail : "");
}

GVC_t *ff_layout_gvc(struct ff_layout *l)
{
    return l->gvc;
}

Agraph_t *ff_layout_graph(struct ff_layout *l)
{
    return l->built.g;
}

struct frame {
    double x0, y1; /* Graphviz's left and top */
};

static struct ff_point flip(struct frame f, pointf p)
{
    return (struct ff_point){p.x - f.x0, f.y1 - p.y};
}

static enum ff_err read_nodes(struct ff_layout *l, const struct ff_chart *c, const char *locale,
                              int wrap, struct frame f)
{
    l->nodes = ff_calloc(c->nnodes, sizeof *l->nodes);
    if (!l->nodes)
        return FF_ENOMEM;
    for (size_t i = 0; i < c->nnodes; i++) {
        Agnode_t *n = l->built.nodes[i];
        struct ff_layout_node *ln = &l->nodes[i];
        ln->index = (int)i;
        ln->kind = c->nodes[i].kind;
        ln->shape = ff_graph_shape_of(ln->kind);
        ln->center = flip(f, ND_coord(n));
        ln->width = ND_width(n) * 72.0;
        ln->height = ND_height(n) * 72.0;
        ln->success = c->nodes[i].kind == FF_NODE_END && c->nodes[i].success;
        ln->highlighted = l->built.node_lit[i];
        ln->label = ff_graph_wrap(ff_text_get(c, &c->nodes[i].title, locale), wrap);
        l->nnodes = i + 1;
        if (!ln->label)
            return FF_ENOMEM;
    }
    return FF_OK;
}

static size_t count_points(const struct ff_gbuilt *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->nedges; i++) {
        splines *spl = ED_spl(b->edges[i].e);
        if (spl && spl->size > 0)
            n += (size_t)spl->list[0].size;
    }
    return n;
}

static enum ff_err read_edge(struct ff_layout *l, const struct ff_chart *c, const char *locale,
                             int wrap, struct frame f, size_t i, size_t *used)
{
    const struct ff_gedge *ge = &l->built.edges[i];
    struct ff_layout_edge *le = &l->edges[i];
    le->from = ge->from;
    le->to = ge->to;
    le->option = ge->option;
    le->highlighted = ge->highlighted;
    splines *spl = ED_spl(ge->e);
    if (spl && spl->size > 0) {
        const bezier *bz = &spl->list[0];
        le->points = l->points + *used;
        for (int k = 0; k < bz->size; k++)
            l->points[(*used)++] = flip(f, bz->list[k]);
        le->npoints = (size_t)bz->size;
        const bezier *last = &spl->list[spl->size - 1];
        le->has_arrow = last->eflag != 0;
        if (le->has_arrow)
            le->arrow = flip(f, last->ep);
    }
    textlabel_t *tl = ED_label(ge->e);
    if (tl && tl->set) {
        le->has_label = true;
        le->label_pos = flip(f, tl->pos);
    }
    if (ge->option >= 0) {
        const struct ff_option *o = &c->nodes[ge->from].options[ge->option];
        le->label = ff_graph_wrap(ff_text_get(c, &o->label, locale), wrap);
        if (!le->label)
            return FF_ENOMEM;
    }
    return FF_OK;
}

static enum ff_err read_edges(struct ff_layout *l, const struct ff_chart *c, const char *locale,
                              int wrap, struct frame f)
{
    size_t used = 0;
    l->edges = ff_calloc(l->built.nedges, sizeof *l->edges);
    l->points = ff_calloc(count_points(&l->built), sizeof *l->points);
    if (!l->edges || !l->points)
        return FF_ENOMEM;
    for (size_t i = 0; i < l->built.nedges; i++) {
        l->nedges = i + 1;
        enum ff_err err = read_edge(l, c, locale, wrap, f, i, &used);
        if (err != FF_OK)
            return err;
    }
    return FF_OK;
}

static enum ff_err read_layout(struct ff_layout *l, const struct ff_chart *c, const char *locale,
                               int wrap)
{
    boxf bb = GD_bb(l->built.g);
    struct frame f = {bb.LL.x, bb.UR.y};
    l->width = bb.UR.x - bb.LL.x;
    l->height = bb.UR.y - bb.LL.y;
    enum ff_err err = read_nodes(l, c, locale, wrap, f);
    return err != FF_OK ? err : read_edges(l, c, locale, wrap, f);
}

/* Runs dot over the built graph; Graphviz's messages go to diags. */
static enum ff_err run_dot(struct ff_layout *l, const struct ff_layout_opts *o, const char *file)
{
    ff_gv_capture_begin();
    int rc = gvLayout(l->gvc, l->built.g, "dot");
    const char *msg = ff_gv_capture_end();
    ff_gv_capture_to_diags(msg, file, rc != 0 ? FF_SEV_ERROR : FF_SEV_WARNING, o->diags);
    if (rc != 0) {
        if (o->diags && !*msg)
            ff_graph_diag(o->diags, FF_SEV_ERROR, file, "graphviz", "graphviz",
                          "dot layout failed");
        return FF_EGRAPHVIZ;
    }
    return FF_OK;
}

/* One Graphviz context for the whole process, made on first use and never freed.
 * Graphviz 2.43's pango plugin keeps a static pointer to the last font name, which lives in
 * the context: after gvFreeContext() the next context's layout reads freed memory (ASan
 * heap-use-after-free in pango_textlayout). Sharing one context avoids that, and also
 * saves re-reading the plugin configuration on every layout. Like all of Graphviz, this
 * is single-threaded. */
static GVC_t *shared_gvc;

static GVC_t *context(void)
{
    if (!shared_gvc) {
        ff_gv_capture_begin();
        shared_gvc = gvContext();
        ff_gv_capture_end();
    }
    return shared_gvc;
}

enum ff_err ff_layout_new(const struct ff_chart *chart, const char *locale,
                          const struct ff_layout_opts *opts, struct ff_layout **out)
{
    static const struct ff_layout_opts none = {0};
    const struct ff_layout_opts *o = opts ? opts : &none;
    enum ff_err err;

    if (!out)
        return FF_EINVAL;
    *out = NULL;
    if (!chart || (o->npath > 0 && !o->path))
        return FF_EINVAL;
    locale = ff_graph_locale(chart, locale);
    struct ff_layout *l = ff_calloc(1, sizeof *l);
    if (!l)
        return FF_ENOMEM;
    l->gvc = context();
    if (!l->gvc) {
        err = FF_EGRAPHVIZ;
        goto out_free;
    }
    err = ff_graph_build(chart, locale, o, NULL, &l->built);
    if (err == FF_OK)
        err = run_dot(l, o, chart->file);
    if (err == FF_OK)
        err = read_layout(l, chart, locale, o->wrap > 0 ? o->wrap : FF_LAYOUT_WRAP);
    if (err != FF_OK)
        goto out_free;
    *out = l;
    return FF_OK;

out_free:
    ff_layout_free(l);
    return err;
}

void ff_layout_free(struct ff_layout *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->nnodes; i++)
        ff_free((char *)l->nodes[i].label);
    for (size_t i = 0; i < l->nedges; i++)
        ff_free((char *)l->edges[i].label);
    ff_free(l->nodes);
    ff_free(l->edges);
    ff_free(l->points);
    if (l->gvc && l->built.g)
        gvFreeLayout(l->gvc, l->built.g);
    ff_graph_built_free(&l->built);
    ff_free(l);
}

void ff_layout_size(const struct ff_layout *l, double *width, double *height)
{
    if (width)
        *width = l->width;
    if (height)
        *height = l->height;
}

size_t ff_layout_node_count(const struct ff_layout *l)
{
    return l->nnodes;
}

const struct ff_layout_node *ff_layout_node(const struct ff_layout *l, size_t i)
{
    return i < l->nnodes ? &l->nodes[i] : NULL;
}

size_t ff_layout_edge_count(const struct ff_layout *l)
{
    return l->nedges;
}

const struct ff_layout_edge *ff_layout_edge(const struct ff_layout *l, size_t i)
{
    return i < l->nedges ? &l->edges[i] : NULL;
}

const char *ff_layout_errmsg(const struct ff_layout *l)
{
    return l->errmsg;
}

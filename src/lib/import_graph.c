/* import_graph.c - the drawing every import front end fills (import_int.h), and its findings.
 *
 * Workload: a few hundred nodes and edges per file, appended one at a time while a front
 * end reads; arrays grow by doubling. Lookups by name are linear: the front ends look a
 * name up once per edge end, and a drawing is bounded by FF_CHART_MAX_NODES nodes, so a
 * hash table would cost more code than it saves time.
 *
 * Every add copies its strings; on failure nothing was added and the graph stays valid for
 * ff_imp_graph_free(), which also accepts a half-built or zeroed graph.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chart_int.h"
#include "fieldflow/mem.h"
#include "import_int.h"

static void free_node(struct ff_imp_node *n)
{
    ff_free(n->name);
    ff_free(n->label);
    ff_free(n->shape_name);
    ff_free(n->hint);
    ff_free(n->extra);
}

void ff_imp_graph_free(struct ff_imp_graph *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->nnodes; i++)
        free_node(&g->nodes[i]);
    for (size_t i = 0; i < g->nedges; i++) {
        ff_free(g->edges[i].label);
        ff_free(g->edges[i].extra);
    }
    ff_free(g->nodes);
    ff_free(g->edges);
    ff_free(g->name);
    ff_free(g->title);
    ff_free(g->extra);
    memset(g, 0, sizeof *g);
}

/* Makes room for one more element of `size` bytes in *v (count n, capacity *cap). */
static bool grow(void **v, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *p = ff_realloc(*v, ncap * size);
    if (!p)
        return false;
    *v = p;
    *cap = ncap;
    return true;
}

/* ff_strdup that keeps NULL as NULL; *ok goes false when a copy fails. */
static char *dup_or_null(const char *s, bool *ok)
{
    if (!s)
        return NULL;
    char *d = ff_strdup(s);
    if (!d)
        *ok = false;
    return d;
}

long ff_imp_add_node(struct ff_imp_graph *g, const char *name, const char *label,
                     enum ff_imp_shape shape, const char *shape_name, struct ff_pos pos)
{
    if (!name || !grow((void **)&g->nodes, g->nnodes, &g->capnodes, sizeof *g->nodes))
        return -1;
    bool ok = true;
    struct ff_imp_node n = {.shape = shape, .pos = pos};
    n.name = dup_or_null(name, &ok);
    n.label = dup_or_null(label, &ok);
    n.shape_name = dup_or_null(shape_name, &ok);
    if (!ok) {
        free_node(&n);
        return -1;
    }
    g->nodes[g->nnodes] = n;
    return (long)g->nnodes++;
}

long ff_imp_find_node(const struct ff_imp_graph *g, const char *name)
{
    for (size_t i = 0; name && i < g->nnodes; i++)
        if (!strcmp(g->nodes[i].name, name))
            return (long)i;
    return -1;
}

bool ff_imp_add_edge(struct ff_imp_graph *g, size_t from, size_t to, const char *label,
                     struct ff_pos pos)
{
    if (from >= g->nnodes || to >= g->nnodes)
        return false;
    if (!grow((void **)&g->edges, g->nedges, &g->capedges, sizeof *g->edges))
        return false;
    bool ok = true;
    struct ff_imp_edge e = {.from = from, .to = to, .pos = pos};
    e.label = dup_or_null(label, &ok);
    if (!ok)
        return false;
    g->edges[g->nedges++] = e;
    return true;
}

bool ff_imp_note(struct ff_diags *diags, enum ff_severity sev, const char *file, struct ff_pos pos,
                 const char *path, const char *code, const char *fmt, ...)
{
    char msg[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ff_diags_add(diags, sev, file, pos, path ? path : "graph", code, msg) == FF_OK;
}

/* graph_int.h - internals shared by graph_build.c, graph_layout.c, graph_export.c and
 * import_dot.c: a growing text buffer, the capture of Graphviz's messages, and the
 * chart -> cgraph builder.
 */
#ifndef FF_GRAPH_INT_H
#define FF_GRAPH_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <graphviz/gvc.h>

#include "fieldflow/graph.h"

/* A NUL-terminated text that grows through ff_realloc. After the first failed allocation
 * `oom` stays set and further appends do nothing, so callers check once at the end. */
struct ff_gbuf {
    char *p;    /* the text, NUL-terminated when n > 0; NULL before the first append */
    size_t n;   /* bytes used, without the NUL */
    size_t cap; /* bytes allocated */
    bool oom;   /* an allocation failed */
};

void ff_gbuf_add(struct ff_gbuf *b, const char *s, size_t n);
void ff_gbuf_puts(struct ff_gbuf *b, const char *s);
void ff_gbuf_printf(struct ff_gbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string, quotes included. */
void ff_gbuf_json_str(struct ff_gbuf *b, const char *s);
/* Hands the text to the caller (never NULL unless oom: "" for an empty buffer). */
enum ff_err ff_gbuf_take(struct ff_gbuf *b, char **out, size_t *len);
void ff_gbuf_free(struct ff_gbuf *b);

/* Graphviz reports through a process-wide callback with no user pointer, so its messages
 * are collected in one static buffer between begin and end. end() returns the text
 * ("" when none), valid until the next begin(). Calls do not nest. */
void ff_gv_capture_begin(void);
const char *ff_gv_capture_end(void);
/* Appends each captured line to diags (when not NULL) as a finding of the given severity. */
void ff_gv_capture_to_diags(const char *text, const char *file, enum ff_severity sev,
                            struct ff_diags *diags);
/* Appends one finding (through the loader's ff_diags_add): file, path and message are
 * copied, code must be a string literal. Returns false when out of memory. */
bool ff_graph_diag(struct ff_diags *diags, enum ff_severity sev, const char *file, const char *path,
                   const char *code, const char *message);

/* One edge the builder made, in the order made: all `next` links and options by node. */
struct ff_gedge {
    Agedge_t *e;
    int from, to;
    int option; /* option index, or -1 */
    bool highlighted;
};

/* A chart drawn as a cgraph graph, not yet laid out. */
struct ff_gbuilt {
    Agraph_t *g;            /* owned: agclose() */
    Agnode_t **nodes;       /* chart->nnodes entries, by chart index */
    bool *node_lit;         /* chart->nnodes: highlighted */
    struct ff_gedge *edges; /* nedges entries */
    size_t nedges;
};

/* Builds the graph with standard symbols, colours, wrapped labels and highlights. disc may
 * be NULL (Graphviz's default I/O). On failure returns FF_ENOMEM/FF_EGRAPHVIZ and leaves
 * *out zeroed. */
enum ff_err ff_graph_build(const struct ff_chart *chart, const char *locale,
                           const struct ff_layout_opts *opts, Agdisc_t *disc,
                           struct ff_gbuilt *out);
void ff_graph_built_free(struct ff_gbuilt *b);

/* locale, or the chart's fallback locale when NULL; never NULL. */
const char *ff_graph_locale(const struct ff_chart *chart, const char *locale);
/* The shape of a node kind. */
enum ff_shape ff_graph_shape_of(enum ff_node_kind kind);
/* `text` wrapped at spaces to lines of at most `width` code points, '\n' between lines.
 * Caller frees with ff_free(); NULL when out of memory. */
char *ff_graph_wrap(const char *text, int width);

/* The layout handle's Graphviz side, for the renderer in graph_export.c. */
void ff_layout_set_error(struct ff_layout *l, const char *what, const char *detail);
GVC_t *ff_layout_gvc(struct ff_layout *l);
Agraph_t *ff_layout_graph(struct ff_layout *l);

#endif

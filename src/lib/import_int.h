/* import_int.h - a drawing read from DOT, Mermaid or draw.io, before it becomes a chart.
 *
 * Each front end (import_dot.c, import_mermaid.c, import_drawio.c) only parses its format
 * into a struct ff_imp_graph: nodes with a plain-text label, a shape family and the
 * position in the source file where the node was first written; edges with an optional
 * label and their own position. The one back end (import_build.c) then decides kinds
 * (start and end conventions, decisions from diamonds or from labelled out-edges, inputs
 * from parallelograms), writes the chart document, and reports everything it assumed or
 * dropped at the source line and column, never at a line of the generated JSON.
 *
 * Strings in the graph are owned by it (ff_malloc'd, NUL-terminated UTF-8) and freed by
 * ff_imp_graph_free(). A front end sets hint and extra directly (ff_strdup) after adding
 * the node or edge; only our own export writes them.
 */
#ifndef FF_IMPORT_INT_H
#define FF_IMPORT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "fieldflow/chart.h"

/* The flowchart meaning a source's shape carries, before the graph's structure is seen. */
enum ff_imp_shape {
    FF_IMP_SHAPE_DEFAULT,    /* no shape written: the format's default (DOT ellipse, Mermaid box) */
    FF_IMP_SHAPE_TERMINAL,   /* ellipse, oval, stadium, rounded box, circle: start or end */
    FF_IMP_SHAPE_START,      /* Mdiamond, a filled small circle: start */
    FF_IMP_SHAPE_END,        /* Msquare, doublecircle, double circle: end */
    FF_IMP_SHAPE_PROCESS,    /* box, rect, rectangle, square: step */
    FF_IMP_SHAPE_DECISION,   /* diamond, rhombus: decision */
    FF_IMP_SHAPE_DATA,       /* parallelogram, Mermaid [/ /]: input */
    FF_IMP_SHAPE_DOCUMENT,   /* note, document: a step (kb needs an article the drawing lacks) */
    FF_IMP_SHAPE_SUBROUTINE, /* component, subroutine [[ ]], predefined process: a step */
    FF_IMP_SHAPE_OTHER,      /* anything else: a step, reported with shape_name */
};

struct ff_imp_node {
    char *name;  /* the source's own id (DOT node name, Mermaid id, draw.io cell id) */
    char *label; /* plain text (HTML, record fields, escapes reduced); NULL = use name */
    enum ff_imp_shape shape;
    char *shape_name;  /* the shape as written in the source, for messages; may be NULL */
    char *hint;        /* fieldflow's own export marks ("ff-kb ff-outcome-escalated"); NULL */
    char *extra;       /* fieldflow's own export data: a JSON object with the node's members
                          that a drawing cannot show (title in every locale, body, fields,
                          article, actions, chart, outcome, success); NULL otherwise */
    struct ff_pos pos; /* where the node is first written in the source */
};

struct ff_imp_edge {
    size_t from, to; /* indexes into nodes */
    char *label;     /* NULL when unlabelled */
    char *extra;     /* fieldflow's own export data for an option: {"id", "label"}; NULL */
    struct ff_pos pos;
};

struct ff_imp_graph {
    const char *file;   /* names the input in findings (borrowed) */
    const char *format; /* "dot", "mermaid", "drawio" (static) */
    char *name;         /* graph name or file stem, for the chart id; may be NULL */
    char *title;        /* graph label or title; may be NULL */
    char *extra;        /* fieldflow's own export data: a JSON object with the chart's members
                           (id, version, title, category, audience, touchpoints, locales,
                           time_limits); NULL otherwise */
    struct ff_pos pos;  /* where the graph begins (its keyword); line 0 when unknown */
    struct ff_imp_node *nodes;
    size_t nnodes, capnodes;
    struct ff_imp_edge *edges; /* in source order */
    size_t nedges, capedges;
};

void ff_imp_graph_free(struct ff_imp_graph *g);
/* Adds a node; copies the strings. Returns its index, or -1 when out of memory. */
long ff_imp_add_node(struct ff_imp_graph *g, const char *name, const char *label,
                     enum ff_imp_shape shape, const char *shape_name, struct ff_pos pos);
/* Index of the node named `name`, or -1. */
long ff_imp_find_node(const struct ff_imp_graph *g, const char *name);
/* Adds an edge; copies the label. Returns false when out of memory (or an index is out of
 * range). */
bool ff_imp_add_edge(struct ff_imp_graph *g, size_t from, size_t to, const char *label,
                     struct ff_pos pos);
/* Appends a finding at a source position (pos.line 0: none) with a printf message. Returns
 * false when out of memory. `code` must be a string literal. */
bool ff_imp_note(struct ff_diags *diags, enum ff_severity sev, const char *file, struct ff_pos pos,
                 const char *path, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* The front ends: parse `len` bytes (not NUL-terminated) named `file` into *out (zeroed by
 * the caller; freed by the caller with ff_imp_graph_free() whatever the result). Syntax
 * errors and bounds are findings at a source position. FF_OK; FF_EPARSE (not this
 * format, or a syntax error), FF_ELIMIT (too big), FF_EINVALID (a drawing no flowchart can
 * come from, e.g. an undirected DOT graph), FF_ENOMEM. Labels are reduced to plain UTF-8 text here
 * (DOT charset=latin1 converted, HTML-like and record labels flattened, draw.io HTML
 * values stripped, Mermaid quotes and entities decoded). */
enum ff_err ff_imp_read_dot(const char *buf, size_t len, const char *file, struct ff_diags *diags,
                            struct ff_imp_graph *out);
enum ff_err ff_imp_read_mermaid(const char *buf, size_t len, const char *file,
                                struct ff_diags *diags, struct ff_imp_graph *out);
enum ff_err ff_imp_read_drawio(const char *buf, size_t len, const char *file,
                               struct ff_diags *diags, struct ff_imp_graph *out);

/* The back end: writes the chart document (format 1 JSON, one locale) for the graph,
 * reporting every assumption and drop at its source position, then checks it with
 * ff_chart_parse() and reports the loader's findings at the source position of the node
 * they concern. FF_OK with *json_out (ff_free) when it is a valid chart; FF_EINVALID,
 * FF_ELIMIT or FF_ENOMEM with *json_out NULL. */
enum ff_err ff_imp_build(const struct ff_imp_graph *g, const char *locale, struct ff_diags *diags,
                         char **json_out);

#endif

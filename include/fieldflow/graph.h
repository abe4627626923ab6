/* graph.h - flowcharts as drawings: layout and export, through Graphviz.
 *
 * Layout is Graphviz `dot` (libgvc); we never place a node ourselves. A struct ff_layout
 * holds one laid-out chart: node boxes and edge splines in points with y pointing DOWN and
 * the origin at the top-left of the bounding box, so a UI draws them as they come. The same
 * handle renders SVG, PDF and PNG. DOT and Mermaid text are written without a layout.
 *
 * Expected workload: charts of 5-500 nodes laid out once per open (the app) or per export
 * (ffctl); 2000 nodes must still work. Graphviz is not thread-safe: call this module from
 * one thread at a time.
 *
 * Graphviz's own messages never reach stderr: they become the handle's last error text (or
 * findings in a struct ff_diags, where a call takes one).
 */
#ifndef FIELDFLOW_GRAPH_H
#define FIELDFLOW_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "fieldflow/chart.h"
#include "fieldflow/err.h"

/* Bounds on DOT input to ff_import() (fieldflow/import.h); exceeding one is FF_ELIMIT. */
#define FF_DOT_MAX_BYTES (1024u * 1024u)
#define FF_DOT_MAX_TOKENS 200000u /* identifiers and strings, checked before Graphviz parses */

/* Titles are wrapped at spaces to lines of at most this many characters. */
#define FF_LAYOUT_WRAP 24

/* How a node is drawn (Graphviz shape names in comments). */
enum ff_shape {
    FF_SHAPE_OVAL,          /* ellipse: start, end */
    FF_SHAPE_BOX,           /* box: step */
    FF_SHAPE_NOTE,          /* note (folded corner): kb */
    FF_SHAPE_DOUBLE_BOX,    /* box, peripheries=2: action */
    FF_SHAPE_COMPONENT,     /* component: subchart */
    FF_SHAPE_DIAMOND,       /* diamond: decision */
    FF_SHAPE_PARALLELOGRAM, /* parallelogram: input */
};

/* Optional settings of a layout or export; a zeroed struct (or NULL) means the defaults. */
struct ff_layout_opts {
    /* A run's path to highlight: node ids in the order visited, and optionally the option
     * id chosen at each (choices[i] belongs to path[i]; NULL entries or a NULL array mean
     * "not recorded"). The edge path[i] -> path[i+1] is highlighted; at a decision with a
     * recorded choice, only that option's edge. Ids the chart lacks are ignored. */
    const char *const *path;
    const char *const *choices;
    size_t npath;
    int wrap;               /* title wrap width in characters; 0 = FF_LAYOUT_WRAP */
    struct ff_diags *diags; /* optional: receives Graphviz warnings as findings */
};

struct ff_point {
    double x, y; /* points (1/72 inch), y down */
};

/* One laid-out node. Strings belong to the layout. */
struct ff_layout_node {
    int index; /* into chart->nodes */
    enum ff_node_kind kind;
    enum ff_shape shape;
    struct ff_point center;
    double width, height; /* points */
    const char *label;    /* the wrapped title in the layout's locale; '\n' between lines */
    bool success;         /* end nodes: tagged success */
    bool highlighted;
};

/* One laid-out edge: a `next` link, or one option of a decision. */
struct ff_layout_edge {
    int from, to;                  /* node indexes */
    int option;                    /* option index at the decision `from`, or -1 for a `next` */
    const char *label;             /* the option label, or NULL */
    const struct ff_point *points; /* cubic Bézier: points[0], then 3 per segment */
    size_t npoints;
    bool has_arrow;
    struct ff_point arrow; /* arrowhead tip; the spline ends at the arrowhead's base */
    bool has_label;
    struct ff_point label_pos; /* centre of the label */
    bool highlighted;
};

struct ff_layout;

/* Lays out `chart` with text in `locale` (the chart's fallback if it lacks it; NULL = the
 * first locale). The chart is borrowed only during the call. Returns FF_OK with *out set;
 * FF_EINVAL, FF_ENOMEM, or FF_EGRAPHVIZ (the message in opts->diags when given) with
 * *out NULL. */
enum ff_err ff_layout_new(const struct ff_chart *chart, const char *locale,
                          const struct ff_layout_opts *opts, struct ff_layout **out);
void ff_layout_free(struct ff_layout *layout); /* NULL is fine */

/* The bounding box: everything lies within 0 <= x <= width, 0 <= y <= height. */
void ff_layout_size(const struct ff_layout *layout, double *width, double *height);
size_t ff_layout_node_count(const struct ff_layout *layout);
/* The i-th laid-out node, in chart order (so ->index == i); NULL when out of range. */
const struct ff_layout_node *ff_layout_node(const struct ff_layout *layout, size_t i);
size_t ff_layout_edge_count(const struct ff_layout *layout);
const struct ff_layout_edge *ff_layout_edge(const struct ff_layout *layout, size_t i);

enum ff_export_format {
    FF_EXPORT_SVG,
    FF_EXPORT_PDF,
    FF_EXPORT_PNG,
    FF_EXPORT_DOT,
    FF_EXPORT_MERMAID,
};

/* "svg", "pdf", "png", "dot", "mermaid" -> format; FF_EINVAL for anything else. */
enum ff_err ff_export_format_parse(const char *name, enum ff_export_format *out);
/* True for the formats whose bytes are not text (pdf, png). */
bool ff_export_format_binary(enum ff_export_format format);

/* Renders the layout as SVG, PDF or PNG. On FF_OK *out is a buffer of *len bytes (plus a
 * NUL not counted) that the caller frees with ff_free(). On failure (FF_EINVAL for DOT or
 * Mermaid, FF_EGRAPHVIZ, FF_ENOMEM) *out is NULL and ff_layout_errmsg() says why. */
enum ff_err ff_layout_render(struct ff_layout *layout, enum ff_export_format format, char **out,
                             size_t *len);
/* The last error text of the layout; "" when none. Belongs to the layout. */
const char *ff_layout_errmsg(const struct ff_layout *layout);

/* Writes the chart as DOT (Graphviz's own writer, with the shapes, colours and labels of the
 * layout and our own marks; ff_import() reads it back) or as a Mermaid `flowchart TD`. The caller
 * frees *out with ff_free(). FF_EINVAL, FF_ENOMEM or FF_EGRAPHVIZ, with *out NULL. */
enum ff_err ff_chart_to_dot(const struct ff_chart *chart, const char *locale,
                            const struct ff_layout_opts *opts, char **out, size_t *len);
enum ff_err ff_chart_to_mermaid(const struct ff_chart *chart, const char *locale, char **out,
                                size_t *len);

#endif

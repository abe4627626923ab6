/* import_marks.h - reading our own export's marks in a drawing (import_marks.c).
 *
 * ff_chart_to_dot writes, besides the kind in `class` ("ff-kb ff-outcome-escalated"), an
 * ff_data JSON object on the graph, each node and each option edge with what a drawing
 * cannot show (docs/internals/import.md). The back end (import_build.c) reads them here.
 * cJSON allocates through ff_malloc only between ff_imp_marks_begin() and _end(), which
 * also tell whether an allocation failed in between (a parse that failed for memory must
 * be FF_ENOMEM, not "unreadable").
 */
#ifndef FF_IMPORT_MARKS_H
#define FF_IMPORT_MARKS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "graph_int.h"

/* Routes cJSON's allocations through ff_malloc and clears the out-of-memory flag. */
void ff_imp_marks_begin(void);
/* Restores cJSON's own allocator; returns true when an allocation failed since begin. */
bool ff_imp_marks_end(void);

/* The JSON object in `text`; NULL when text is NULL, not an object, or memory ran out. */
cJSON *ff_imp_mark_parse(const char *text);

/* The kind (enum ff_node_kind, or -1), outcome code (static, or NULL) and success (false
 * only for "ff-failure") that a `class` hint names. */
void ff_imp_hint_read(const char *hint, int *kind, const char **outcome, bool *success);

/* Appends `, "key": <obj's member>` to o when obj has that member; returns whether it did.
 * *oom goes true when printing ran out of memory. */
bool ff_imp_mark_put(struct ff_gbuf *o, const cJSON *obj, const char *key, bool *oom);

/* Reorders idx[0..n) by the numeric "at" member of mark(ctx, idx[k]), when every one has
 * it (Graphviz's writer does not keep the chart's order); else leaves it as drawn. False
 * when out of memory. */
bool ff_imp_order_by_at(size_t *idx, size_t n, const cJSON *(*mark)(const void *ctx, size_t i),
                        const void *ctx);

#endif

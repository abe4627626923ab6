/* diff.h - what changed between two versions of a chart.
 *
 * ff_diff_charts() compares two loaded (hence validated) charts, OLD and NEW, and returns
 * the list of changes: nodes, options, fields, choices, actions and time limits added,
 * removed, changed or moved; texts changed per locale; chart metadata changed; and which
 * node ids were kept or broken. It formats nothing: `ffctl diff` prints the list as text
 * or JSON (docs/internals/diff.md defines both, and what "moved" means).
 *
 * A NEW chart that reuses a node id of OLD for another kind of node is refused: analytics
 * would count two different things under one id.
 */
#ifndef FIELDFLOW_DIFF_H
#define FIELDFLOW_DIFF_H

#include <stddef.h>

#include "fieldflow/chart.h"
#include "fieldflow/err.h"

/* What happened to the thing a change names. */
enum ff_diff_op {
    FF_DIFF_ADDED,   /* only in NEW */
    FF_DIFF_REMOVED, /* only in OLD; a removed node is a broken id */
    FF_DIFF_CHANGED, /* in both, an attribute differs */
    FF_DIFF_MOVED,   /* in both, its place in the flow differs (an edge in or out) */
};

/* What kind of thing a change names. */
enum ff_diff_entity {
    FF_DIFF_CHART,  /* chart metadata */
    FF_DIFF_LIMIT,  /* a time limit, by id */
    FF_DIFF_NODE,   /* a node, by id */
    FF_DIFF_OPTION, /* a decision's option, by node id and option id */
    FF_DIFF_FIELD,  /* an input's field, by node id and field name */
    FF_DIFF_CHOICE, /* a choice of a field, by node id, field name and choice id */
    FF_DIFF_ACTION, /* an action, by node id and "kind" or "kind#n" (the n-th of that kind) */
};

/* The section a change is reported under. Every text change (any entity) is a text. */
enum ff_diff_group {
    FF_DIFF_GROUP_CHART,
    FF_DIFF_GROUP_LIMITS,
    FF_DIFF_GROUP_NODES,
    FF_DIFF_GROUP_OPTIONS,
    FF_DIFF_GROUP_FIELDS,
    FF_DIFF_GROUP_ACTIONS,
    FF_DIFF_GROUP_TEXTS,
};
#define FF_DIFF_GROUP_COUNT 7

/* How a value reads: a string is quoted when shown to people, the others are not. */
enum ff_diff_value { FF_DIFF_STRING, FF_DIFF_NUMBER, FF_DIFF_BOOL, FF_DIFF_NAME, FF_DIFF_LIST };

/* One change. All strings belong to the struct ff_diff (not to the charts). */
struct ff_diff_change {
    enum ff_diff_op op;
    enum ff_diff_entity entity;
    enum ff_diff_group group;
    enum ff_diff_value type; /* how old and new read */
    const char *limit;       /* FF_DIFF_LIMIT: the time limit id; else NULL */
    const char *node;        /* node id; NULL for chart and time-limit changes */
    const char *item;        /* option id, field name or action "kind[#n]"; else NULL */
    const char *choice;      /* FF_DIFF_CHOICE: the choice id; else NULL */
    const char *attr;        /* the JSON key that changed ("title", "next", "incoming"...);
                                NULL for an entity added or removed */
    const char *locale;      /* text changes: the locale; else NULL */
    const char *old_value;   /* NULL when absent; for an added/removed entity see diff.md */
    const char *new_value;
    struct ff_pos old_pos, new_pos; /* where in OLD / NEW (line 0: nowhere, e.g. removed) */
};

/* The list of changes; opaque. */
struct ff_diff;

/* Compares OLD and NEW, both as returned by ff_chart_load/ff_chart_parse. Returns FF_OK
 * with *out set (an empty list when nothing changed); FF_EINVALID with *out NULL when NEW
 * reuses a node id of OLD for another kind of node (one finding per such node in diags,
 * code "kind-changed", at NEW's file:line:col); FF_ENOMEM with *out NULL. The charts are
 * borrowed and may be freed before the diff. */
enum ff_err ff_diff_charts(const struct ff_chart *old_chart, const struct ff_chart *new_chart,
                           struct ff_diags *diags, struct ff_diff **out);

void ff_diff_free(struct ff_diff *diff); /* NULL is fine */

size_t ff_diff_count(const struct ff_diff *diff);
/* The i-th change, i < ff_diff_count(); changes of one group keep the order of NEW (then
 * OLD for what NEW lacks). */
const struct ff_diff_change *ff_diff_at(const struct ff_diff *diff, size_t i);

/* Node ids: kept (in both), broken (in OLD only), added (in NEW only). */
struct ff_diff_ids {
    size_t kept, broken, added;
};
struct ff_diff_ids ff_diff_node_ids(const struct ff_diff *diff);

/* Stable spellings, used in the JSON output. */
const char *ff_diff_op_name(enum ff_diff_op op);
const char *ff_diff_entity_name(enum ff_diff_entity entity);
const char *ff_diff_group_name(enum ff_diff_group group);

#endif

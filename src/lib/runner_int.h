/* runner_int.h - the insides of struct ff_run, shared by runner.c (the state machine),
 * runner_snapshot.c (JSON out and in) and runner_input.c (checking a submit).
 *
 * Invariants of a struct ff_run between calls:
 *   - 1 <= pos.depth <= FF_RUN_MAX_DEPTH; frames[0] is the root chart; every frame below
 *     the top stands on a subchart node that calls the chart of the frame above it;
 *   - the top frame stands on an interactive node (start, step, decision, input, kb,
 *     action), or on an end when depth == 1 (the run has ended);
 *   - hist[i] holds the position before the i-th undoable step; its top frame stands on
 *     the interactive node where the step was taken;
 *   - tr[i].seq == i + 1, implicitly.
 */
#ifndef FIELDFLOW_RUNNER_INT_H
#define FIELDFLOW_RUNNER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/field.h"
#include "fieldflow/runner.h"

#define RUN_LOCALE_MAX 32                  /* bytes of a locale tag, NUL included */
#define RUN_FIELD_MSG_MAX FF_FIELD_MSG_MAX /* bytes of one localized field message */
#define RUN_MAX_PINNED 64 /* charts one run can reach (root and subcharts, by id) */

struct run_frame {
    const struct ff_chart *chart; /* a chart of the library */
    int node;                     /* index into chart->nodes */
};

/* A time limit that has started and not yet reached its `to`. */
struct run_limit {
    const struct ff_chart *chart; /* the chart declaring it */
    int limit;                    /* index into chart->limits */
    int64_t started_ms;           /* when its `from` was entered */
    bool breached;                /* a breach entry was written */
};

/* Everything an operation may change besides the growing arrays; copied whole to roll
 * back a failed operation. */
struct run_pos {
    struct run_frame frames[FF_RUN_MAX_DEPTH]; /* frames[depth - 1] is current */
    size_t depth;
    struct run_limit limits[FF_RUN_MAX_LIMITS]; /* running limits, in start order */
    size_t nlimits;
};

struct run_value {
    char *name;  /* owned */
    char *value; /* owned, never empty */
};

/* One undoable step: where the run stood before it, and what it answered. */
struct run_step {
    struct run_frame frames[FF_RUN_MAX_DEPTH];
    size_t depth;
    struct run_value *values; /* input values submitted at this step, owned; or NULL */
    size_t nvalues;
};

struct run_entry {
    const struct ff_chart *chart; /* chart of the node */
    int node;                     /* index into chart->nodes */
    enum ff_run_event event;
    char *answer; /* owned, or NULL */
    int64_t time_ms;
    const struct ff_chart *limit_chart; /* breach: the chart declaring the limit */
    int limit;                          /* breach: index into limit_chart->limits, else -1 */
};

struct ff_run {
    const struct ff_library *lib; /* borrowed; outlives the run */
    char locale[RUN_LOCALE_MAX];
    int utc_offset_min; /* the user's local time minus UTC; gives "today" for date fields */
    struct run_pos pos;
    /* The chart version the run uses for each id it can reach: the root first, then every
     * chart its subchart nodes call, transitively, as the library had them when the run
     * started. A version published later does not change a running walk. */
    const struct ff_chart *pinned[RUN_MAX_PINNED];
    size_t npinned;
    struct run_step *hist; /* undo stack, oldest first */
    size_t nhist, caphist;
    struct run_entry *tr; /* transcript */
    size_t ntr, captr;
    size_t nfield_msgs; /* fields of the last refused submit, else 0 */
    char field_msg[FF_CHART_MAX_FIELDS][RUN_FIELD_MSG_MAX]; /* "" = field passed */
    char errmsg[512];
};

/* runner.c */
struct ff_run *ff_run__alloc(const struct ff_library *lib, const char *locale);
enum ff_err ff_run__tr_append(struct ff_run *run, const struct ff_chart *chart, int node,
                              enum ff_run_event event, const char *answer, int64_t now_ms);
enum ff_err ff_run__hist_push(struct ff_run *run, const struct run_frame *frames, size_t depth,
                              struct run_value *values, size_t nvalues);
void ff_run__values_free(struct run_value *values, size_t n);
/* Pins the latest library version of every chart reachable through subchart nodes from the
 * charts already in run->pinned (ids pinned already keep their version). FF_ELIMIT beyond
 * RUN_MAX_PINNED charts. */
enum ff_err ff_run__pin(struct ff_run *run);
/* The pinned chart with this id, or NULL. */
const struct ff_chart *ff_run__pinned(const struct ff_run *run, const char *id);
bool ff_run__node_interactive(enum ff_node_kind kind);

/* runner_input.c: checks the values submitted at input node n of chart (field messages in
 * run->field_msg, the failure in run->errmsg) and returns the accepted normal forms, owned,
 * as *kept (empty fields left out) and as compact JSON (*json, cJSON_free). Changes nothing
 * else. FF_EINVALID when a field failed, FF_ENOTFOUND / FF_EINVAL / FF_ELIMIT for values
 * that match no field, repeat one or are too many, FF_ENOMEM. */
enum ff_err ff_run__input_take(struct ff_run *run, const struct ff_chart *chart,
                               const struct ff_node *n, const struct ff_run_value *values,
                               size_t nvalues, int64_t now_ms, struct run_value **kept,
                               size_t *nkept, char **json);

#endif

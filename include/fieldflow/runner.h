/* runner.h - walking a flowchart: a deterministic state machine over a chart library.
 *
 * A struct ff_run is one walk through one chart (and the subcharts it calls) by one user.
 * It is deterministic: no function reads a clock; every operation takes `now_ms` from the
 * caller, and the same calls with the same times give the same transcript, byte for byte.
 *
 * Node kinds and what moves the run on:
 *   start, step, kb, action   ff_run_next()    (acknowledge / continue)
 *   decision                  ff_run_choose()  (an option id)
 *   input                     ff_run_submit()  (field values, validated)
 *   subchart                  nothing: entering it enters the called chart at its start;
 *                             the called chart's end returns to the subchart node's `next`
 *   end                       nothing: the run has ended (ff_run_back/restart still work)
 *
 * Every operation either succeeds completely or returns an error and changes nothing
 * (transcript, answers, history and limits included). The detail of the last failure is
 * ff_run_errmsg(). The library passed to ff_run_start/ff_run_restore is borrowed and must
 * outlive the run; the run keeps pointers into its charts.
 *
 * The runner performs no actions (no store here): the transcript entry that acknowledges
 * an action node names its actions, for the store to turn into events.
 */
#ifndef FIELDFLOW_RUNNER_H
#define FIELDFLOW_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/chart.h"
#include "fieldflow/err.h"

#define FF_RUN_SNAPSHOT_FORMAT 1

/* Bounds; exceeding one is FF_ELIMIT, never a crash or an unbounded allocation. */
#define FF_RUN_MAX_DEPTH 8           /* nested subchart frames, the root chart included */
#define FF_RUN_MAX_HISTORY 10000     /* undoable steps */
#define FF_RUN_MAX_TRANSCRIPT 100000 /* transcript entries */
#define FF_RUN_MAX_LIMITS 32         /* time limits tracked at once */
#define FF_RUN_MAX_VALUE 8192        /* bytes in one submitted field value */
#define FF_RUN_MAX_SNAPSHOT (16u * 1024u * 1024u) /* bytes of snapshot JSON */
#define FF_RUN_MAX_UTC_OFFSET (18 * 60)           /* minutes either side of UTC */

struct ff_run;

enum ff_run_event {
    FF_RUN_EV_ENTER,          /* a node was entered */
    FF_RUN_EV_CHOOSE,         /* an option was chosen at a decision; answer = option id */
    FF_RUN_EV_SUBMIT,         /* input accepted; answer = compact JSON object of values */
    FF_RUN_EV_NEXT,           /* a start/step/kb/action node was acknowledged */
    FF_RUN_EV_BACK,           /* the last step was undone; node = the node left */
    FF_RUN_EV_RESTART,        /* the run went back to the start; node = the node left */
    FF_RUN_EV_SUBCHART_ENTER, /* at a subchart node; answer = the called chart's id */
    FF_RUN_EV_SUBCHART_LEAVE, /* at the called chart's end; answer = its outcome */
    FF_RUN_EV_END,            /* the root chart reached an end; answer = the outcome */
    FF_RUN_EV_LIMIT_BREACHED, /* a time limit was found exceeded; limit_id names it */
};

/* One transcript entry, as a view: strings belong to the run or its charts and stay valid
 * until the run is freed. */
struct ff_run_entry {
    uint64_t seq;         /* 1, 2, 3... without gaps */
    const char *chart_id; /* chart of the node */
    int chart_version;
    const char *node_id;
    enum ff_node_kind kind; /* kind of the node */
    enum ff_run_event event;
    const char *answer;              /* option id, JSON object, outcome, chart id or NULL */
    int64_t time_ms;                 /* the now_ms of the operation that made it */
    const struct ff_action *actions; /* FF_RUN_EV_NEXT at an action node: its actions */
    size_t nactions;
    const char *limit_id; /* FF_RUN_EV_LIMIT_BREACHED: the limit; else NULL */
};

/* One submitted field value; both strings borrowed for the call. */
struct ff_run_value {
    const char *name;
    const char *value;
};

/* One time limit that is running (started and not yet stopped by reaching its `to`). */
struct ff_run_limit {
    const struct ff_chart *chart;      /* the chart that declares it */
    const struct ff_time_limit *limit; /* id, label, from, to, seconds */
    int64_t started_ms;
    int64_t remaining_ms; /* negative once exceeded */
    bool breached;        /* a breach entry has been written */
};

/* Starts a run of chart `chart_id` (`version` 0 = the highest in lib) at its start node,
 * with texts and field messages in `locale` (NULL = the chart's first locale).
 * FF_ENOTFOUND when no such chart exists, FF_EINVALID when it has no start node,
 * FF_ENOMEM. On failure *out is NULL. */
enum ff_err ff_run_start(const struct ff_library *lib, const char *chart_id, int version,
                         const char *locale, int64_t now_ms, struct ff_run **out);
void ff_run_free(struct ff_run *run); /* NULL is fine */

/* The last failure's detail; "" when there was none. Belongs to the run. */
const char *ff_run_errmsg(const struct ff_run *run);

/* Where the run is: the chart of the innermost frame and the node in it. */
const struct ff_chart *ff_run_chart(const struct ff_run *run);
int ff_run_node_index(const struct ff_run *run);
const struct ff_node *ff_run_node(const struct ff_run *run);
size_t ff_run_depth(const struct ff_run *run); /* 1 = in the root chart */
bool ff_run_ended(const struct ff_run *run);   /* at an end of the root chart */
bool ff_run_can_back(const struct ff_run *run);
const char *ff_run_locale(const struct ff_run *run);
/* Changes the locale of texts and messages; not recorded in the transcript. */
enum ff_err ff_run_set_locale(struct ff_run *run, const char *locale);
/* The user's local time minus UTC, in minutes (-FF_RUN_MAX_UTC_OFFSET..+): date fields
 * check min_days/max_days against the local date at the operation's now_ms. Default 0
 * (UTC); the caller looks the offset up (the runner reads no clock and no time zone) and
 * may change it at any time, e.g. across a daylight-saving change. Not recorded in the
 * transcript; kept in snapshots. FF_EINVAL when out of range. */
enum ff_err ff_run_set_utc_offset(struct ff_run *run, int minutes);
int ff_run_utc_offset(const struct ff_run *run);
/* ff_text_get() of t in the current chart and the run's locale. */
const char *ff_run_text(const struct ff_run *run, const struct ff_text *t);
/* The value of field `name` among the answers on the current path (the latest submit
 * wins), or NULL. Undone steps take their answers with them. */
const char *ff_run_answer(const struct ff_run *run, const char *name);

/* Acknowledges a start, step, kb or action node. FF_ESTATE at other kinds. */
enum ff_err ff_run_next(struct ff_run *run, int64_t now_ms);
/* Chooses option `option_id` at a decision. FF_ENOTFOUND when it has no such option
 * (the message lists the options), FF_ESTATE when not at a decision. */
enum ff_err ff_run_choose(struct ff_run *run, const char *option_id, int64_t now_ms);
/* Submits values for the input node's fields. Fields without a value count as empty.
 * Values are checked and recorded in normal form by ff_field_normalize() (field.h), in the
 * run's locale, for the chart's countries and the run's local date at now_ms.
 * FF_EINVALID when a value fails its field's checks: ff_run_field_error() then gives a
 * localized message per failing field. FF_ENOTFOUND for a name that is no field here,
 * FF_EINVAL for a name given twice, FF_ESTATE when not at an input node. */
enum ff_err ff_run_submit(struct ff_run *run, const struct ff_run_value *values, size_t nvalues,
                          int64_t now_ms);
/* After ff_run_submit: the message for field `field_index` of the input node (index into
 * node->fields), or NULL when that field passed. Cleared by the next operation. */
const char *ff_run_field_error(const struct ff_run *run, size_t field_index);
/* Undoes the last step: back to the previous interactive node, across subchart frames,
 * with the answers as they were there. FF_ESTATE when there is nothing to undo. */
enum ff_err ff_run_back(struct ff_run *run, int64_t now_ms);
/* Back to the root chart's start; history and answers are cleared, limits reset. The
 * transcript keeps growing. */
enum ff_err ff_run_restart(struct ff_run *run, int64_t now_ms);
/* Only checks time limits at now_ms (writes breach entries); for a UI timer. */
enum ff_err ff_run_tick(struct ff_run *run, int64_t now_ms);

/* The running time limits at now_ms: fills up to cap entries of out and returns how many
 * are running (which may be more than cap). Does not write breach entries. */
size_t ff_run_limits_state(const struct ff_run *run, int64_t now_ms, struct ff_run_limit *out,
                           size_t cap);

size_t ff_run_transcript_count(const struct ff_run *run);
/* Fills *out with entry i (0-based); false when i is out of range. */
bool ff_run_transcript_at(const struct ff_run *run, size_t i, struct ff_run_entry *out);
/* The transcript as a JSON array (see docs/internals/runner.md). Caller frees *json_out
 * with ff_free. */
enum ff_err ff_run_transcript_json(const struct ff_run *run, char **json_out);

/* The whole run state as JSON (format FF_RUN_SNAPSHOT_FORMAT). Caller frees with ff_free. */
enum ff_err ff_run_snapshot(const struct ff_run *run, char **json_out);
/* Rebuilds a run from a snapshot. The snapshot is outside input and fully checked.
 * The charts it names must exist in lib with the same id, version and digest:
 * FF_EVERSION otherwise (also for an unknown snapshot format version), FF_ENOTFOUND when
 * the library lacks the chart id altogether. FF_EPARSE for malformed
 * JSON or a wrong structure, FF_ELIMIT for exceeded bounds, FF_ENOMEM. On failure *out
 * is NULL and, when err_out is not NULL, *err_out is a message the caller frees with
 * ff_free (it may be NULL if even that allocation failed). */
enum ff_err ff_run_restore(const struct ff_library *lib, const char *json, size_t len,
                           struct ff_run **out, char **err_out);

const char *ff_run_event_name(enum ff_run_event ev);
/* The event for a name from ff_run_event_name; false when unknown. */
bool ff_run_event_parse(const char *name, enum ff_run_event *out);

#endif

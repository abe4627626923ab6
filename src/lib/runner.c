/* runner.c - the run state machine: moving through nodes, subchart frames, undo history,
 * time limits and the transcript.
 *
 * Workload: one person tapping through a chart; a run sees tens to hundreds of operations,
 * so clarity wins over speed. Every operation follows the same shape: save the position,
 * append transcript entries and history, and on any failure roll all of it back
 * (op_begin / op_rollback), so a failed call changes nothing. Invariants are listed in
 * runner_int.h. Snapshots live in runner_snapshot.c, value checks in field_check.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fieldflow/mem.h"
#include "runner_int.h"

/* Guards the walk through subchart frames against a chart whose frames never settle. */
#define RUN_MAX_HOPS (4 * FF_RUN_MAX_DEPTH + 4)

struct op {
    struct run_pos pos; /* position before the operation */
    size_t ntr;         /* transcript length before */
    size_t nhist;       /* history length before */
};

__attribute__((format(printf, 2, 3))) static enum ff_err set_err(struct ff_run *run,
                                                                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->errmsg, sizeof run->errmsg, fmt, ap);
    va_end(ap);
    return FF_OK;
}

static struct run_frame *top(struct ff_run *run)
{
    return &run->pos.frames[run->pos.depth - 1];
}

static const struct ff_node *frame_node(const struct run_frame *f)
{
    return &f->chart->nodes[f->node];
}

bool ff_run__node_interactive(enum ff_node_kind kind)
{
    return kind != FF_NODE_SUBCHART && kind != FF_NODE_END;
}

struct ff_run *ff_run__alloc(const struct ff_library *lib, const char *locale)
{
    struct ff_run *run = ff_calloc(1, sizeof *run);
    if (!run)
        return NULL;
    run->lib = lib;
    snprintf(run->locale, sizeof run->locale, "%s", locale ? locale : "");
    return run;
}

void ff_run__values_free(struct run_value *values, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ff_free(values[i].name);
        ff_free(values[i].value);
    }
    ff_free(values);
}

static void hist_truncate(struct ff_run *run, size_t n)
{
    while (run->nhist > n) {
        struct run_step *s = &run->hist[--run->nhist];
        ff_run__values_free(s->values, s->nvalues);
    }
}

static void tr_truncate(struct ff_run *run, size_t n)
{
    while (run->ntr > n)
        ff_free(run->tr[--run->ntr].answer);
}

void ff_run_free(struct ff_run *run)
{
    if (!run)
        return;
    hist_truncate(run, 0);
    tr_truncate(run, 0);
    ff_free(run->hist);
    ff_free(run->tr);
    ff_free(run);
}

/* Makes room for one more element in a doubling array capped at `max` elements. */
static enum ff_err grow(void **arr, size_t *cap, size_t n, size_t elem, size_t max)
{
    if (n < *cap)
        return FF_OK;
    if (n >= max)
        return FF_ELIMIT;
    size_t ncap = *cap ? *cap * 2 : 16;
    if (ncap > max)
        ncap = max;
    void *p = ff_realloc(*arr, ncap * elem);
    if (!p)
        return FF_ENOMEM;
    *arr = p;
    *cap = ncap;
    return FF_OK;
}

enum ff_err ff_run__tr_append(struct ff_run *run, const struct ff_chart *chart, int node,
                              enum ff_run_event event, const char *answer, int64_t now_ms)
{
    void *arr = run->tr;
    enum ff_err err = grow(&arr, &run->captr, run->ntr, sizeof *run->tr, FF_RUN_MAX_TRANSCRIPT);
    run->tr = arr;
    if (err == FF_ELIMIT)
        set_err(run, "the transcript is full (%d entries)", FF_RUN_MAX_TRANSCRIPT);
    if (err)
        return err;
    char *copy = NULL;
    if (answer && !(copy = ff_strdup(answer)))
        return FF_ENOMEM;
    run->tr[run->ntr++] = (struct run_entry){chart, node, event, copy, now_ms, NULL, -1};
    return FF_OK;
}

enum ff_err ff_run__hist_push(struct ff_run *run, const struct run_frame *frames, size_t depth,
                              struct run_value *values, size_t nvalues)
{
    void *arr = run->hist;
    enum ff_err err = grow(&arr, &run->caphist, run->nhist, sizeof *run->hist, FF_RUN_MAX_HISTORY);
    run->hist = arr;
    if (err == FF_ELIMIT)
        set_err(run, "the undo history is full (%d steps)", FF_RUN_MAX_HISTORY);
    if (err)
        return err;
    struct run_step *s = &run->hist[run->nhist++];
    memset(s, 0, sizeof *s);
    memcpy(s->frames, frames, depth * sizeof *frames);
    s->depth = depth;
    s->values = values;
    s->nvalues = nvalues;
    return FF_OK;
}

static void op_begin(struct ff_run *run, struct op *op)
{
    op->pos = run->pos;
    op->ntr = run->ntr;
    op->nhist = run->nhist;
    run->errmsg[0] = '\0';
    run->nfield_msgs = 0;
}

static enum ff_err op_end(struct ff_run *run, const struct op *op, enum ff_err err)
{
    if (err == FF_OK)
        return FF_OK;
    run->pos = op->pos;
    tr_truncate(run, op->ntr);
    hist_truncate(run, op->nhist);
    if (err == FF_ENOMEM && !run->errmsg[0])
        set_err(run, "out of memory");
    return err;
}

/* ---- time limits ---- */

static int64_t sat_sub(int64_t a, int64_t b)
{
    if (b < 0 && a > INT64_MAX + b)
        return INT64_MAX;
    if (b > 0 && a < INT64_MIN + b)
        return INT64_MIN;
    return a - b;
}

static int64_t limit_ms(const struct ff_time_limit *l)
{
    if (l->seconds <= 0)
        return 0;
    return l->seconds > INT64_MAX / 1000 ? INT64_MAX : l->seconds * 1000;
}

static void limit_remove(struct run_pos *pos, size_t i)
{
    memmove(&pos->limits[i], &pos->limits[i + 1], (pos->nlimits - i - 1) * sizeof pos->limits[0]);
    pos->nlimits--;
}

/* Entering node `node` of `chart`: stops the limits that end here, starts those that begin
 * here. A limit already running keeps its start; past FF_RUN_MAX_LIMITS, more are not
 * tracked. The root chart's end stops every limit: the run is over. */
static void limits_on_enter(struct ff_run *run, const struct ff_chart *chart, int node,
                            int64_t now_ms)
{
    struct run_pos *pos = &run->pos;
    bool end = chart->nodes[node].kind == FF_NODE_END;
    bool root_end = end && pos->depth == 1;
    for (size_t i = pos->nlimits; i-- > 0;) {
        const struct run_limit *rl = &pos->limits[i];
        const struct ff_time_limit *l = &rl->chart->limits[rl->limit];
        if (root_end || (rl->chart == chart && (l->to_index == node || (!l->to && end))))
            limit_remove(pos, i);
    }
    for (size_t li = 0; li < chart->nlimits; li++) {
        if (chart->limits[li].from_index != node || pos->nlimits == FF_RUN_MAX_LIMITS)
            continue;
        bool running = false;
        for (size_t i = 0; i < pos->nlimits; i++)
            running |= pos->limits[i].chart == chart && pos->limits[i].limit == (int)li;
        if (!running)
            pos->limits[pos->nlimits++] = (struct run_limit){chart, (int)li, now_ms, false};
    }
}

/* Writes a breach entry for each running limit found exceeded at now_ms, once each. */
static enum ff_err check_limits(struct ff_run *run, int64_t now_ms)
{
    struct run_frame *f = top(run);
    for (size_t i = 0; i < run->pos.nlimits; i++) {
        struct run_limit *rl = &run->pos.limits[i];
        if (rl->breached ||
            sat_sub(now_ms, rl->started_ms) <= limit_ms(&rl->chart->limits[rl->limit]))
            continue;
        enum ff_err err =
            ff_run__tr_append(run, f->chart, f->node, FF_RUN_EV_LIMIT_BREACHED, NULL, now_ms);
        if (err)
            return err;
        /* At the current node, naming a limit of the chart that declares it (a caller's
         * limit keeps running inside a subchart). */
        run->tr[run->ntr - 1].limit_chart = rl->chart;
        run->tr[run->ntr - 1].limit = rl->limit;
        rl->breached = true;
    }
    return FF_OK;
}

size_t ff_run_limits_state(const struct ff_run *run, int64_t now_ms, struct ff_run_limit *out,
                           size_t cap)
{
    for (size_t i = 0; i < run->pos.nlimits && i < cap; i++) {
        const struct run_limit *rl = &run->pos.limits[i];
        const struct ff_time_limit *l = &rl->chart->limits[rl->limit];
        out[i] = (struct ff_run_limit){rl->chart, l, rl->started_ms,
                                       sat_sub(limit_ms(l), sat_sub(now_ms, rl->started_ms)),
                                       rl->breached};
    }
    return run->pos.nlimits;
}

/* ---- walking ---- */

static enum ff_err enter_node(struct ff_run *run, int64_t now_ms)
{
    struct run_frame *f = top(run);
    enum ff_err err = ff_run__tr_append(run, f->chart, f->node, FF_RUN_EV_ENTER, NULL, now_ms);
    if (!err)
        limits_on_enter(run, f->chart, f->node, now_ms);
    return err;
}

const struct ff_chart *ff_run__pinned(const struct ff_run *run, const char *id)
{
    for (size_t i = 0; i < run->npinned; i++)
        if (!strcmp(run->pinned[i]->id, id))
            return run->pinned[i];
    return NULL;
}

enum ff_err ff_run__pin(struct ff_run *run)
{
    for (size_t k = 0; k < run->npinned; k++) {
        const struct ff_chart *c = run->pinned[k];
        for (size_t i = 0; i < c->nnodes; i++) {
            const char *id = c->nodes[i].kind == FF_NODE_SUBCHART ? c->nodes[i].subchart : NULL;
            const struct ff_chart *called =
                id && !ff_run__pinned(run, id) ? ff_library_find(run->lib, id, 0) : NULL;
            if (!called)
                continue;
            if (run->npinned == RUN_MAX_PINNED) {
                set_err(run, "chart \"%s\" reaches more than %d charts through subcharts",
                        run->pinned[0]->id, RUN_MAX_PINNED);
                return FF_ELIMIT;
            }
            run->pinned[run->npinned++] = called;
        }
    }
    return FF_OK;
}

/* At a subchart node: push a frame at the called chart's start, in the version pinned when
 * the run started. */
static enum ff_err subchart_enter(struct ff_run *run, int64_t now_ms)
{
    struct run_frame *f = top(run);
    const struct ff_node *n = frame_node(f);
    const struct ff_chart *called = n->subchart ? ff_run__pinned(run, n->subchart) : NULL;
    if (!called) {
        set_err(run, "subchart node \"%s\" calls chart \"%s\", which is not in the library", n->id,
                n->subchart ? n->subchart : "(none)");
        return FF_ENOTFOUND;
    }
    if (run->pos.depth == FF_RUN_MAX_DEPTH) {
        set_err(run, "subchart node \"%s\": subcharts nest deeper than %d", n->id,
                FF_RUN_MAX_DEPTH);
        return FF_ELIMIT;
    }
    if (called->start_index < 0 || (size_t)called->start_index >= called->nnodes) {
        set_err(run, "chart \"%s\" has no start node", called->id);
        return FF_EINVALID;
    }
    enum ff_err err =
        ff_run__tr_append(run, f->chart, f->node, FF_RUN_EV_SUBCHART_ENTER, called->id, now_ms);
    if (err)
        return err;
    run->pos.frames[run->pos.depth++] = (struct run_frame){called, called->start_index};
    return FF_OK;
}

/* At the called chart's end: pop back to the caller and move to the subchart's next. */
static enum ff_err subchart_leave(struct ff_run *run, int64_t now_ms)
{
    struct run_frame *f = top(run);
    enum ff_err err = ff_run__tr_append(run, f->chart, f->node, FF_RUN_EV_SUBCHART_LEAVE,
                                        ff_outcome_name(frame_node(f)->outcome), now_ms);
    if (err)
        return err;
    run->pos.depth--;
    f = top(run);
    const struct ff_node *caller = frame_node(f);
    if (caller->next_index < 0 || (size_t)caller->next_index >= f->chart->nnodes) {
        set_err(run, "subchart node \"%s\" has no next node", caller->id);
        return FF_EINVALID;
    }
    f->node = caller->next_index;
    return FF_OK;
}

/* Enters the top frame's node and passes through subchart nodes and subchart ends until
 * the run stands on an interactive node or the root chart's end. */
static enum ff_err arrive(struct ff_run *run, int64_t now_ms)
{
    for (int hop = 0; hop < RUN_MAX_HOPS; hop++) {
        enum ff_err err = enter_node(run, now_ms);
        if (err)
            return err;
        struct run_frame *f = top(run);
        const struct ff_node *n = frame_node(f);
        if (n->kind == FF_NODE_SUBCHART)
            err = subchart_enter(run, now_ms);
        else if (n->kind == FF_NODE_END && run->pos.depth > 1)
            err = subchart_leave(run, now_ms);
        else if (n->kind == FF_NODE_END)
            return ff_run__tr_append(run, f->chart, f->node, FF_RUN_EV_END,
                                     ff_outcome_name(n->outcome), now_ms);
        else
            return FF_OK;
        if (err)
            return err;
    }
    set_err(run, "the walk through subcharts does not settle on a node");
    return FF_EINVALID;
}

/* Moves the current frame to node `target` of its chart and arrives there. */
static enum ff_err go_to(struct ff_run *run, int target, int64_t now_ms)
{
    struct run_frame *f = top(run);
    if (target < 0 || (size_t)target >= f->chart->nnodes) {
        set_err(run, "node \"%s\" leads nowhere", frame_node(f)->id);
        return FF_EINVALID;
    }
    f->node = target;
    return arrive(run, now_ms);
}

enum ff_err ff_run_start(const struct ff_library *lib, const char *chart_id, int version,
                         const char *locale, int64_t now_ms, struct ff_run **out)
{
    *out = NULL;
    if (!lib || !chart_id || version < 0)
        return FF_EINVAL;
    const struct ff_chart *chart = ff_library_find(lib, chart_id, version);
    if (!chart)
        return FF_ENOTFOUND;
    if (chart->start_index < 0 || (size_t)chart->start_index >= chart->nnodes)
        return FF_EINVALID;
    if (!locale)
        locale = chart->nlocales ? chart->locales[0] : "en";
    if (strlen(locale) >= RUN_LOCALE_MAX)
        return FF_EINVAL;
    struct ff_run *run = ff_run__alloc(lib, locale);
    if (!run)
        return FF_ENOMEM;
    run->pos.frames[0] = (struct run_frame){chart, chart->start_index};
    run->pos.depth = 1;
    run->pinned[0] = chart;
    run->npinned = 1;
    enum ff_err err = ff_run__pin(run);
    if (!err)
        err = arrive(run, now_ms);
    if (err) {
        ff_run_free(run);
        return err;
    }
    *out = run;
    return FF_OK;
}

/* Common entry checks of the moving operations. */
static enum ff_err need_kind(struct ff_run *run, bool ok, const char *what)
{
    run->errmsg[0] = '\0';
    run->nfield_msgs = 0;
    if (ok)
        return FF_OK;
    const struct ff_node *n = frame_node(top(run));
    set_err(run, "cannot %s at node \"%s\" (a %s node)", what, n->id, ff_node_kind_name(n->kind));
    return FF_ESTATE;
}

enum ff_err ff_run_next(struct ff_run *run, int64_t now_ms)
{
    const struct ff_node *n = frame_node(top(run));
    enum ff_node_kind k = n->kind;
    enum ff_err err = need_kind(
        run, k == FF_NODE_START || k == FF_NODE_STEP || k == FF_NODE_KB || k == FF_NODE_ACTION,
        "continue");
    if (err)
        return err;
    struct op op;
    op_begin(run, &op);
    struct run_frame *f = top(run);
    err = check_limits(run, now_ms);
    if (!err)
        err = ff_run__tr_append(run, f->chart, f->node, FF_RUN_EV_NEXT, NULL, now_ms);
    if (!err)
        err = ff_run__hist_push(run, op.pos.frames, op.pos.depth, NULL, 0);
    if (!err)
        err = go_to(run, n->next_index, now_ms);
    return op_end(run, &op, err);
}

static int find_option(const struct ff_node *n, const char *id)
{
    for (size_t i = 0; i < n->noptions; i++)
        if (!strcmp(n->options[i].id, id))
            return (int)i;
    return -1;
}

static void option_not_found(struct ff_run *run, const struct ff_node *n, const char *id)
{
    size_t len =
        (size_t)snprintf(run->errmsg, sizeof run->errmsg,
                         "option \"%.64s\" does not exist at node \"%s\" (options: ", id, n->id);
    for (size_t i = 0; i < n->noptions && len < sizeof run->errmsg; i++)
        len += (size_t)snprintf(run->errmsg + len, sizeof run->errmsg - len, "%s%s", i ? ", " : "",
                                n->options[i].id);
    if (len < sizeof run->errmsg)
        snprintf(run->errmsg + len, sizeof run->errmsg - len, ")");
}

enum ff_err ff_run_choose(struct ff_run *run, const char *option_id, int64_t now_ms)
{
    const struct ff_node *n = frame_node(top(run));
    enum ff_err err = need_kind(run, n->kind == FF_NODE_DECISION, "choose an option");
    if (err)
        return err;
    int oi = option_id ? find_option(n, option_id) : -1;
    if (oi < 0) {
        option_not_found(run, n, option_id ? option_id : "(null)");
        return FF_ENOTFOUND;
    }
    struct op op;
    op_begin(run, &op);
    struct run_frame *f = top(run);
    err = check_limits(run, now_ms);
    if (!err)
        err =
            ff_run__tr_append(run, f->chart, f->node, FF_RUN_EV_CHOOSE, n->options[oi].id, now_ms);
    if (!err)
        err = ff_run__hist_push(run, op.pos.frames, op.pos.depth, NULL, 0);
    if (!err)
        err = go_to(run, n->options[oi].target_index, now_ms);
    return op_end(run, &op, err);
}

enum ff_err ff_run_submit(struct ff_run *run, const struct ff_run_value *values, size_t nvalues,
                          int64_t now_ms)
{
    const struct ff_node *n = frame_node(top(run));
    enum ff_err err = need_kind(run, n->kind == FF_NODE_INPUT, "submit input");
    if (err)
        return err;
    struct run_value *kept = NULL;
    size_t nkept = 0;
    char *json = NULL;
    if ((err = ff_run__input_take(run, top(run)->chart, n, values, nvalues, now_ms, &kept, &nkept,
                                  &json)))
        return err;
    struct op op;
    op_begin(run, &op);
    struct run_frame *f = top(run);
    err = check_limits(run, now_ms);
    if (!err)
        err = ff_run__tr_append(run, f->chart, f->node, FF_RUN_EV_SUBMIT, json, now_ms);
    cJSON_free(json);
    if (!err)
        err = ff_run__hist_push(run, op.pos.frames, op.pos.depth, kept, nkept);
    if (err && run->nhist == op.nhist)
        ff_run__values_free(kept, nkept);
    if (!err)
        err = go_to(run, n->next_index, now_ms);
    return op_end(run, &op, err);
}

enum ff_err ff_run_back(struct ff_run *run, int64_t now_ms)
{
    enum ff_err err = need_kind(run, run->nhist > 0, "go back");
    if (err) {
        set_err(run, "nothing to undo: the run is at its first node");
        return err;
    }
    struct op op;
    op_begin(run, &op);
    struct run_frame *f = top(run);
    const struct run_step *s = &run->hist[run->nhist - 1];
    err = check_limits(run, now_ms);
    if (!err)
        err = ff_run__tr_append(run, f->chart, f->node, FF_RUN_EV_BACK, NULL, now_ms);
    if (!err) {
        memcpy(run->pos.frames, s->frames, s->depth * sizeof s->frames[0]);
        run->pos.depth = s->depth;
        err = enter_node(run, now_ms);
    }
    if (!err)
        hist_truncate(run, run->nhist - 1);
    return op_end(run, &op, err);
}

enum ff_err ff_run_restart(struct ff_run *run, int64_t now_ms)
{
    struct op op;
    op_begin(run, &op);
    struct run_frame *f = top(run);
    const struct ff_chart *root = run->pos.frames[0].chart;
    enum ff_err err = check_limits(run, now_ms);
    if (!err)
        err = ff_run__tr_append(run, f->chart, f->node, FF_RUN_EV_RESTART, NULL, now_ms);
    if (!err) {
        run->pos.nlimits = 0;
        run->pos.depth = 1;
        run->pos.frames[0].node = root->start_index;
        err = arrive(run, now_ms);
    }
    if (!err)
        hist_truncate(run, 0);
    return op_end(run, &op, err);
}

enum ff_err ff_run_tick(struct ff_run *run, int64_t now_ms)
{
    struct op op;
    op_begin(run, &op);
    return op_end(run, &op, check_limits(run, now_ms));
}

/* ---- views ---- */

const char *ff_run_errmsg(const struct ff_run *run)
{
    return run->errmsg;
}

const struct ff_chart *ff_run_chart(const struct ff_run *run)
{
    return run->pos.frames[run->pos.depth - 1].chart;
}

int ff_run_node_index(const struct ff_run *run)
{
    return run->pos.frames[run->pos.depth - 1].node;
}

const struct ff_node *ff_run_node(const struct ff_run *run)
{
    return frame_node(&run->pos.frames[run->pos.depth - 1]);
}

size_t ff_run_depth(const struct ff_run *run)
{
    return run->pos.depth;
}

bool ff_run_ended(const struct ff_run *run)
{
    return run->pos.depth == 1 && ff_run_node(run)->kind == FF_NODE_END;
}

bool ff_run_can_back(const struct ff_run *run)
{
    return run->nhist > 0;
}

const char *ff_run_locale(const struct ff_run *run)
{
    return run->locale;
}

enum ff_err ff_run_set_locale(struct ff_run *run, const char *locale)
{
    if (!locale || strlen(locale) >= RUN_LOCALE_MAX) {
        set_err(run, "locale must be a tag shorter than %d bytes", RUN_LOCALE_MAX);
        return FF_EINVAL;
    }
    snprintf(run->locale, sizeof run->locale, "%s", locale);
    return FF_OK;
}

enum ff_err ff_run_set_utc_offset(struct ff_run *run, int minutes)
{
    if (minutes < -FF_RUN_MAX_UTC_OFFSET || minutes > FF_RUN_MAX_UTC_OFFSET) {
        set_err(run, "UTC offset %d minutes is out of range (-%d to %d)", minutes,
                FF_RUN_MAX_UTC_OFFSET, FF_RUN_MAX_UTC_OFFSET);
        return FF_EINVAL;
    }
    run->utc_offset_min = minutes;
    return FF_OK;
}

int ff_run_utc_offset(const struct ff_run *run)
{
    return run->utc_offset_min;
}

const char *ff_run_text(const struct ff_run *run, const struct ff_text *t)
{
    return ff_text_get(ff_run_chart(run), t, run->locale);
}

const char *ff_run_answer(const struct ff_run *run, const char *name)
{
    for (size_t h = run->nhist; h-- > 0;)
        for (size_t i = 0; i < run->hist[h].nvalues; i++)
            if (!strcmp(run->hist[h].values[i].name, name))
                return run->hist[h].values[i].value;
    return NULL;
}

size_t ff_run_transcript_count(const struct ff_run *run)
{
    return run->ntr;
}

bool ff_run_transcript_at(const struct ff_run *run, size_t i, struct ff_run_entry *out)
{
    if (i >= run->ntr)
        return false;
    const struct run_entry *e = &run->tr[i];
    const struct ff_node *n = &e->chart->nodes[e->node];
    bool acted = e->event == FF_RUN_EV_NEXT && n->kind == FF_NODE_ACTION;
    *out = (struct ff_run_entry){
        .seq = i + 1,
        .chart_id = e->chart->id,
        .chart_version = e->chart->version,
        .node_id = n->id,
        .kind = n->kind,
        .event = e->event,
        .answer = e->answer,
        .time_ms = e->time_ms,
        .actions = acted ? n->actions : NULL,
        .nactions = acted ? n->nactions : 0,
        .limit_id = e->limit >= 0 ? e->limit_chart->limits[e->limit].id : NULL,
    };
    return true;
}

static const char *const event_names[] = {
    "enter",   "choose",         "submit",         "next", "back",
    "restart", "subchart_enter", "subchart_leave", "end",  "limit_breached",
};

const char *ff_run_event_name(enum ff_run_event ev)
{
    if ((size_t)ev < sizeof event_names / sizeof event_names[0])
        return event_names[ev];
    return "unknown";
}

bool ff_run_event_parse(const char *name, enum ff_run_event *out)
{
    for (size_t i = 0; i < sizeof event_names / sizeof event_names[0]; i++) {
        if (!strcmp(event_names[i], name)) {
            *out = (enum ff_run_event)i;
            return true;
        }
    }
    return false;
}

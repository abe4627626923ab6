/* runner_snapshot.c - a run as JSON: the transcript for export, and the whole state as a
 * snapshot that ff_run_restore() turns back into a run.
 *
 * The snapshot is outside input on the way back in (a file on a kiosk, a row synced from
 * elsewhere), so restore checks everything against the library before a run exists: every
 * chart id+version+digest, every node id, every index, every size. Nothing in a snapshot
 * is trusted to satisfy the invariants of runner_int.h; restore re-establishes them or
 * refuses. Layout of the JSON: docs/internals/runner.md.
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fieldflow/mem.h"
#include "runner_int.h"

#define SNAP_MAGIC "fieldflow-run"
#define SNAP_MAX_CHARTS 64
#define SNAP_MAX_INT 9007199254740992.0 /* 2^53: exact in a JSON number */
_Static_assert(SNAP_MAX_CHARTS <= RUN_MAX_PINNED, "every chart of a snapshot can be pinned");

/* The charts a run touches, root first; snapshot JSON refers to them by index. */
struct chart_table {
    const struct ff_chart *v[SNAP_MAX_CHARTS];
    size_t n;
};

static int table_index(struct chart_table *t, const struct ff_chart *c, bool add)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i] == c)
            return (int)i;
    if (!add || t->n == SNAP_MAX_CHARTS)
        return -1;
    t->v[t->n] = c;
    return (int)t->n++;
}

/* ---- writing ---- */

static cJSON *actions_json(const struct ff_node *n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < n->nactions; i++) {
        const struct ff_action *a = &n->actions[i];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o) ||
            !cJSON_AddStringToObject(o, "type", ff_action_kind_name(a->kind)) ||
            (a->value && !cJSON_AddStringToObject(o, "value", a->value)) ||
            (a->kind == FF_ACTION_ESCALATE && !cJSON_AddNumberToObject(o, "level", a->level)) ||
            (a->eta_minutes && !cJSON_AddNumberToObject(o, "eta_minutes", a->eta_minutes))) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

/* Entry i as a JSON object; the same form in exported transcripts and in snapshots. */
static cJSON *entry_json(const struct ff_run *run, size_t i)
{
    struct ff_run_entry e;
    ff_run_transcript_at(run, i, &e);
    const struct run_entry *re = &run->tr[i];
    cJSON *o = cJSON_CreateObject();
    bool ok = o && cJSON_AddNumberToObject(o, "seq", (double)e.seq) &&
              cJSON_AddStringToObject(o, "chart", e.chart_id) &&
              cJSON_AddNumberToObject(o, "version", e.chart_version) &&
              cJSON_AddStringToObject(o, "node", e.node_id) &&
              cJSON_AddStringToObject(o, "kind", ff_node_kind_name(e.kind)) &&
              cJSON_AddStringToObject(o, "event", ff_run_event_name(e.event)) &&
              cJSON_AddNumberToObject(o, "time_ms", (double)e.time_ms);
    if (ok && !e.answer)
        ok = cJSON_AddNullToObject(o, "answer");
    else if (ok && e.event == FF_RUN_EV_SUBMIT) {
        cJSON *v = cJSON_Parse(e.answer);
        ok = v && cJSON_AddItemToObject(o, "answer", v);
        if (!ok)
            cJSON_Delete(v);
    } else if (ok)
        ok = cJSON_AddStringToObject(o, "answer", e.answer);
    if (ok && e.nactions) {
        cJSON *a = actions_json(&re->chart->nodes[re->node]);
        ok = a && cJSON_AddItemToObject(o, "actions", a);
        if (!ok)
            cJSON_Delete(a);
    }
    if (ok && e.limit_id) {
        ok = cJSON_AddStringToObject(o, "limit", e.limit_id) &&
             (re->limit_chart == re->chart ||
              cJSON_AddStringToObject(o, "limit_chart", re->limit_chart->id));
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *transcript_json(const struct ff_run *run)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < run->ntr; i++) {
        cJSON *e = entry_json(run, i);
        if (!e || !cJSON_AddItemToArray(arr, e)) {
            cJSON_Delete(e);
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

/* Prints root into an ff_malloc'd string and deletes root. */
static enum ff_err print_json(cJSON *root, char **out)
{
    *out = NULL;
    if (!root)
        return FF_ENOMEM;
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!s)
        return FF_ENOMEM;
    *out = ff_strdup(s);
    cJSON_free(s);
    return *out ? FF_OK : FF_ENOMEM;
}

enum ff_err ff_run_transcript_json(const struct ff_run *run, char **json_out)
{
    return print_json(transcript_json(run), json_out);
}

static cJSON *frames_json(struct chart_table *t, const struct run_frame *f, size_t depth)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < depth; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o) ||
            !cJSON_AddNumberToObject(o, "chart", table_index(t, f[i].chart, false)) ||
            !cJSON_AddStringToObject(o, "node", f[i].chart->nodes[f[i].node].id)) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static cJSON *values_json(const struct run_value *v, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; o && i < n; i++) {
        if (!cJSON_AddStringToObject(o, v[i].name, v[i].value)) {
            cJSON_Delete(o);
            return NULL;
        }
    }
    return o;
}

static cJSON *history_json(const struct ff_run *run, struct chart_table *t)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < run->nhist; i++) {
        const struct run_step *s = &run->hist[i];
        cJSON *o = cJSON_CreateObject();
        cJSON *fr = frames_json(t, s->frames, s->depth);
        bool ok = o && cJSON_AddItemToArray(arr, o) && fr && cJSON_AddItemToObject(o, "frames", fr);
        if (!ok)
            cJSON_Delete(fr);
        if (ok && s->nvalues) {
            cJSON *v = values_json(s->values, s->nvalues);
            ok = v && cJSON_AddItemToObject(o, "values", v);
            if (!ok)
                cJSON_Delete(v);
        }
        if (!ok) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static cJSON *limits_json(const struct ff_run *run, struct chart_table *t)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < run->pos.nlimits; i++) {
        const struct run_limit *l = &run->pos.limits[i];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o) ||
            !cJSON_AddNumberToObject(o, "chart", table_index(t, l->chart, false)) ||
            !cJSON_AddStringToObject(o, "limit", l->chart->limits[l->limit].id) ||
            !cJSON_AddNumberToObject(o, "started_ms", (double)l->started_ms) ||
            !cJSON_AddBoolToObject(o, "breached", l->breached)) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

/* Every chart the run refers to or has pinned, root first. */
static bool collect_charts(const struct ff_run *run, struct chart_table *t)
{
    bool ok = true;
    for (size_t i = 0; i < run->npinned; i++)
        ok &= table_index(t, run->pinned[i], true) >= 0;
    for (size_t i = 0; i < run->pos.depth; i++)
        ok &= table_index(t, run->pos.frames[i].chart, true) >= 0;
    for (size_t h = 0; h < run->nhist; h++)
        for (size_t i = 0; i < run->hist[h].depth; i++)
            ok &= table_index(t, run->hist[h].frames[i].chart, true) >= 0;
    for (size_t i = 0; i < run->pos.nlimits; i++)
        ok &= table_index(t, run->pos.limits[i].chart, true) >= 0;
    for (size_t i = 0; i < run->ntr; i++) {
        ok &= table_index(t, run->tr[i].chart, true) >= 0;
        if (run->tr[i].limit_chart)
            ok &= table_index(t, run->tr[i].limit_chart, true) >= 0;
    }
    return ok;
}

static cJSON *chart_ref(const struct ff_chart *c)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "id", c->id) ||
        !cJSON_AddNumberToObject(o, "version", c->version) ||
        !cJSON_AddStringToObject(o, "digest", c->digest)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *answers_json(const struct ff_run *run)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t h = 0; o && h < run->nhist; h++) {
        for (size_t i = 0; i < run->hist[h].nvalues; i++) {
            const struct run_value *v = &run->hist[h].values[i];
            cJSON_DeleteItemFromObjectCaseSensitive(o, v->name);
            if (!cJSON_AddStringToObject(o, v->name, v->value)) {
                cJSON_Delete(o);
                return NULL;
            }
        }
    }
    return o;
}

static bool add_item(cJSON *o, const char *key, cJSON *item)
{
    if (item && cJSON_AddItemToObject(o, key, item))
        return true;
    cJSON_Delete(item);
    return false;
}

enum ff_err ff_run_snapshot(const struct ff_run *run, char **json_out)
{
    *json_out = NULL;
    struct chart_table t = {.n = 0};
    if (!collect_charts(run, &t))
        return FF_ELIMIT;
    const struct ff_chart *root = t.v[0];
    if (!root) /* a started run always has its root chart */
        return FF_ESTATE;
    cJSON *o = cJSON_CreateObject();
    cJSON *subs = NULL;
    bool ok = o && add_item(o, "format", cJSON_CreateString(SNAP_MAGIC)) &&
              cJSON_AddNumberToObject(o, "format_version", FF_RUN_SNAPSHOT_FORMAT) &&
              cJSON_AddStringToObject(o, "chart", root->id) &&
              cJSON_AddNumberToObject(o, "version", root->version) &&
              cJSON_AddStringToObject(o, "digest", root->digest) &&
              cJSON_AddStringToObject(o, "locale", run->locale) &&
              cJSON_AddNumberToObject(o, "utc_offset_min", run->utc_offset_min) &&
              (subs = cJSON_AddArrayToObject(o, "subcharts"));
    for (size_t i = 1; ok && i < t.n; i++) {
        cJSON *r = chart_ref(t.v[i]);
        ok = r && cJSON_AddItemToArray(subs, r);
        if (!ok)
            cJSON_Delete(r);
    }
    ok = ok && add_item(o, "frames", frames_json(&t, run->pos.frames, run->pos.depth)) &&
         add_item(o, "limits", limits_json(run, &t)) && add_item(o, "answers", answers_json(run)) &&
         add_item(o, "history", history_json(run, &t)) &&
         add_item(o, "transcript", transcript_json(run));
    if (!ok) {
        cJSON_Delete(o);
        return FF_ENOMEM;
    }
    return print_json(o, json_out);
}

/* ---- reading ---- */

struct restore {
    const struct ff_library *lib;
    struct ff_run *run;
    struct chart_table t;
    char msg[512];
};

__attribute__((format(printf, 3, 4))) static enum ff_err bad(struct restore *r, enum ff_err err,
                                                             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg, sizeof r->msg, fmt, ap);
    va_end(ap);
    return err;
}

static const cJSON *item(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* An integral JSON number within [min, max]. */
static bool get_int(const cJSON *j, double min, double max, int64_t *out)
{
    if (!cJSON_IsNumber(j))
        return false;
    double d = j->valuedouble;
    if (!isfinite(d) || d != floor(d) || d < min || d > max)
        return false;
    *out = (int64_t)d;
    return true;
}

static const char *get_str(const cJSON *o, const char *key, size_t max)
{
    const cJSON *j = item(o, key);
    if (!cJSON_IsString(j) || !j->valuestring || strlen(j->valuestring) > max)
        return NULL;
    return j->valuestring;
}

/* Adds the library's chart named by {id, version, digest} (or the snapshot's top-level
 * keys for the root) to the table; the exact version with the same digest, or refuse. */
static enum ff_err resolve_chart(struct restore *r, const cJSON *o)
{
    const char *id = get_str(o, "id", 64) ? get_str(o, "id", 64) : get_str(o, "chart", 64);
    const char *digest = get_str(o, "digest", 64);
    int64_t v;
    if (!id || !digest || !get_int(item(o, "version"), 1, 2147483647.0, &v))
        return bad(r, FF_EPARSE, "chart %zu of the snapshot lacks id, version or digest", r->t.n);
    if (r->t.n == SNAP_MAX_CHARTS)
        return bad(r, FF_ELIMIT, "the snapshot names more than %d charts", SNAP_MAX_CHARTS);
    const struct ff_chart *c = ff_library_find(r->lib, id, (int)v);
    const struct ff_chart *latest = ff_library_find(r->lib, id, 0);
    if (!latest)
        return bad(r, FF_ENOTFOUND, "the run uses chart \"%s\", which is not in the library", id);
    if (!c)
        return bad(r, FF_EVERSION,
                   "the run uses chart \"%s\" version %d, which is not in the library (it has "
                   "version %d); a run keeps the version it started with",
                   id, (int)v, latest->version);
    if (strcmp(c->digest, digest))
        return bad(r, FF_EVERSION,
                   "chart \"%s\" version %d in the library differs from the one the run used "
                   "(digest %s, snapshot says %.64s)",
                   id, (int)v, c->digest, digest);
    r->t.v[r->t.n++] = c;
    return FF_OK;
}

static enum ff_err load_charts(struct restore *r, const cJSON *root)
{
    enum ff_err err = resolve_chart(r, root);
    const cJSON *subs = item(root, "subcharts");
    if (err)
        return err;
    if (!cJSON_IsArray(subs))
        return bad(r, FF_EPARSE, "\"subcharts\" must be an array");
    const cJSON *it;
    cJSON_ArrayForEach(it, subs)
    {
        if (!cJSON_IsObject(it))
            return bad(r, FF_EPARSE, "subchart %zu is not an object", r->t.n - 1);
        if ((err = resolve_chart(r, it)))
            return err;
    }
    return FF_OK;
}

static enum ff_err load_frame(struct restore *r, const cJSON *o, struct run_frame *f)
{
    int64_t ci;
    const char *node = get_str(o, "node", 64);
    if (!cJSON_IsObject(o) || !node || !get_int(item(o, "chart"), 0, (double)r->t.n - 1, &ci))
        return bad(r, FF_EPARSE, "a frame needs a chart index and a node id");
    int ni = ff_chart_find_node(r->t.v[ci], node);
    if (ni < 0)
        return bad(r, FF_EPARSE, "node \"%s\" does not exist in chart \"%s\"", node,
                   r->t.v[ci]->id);
    *f = (struct run_frame){r->t.v[ci], ni};
    return FF_OK;
}

/* A frame stack that satisfies the invariants of runner_int.h; an end on top only when
 * allow_end (the current position, not a history step). */
static enum ff_err load_frames(struct restore *r, const cJSON *arr, struct run_frame *frames,
                               size_t *depth, bool allow_end)
{
    size_t k = 0;
    enum ff_err err;
    const cJSON *it;
    if (!cJSON_IsArray(arr))
        return bad(r, FF_EPARSE, "\"frames\" must be an array");
    cJSON_ArrayForEach(it, arr)
    {
        if (k == FF_RUN_MAX_DEPTH)
            return bad(r, FF_ELIMIT, "more than %d frames", FF_RUN_MAX_DEPTH);
        if ((err = load_frame(r, it, &frames[k++])))
            return err;
    }
    if (k == 0 || frames[0].chart != r->t.v[0])
        return bad(r, FF_EPARSE, "the first frame must be in the root chart");
    for (size_t i = 0; i + 1 < k; i++) {
        const struct ff_node *n = &frames[i].chart->nodes[frames[i].node];
        if (n->kind != FF_NODE_SUBCHART || !n->subchart ||
            strcmp(n->subchart, frames[i + 1].chart->id))
            return bad(r, FF_EPARSE, "frame %zu: node \"%s\" does not call chart \"%s\"", i, n->id,
                       frames[i + 1].chart->id);
    }
    enum ff_node_kind kind = frames[k - 1].chart->nodes[frames[k - 1].node].kind;
    if (!ff_run__node_interactive(kind) && !(allow_end && kind == FF_NODE_END && k == 1))
        return bad(r, FF_EPARSE, "the run cannot stand on a %s node there",
                   ff_node_kind_name(kind));
    *depth = k;
    return FF_OK;
}

static enum ff_err load_values(struct restore *r, const cJSON *o, const struct ff_node *n,
                               struct run_value **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!o)
        return FF_OK;
    if (!cJSON_IsObject(o) || n->kind != FF_NODE_INPUT || n->nfields > FF_CHART_MAX_FIELDS)
        return bad(r, FF_EPARSE, "values at node \"%s\" must be an object at an input", n->id);
    struct run_value *v = ff_calloc(n->nfields, sizeof *v);
    size_t k = 0;
    bool seen[FF_CHART_MAX_FIELDS] = {false};
    const cJSON *it;
    if (!v)
        return FF_ENOMEM;
    cJSON_ArrayForEach(it, o)
    {
        size_t f = 0;
        while (f < n->nfields && strcmp(n->fields[f].name, it->string))
            f++;
        if (f == n->nfields || seen[f] || !cJSON_IsString(it) || !it->valuestring[0] ||
            strlen(it->valuestring) > FF_RUN_MAX_VALUE) {
            ff_run__values_free(v, k);
            return bad(r, FF_EPARSE, "value \"%.64s\" at node \"%s\" is not a field's value",
                       it->string, n->id);
        }
        seen[f] = true;
        v[k].name = ff_strdup(n->fields[f].name);
        v[k].value = ff_strdup(it->valuestring);
        if (!v[k++].name || !v[k - 1].value) {
            ff_run__values_free(v, k);
            return FF_ENOMEM;
        }
    }
    *out = v;
    *nout = k;
    return FF_OK;
}

static enum ff_err load_history(struct restore *r, const cJSON *arr)
{
    const cJSON *it;
    if (!cJSON_IsArray(arr))
        return bad(r, FF_EPARSE, "\"history\" must be an array");
    cJSON_ArrayForEach(it, arr)
    {
        struct run_frame frames[FF_RUN_MAX_DEPTH];
        size_t depth;
        struct run_value *v;
        size_t nv;
        if (r->run->nhist == FF_RUN_MAX_HISTORY)
            return bad(r, FF_ELIMIT, "more than %d history steps", FF_RUN_MAX_HISTORY);
        if (!cJSON_IsObject(it))
            return bad(r, FF_EPARSE, "history step %zu is not an object", r->run->nhist);
        enum ff_err err = load_frames(r, item(it, "frames"), frames, &depth, false);
        if (!err) {
            /* load_frames sets depth >= 1 when it succeeds; the analyzer does not follow the
             * variadic bad() it returns through. */
            /* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
            const struct run_frame *top = &frames[depth - 1];
            err = load_values(r, item(it, "values"), &top->chart->nodes[top->node], &v, &nv);
        }
        if (err)
            return err;
        if ((err = ff_run__hist_push(r->run, frames, depth, v, nv))) {
            ff_run__values_free(v, nv);
            return err == FF_ENOMEM ? err : bad(r, err, "history too long");
        }
    }
    return FF_OK;
}

static int find_limit(const struct ff_chart *c, const char *id)
{
    for (size_t i = 0; id && i < c->nlimits; i++)
        if (!strcmp(c->limits[i].id, id))
            return (int)i;
    return -1;
}

static enum ff_err load_limits(struct restore *r, const cJSON *arr)
{
    struct run_pos *pos = &r->run->pos;
    const cJSON *it;
    if (!cJSON_IsArray(arr))
        return bad(r, FF_EPARSE, "\"limits\" must be an array");
    cJSON_ArrayForEach(it, arr)
    {
        int64_t ci, started;
        if (pos->nlimits == FF_RUN_MAX_LIMITS)
            return bad(r, FF_ELIMIT, "more than %d running limits", FF_RUN_MAX_LIMITS);
        const cJSON *br = item(it, "breached");
        if (!get_int(item(it, "chart"), 0, (double)r->t.n - 1, &ci) ||
            !get_int(item(it, "started_ms"), -SNAP_MAX_INT, SNAP_MAX_INT, &started) ||
            !cJSON_IsBool(br))
            return bad(r, FF_EPARSE, "limit %zu needs chart, limit, started_ms, breached",
                       pos->nlimits);
        int li = find_limit(r->t.v[ci], get_str(it, "limit", 64));
        for (size_t i = 0; li >= 0 && i < pos->nlimits; i++)
            if (pos->limits[i].chart == r->t.v[ci] && pos->limits[i].limit == li)
                li = -1;
        if (li < 0)
            return bad(r, FF_EPARSE, "limit %zu is unknown or repeated", pos->nlimits);
        pos->limits[pos->nlimits++] = (struct run_limit){r->t.v[ci], li, started, cJSON_IsTrue(br)};
    }
    return FF_OK;
}

static const struct ff_chart *table_find(const struct restore *r, const char *id, int64_t version)
{
    for (size_t i = 0; id && i < r->t.n; i++)
        if (!strcmp(r->t.v[i]->id, id) && (version < 0 || r->t.v[i]->version == version))
            return r->t.v[i];
    return NULL;
}

/* cJSON says NULL both for bad input and for a failed allocation (its allocator may be
 * the ff_malloc seam; the loader installs it). An allocation made right after tells them
 * apart: when memory is exhausted, or a test made allocations fail, it fails too. */
static bool out_of_memory(void)
{
    void *p = ff_malloc(64);
    ff_free(p);
    return p == NULL;
}

/* The answer of an entry: an object for a submit (kept as compact JSON), else a string or
 * null. *tofree is set when the text was printed here. */
static enum ff_err entry_answer(const cJSON *a, enum ff_run_event ev, const char **text,
                                char **tofree)
{
    *text = NULL;
    *tofree = NULL;
    if (ev == FF_RUN_EV_SUBMIT) {
        const cJSON *it;
        if (!cJSON_IsObject(a))
            return FF_EPARSE;
        cJSON_ArrayForEach(it, a)
        {
            if (!cJSON_IsString(it))
                return FF_EPARSE;
        }
        *text = *tofree = cJSON_PrintUnformatted(a);
        return *text ? FF_OK : FF_ENOMEM;
    }
    if (cJSON_IsNull(a))
        return FF_OK;
    if (!cJSON_IsString(a) || !a->valuestring)
        return FF_EPARSE;
    *text = a->valuestring;
    return FF_OK;
}

static enum ff_err load_entry(struct restore *r, const cJSON *o)
{
    struct ff_run *run = r->run;
    int64_t seq, version, time_ms;
    enum ff_run_event ev;
    const char *event = get_str(o, "event", 32), *kind = get_str(o, "kind", 32);
    if (!cJSON_IsObject(o) || !get_int(item(o, "seq"), 1, SNAP_MAX_INT, &seq) ||
        seq != (int64_t)run->ntr + 1 || !get_int(item(o, "version"), 1, 2147483647.0, &version) ||
        !get_int(item(o, "time_ms"), -SNAP_MAX_INT, SNAP_MAX_INT, &time_ms) || !event ||
        !ff_run_event_parse(event, &ev) || !kind)
        return bad(r, FF_EPARSE, "transcript entry %zu is malformed", run->ntr + 1);
    const struct ff_chart *c = table_find(r, get_str(o, "chart", 64), version);
    int ni = c ? ff_chart_find_node(c, get_str(o, "node", 64) ? get_str(o, "node", 64) : "") : -1;
    if (ni < 0 || strcmp(kind, ff_node_kind_name(c->nodes[ni].kind)))
        return bad(r, FF_EPARSE, "transcript entry %zu names an unknown chart or node",
                   run->ntr + 1);
    const struct ff_chart *lc = NULL;
    int li = -1;
    if (ev == FF_RUN_EV_LIMIT_BREACHED) {
        lc = item(o, "limit_chart") ? table_find(r, get_str(o, "limit_chart", 64), -1) : c;
        li = lc ? find_limit(lc, get_str(o, "limit", 64)) : -1;
        if (li < 0)
            return bad(r, FF_EPARSE, "transcript entry %zu names an unknown limit", run->ntr + 1);
    }
    const char *answer;
    char *tofree;
    enum ff_err err = entry_answer(item(o, "answer"), ev, &answer, &tofree);
    if (err == FF_EPARSE)
        return bad(r, err, "transcript entry %zu has a malformed answer", run->ntr + 1);
    if (!err)
        err = ff_run__tr_append(run, c, ni, ev, answer, time_ms);
    cJSON_free(tofree);
    if (err)
        return err == FF_ENOMEM ? err : bad(r, err, "the transcript is too long");
    run->tr[run->ntr - 1].limit_chart = lc;
    run->tr[run->ntr - 1].limit = li;
    return FF_OK;
}

static enum ff_err load_transcript(struct restore *r, const cJSON *arr)
{
    const cJSON *it;
    enum ff_err err;
    if (!cJSON_IsArray(arr))
        return bad(r, FF_EPARSE, "\"transcript\" must be an array");
    cJSON_ArrayForEach(it, arr)
    {
        if ((err = load_entry(r, it)))
            return err;
    }
    return FF_OK;
}

/* After the charts are known: the run itself. */
static enum ff_err load_run(struct restore *r, const cJSON *root)
{
    const char *locale = get_str(root, "locale", RUN_LOCALE_MAX - 1);
    const cJSON *answers = item(root, "answers");
    if (!locale)
        return bad(r, FF_EPARSE, "\"locale\" must be a short string");
    const cJSON *off = item(root, "utc_offset_min"); /* absent in older snapshots: UTC */
    int64_t offset = 0;
    if (off && !get_int(off, -FF_RUN_MAX_UTC_OFFSET, FF_RUN_MAX_UTC_OFFSET, &offset))
        return bad(r, FF_EPARSE, "\"utc_offset_min\" must be minutes from -%d to %d",
                   FF_RUN_MAX_UTC_OFFSET, FF_RUN_MAX_UTC_OFFSET);
    if (answers && !cJSON_IsObject(answers))
        return bad(r, FF_EPARSE, "\"answers\" must be an object");
    if (!(r->run = ff_run__alloc(r->lib, locale)))
        return FF_ENOMEM;
    /* The snapshot's charts are the versions the run started with; a chart the run can reach
     * but never named (none, from this build's snapshots) is pinned as the library has it. */
    for (size_t i = 0; i < r->t.n; i++)
        if (!ff_run__pinned(r->run, r->t.v[i]->id))
            r->run->pinned[r->run->npinned++] = r->t.v[i];
    enum ff_err err = ff_run__pin(r->run);
    if (err)
        return bad(r, err, "%s", ff_run_errmsg(r->run));
    err = load_frames(r, item(root, "frames"), r->run->pos.frames, &r->run->pos.depth, true);
    if (!err)
        err = load_limits(r, item(root, "limits"));
    if (!err)
        err = load_history(r, item(root, "history"));
    if (!err)
        err = load_transcript(r, item(root, "transcript"));
    r->run->utc_offset_min = (int)offset;
    return err;
}

static enum ff_err restore(struct restore *r, const char *json, size_t len)
{
    if (!json || len > FF_RUN_MAX_SNAPSHOT)
        return bad(r, json ? FF_ELIMIT : FF_EINVAL, "a snapshot is at most %u bytes",
                   FF_RUN_MAX_SNAPSHOT);
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root && out_of_memory())
        return FF_ENOMEM;
    if (!root)
        return bad(r, FF_EPARSE, "the snapshot is not well-formed JSON");
    enum ff_err err = FF_OK;
    const char *magic = get_str(root, "format", 32);
    int64_t fv;
    if (!cJSON_IsObject(root) || !magic || strcmp(magic, SNAP_MAGIC))
        err = bad(r, FF_EPARSE, "not a fieldflow run snapshot");
    else if (!get_int(item(root, "format_version"), 0, SNAP_MAX_INT, &fv))
        err = bad(r, FF_EPARSE, "\"format_version\" must be an integer");
    else if (fv != FF_RUN_SNAPSHOT_FORMAT)
        err = bad(r, FF_EVERSION, "snapshot format %lld is unknown to this build (it reads %d)",
                  (long long)fv, FF_RUN_SNAPSHOT_FORMAT);
    if (!err)
        err = load_charts(r, root);
    if (!err)
        err = load_run(r, root);
    cJSON_Delete(root);
    return err;
}

enum ff_err ff_run_restore(const struct ff_library *lib, const char *json, size_t len,
                           struct ff_run **out, char **err_out)
{
    struct restore r = {.lib = lib, .run = NULL, .t = {.n = 0}, .msg = ""};
    *out = NULL;
    if (err_out)
        *err_out = NULL;
    enum ff_err err = lib ? restore(&r, json, len) : FF_EINVAL;
    if (err == FF_OK) {
        *out = r.run;
        return FF_OK;
    }
    ff_run_free(r.run);
    if (err_out)
        *err_out = ff_strdup(r.msg[0] ? r.msg : ff_strerror(err));
    return err;
}

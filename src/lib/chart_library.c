/* chart_library.c - a set of charts that may call each other (ff_library_*).
 *
 * Workload: a handful to a few hundred charts, loaded at start-up or by `ffctl validate`;
 * lookups are linear, which is plenty at that size. ff_library_check finds subchart
 * references to charts that are not in the library and call cycles (a chart that calls
 * itself, directly or through others). Calls go to the highest version of the called id,
 * which is what a run starting now would use.
 */
#include <stdio.h>
#include <string.h>

#include "chart_int.h"
#include "fieldflow/mem.h"

struct ff_library {
    struct ff_chart **v; /* owned */
    size_t n, cap;
};

enum ff_err ff_library_new(struct ff_library **out)
{
    *out = ff_calloc(1, sizeof **out);
    return *out ? FF_OK : FF_ENOMEM;
}

void ff_library_free(struct ff_library *lib)
{
    if (!lib)
        return;
    for (size_t i = 0; i < lib->n; i++)
        ff_chart_free(lib->v[i]);
    ff_free(lib->v);
    ff_free(lib);
}

static struct ff_pos id_pos(const struct ff_chart *c)
{
    const struct ff_chart_priv *p = c->priv;
    return p ? p->id_pos : (struct ff_pos){0, 0};
}

enum ff_err ff_library_add(struct ff_library *lib, struct ff_chart *chart, struct ff_diags *diags)
{
    char msg[256];
    const struct ff_chart *other = ff_library_find(lib, chart->id, chart->version);
    if (other) {
        struct ff_pos p = id_pos(other);
        snprintf(msg, sizeof msg, "chart \"%s\" version %d is already loaded from %s:%u:%u",
                 chart->id, chart->version, other->file, (unsigned)p.line, (unsigned)p.col);
        enum ff_err err = ff_diags_add(diags, FF_SEV_ERROR, chart->file, id_pos(chart), "$.id",
                                       "duplicate-chart", msg);
        ff_chart_free(chart);
        return err == FF_OK ? FF_EINVALID : err;
    }
    if (lib->n == lib->cap) {
        size_t cap = lib->cap ? lib->cap * 2 : 8;
        struct ff_chart **v = ff_realloc(lib->v, cap * sizeof(struct ff_chart *));
        if (!v) {
            ff_chart_free(chart);
            return FF_ENOMEM;
        }
        lib->v = v;
        lib->cap = cap;
    }
    lib->v[lib->n++] = chart;
    return FF_OK;
}

/* Index of the chart a call to `id` reaches (highest version), or -1. */
static int callee(const struct ff_library *lib, const char *id)
{
    int best = -1;
    for (size_t i = 0; id && i < lib->n; i++)
        if (!strcmp(lib->v[i]->id, id) && (best < 0 || lib->v[i]->version > lib->v[best]->version))
            best = (int)i;
    return best;
}

const struct ff_chart *ff_library_find(const struct ff_library *lib, const char *id, int version)
{
    if (!lib || !id)
        return NULL;
    if (version == 0) {
        int i = callee(lib, id);
        return i >= 0 ? lib->v[i] : NULL;
    }
    for (size_t i = 0; i < lib->n; i++)
        if (lib->v[i]->version == version && !strcmp(lib->v[i]->id, id))
            return lib->v[i];
    return NULL;
}

size_t ff_library_count(const struct ff_library *lib)
{
    return lib ? lib->n : 0;
}

const struct ff_chart *ff_library_at(const struct ff_library *lib, size_t i)
{
    return lib && i < lib->n ? lib->v[i] : NULL;
}

struct walk {
    const struct ff_library *lib;
    struct ff_diags *diags;
    unsigned char *color; /* 0 unvisited, 1 on the call stack, 2 done */
    int *stack;           /* chart indices on the current call path */
    size_t depth;
    enum ff_err err; /* FF_OK, FF_EINVALID or FF_ENOMEM */
};

static void report(struct walk *w, const struct ff_chart *c, size_t node, const char *code,
                   const char *msg)
{
    char path[64];
    const struct ff_chart_priv *p = c->priv;
    snprintf(path, sizeof path, "$.nodes[%zu].chart", node);
    struct ff_pos pos = p && p->node_aux ? p->node_aux[node].chart : c->nodes[node].pos;
    if (ff_diags_add(w->diags, FF_SEV_ERROR, c->file, pos, path, code, msg) != FF_OK)
        w->err = FF_ENOMEM;
    else if (w->err == FF_OK)
        w->err = FF_EINVALID;
}

static void report_cycle(struct walk *w, const struct ff_chart *c, size_t node, int to)
{
    char msg[512];
    size_t used = (size_t)snprintf(msg, sizeof msg, "subchart recursion: ");
    size_t from = 0;
    while (from < w->depth && w->stack[from] != to)
        from++;
    for (size_t i = from; i < w->depth && used < sizeof msg; i++)
        used +=
            (size_t)snprintf(msg + used, sizeof msg - used, "%s -> ", w->lib->v[w->stack[i]]->id);
    if (used < sizeof msg)
        snprintf(msg + used, sizeof msg - used, "%s", w->lib->v[to]->id);
    report(w, c, node, "subchart-recursion", msg);
}

static void visit(struct walk *w, int ci)
{
    const struct ff_chart *c = w->lib->v[ci];
    w->color[ci] = 1;
    w->stack[w->depth++] = ci;
    for (size_t i = 0; i < c->nnodes && w->err != FF_ENOMEM; i++) {
        if (c->nodes[i].kind != FF_NODE_SUBCHART)
            continue;
        int to = callee(w->lib, c->nodes[i].subchart);
        if (to < 0)
            continue; /* reported as unknown by the caller of visit */
        if (w->color[to] == 1)
            report_cycle(w, c, i, to);
        else if (w->color[to] == 0)
            visit(w, to);
    }
    w->depth--;
    w->color[ci] = 2;
}

/* ---- kiosk charts that reach staff nodes through their calls (chart_handoff.c) ---- */

struct reach_memo {
    const struct ff_chart *chart;
    unsigned char state; /* 0 not summarised, 1 in progress (a call cycle), 2 done */
    struct ff_callee_reach r;
    char path[FF_HANDOFF_PATH_MAX]; /* r.path points here */
};

struct handoff_walk {
    const struct ff_library *lib;
    struct reach_memo *memo; /* one per chart of the library */
    struct ff_diags *diags;
    const struct ff_chart *kiosk; /* the kiosk chart being reported on */
    enum ff_err err;              /* FF_ENOMEM once a summary could not be made */
};

/* Keeps the first (shortest) way a called chart reaches staff. */
static enum ff_err first_leak(void *ctx, size_t node, const char *path,
                              const struct ff_callee_reach *callee)
{
    struct reach_memo *m = ctx;
    const struct ff_node *n = &m->chart->nodes[node];
    if (m->r.leaks)
        return FF_OK;
    m->r.leaks = true;
    m->r.chart = m->chart->id;
    m->r.node = callee ? callee->node : n->id;
    m->r.node_chart = callee ? callee->node_chart : m->chart->id;
    m->r.audience = callee ? callee->audience : n->audience;
    if (callee)
        snprintf(m->path, sizeof m->path, "%s -> %s: %s", path, callee->chart, callee->path);
    else
        snprintf(m->path, sizeof m->path, "%s", path);
    m->r.path = m->path;
    return FF_OK;
}

static struct ff_callee_reach summarise(void *ctx, const char *id)
{
    struct handoff_walk *w = ctx;
    int ci = callee(w->lib, id);
    struct ff_callee_reach unknown = {.returns = true};
    if (ci < 0 || w->memo[ci].state == 1)
        return unknown; /* reported as unknown-subchart or subchart-recursion */
    struct reach_memo *m = &w->memo[ci];
    if (m->state == 0) {
        bool returns;
        m->state = 1;
        m->chart = w->lib->v[ci];
        if (ff_handoff_scan(m->chart, summarise, w, first_leak, m, &returns) != FF_OK)
            w->err = FF_ENOMEM; /* the summary is incomplete: the whole check fails */
        m->r.returns = returns;
        m->state = 2;
    }
    return m->r;
}

static enum ff_err report_leak(void *ctx, size_t node, const char *path,
                               const struct ff_callee_reach *callee)
{
    struct handoff_walk *w = ctx;
    const struct ff_chart *c = w->kiosk;
    const struct ff_chart_priv *p = c->priv;
    char msg[512], where[64];
    if (!callee)
        return FF_OK; /* the chart's own staff nodes: chart_check.c reported them */
    snprintf(where, sizeof where, "$.nodes[%zu].chart", node);
    snprintf(msg, sizeof msg,
             "the kiosk customer reaches staff node \"%s\" (audience %s) of chart \"%s\" "
             "without a hand-off: %s -> %s: %s",
             callee->node, ff_audience_name(callee->audience), callee->node_chart, path,
             callee->chart, callee->path);
    struct ff_pos pos = p && p->node_aux ? p->node_aux[node].chart : c->nodes[node].pos;
    return ff_diags_add(w->diags, FF_SEV_WARNING, c->file, pos, where, "kiosk-reaches-staff", msg);
}

/* Warns, at the calling node, where a kiosk chart reaches a staff node in a called chart
 * before any hand-off. Returns FF_OK or FF_ENOMEM. */
static enum ff_err check_kiosk_calls(const struct ff_library *lib, struct ff_diags *diags)
{
    struct handoff_walk w = {.lib = lib, .diags = diags};
    enum ff_err err = FF_OK;
    bool returns;
    if (!(w.memo = ff_calloc(lib->n ? lib->n : 1, sizeof *w.memo)))
        return FF_ENOMEM;
    for (size_t ci = 0; ci < lib->n && err == FF_OK; ci++) {
        if (lib->v[ci]->audience != FF_AUDIENCE_KIOSK)
            continue;
        w.kiosk = lib->v[ci];
        err = ff_handoff_scan(w.kiosk, summarise, &w, report_leak, &w, &returns);
        err = err == FF_OK ? w.err : err;
    }
    ff_free(w.memo);
    return err;
}

enum ff_err ff_library_check(struct ff_library *lib, struct ff_diags *diags)
{
    struct walk w = {.lib = lib, .diags = diags, .err = FF_OK};
    char msg[200];
    for (size_t ci = 0; ci < lib->n; ci++) {
        const struct ff_chart *c = lib->v[ci];
        for (size_t i = 0; i < c->nnodes && w.err != FF_ENOMEM; i++) {
            const char *id = c->nodes[i].subchart;
            if (c->nodes[i].kind != FF_NODE_SUBCHART || callee(lib, id) >= 0)
                continue;
            snprintf(msg, sizeof msg, "unknown subchart \"%s\": no chart with that id is loaded",
                     id ? id : "");
            report(&w, c, i, "unknown-subchart", msg);
        }
    }
    if (w.err == FF_ENOMEM)
        return FF_ENOMEM;
    w.color = ff_calloc(lib->n ? lib->n : 1, 1);
    w.stack = ff_malloc((lib->n ? lib->n : 1) * sizeof *w.stack);
    if (!w.color || !w.stack)
        w.err = FF_ENOMEM;
    for (size_t ci = 0; ci < lib->n && w.err != FF_ENOMEM; ci++)
        if (!w.color[ci])
            visit(&w, (int)ci);
    ff_free(w.color);
    ff_free(w.stack);
    if (w.err != FF_ENOMEM && check_kiosk_calls(lib, diags) == FF_ENOMEM)
        return FF_ENOMEM;
    return w.err;
}

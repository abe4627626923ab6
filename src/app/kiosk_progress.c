/* kiosk_progress.c - shortest remaining paths over a chart library (see kiosk_progress.h).
 *
 * Per chart, dist[i] is relaxed until nothing changes (Bellman-Ford on unit weights; charts
 * are small, at most FF_CHART_MAX_NODES, and a pass is linear). A subchart node's weight
 * is its callee's dist at the start, computed first by recursion; the library check refuses
 * call cycles, and FF_RUN_MAX_DEPTH bounds the recursion anyway.
 */
#include "kiosk_progress.h"

#include <string.h>

#include "fieldflow/mem.h"
#include "fieldflow/runner.h"

struct cached {
    const struct ff_chart *chart; /* the chart whose distances these are */
    int *dist;                    /* nnodes entries */
};

struct ff_kiosk_progress {
    const struct ff_library *lib; /* borrowed */
    struct cached *v;             /* charts computed so far */
    size_t n, cap;
};

enum ff_err ff_kiosk_progress_new(const struct ff_library *lib, struct ff_kiosk_progress **out)
{
    *out = ff_calloc(1, sizeof **out);
    if (!*out)
        return FF_ENOMEM;
    (*out)->lib = lib;
    return FF_OK;
}

void ff_kiosk_progress_free(struct ff_kiosk_progress *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        ff_free(p->v[i].dist);
    ff_free(p->v);
    ff_free(p);
}

static const int *dist_of(struct ff_kiosk_progress *p, const struct ff_chart *c, int depth);

static int add(int a, int b)
{
    return a >= FF_PROGRESS_FAR || b >= FF_PROGRESS_FAR ? FF_PROGRESS_FAR : a + b;
}

/* The cost of node i itself plus where it goes; -1 for "leads on to its successors". */
static int terminal_cost(const struct ff_node *n)
{
    if (ff_audience_is_staff(n->audience))
        return 0;
    if (n->handoff)
        return 1;
    if (n->kind == FF_NODE_END)
        return 0;
    return -1;
}

static int callee_cost(struct ff_kiosk_progress *p, const struct ff_node *n, int depth)
{
    const struct ff_chart *callee = ff_library_find(p->lib, n->subchart, 0);
    if (!callee || callee->start_index < 0)
        return FF_PROGRESS_FAR;
    const int *d = dist_of(p, callee, depth + 1);
    return d ? d[callee->start_index] : FF_PROGRESS_FAR;
}

static bool relax(const struct ff_chart *c, int *dist, const int *sub)
{
    bool changed = false;
    for (size_t i = 0; i < c->nnodes; i++) {
        const struct ff_node *n = &c->nodes[i];
        if (terminal_cost(n) >= 0)
            continue;
        int best = FF_PROGRESS_FAR;
        if (n->kind == FF_NODE_DECISION) {
            for (size_t o = 0; o < n->noptions; o++)
                if (n->options[o].target_index >= 0 && dist[n->options[o].target_index] < best)
                    best = dist[n->options[o].target_index];
        } else if (n->next_index >= 0) {
            best = dist[n->next_index];
        }
        int w = n->kind == FF_NODE_SUBCHART ? sub[i] : 1;
        int v = add(best, w);
        if (v < dist[i]) {
            dist[i] = v;
            changed = true;
        }
    }
    return changed;
}

static const int *dist_of(struct ff_kiosk_progress *p, const struct ff_chart *c, int depth)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].chart == c)
            return p->v[i].dist;
    if (depth > FF_RUN_MAX_DEPTH || c->nnodes == 0)
        return NULL;
    int *dist = ff_calloc(c->nnodes, sizeof *dist);
    int *sub = ff_calloc(c->nnodes, sizeof *sub);
    if (!dist || !sub) {
        ff_free(dist);
        ff_free(sub);
        return NULL;
    }
    for (size_t i = 0; i < c->nnodes; i++) {
        int t = terminal_cost(&c->nodes[i]);
        dist[i] = t >= 0 ? t : FF_PROGRESS_FAR;
        if (c->nodes[i].kind == FF_NODE_SUBCHART && t < 0)
            sub[i] = callee_cost(p, &c->nodes[i], depth);
    }
    for (size_t pass = 0; pass <= c->nnodes && relax(c, dist, sub); pass++)
        ;
    ff_free(sub);
    /* grown only now: the recursion above may have added the callees */
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        struct cached *v = ff_realloc(p->v, cap * sizeof *v);
        if (!v) {
            ff_free(dist);
            return NULL;
        }
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n].chart = c;
    p->v[p->n].dist = dist;
    p->n++;
    return dist;
}

int ff_kiosk_progress_remaining(struct ff_kiosk_progress *p, const struct ff_kiosk_frame *frames,
                                size_t n)
{
    if (n == 0)
        return FF_PROGRESS_FAR;
    const int *d = dist_of(p, frames[n - 1].chart, 0);
    if (!d || frames[n - 1].node < 0)
        return FF_PROGRESS_FAR;
    int total = d[frames[n - 1].node];
    const struct ff_node *here = &frames[n - 1].chart->nodes[frames[n - 1].node];
    if (here->handoff || ff_audience_is_staff(here->audience))
        return total; /* the session ends here, whatever the callers would do next */
    for (size_t i = n - 1; i-- > 0;) {
        const struct ff_node *call = &frames[i].chart->nodes[frames[i].node];
        const int *dc = dist_of(p, frames[i].chart, 0);
        if (!dc || call->next_index < 0)
            return FF_PROGRESS_FAR;
        total = add(total, dc[call->next_index]);
    }
    return total;
}

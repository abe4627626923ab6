/* chart_check.c - graph checks on a loaded chart, and ff_chart_depth.
 *
 * Runs on a model whose schema walk found no error (every node has an id and a kind).
 * Order, which is also the order of findings: duplicate node ids (sorting an index that
 * then serves ff_chart_find_node), the start node, edges to missing nodes, nodes with no
 * way out, unreachable nodes, nodes trapped in a cycle with no end, and the deep-path
 * warning. Every pass is O(nodes + edges) apart from the O(n log n) sort.
 * docs/internals/chart.md explains the algorithms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_int.h"
#include "fieldflow/field.h"
#include "fieldflow/mem.h"

/* qsort has no context argument; checks run one chart at a time per thread. */
static _Thread_local const struct ff_chart *sort_chart;

static int by_id_cmp(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    int c = strcmp(sort_chart->nodes[i].id, sort_chart->nodes[j].id);
    return c ? c : (i > j) - (i < j);
}

static size_t nsucc(const struct ff_node *n)
{
    return n->kind == FF_NODE_DECISION ? n->noptions : 1;
}

static int succ(const struct ff_node *n, size_t k)
{
    return n->kind == FF_NODE_DECISION ? n->options[k].target_index : n->next_index;
}

static void node_report(struct ff_ld *x, enum ff_severity sev, size_t i, struct ff_pos pos,
                        const char *suffix, const char *code, const char *msg)
{
    size_t old = ff_ld_push_key(x, "nodes");
    ff_ld_push_index(x, i);
    x->node = x->chart->nodes[i].id;
    ff_ld_report(x, sev, pos, suffix, code, "%s", msg);
    x->node = NULL;
    ff_ld_pop(x, old);
}

static void check_ids(struct ff_ld *x)
{
    const struct ff_chart *c = x->chart;
    int *idx = ff_malloc((c->nnodes ? c->nnodes : 1) * sizeof *idx);
    char msg[160];
    if (!idx) {
        x->oom = true;
        return;
    }
    for (size_t i = 0; i < c->nnodes; i++)
        idx[i] = (int)i;
    sort_chart = c;
    qsort(idx, c->nnodes, sizeof *idx, by_id_cmp);
    x->priv->by_id = idx;
    for (size_t k = 1, first = 0; k < c->nnodes; k++) {
        if (strcmp(c->nodes[idx[k]].id, c->nodes[idx[first]].id)) {
            first = k;
            continue;
        }
        struct ff_pos fp = x->priv->node_aux[idx[first]].id;
        snprintf(msg, sizeof msg, "duplicate node id \"%s\" (first at %u:%u)", c->nodes[idx[k]].id,
                 (unsigned)fp.line, (unsigned)fp.col);
        node_report(x, FF_SEV_ERROR, (size_t)idx[k], x->priv->node_aux[idx[k]].id, ".id",
                    "duplicate-id", msg);
    }
}

static void check_start(struct ff_ld *x)
{
    struct ff_chart *c = x->chart;
    char msg[160];
    for (size_t i = 0; i < c->nnodes; i++) {
        if (c->nodes[i].kind != FF_NODE_START)
            continue;
        if (c->start_index < 0) {
            c->start_index = (int)i;
            continue;
        }
        struct ff_pos fp = c->nodes[c->start_index].pos;
        snprintf(msg, sizeof msg, "a second start node (the first is \"%s\" at %u:%u)",
                 c->nodes[c->start_index].id, (unsigned)fp.line, (unsigned)fp.col);
        node_report(x, FF_SEV_ERROR, i, c->nodes[i].pos, NULL, "multiple-start", msg);
    }
    if (c->start_index < 0) {
        size_t old = ff_ld_push_key(x, "nodes");
        ff_ld_report(x, FF_SEV_ERROR, x->priv->nodes_pos, NULL, "no-start",
                     "the chart has no start node");
        ff_ld_pop(x, old);
    }
}

#define ID_MAX 64 /* ids are at most 64 bytes (chart_get.c) */

/* Edit distance of two ids, or more than `cap` once it is sure to exceed it. */
static size_t distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b), row[ID_MAX + 2];
    if (la > ID_MAX || lb > ID_MAX || (la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0], best = row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], v = diag + (a[i - 1] != b[j - 1]);
            v = v < up + 1 ? v : up + 1;
            v = v < row[j - 1] + 1 ? v : row[j - 1] + 1;
            diag = up;
            row[j] = v;
            best = v < best ? v : best;
        }
        if (best > cap)
            return cap + 1;
    }
    return row[lb];
}

/* The node id closest to a missing target (a typo, usually), or NULL if none is close. */
static const char *nearest_id(const struct ff_chart *c, const char *id)
{
    size_t cap = strlen(id) / 4 + 1, best;
    cap = cap > 3 ? 3 : cap;
    best = cap + 1;
    const char *near = NULL;
    for (size_t i = 0; i < c->nnodes; i++) {
        size_t d = c->nodes[i].id ? distance(id, c->nodes[i].id, cap) : cap + 1;
        if (d < best) {
            best = d;
            near = c->nodes[i].id;
        }
    }
    return near;
}

/* Resolves one edge; reports a missing target. Returns false when it is missing. */
static bool resolve(struct ff_ld *x, const char *id, int *index, struct ff_pos pos)
{
    char msg[160];
    if (!id)
        return true;
    *index = ff_chart_find_node(x->chart, id);
    if (*index >= 0)
        return true;
    const char *near = nearest_id(x->chart, id);
    snprintf(msg, sizeof msg, "\"%.64s\" is not a node of this chart%s%.64s%s", id,
             near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
    ff_ld_report(x, FF_SEV_ERROR, pos, NULL, "missing-target", "%s", msg);
    return false;
}

static bool check_edges(struct ff_ld *x)
{
    struct ff_chart *c = x->chart;
    bool ok = true;
    size_t old = ff_ld_push_key(x, "nodes");
    for (size_t i = 0; i < c->nnodes; i++) {
        struct ff_node *n = &c->nodes[i];
        const struct ff_node_aux *aux = &x->priv->node_aux[i];
        size_t o1 = ff_ld_push_index(x, i), o2 = x->plen;
        x->node = n->id;
        ff_ld_push_key(x, "next");
        ok &= resolve(x, n->next, &n->next_index, aux->next);
        ff_ld_pop(x, o2);
        for (size_t j = 0; j < n->noptions; j++) {
            ff_ld_push_key(x, "options");
            ff_ld_push_index(x, j);
            ff_ld_push_key(x, "target");
            ok &= resolve(x, n->options[j].target, &n->options[j].target_index, aux->target[j]);
            ff_ld_pop(x, o2);
        }
        if (n->kind != FF_NODE_END && n->kind != FF_NODE_DECISION && !n->next) {
            ff_ld_report(x, FF_SEV_ERROR, n->pos, NULL, "no-way-out",
                         "%s %s node needs \"next\": it has no way out",
                         n->kind == FF_NODE_ACTION || n->kind == FF_NODE_INPUT ? "an" : "a",
                         ff_node_kind_name(n->kind));
            ok = false;
        }
        x->node = NULL;
        ff_ld_pop(x, o1);
    }
    ff_ld_pop(x, old);
    old = ff_ld_push_key(x, "time_limits");
    for (size_t i = 0; i < c->nlimits; i++) {
        struct ff_time_limit *l = &c->limits[i];
        size_t o1 = ff_ld_push_index(x, i), o2 = x->plen;
        ff_ld_push_key(x, "from");
        resolve(x, l->from, &l->from_index, x->priv->limit_aux[i].from);
        ff_ld_pop(x, o2);
        ff_ld_push_key(x, "to");
        resolve(x, l->to, &l->to_index, x->priv->limit_aux[i].to);
        ff_ld_pop(x, o1);
    }
    ff_ld_pop(x, old);
    return ok;
}

/* Marks in `seen` every node reachable from `from` (forward edges). */
static void mark_reachable(const struct ff_chart *c, int from, unsigned char *seen, int *queue)
{
    size_t head = 0, tail = 0;
    seen[from] = 1;
    queue[tail++] = from;
    while (head < tail) {
        const struct ff_node *n = &c->nodes[queue[head++]];
        for (size_t k = 0; k < nsucc(n); k++) {
            int w = succ(n, k);
            if (w >= 0 && !seen[w]) {
                seen[w] = 1;
                queue[tail++] = w;
            }
        }
    }
}

/* Marks every node from which an end can be reached: reverse BFS from the ends over a
 * compressed reverse adjacency (rstart[v]..rstart[v+1] index the predecessors of v). */
static bool mark_can_end(const struct ff_chart *c, unsigned char *ok, int *queue)
{
    size_t n = c->nnodes, edges = 0, head = 0, tail = 0;
    size_t *rstart = ff_calloc(n + 1, sizeof *rstart);
    int *pred = NULL;
    for (size_t v = 0; rstart && v < n; v++)
        for (size_t k = 0; k < nsucc(&c->nodes[v]); k++)
            if (succ(&c->nodes[v], k) >= 0) {
                rstart[succ(&c->nodes[v], k) + 1]++;
                edges++;
            }
    if (!rstart || !(pred = ff_malloc((edges ? edges : 1) * sizeof *pred))) {
        ff_free(rstart);
        return false;
    }
    for (size_t v = 0; v < n; v++)
        rstart[v + 1] += rstart[v];
    for (size_t v = 0; v < n; v++) /* fill, using rstart[w] as a cursor, then shift back */
        for (size_t k = 0; k < nsucc(&c->nodes[v]); k++)
            if (succ(&c->nodes[v], k) >= 0)
                pred[rstart[succ(&c->nodes[v], k)]++] = (int)v;
    for (size_t v = n; v > 0; v--)
        rstart[v] = rstart[v - 1];
    rstart[0] = 0;
    for (size_t v = 0; v < n; v++)
        if (c->nodes[v].kind == FF_NODE_END) {
            ok[v] = 1;
            queue[tail++] = (int)v;
        }
    while (head < tail) {
        int w = queue[head++];
        for (size_t e = rstart[w]; e < rstart[w + 1]; e++)
            if (!ok[pred[e]]) {
                ok[pred[e]] = 1;
                queue[tail++] = pred[e];
            }
    }
    ff_free(pred);
    ff_free(rstart);
    return true;
}

static void check_flow(struct ff_ld *x)
{
    const struct ff_chart *c = x->chart;
    size_t n = c->nnodes, trapped = 0, first = 0;
    unsigned char *seen = ff_calloc(n, 1), *can_end = ff_calloc(n, 1);
    int *queue = ff_malloc(n * sizeof *queue);
    char msg[200];
    if (!seen || !can_end || !queue || !mark_can_end(c, can_end, queue)) {
        x->oom = true;
        goto out;
    }
    mark_reachable(c, c->start_index, seen, queue);
    for (size_t i = 0; i < n; i++) {
        if (!seen[i]) {
            snprintf(msg, sizeof msg, "node \"%s\" cannot be reached from the start",
                     c->nodes[i].id);
            node_report(x, FF_SEV_ERROR, i, c->nodes[i].pos, NULL, "unreachable", msg);
        } else if (!can_end[i] && !trapped++) {
            first = i;
        }
    }
    if (trapped) {
        snprintf(msg, sizeof msg,
                 "no end can be reached from node \"%s\": it loops forever "
                 "(%zu node%s trapped)",
                 c->nodes[first].id, trapped, trapped == 1 ? "" : "s");
        node_report(x, FF_SEV_ERROR, first, c->nodes[first].pos, NULL, "endless-cycle", msg);
    }
out:
    ff_free(seen);
    ff_free(can_end);
    ff_free(queue);
}

static enum ff_err staff_found(void *ctx, size_t node, const char *path,
                               const struct ff_callee_reach *callee)
{
    struct ff_ld *x = ctx;
    const struct ff_node *n = &x->chart->nodes[node];
    char msg[512];
    (void)callee; /* no callee summaries here: chart_library.c reports calls */
    snprintf(msg, sizeof msg,
             "the kiosk customer reaches staff node \"%s\" (audience %s) without a hand-off: %s",
             n->id, ff_audience_name(n->audience), path);
    node_report(x, FF_SEV_WARNING, node, n->pos, NULL, "kiosk-reaches-staff", msg);
    return x->oom ? FF_ENOMEM : FF_OK;
}

/* A kiosk chart's own staff nodes reached before a hand-off; calls are the library's. */
static void check_handoff(struct ff_ld *x)
{
    bool returns;
    if (x->chart->audience != FF_AUDIENCE_KIOSK)
        return;
    if (ff_handoff_scan(x->chart, NULL, NULL, staff_found, x, &returns) != FF_OK)
        x->oom = true;
}

/* Countries the field checks have no rules for, and postcode fields with no country to
 * check against: both load, but their values are only checked loosely (field.h). */
static void check_countries(struct ff_ld *x)
{
    const struct ff_chart *c = x->chart;
    for (size_t i = 0; i < c->ncountries; i++) {
        if (ff_field_country_known(c->countries[i]))
            continue;
        size_t old = ff_ld_push_key(x, "countries");
        ff_ld_push_index(x, i);
        ff_ld_report(x, FF_SEV_WARNING, x->priv->countries_pos, NULL, "unchecked-country",
                     "no phone or postcode rules for \"%s\" (known: %s); its values are "
                     "checked loosely",
                     c->countries[i], FF_FIELD_COUNTRIES);
        ff_ld_pop(x, old);
    }
    for (size_t i = 0; i < c->nnodes && !c->ncountries; i++)
        for (size_t j = 0; j < c->nodes[i].nfields; j++) {
            if (c->nodes[i].fields[j].type != FF_FIELD_POSTCODE)
                continue;
            char suffix[48];
            snprintf(suffix, sizeof suffix, ".fields[%zu]", j);
            node_report(x, FF_SEV_WARNING, i, c->nodes[i].fields[j].pos, suffix,
                        "postcode-no-country",
                        "a postcode field in a chart without \"countries\" accepts any "
                        "postcode-like value");
        }
}

void ff_chart_check_graph(struct ff_ld *x)
{
    const struct ff_chart *c = x->chart;
    check_countries(x);
    check_ids(x);
    if (x->oom)
        return;
    check_start(x);
    bool edges_ok = check_edges(x);
    if (x->oom || !edges_ok || c->start_index < 0 || x->nerrors)
        return;
    check_flow(x);
    size_t longest, to_end;
    if (ff_chart_depth(c, &longest, &to_end) != FF_OK) {
        x->oom = true;
        return;
    }
    if (longest > FF_PATH_DEPTH_WARN) {
        char msg[120];
        snprintf(msg, sizeof msg, "a path from the start passes %zu nodes (more than %d)", longest,
                 FF_PATH_DEPTH_WARN);
        node_report(x, FF_SEV_WARNING, (size_t)c->start_index, c->nodes[c->start_index].pos, NULL,
                    "deep-path", msg);
    }
    check_handoff(x);
}

struct frame {
    int node;
    size_t k; /* next successor to look at */
};

/* Iterative DFS from the start; a node's depth is fixed when it finishes, from the
 * successors already finished (black). Edges to grey nodes close cycles and are cut. */
enum ff_err ff_chart_depth(const struct ff_chart *c, size_t *longest, size_t *to_end)
{
    size_t n = c->nnodes, sp = 0;
    *longest = *to_end = 0;
    if (c->start_index < 0 || (size_t)c->start_index >= n)
        return FF_OK;
    unsigned char *color = ff_calloc(n, 1);
    size_t *best = ff_calloc(n, sizeof *best), *bend = ff_calloc(n, sizeof *bend);
    struct frame *st = ff_malloc(n * sizeof *st);
    enum ff_err err = FF_ENOMEM;
    if (!color || !best || !bend || !st)
        goto out;
    st[sp++] = (struct frame){c->start_index, 0};
    color[c->start_index] = 1;
    while (sp) {
        struct frame *f = &st[sp - 1];
        const struct ff_node *nd = &c->nodes[f->node];
        if (f->k < nsucc(nd)) {
            int w = succ(nd, f->k++);
            if (w >= 0 && !color[w]) {
                color[w] = 1;
                st[sp++] = (struct frame){w, 0};
            }
            continue;
        }
        size_t b = 0, e = 0;
        for (size_t k = 0; k < nsucc(nd); k++) {
            int w = succ(nd, k);
            if (w < 0 || color[w] != 2)
                continue;
            b = best[w] > b ? best[w] : b;
            e = bend[w] > e ? bend[w] : e;
        }
        best[f->node] = b + 1;
        bend[f->node] = nd->kind == FF_NODE_END ? 1 : e ? e + 1 : 0;
        color[f->node] = 2;
        sp--;
    }
    *longest = best[c->start_index];
    *to_end = bend[c->start_index];
    err = FF_OK;
out:
    ff_free(color);
    ff_free(best);
    ff_free(bend);
    ff_free(st);
    return err;
}

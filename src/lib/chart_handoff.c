/* chart_handoff.c - which staff nodes a kiosk customer can reach before a hand-off.
 *
 * A kiosk chart is used by a walk-in customer until a node marked "handoff" passes the
 * session to staff. Nodes whose audience is engineer or desk are staff nodes; reaching one
 * before a hand-off means the customer is shown text written for staff. ff_handoff_scan
 * walks one chart breadth-first from its start over the nodes reached before any hand-off,
 * so the path it names for each finding is a shortest one. It does not go past a staff
 * node, a hand-off or a called chart that itself reaches staff: one finding per entrance.
 * Called charts are summarised by the caller's callback (chart_check.c knows none and
 * lets a call return; chart_library.c answers from the library).
 *
 * Workload: O(nodes + edges) per chart, plus the callback per subchart node.
 */
#include <stdio.h>
#include <string.h>

#include "chart_int.h"
#include "fieldflow/mem.h"

static size_t nsucc(const struct ff_node *n)
{
    return n->kind == FF_NODE_DECISION ? n->noptions : n->kind == FF_NODE_END ? 0 : 1;
}

static int succ(const struct ff_node *n, size_t k)
{
    return n->kind == FF_NODE_DECISION ? n->options[k].target_index : n->next_index;
}

/* Writes "a -> b -> c" (start to `last`) into buf, cut short if it does not fit (the
 * finding names the staff node on its own as well). */
static void path_to(const struct ff_chart *c, const int *parent, int last, int *chain, char *buf,
                    size_t size)
{
    size_t n = 0, used = 0;
    for (int v = last; v >= 0 && n < c->nnodes; v = parent[v])
        chain[n++] = v;
    buf[0] = '\0';
    for (size_t i = n; i > 0 && used < size; i--) {
        int w = snprintf(buf + used, size - used, "%s%s", used ? " -> " : "",
                         c->nodes[chain[i - 1]].id);
        used = w > 0 ? used + (size_t)w : used;
    }
}

enum ff_err ff_handoff_scan(const struct ff_chart *c, ff_callee_fn callee, void *cctx,
                            ff_found_fn found, void *fctx, bool *returns)
{
    size_t n = c->nnodes, head = 0, tail = 0;
    enum ff_err err = FF_ENOMEM;
    *returns = false;
    if (c->start_index < 0 || (size_t)c->start_index >= n)
        return FF_OK;
    int *parent = ff_malloc(n * sizeof *parent), *queue = ff_malloc(n * sizeof *queue);
    int *chain = ff_malloc(n * sizeof *chain);
    unsigned char *seen = ff_calloc(n, 1);
    char path[FF_HANDOFF_PATH_MAX];
    if (!parent || !queue || !chain || !seen)
        goto out;
    parent[c->start_index] = -1;
    seen[c->start_index] = 1;
    queue[tail++] = c->start_index;
    err = FF_OK;
    while (head < tail && err == FF_OK) {
        int v = queue[head++];
        const struct ff_node *nd = &c->nodes[v];
        struct ff_callee_reach r = {.returns = true};
        if (ff_audience_is_staff(nd->audience) || nd->kind == FF_NODE_SUBCHART) {
            if (nd->kind == FF_NODE_SUBCHART && callee)
                r = callee(cctx, nd->subchart);
            if (ff_audience_is_staff(nd->audience) || r.leaks) {
                path_to(c, parent, v, chain, path, sizeof path);
                err = found(fctx, (size_t)v, path, r.leaks ? &r : NULL);
                continue;
            }
        }
        if (nd->handoff || !r.returns)
            continue;
        if (nd->kind == FF_NODE_END)
            *returns = true;
        for (size_t k = 0; k < nsucc(nd); k++) {
            int w = succ(nd, k);
            if (w >= 0 && !seen[w]) {
                seen[w] = 1;
                parent[w] = v;
                queue[tail++] = w;
            }
        }
    }
out:
    ff_free(parent);
    ff_free(queue);
    ff_free(chain);
    ff_free(seen);
    return err;
}

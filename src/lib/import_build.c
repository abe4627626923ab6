/* import_build.c - the one import back end: a drawing (import_int.h) becomes a chart document.
 *
 * Format-independent: DOT, Mermaid and draw.io front ends all end here, so the rules that
 * turn shapes and structure into kinds live in one place (docs/internals/import.md):
 * - every node ends up with the out-degree its kind needs: an end has no edge out; start,
 *   step, input, kb, action and subchart have one; a decision has two or more. A node of
 *   any shape with several edges out becomes a decision, one with none becomes an end;
 * - the start is an explicit start mark (Mdiamond, a filled circle, our "ff-start"), else
 *   the one terminal (ellipse, circle) without incoming edges; a start that branches, a
 *   start of another shape, or none at all get a start node added in front; several
 *   are refused (a flowchart has one way in);
 * - nodes the start cannot reach are dropped, since the loader refuses them;
 * - our own export's marks (hint "ff-kb ff-outcome-escalated", extra JSON members) give
 *   back what a drawing cannot show, so an exported chart imports back equal.
 * Everything assumed or dropped is a warning at the source position of its node or edge;
 * the loader's findings on the result are moved to the same positions. Workload: up to
 * FF_CHART_MAX_NODES nodes; every pass is linear in nodes plus edges except making ids
 * unique (quadratic in nodes: a 9000-node drawing imports in about 0.5 s).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "chart_int.h"
#include "fieldflow/mem.h"
#include "graph_int.h"
#include "import_int.h"
#include "import_marks.h"

#define ID_MAX 64
#define NAME_SHOWN 60 /* bytes of a source name quoted in a message */
#define SYNTH_START ((size_t)-1)

struct bnode {
    enum ff_node_kind kind;
    char id[ID_MAX + 1]; /* chart node id: valid, unique */
    const char *title;   /* label, else the source name (borrowed from the graph) */
    size_t nin, nout;    /* edges in and out, self-loops counted both ways */
    size_t first;        /* index of its first out-edge in bld.out */
    int hint_kind;       /* kind marked by our export ("ff-kb"), or -1 */
    const char *outcome; /* end: outcome code */
    bool success;        /* end */
    bool reached;        /* from the start: unreached nodes are dropped */
    cJSON *extra;        /* parsed node extra, or NULL */
};

struct bld {
    const struct ff_imp_graph *g;
    const char *locale;     /* of every drawn text */
    struct ff_diags *diags; /* the caller's */
    struct bnode *n;        /* g->nnodes */
    size_t *out;    /* edge indexes grouped by source node, each group in source order (or in
                       our export's order, when marked) */
    size_t *starts; /* start candidates chosen (source indexes) */
    size_t nstarts;
    bool synth_start;          /* a start node is added in front */
    size_t start;              /* the source node that is the start, or SYNTH_START */
    char start_id[ID_MAX + 1]; /* of the added start */
    bool refused;              /* the drawing is not a flowchart (reported) */
    cJSON *gextra;             /* parsed graph extra, or NULL */
    cJSON **eextra;            /* parsed edge extras (g->nedges), NULL entries where none */
    size_t *seq;               /* source node indexes in the order they are written */
    size_t *order;             /* chart node index -> source index or SYNTH_START */
    size_t norder;
    bool oom;
};

static void warn(struct bld *b, struct ff_pos pos, const char *path, const char *code,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void warn(struct bld *b, struct ff_pos pos, const char *path, const char *code,
                 const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!ff_imp_note(b->diags, FF_SEV_WARNING, b->g->file, pos, path, code, "%s", msg))
        b->oom = true;
}

static void node_path(const struct bld *b, size_t i, char *buf, size_t size)
{
    snprintf(buf, size, "node %.*s", NAME_SHOWN, b->g->nodes[i].name);
}

static void edge_path(const struct bld *b, size_t e, char *buf, size_t size)
{
    const struct ff_imp_edge *ed = &b->g->edges[e];
    snprintf(buf, size, "edge %.*s -> %.*s", NAME_SHOWN, b->g->nodes[ed->from].name, NAME_SHOWN,
             b->g->nodes[ed->to].name);
}

static void warn_node(struct bld *b, size_t i, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void warn_node(struct bld *b, size_t i, const char *code, const char *fmt, ...)
{
    char msg[512], path[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    node_path(b, i, path, sizeof path);
    warn(b, b->g->nodes[i].pos, path, code, "%s", msg);
}

static void warn_edge(struct bld *b, size_t e, const char *code, const char *msg)
{
    char path[160];
    edge_path(b, e, path, sizeof path);
    warn(b, b->g->edges[e].pos, path, code, "%s", msg);
}

/* A chart id from any text: lower case, [a-z0-9_.-], starting with a letter or digit. */
static void make_id(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 1 < size && n < ID_MAX; p++) {
        unsigned char c = *p >= 'A' && *p <= 'Z' ? (unsigned char)(*p - 'A' + 'a') : *p;
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        bool punct = c == '_' || c == '.' || c == '-';
        if (!alnum && n == 0)
            continue;
        if (!alnum && !punct)
            c = '_';
        if (c == '_' && out[n - 1] == '_')
            continue;
        out[n++] = (char)c;
    }
    while (n > 0 && out[n - 1] == '_')
        n--;
    out[n] = '\0';
}

static bool id_used(const struct bld *b, size_t upto, const char *id)
{
    for (size_t i = 0; i < upto; i++)
        if (!strcmp(b->n[i].id, id))
            return true;
    return false; /* the added start's id is made last, against the drawn nodes' ids */
}

/* Unique id from `base` ("node" when nothing usable), with -2, -3... as needed. */
static void unique_id(const struct bld *b, size_t upto, const char *text, char *out)
{
    char base[ID_MAX + 1];
    make_id(text, base, sizeof base);
    if (!*base)
        snprintf(base, sizeof base, "node");
    snprintf(out, ID_MAX + 1, "%s", base);
    for (unsigned k = 2; id_used(b, upto, out); k++)
        snprintf(out, ID_MAX + 1, "%.*s-%u", ID_MAX - 12, base, k);
}

/* The edges of each node in source order: a counting sort by source node. */
static bool group_edges(struct bld *b)
{
    const struct ff_imp_graph *g = b->g;
    b->out = ff_calloc(g->nedges ? g->nedges : 1, sizeof *b->out);
    if (!b->out)
        return false;
    for (size_t e = 0; e < g->nedges; e++) {
        b->n[g->edges[e].from].nout++;
        b->n[g->edges[e].to].nin++;
    }
    size_t at = 0;
    for (size_t i = 0; i < g->nnodes; i++) {
        b->n[i].first = at;
        at += b->n[i].nout;
    }
    size_t *fill = ff_calloc(g->nnodes, sizeof *fill);
    if (!fill)
        return false;
    for (size_t e = 0; e < g->nedges; e++) {
        size_t f = g->edges[e].from;
        b->out[b->n[f].first + fill[f]++] = e;
    }
    ff_free(fill);
    return true;
}

/* Parses an extra (our export's JSON object); an unreadable one is reported and ignored. */
static cJSON *parse_extra(struct bld *b, const char *text, struct ff_pos pos, const char *path)
{
    cJSON *j = ff_imp_mark_parse(text);
    if (text && !j)
        warn(b, pos, path, "mark-unreadable",
             "fieldflow's export data (ff_data) is not a JSON object; ignored");
    return j;
}

/* kb, action and subchart need a member only our export data carries. */
static bool hint_kind_usable(struct bld *b, size_t i)
{
    static const char *const need[] = {
        [FF_NODE_KB] = "article", [FF_NODE_ACTION] = "actions", [FF_NODE_SUBCHART] = "chart"};
    struct bnode *n = &b->n[i];
    int k = n->hint_kind;
    if (k != FF_NODE_KB && k != FF_NODE_ACTION && k != FF_NODE_SUBCHART)
        return k >= 0;
    if (cJSON_GetObjectItemCaseSensitive(n->extra, need[k]))
        return true;
    warn_node(b, i, "kind-lost",
              "marked as a %s node, but its \"%s\" is not in the drawing: read "
              "as a step",
              ff_node_kind_name((enum ff_node_kind)k), need[k]);
    return false;
}

static bool all_out_labelled(const struct bld *b, size_t i)
{
    for (size_t k = 0; k < b->n[i].nout; k++)
        if (!b->g->edges[b->out[b->n[i].first + k]].label)
            return false;
    return true;
}

/* How a node is named in messages: "box", or "node" when no shape was written. */
static const char *shape_shown(const struct ff_imp_node *s)
{
    return s->shape_name ? s->shape_name : "default shape";
}

/* An end: outcome and success from the marks, else "resolved" and success, reported. */
static void classify_end(struct bld *b, size_t i)
{
    struct bnode *n = &b->n[i];
    const struct ff_imp_node *s = &b->g->nodes[i];
    n->kind = FF_NODE_END;
    bool endish = s->shape == FF_IMP_SHAPE_END || s->shape == FF_IMP_SHAPE_TERMINAL ||
                  s->shape == FF_IMP_SHAPE_DEFAULT || n->hint_kind == FF_NODE_END;
    if (!endish)
        warn_node(b, i, "end-assumed", "a node (%.40s) with no edge out: read as an end",
                  shape_shown(s));
    if (!n->outcome && !cJSON_GetObjectItemCaseSensitive(n->extra, "outcome")) {
        n->outcome = "resolved";
        warn_node(b, i, "outcome-assumed",
                  "an end with no outcome: read as \"resolved\" and a success");
    }
}

/* Kind from marks, shape and out-degree; the start is chosen afterwards. */
static void classify(struct bld *b, size_t i)
{
    struct bnode *n = &b->n[i];
    const struct ff_imp_node *s = &b->g->nodes[i];
    if (n->nout == 0) {
        classify_end(b, i);
        return;
    }
    n->kind = FF_NODE_STEP;
    if (hint_kind_usable(b, i) && n->hint_kind != FF_NODE_END) {
        n->kind = (enum ff_node_kind)n->hint_kind;
    } else if (s->shape == FF_IMP_SHAPE_DECISION) {
        n->kind = FF_NODE_DECISION;
    } else if (s->shape == FF_IMP_SHAPE_DATA) {
        n->kind = FF_NODE_INPUT;
    } else if (s->shape == FF_IMP_SHAPE_END || n->hint_kind == FF_NODE_END) {
        warn_node(b, i, "end-with-exits",
                  "an end shape with edges out: read as a step (or a decision if it branches)");
    } else if (s->shape == FF_IMP_SHAPE_TERMINAL && n->nin > 0) {
        warn_node(b, i, "terminal-in-middle",
                  "a node (%.40s) with edges in and out is neither start nor end: read as a step",
                  shape_shown(s));
    } else if (s->shape == FF_IMP_SHAPE_DOCUMENT || s->shape == FF_IMP_SHAPE_SUBROUTINE ||
               s->shape == FF_IMP_SHAPE_OTHER) {
        warn_node(b, i, "shape-as-step", "shape %.40s has no kind of its own here: read as a step",
                  shape_shown(s));
    }
    if (n->kind == FF_NODE_START)
        n->kind = FF_NODE_STEP; /* the start is chosen in choose_start() */
    if (n->kind == FF_NODE_DECISION && n->nout == 1) {
        n->kind = FF_NODE_STEP;
        warn_node(b, i, "one-way-decision", "a decision with a single edge out: read as a step");
    } else if (n->kind != FF_NODE_DECISION && n->nout >= 2) {
        bool labelled = all_out_labelled(b, i);
        warn_node(b, i, labelled ? "decision-from-labels" : "branch-as-decision",
                  "a node (%.40s) with %zu edges out%s: read as a decision (%s)", shape_shown(s),
                  n->nout, labelled ? ", all labelled" : "",
                  labelled ? "the labels are its options"
                           : "unlabelled edges take their target's title as the option");
        n->kind = FF_NODE_DECISION;
    }
    if (n->kind == FF_NODE_INPUT && !cJSON_GetObjectItemCaseSensitive(n->extra, "fields"))
        warn_node(b, i, "fields-assumed",
                  "an input shape, but a drawing has no fields: one optional text field "
                  "\"answer\" is made, labelled with the node's text");
}

static bool start_mark(const struct bld *b, size_t i)
{
    return b->g->nodes[i].shape == FF_IMP_SHAPE_START || b->n[i].hint_kind == FF_NODE_START;
}

/* Candidates of one tier, in source order; returns their count. */
static size_t collect_starts(struct bld *b, int tier)
{
    b->nstarts = 0;
    for (size_t i = 0; i < b->g->nnodes; i++) {
        const struct bnode *n = &b->n[i];
        enum ff_imp_shape sh = b->g->nodes[i].shape;
        bool ok = n->kind != FF_NODE_END &&
                  (tier == 0 ? start_mark(b, i)
                   : tier == 1
                       ? n->nin == 0 && (sh == FF_IMP_SHAPE_TERMINAL || sh == FF_IMP_SHAPE_DEFAULT)
                       : n->nin == 0);
        if (ok)
            b->starts[b->nstarts++] = i;
    }
    return b->nstarts;
}

/* The start: see the file comment. Several candidates of the first tier that has any
 * are refused: a flowchart has one way in, and a drawing with many is not one. */
static bool choose_start(struct bld *b)
{
    static const char *const tiers[] = {"marked as the start", "terminals without edges in",
                                        "without edges in"};
    int tier = 0;
    while (tier < 3 && collect_starts(b, tier) == 0)
        tier++;
    b->start = SYNTH_START;
    b->synth_start = true;
    if (tier == 3) {
        size_t first = 0;
        while (first + 1 < b->g->nnodes && b->n[first].kind == FF_NODE_END)
            first++;
        b->starts[0] = first;
        b->nstarts = 1;
        warn_node(b, first, "start-added",
                  "no node can be the start (each has an edge in, or is an end): a start is "
                  "added before the first node written");
        return true;
    }
    size_t c = b->starts[0];
    if (b->nstarts > 1) {
        char path[96], names[200] = "";
        size_t used = 0;
        for (size_t k = 1; k < b->nstarts && k < 4 && used < sizeof names; k++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%.40s",
                                     k > 1 ? ", " : "", b->g->nodes[b->starts[k]].name);
        node_path(b, c, path, sizeof path);
        if (!ff_imp_note(b->diags, FF_SEV_ERROR, b->g->file, b->g->nodes[c].pos, path,
                         "several-starts",
                         "%zu nodes are %s (also %s%s): a flowchart has one way in; mark the "
                         "start (shape=Mdiamond) or join them",
                         b->nstarts, tiers[tier], names, b->nstarts > 4 ? ", ..." : ""))
            b->oom = true;
        b->refused = true;
        return false;
    }
    if (tier < 2 && b->n[c].kind == FF_NODE_STEP) {
        b->n[c].kind = FF_NODE_START;
        b->start = c;
        b->synth_start = false;
        if (tier == 1)
            warn_node(b, c, "start-assumed",
                      "the only terminal without edges in: read as the start");
        return true;
    }
    warn_node(b, c, "start-added", "the first node (%s) is a %s: a start is added before it",
              tiers[tier], ff_node_kind_name(b->n[c].kind));
    return true;
}

/* Marks what the start reaches; drops the rest, reporting each. */
static bool reach(struct bld *b)
{
    size_t nn = b->g->nnodes, head = 0, tail = 0;
    size_t *queue = ff_malloc(nn * sizeof *queue);
    if (!queue)
        return false;
    size_t s = b->synth_start ? b->starts[0] : b->start;
    b->n[s].reached = true;
    queue[tail++] = s;
    while (head < tail) {
        const struct bnode *n = &b->n[queue[head++]];
        for (size_t k = 0; k < n->nout; k++) {
            size_t to = b->g->edges[b->out[n->first + k]].to;
            if (!b->n[to].reached) {
                b->n[to].reached = true;
                queue[tail++] = to;
            }
        }
    }
    ff_free(queue);
    for (size_t i = 0; i < nn; i++)
        if (!b->n[i].reached)
            warn_node(b, i, "unreachable-dropped",
                      "cannot be reached from the start: dropped with its edges");
    return true;
}

static void put_text(struct bld *b, struct ff_gbuf *o, const char *text)
{
    ff_gbuf_puts(o, "{");
    ff_gbuf_json_str(o, b->locale);
    ff_gbuf_puts(o, ": ");
    ff_gbuf_json_str(o, text);
    ff_gbuf_puts(o, "}");
}

/* Appends `"key": <the member of obj>` when obj has it; returns whether it did. */
static bool put_member(struct bld *b, struct ff_gbuf *o, const cJSON *obj, const char *key)
{
    return ff_imp_mark_put(o, obj, key, &b->oom);
}

static bool id_in(const char *ids, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = ids; (p = strstr(p, id)) != NULL; p += n)
        if ((p == ids || p[-1] == ' ') && p[n] == ' ')
            return true;
    return false;
}

/* One option: id and label from our marks, else from the edge label or the target's title. */
static void put_option(struct bld *b, struct ff_gbuf *o, struct ff_gbuf *ids, size_t e, size_t k)
{
    const struct ff_imp_edge *ed = &b->g->edges[e];
    const cJSON *x = b->eextra[e];
    const cJSON *xid = cJSON_GetObjectItemCaseSensitive(x, "id");
    const char *label = ed->label ? ed->label : b->n[ed->to].title;
    char id[ID_MAX + 1], base[ID_MAX + 1];
    if (!ed->label && !cJSON_GetObjectItemCaseSensitive(x, "label"))
        warn_edge(b, e, "unlabeled-option",
                  "a decision's edge without a label: the target's title is the option");
    make_id(cJSON_IsString(xid) ? xid->valuestring : label, base, sizeof base);
    if (!*base)
        snprintf(base, sizeof base, "option-%zu", k + 1);
    snprintf(id, sizeof id, "%s", base);
    for (unsigned j = 2; id_in(ids->p ? ids->p : "", id); j++)
        snprintf(id, sizeof id, "%.*s-%u", ID_MAX - 12, base, j);
    ff_gbuf_printf(ids, " %s ", id);
    ff_gbuf_puts(o, k ? ",\n        {\"id\": " : "\n        {\"id\": ");
    ff_gbuf_json_str(o, id);
    if (!put_member(b, o, x, "label")) {
        ff_gbuf_puts(o, ", \"label\": ");
        put_text(b, o, label);
    }
    ff_gbuf_puts(o, ", \"target\": ");
    ff_gbuf_json_str(o, b->n[ed->to].id);
    ff_gbuf_puts(o, "}");
}

static void put_options(struct bld *b, struct ff_gbuf *o, size_t i)
{
    struct ff_gbuf ids = {0};
    ff_gbuf_puts(o, ", \"options\": [");
    for (size_t k = 0; k < b->n[i].nout; k++)
        put_option(b, o, &ids, b->out[b->n[i].first + k], k);
    ff_gbuf_puts(o, "]");
    b->oom |= ids.oom;
    ff_gbuf_free(&ids);
}

/* `next`: the one edge out; a label on it has nowhere to go. */
static void put_next(struct bld *b, struct ff_gbuf *o, size_t i)
{
    size_t e = b->out[b->n[i].first];
    if (b->g->edges[e].label)
        warn_edge(b, e, "label-dropped",
                  "only the edges of a decision carry labels: this label is dropped");
    ff_gbuf_puts(o, ", \"next\": ");
    ff_gbuf_json_str(o, b->n[b->g->edges[e].to].id);
}

static void put_kind_members(struct bld *b, struct ff_gbuf *o, size_t i)
{
    struct bnode *n = &b->n[i];
    switch (n->kind) {
    case FF_NODE_DECISION:
        put_options(b, o, i);
        return;
    case FF_NODE_END:
        if (!put_member(b, o, n->extra, "outcome"))
            ff_gbuf_printf(o, ", \"outcome\": \"%s\"", n->outcome);
        if (!put_member(b, o, n->extra, "success"))
            ff_gbuf_printf(o, ", \"success\": %s", n->success ? "true" : "false");
        return;
    case FF_NODE_INPUT:
        if (!put_member(b, o, n->extra, "fields")) {
            ff_gbuf_puts(o,
                         ", \"fields\": [{\"name\": \"answer\", \"type\": \"text\", \"label\": ");
            put_text(b, o, n->title);
            ff_gbuf_puts(o, "}]");
        }
        break;
    case FF_NODE_KB:
        put_member(b, o, n->extra, "article");
        break;
    case FF_NODE_ACTION:
        put_member(b, o, n->extra, "actions");
        break;
    case FF_NODE_SUBCHART:
        put_member(b, o, n->extra, "chart");
        break;
    default:
        break;
    }
    put_next(b, o, i);
}

static void put_node(struct bld *b, struct ff_gbuf *o, size_t i)
{
    struct bnode *n = &b->n[i];
    ff_gbuf_puts(o, "    {\"id\": ");
    ff_gbuf_json_str(o, n->id);
    ff_gbuf_printf(o, ", \"kind\": \"%s\"", ff_node_kind_name(n->kind));
    if (!put_member(b, o, n->extra, "title")) {
        ff_gbuf_puts(o, ", \"title\": ");
        put_text(b, o, n->title);
    }
    put_member(b, o, n->extra, "body");
    put_member(b, o, n->extra, "audience");
    put_member(b, o, n->extra, "handoff");
    put_kind_members(b, o, i);
    ff_gbuf_puts(o, "}");
}

/* The added start, in front of the first node. */
static void put_synthetic(struct bld *b, struct ff_gbuf *o)
{
    ff_gbuf_puts(o, "    {\"id\": ");
    ff_gbuf_json_str(o, b->start_id);
    ff_gbuf_puts(o, ", \"kind\": \"start\", \"title\": ");
    put_text(b, o, b->g->title ? b->g->title : "Start");
    ff_gbuf_puts(o, ", \"next\": ");
    ff_gbuf_json_str(o, b->n[b->starts[0]].id);
    ff_gbuf_puts(o, "},\n");
    b->order[b->norder++] = SYNTH_START;
}

/* The chart's own members: from our marks, else defaults (reported). */
static void put_header(struct bld *b, struct ff_gbuf *o)
{
    const struct ff_imp_graph *g = b->g;
    const cJSON *x = b->gextra;
    char id[ID_MAX + 1] = "";
    const char *stem = g->file ? strrchr(g->file, '/') : NULL;
    stem = stem ? stem + 1 : g->file ? g->file : "";
    make_id(g->name ? g->name : "", id, sizeof id);
    if (!*id) {
        char tmp[ID_MAX + 1];
        snprintf(tmp, sizeof tmp, "%.*s", (int)strcspn(stem, "."), stem);
        make_id(tmp, id, sizeof id);
    }
    ff_gbuf_puts(o, "{\n  \"format\": 1");
    if (!put_member(b, o, x, "id")) {
        ff_gbuf_puts(o, ", \"id\": ");
        ff_gbuf_json_str(o, *id ? id : "imported");
    }
    if (!put_member(b, o, x, "version"))
        ff_gbuf_puts(o, ", \"version\": 1");
    if (!put_member(b, o, x, "title")) {
        ff_gbuf_puts(o, ",\n  \"title\": ");
        put_text(b, o, g->title ? g->title : g->name ? g->name : "Imported chart");
    }
    if (!put_member(b, o, x, "category"))
        ff_gbuf_puts(o, ", \"category\": \"imported\"");
    if (!put_member(b, o, x, "audience"))
        ff_gbuf_puts(o, ", \"audience\": \"any\"");
    if (!put_member(b, o, x, "touchpoints"))
        ff_gbuf_puts(o, ", \"touchpoints\": [\"telephone\"]");
    if (!put_member(b, o, x, "locales")) {
        ff_gbuf_puts(o, ", \"locales\": [");
        ff_gbuf_json_str(o, b->locale);
        ff_gbuf_puts(o, "]");
    }
    put_member(b, o, x, "countries");
    put_member(b, o, x, "time_limits");
    ff_gbuf_puts(o, ",\n  \"nodes\": [\n");
    if (!x)
        warn(b, g->pos, "graph", "chart-defaults",
             "a drawing has no category, audience, touchpoints, time limits or translations: "
             "the chart gets category \"imported\", audience \"any\", touchpoint \"telephone\" "
             "and the one locale \"%s\"",
             b->locale);
}

static enum ff_err write_json(struct bld *b, char **json, size_t *len)
{
    struct ff_gbuf o = {0};
    put_header(b, &o);
    if (b->synth_start)
        put_synthetic(b, &o);
    bool first = true;
    for (size_t k = 0; k < b->g->nnodes; k++) {
        size_t i = b->seq[k];
        if (!b->n[i].reached)
            continue;
        ff_gbuf_puts(&o, first ? "" : ",\n");
        put_node(b, &o, i);
        b->order[b->norder++] = i;
        first = false;
    }
    ff_gbuf_puts(&o, "\n  ]\n}\n");
    o.oom |= b->oom;
    return ff_gbuf_take(&o, json, len);
}

static const cJSON *node_mark(const void *ctx, size_t i)
{
    return ((const struct bld *)ctx)->n[i].extra;
}

static const cJSON *edge_mark(const void *ctx, size_t e)
{
    return ((const struct bld *)ctx)->eextra[e];
}

/* Edge extras parsed, each decision's options and the nodes put in our export's order. */
static bool read_order(struct bld *b)
{
    const struct ff_imp_graph *g = b->g;
    for (size_t e = 0; e < g->nedges; e++)
        b->eextra[e] = parse_extra(b, g->edges[e].extra, g->edges[e].pos, "edge");
    for (size_t i = 0; i < g->nnodes; i++) {
        b->seq[i] = i;
        if (!ff_imp_order_by_at(b->out + b->n[i].first, b->n[i].nout, edge_mark, b))
            return false;
    }
    return ff_imp_order_by_at(b->seq, g->nnodes, node_mark, b);
}

/* Ids, extras, kinds and the start, before anything is written. */
static bool prepare(struct bld *b)
{
    const struct ff_imp_graph *g = b->g;
    b->gextra = parse_extra(b, g->extra, g->pos, "graph");
    for (size_t i = 0; i < g->nnodes; i++) {
        char path[96];
        node_path(b, i, path, sizeof path);
        struct bnode *n = &b->n[i];
        n->title = g->nodes[i].label && *g->nodes[i].label ? g->nodes[i].label : g->nodes[i].name;
        n->extra = parse_extra(b, g->nodes[i].extra, g->nodes[i].pos, path);
        ff_imp_hint_read(g->nodes[i].hint, &n->hint_kind, &n->outcome, &n->success);
        unique_id(b, i, g->nodes[i].name, n->id);
    }
    if (!read_order(b))
        return false;
    for (size_t i = 0; i < g->nnodes; i++)
        classify(b, i);
    if (!choose_start(b))
        return false;
    if (b->synth_start)
        unique_id(b, g->nnodes, "start", b->start_id);
    return reach(b) && !b->oom;
}

/* Reads "<prefix><digits>]" at the start of s: *n gets the number, *rest what follows. */
static bool index_after(const char *s, const char *prefix, size_t *n, const char **rest)
{
    size_t len = strlen(prefix);
    if (strncmp(s, prefix, len) || s[len] < '0' || s[len] > '9')
        return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s + len, &end, 10);
    if (errno || *end != ']' || v > SIZE_MAX)
        return false;
    *n = (size_t)v;
    *rest = end + 1;
    return true;
}

/* Where a loader finding on the generated chart belongs in the source: `path` is its JSON
 * path ("$.nodes[3].options[1].target"); *where gets the node or edge it names. */
static struct ff_pos source_pos(const struct bld *b, const char *path, char *where, size_t size)
{
    snprintf(where, size, "graph");
    size_t k = 0, opt = 0;
    const char *rest = NULL;
    if (!index_after(path, "$.nodes[", &k, &rest) || k >= b->norder)
        return b->g->pos;
    size_t i = b->order[k];
    if (i == SYNTH_START) {
        snprintf(where, size, "the added start");
        return b->g->nodes[b->starts[0]].pos;
    }
    if (b->n[i].kind == FF_NODE_DECISION && index_after(rest, ".options[", &opt, &rest) &&
        opt < b->n[i].nout) {
        size_t e = b->out[b->n[i].first + opt];
        edge_path(b, e, where, size);
        return b->g->edges[e].pos;
    }
    node_path(b, i, where, size);
    return b->g->nodes[i].pos;
}

/* The loader has the last word on whether the document is a chart; its findings are moved
 * to the source positions of what they concern, the JSON path kept in the message. */
static enum ff_err check_chart(struct bld *b, const char *json, size_t len)
{
    struct ff_diags found;
    struct ff_chart *chart = NULL;
    ff_diags_init(&found);
    enum ff_err err = ff_chart_parse(json, len, b->g->file, &found, &chart);
    ff_chart_free(chart);
    for (size_t i = 0; i < found.n; i++) {
        const struct ff_diag *d = &found.v[i];
        char where[160];
        struct ff_pos pos = source_pos(b, d->path, where, sizeof where);
        if (!ff_imp_note(b->diags, d->severity, b->g->file, pos, where, d->code,
                         "%s (in the chart: %s)", d->message, d->path))
            err = FF_ENOMEM;
    }
    ff_diags_free(&found);
    return err == FF_ENOMEM ? FF_ENOMEM : err == FF_OK ? FF_OK : FF_EINVALID;
}

/* The parsed marks go back while cJSON still allocates through ff_malloc. */
static void free_marks(struct bld *b)
{
    for (size_t i = 0; b->n && i < b->g->nnodes; i++)
        cJSON_Delete(b->n[i].extra);
    for (size_t e = 0; b->eextra && e < b->g->nedges; e++)
        cJSON_Delete(b->eextra[e]);
    cJSON_Delete(b->gextra);
}

static void build_free(struct bld *b)
{
    ff_free(b->eextra);
    ff_free(b->seq);
    ff_free(b->n);
    ff_free(b->out);
    ff_free(b->starts);
    ff_free(b->order);
}

static enum ff_err refuse(struct ff_diags *diags, const struct ff_imp_graph *g, const char *code,
                          const char *msg, enum ff_err err)
{
    return ff_imp_note(diags, FF_SEV_ERROR, g->file, g->pos, "graph", code, "%s", msg) ? err
                                                                                       : FF_ENOMEM;
}

enum ff_err ff_imp_build(const struct ff_imp_graph *g, const char *locale, struct ff_diags *diags,
                         char **json_out)
{
    if (!json_out)
        return FF_EINVAL;
    *json_out = NULL;
    if (!g || !diags)
        return FF_EINVAL;
    if (g->nnodes == 0)
        return refuse(diags, g, "import-empty", "the drawing has no nodes", FF_EINVALID);
    if (g->nnodes > FF_CHART_MAX_NODES)
        return refuse(diags, g, "import-limit", "more nodes than a chart may have", FF_ELIMIT);
    struct bld b = {.g = g, .locale = locale ? locale : "en", .diags = diags};
    char *json = NULL;
    size_t len = 0;
    enum ff_err err = FF_ENOMEM;
    ff_imp_marks_begin();
    b.n = ff_calloc(g->nnodes, sizeof *b.n);
    b.starts = ff_calloc(g->nnodes, sizeof *b.starts);
    b.order = ff_calloc(g->nnodes + 2, sizeof *b.order);
    b.seq = ff_calloc(g->nnodes, sizeof *b.seq);
    b.eextra = ff_calloc(g->nedges ? g->nedges : 1, sizeof(cJSON *));
    if (b.n && b.starts && b.order && b.seq && b.eextra && group_edges(&b) && prepare(&b))
        err = write_json(&b, &json, &len);
    else if (b.refused && !b.oom)
        err = FF_EINVALID;
    free_marks(&b);
    if (ff_imp_marks_end() && err != FF_ENOMEM) {
        ff_free(json);
        json = NULL;
        err = FF_ENOMEM;
    }
    if (err == FF_OK)
        err = check_chart(&b, json, len);
    build_free(&b);
    if (err != FF_OK) {
        ff_free(json);
        return err;
    }
    *json_out = json;
    return FF_OK;
}

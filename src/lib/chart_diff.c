/* chart_diff.c - ff_diff_charts: the changes between two versions of one chart.
 *
 * Workload: two validated charts of up to FF_CHART_MAX_NODES nodes, compared once by an
 * author or the back office before a version is published; the result is a short list.
 * Nodes are matched by id (ff_chart_find_node, a binary search), options by id, fields by
 * name, choices by id, actions by kind and rank among actions of that kind, time limits by
 * id. What is compared of each is a table of attributes (one line each, below), so a key
 * added to the format is one line here. Texts are compared in the locales both charts
 * declare; a locale added or removed is one chart change, not one per text.
 *
 * Invariants: every string of a change is copied into the diff's arena, so the charts may
 * go first; an allocation failure sets `oom`, every helper then stops, and the caller gets
 * FF_ENOMEM and no diff.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_int.h"
#include "fieldflow/diff.h"
#include "fieldflow/mem.h"

struct ff_diff {
    struct ff_arena *arena;   /* every string of every change */
    struct ff_diff_change *v; /* the changes, in the order they were found */
    size_t n, cap;
    struct ff_diff_ids ids; /* node ids kept, broken, added */
};

/* ---- the compared attributes ---- */

enum attr_type {
    A_STR,  /* const char *, NULL when absent */
    A_EDGE, /* const char * naming a node: a change is a move */
    A_INT,  /* any integer member (int, int64_t) */
    A_BOOL, /* bool */
    A_ENUM, /* an enum member; aux is its enum ff_name_set */
    A_NUM,  /* double; aux is the offset of its bool has_ flag */
    A_OPT,  /* an integer member; aux is the offset of its bool has_ flag */
    A_TEXT, /* struct ff_text, compared per locale */
    A_LIST, /* const char **; aux is the offset of its size_t count */
};

struct attr {
    const char *key; /* the JSON key, as reported */
    enum attr_type type;
    size_t off;  /* offsetof the member */
    size_t size; /* sizeof the member, so integers of any width read right */
    size_t aux;  /* see enum attr_type */
    size_t dflt; /* 1 + offsetof the chart member this one defaults to (its value when the
                    node says nothing); 0 for none */
};

/* One line per compared attribute: the macro names the JSON key, the struct and member.
 * A member of the wrong size for its macro (STR on an int) does not compile. */
// clang-format off
#define MEMBER(T, m) offsetof(T, m), sizeof(((T *)0)->m)
#define SIZED(T, m, n) offsetof(T, m) + 0 * sizeof(char[sizeof(((T *)0)->m) == (n) ? 1 : -1]), (n)
#define STR(key, T, m)          {key, A_STR, SIZED(T, m, sizeof(char *)), 0, 0}
#define EDGE(key, T, m)         {key, A_EDGE, SIZED(T, m, sizeof(char *)), 0, 0}
#define INT(key, T, m)          {key, A_INT, MEMBER(T, m), 0, 0}
#define BOOL(key, T, m)         {key, A_BOOL, SIZED(T, m, sizeof(bool)), 0, 0}
#define ENUM(key, T, m, set)    {key, A_ENUM, MEMBER(T, m), set, 0}
#define NUM(key, T, m, has)     {key, A_NUM, SIZED(T, m, sizeof(double)), offsetof(T, has), 0}
#define OPT(key, T, m, has)     {key, A_OPT, MEMBER(T, m), offsetof(T, has), 0}
#define TEXT(key, T, m)         {key, A_TEXT, SIZED(T, m, sizeof(struct ff_text)), 0, 0}
#define LIST(key, T, m, count)  {key, A_LIST, SIZED(T, m, sizeof(char **)), offsetof(T, count), 0}
/* A node enum whose value, when the node says nothing, is the chart's member cm. */
#define ENUM_DEFAULT(key, T, m, set, cm) {key, A_ENUM, MEMBER(T, m), set, offsetof(struct ff_chart, cm) + 1 \
    + 0 * sizeof(char[sizeof(((struct ff_chart *)0)->cm) == sizeof(((T *)0)->m) ? 1 : -1])}
// clang-format on

/* Members that a kind does not use are zero on both sides, so one table serves all kinds. */
static const struct attr chart_attrs[] = {
    STR("id", struct ff_chart, id),
    INT("version", struct ff_chart, version),
    TEXT("title", struct ff_chart, title),
    STR("category", struct ff_chart, category),
    ENUM("audience", struct ff_chart, audience, FF_NAMES_AUDIENCE),
    LIST("touchpoints", struct ff_chart, touchpoints, ntouchpoints),
    LIST("locales", struct ff_chart, locales, nlocales),
    LIST("countries", struct ff_chart, countries, ncountries),
};

static const struct attr limit_attrs[] = {
    TEXT("label", struct ff_time_limit, label),
    STR("from", struct ff_time_limit, from),
    STR("to", struct ff_time_limit, to),
    INT("seconds", struct ff_time_limit, seconds),
};

static const struct attr node_attrs[] = {
    TEXT("title", struct ff_node, title),
    TEXT("body", struct ff_node, body),
    EDGE("next", struct ff_node, next),
    STR("article", struct ff_node, kb_article),
    STR("chart", struct ff_node, subchart),
    ENUM("outcome", struct ff_node, outcome, FF_NAMES_OUTCOME),
    BOOL("success", struct ff_node, success),
    ENUM_DEFAULT("audience", struct ff_node, audience, FF_NAMES_AUDIENCE, audience),
    BOOL("handoff", struct ff_node, handoff),
};

static const struct attr option_attrs[] = {
    TEXT("label", struct ff_option, label),
    EDGE("target", struct ff_option, target),
};

static const struct attr field_attrs[] = {
    ENUM("type", struct ff_field, type, FF_NAMES_FIELD_TYPE),
    BOOL("required", struct ff_field, required),
    STR("pattern", struct ff_field, pattern),
    NUM("min", struct ff_field, min, has_min),
    NUM("max", struct ff_field, max, has_max),
    TEXT("label", struct ff_field, label),
    TEXT("hint", struct ff_field, hint),
    OPT("min_days", struct ff_field, min_days, has_min_days),
    OPT("max_days", struct ff_field, max_days, has_max_days),
};

static const struct attr action_attrs[] = {
    STR("value", struct ff_action, value),
    INT("level", struct ff_action, level),
    INT("eta_minutes", struct ff_action, eta_minutes),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the comparison's state ---- */

/* Predecessors of every node of one chart: the ids of nodes with an edge to it, sorted and
 * without repeats; node i's are from[first[i]] .. from[first[i + 1] - 1]. */
struct preds {
    const char **from;
    size_t *first; /* nnodes + 1 entries */
};

struct dctx {
    struct ff_diff *d;
    const struct ff_chart *a, *b; /* OLD, NEW */
    int *loc_a, *loc_b;           /* locales both declare: index in OLD, in NEW */
    size_t nloc;
    struct preds pa, pb;
    bool oom; /* sticky: an allocation failed */
};

/* Who a change is about, and where it is on each side. */
struct scope {
    enum ff_diff_entity entity;
    const char *limit, *node, *item, *choice; /* borrowed from the charts */
    struct ff_pos old_pos, new_pos;           /* of the entity */
    struct ff_pos old_edge, new_edge;         /* of its A_EDGE key, when it has one */
};

static enum ff_diff_group group_of(enum ff_diff_entity e)
{
    static const enum ff_diff_group g[] = {
        [FF_DIFF_CHART] = FF_DIFF_GROUP_CHART,    [FF_DIFF_LIMIT] = FF_DIFF_GROUP_LIMITS,
        [FF_DIFF_NODE] = FF_DIFF_GROUP_NODES,     [FF_DIFF_OPTION] = FF_DIFF_GROUP_OPTIONS,
        [FF_DIFF_FIELD] = FF_DIFF_GROUP_FIELDS,   [FF_DIFF_CHOICE] = FF_DIFF_GROUP_FIELDS,
        [FF_DIFF_ACTION] = FF_DIFF_GROUP_ACTIONS,
    };
    return g[e];
}

static const char *keep(struct dctx *x, const char *s)
{
    if (!s || x->oom)
        return NULL;
    const char *c = ff_arena_strdup(x->d->arena, s);
    if (!c)
        x->oom = true;
    return c;
}

/* A change to `attr` of s (NULL: the entity itself was added or removed). */
static void add(struct dctx *x, const struct scope *s, enum ff_diff_op op, enum ff_diff_group group,
                const char *attr, const char *locale, enum ff_diff_value type, const char *oldv,
                const char *newv)
{
    struct ff_diff *d = x->d;
    if (x->oom)
        return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        struct ff_diff_change *v = ff_realloc(d->v, cap * sizeof *v);
        if (!v) {
            x->oom = true;
            return;
        }
        d->v = v;
        d->cap = cap;
    }
    bool edge = op == FF_DIFF_MOVED && attr && strcmp(attr, "incoming");
    struct ff_diff_change c = {
        .op = op,
        .entity = s->entity,
        .group = group,
        .type = type,
        .limit = keep(x, s->limit),
        .node = keep(x, s->node),
        .item = keep(x, s->item),
        .choice = keep(x, s->choice),
        .attr = attr, /* a static key from a table */
        .locale = keep(x, locale),
        .old_value = keep(x, oldv),
        .new_value = keep(x, newv),
        .old_pos = op == FF_DIFF_ADDED ? (struct ff_pos){0, 0}
                   : edge              ? s->old_edge
                                       : s->old_pos,
        .new_pos = op == FF_DIFF_REMOVED ? (struct ff_pos){0, 0}
                   : edge                ? s->new_edge
                                         : s->new_pos,
    };
    if (!x->oom)
        d->v[d->n++] = c;
}

/* ---- reading and showing one attribute ---- */

static long long read_int(const void *obj, const struct attr *a)
{
    const char *p = (const char *)obj + a->off;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    switch (a->size) {
    case 1:
        memcpy(&i8, p, 1);
        return i8;
    case 2:
        memcpy(&i16, p, 2);
        return i16;
    case 4:
        memcpy(&i32, p, 4);
        return i32;
    default:
        memcpy(&i64, p, 8);
        return i64;
    }
}

static const char *read_str(const void *obj, const struct attr *a)
{
    const char *s;
    memcpy(&s, (const char *)obj + a->off, sizeof s);
    return s;
}

static bool has(const void *obj, const struct attr *a)
{
    bool h;
    memcpy(&h, (const char *)obj + a->aux, sizeof h);
    return h;
}

static bool read_has(const void *obj, const struct attr *a, double *v)
{
    memcpy(v, (const char *)obj + a->off, sizeof *v);
    return has(obj, a);
}

static const char *const *read_list(const void *obj, const struct attr *a, size_t *n)
{
    const char *const *v;
    memcpy(&v, (const char *)obj + a->off, sizeof v);
    memcpy(n, (const char *)obj + a->aux, sizeof *n);
    return v;
}

static bool same_str(const char *p, const char *q)
{
    return p == q || (p && q && !strcmp(p, q));
}

static bool same_list(const char *const *p, size_t np, const char *const *q, size_t nq)
{
    if (np != nq)
        return false;
    for (size_t i = 0; i < np; i++)
        if (strcmp(p[i], q[i]))
            return false;
    return true;
}

static bool same_attr(const void *p, const void *q, const struct attr *a)
{
    double u, v;
    size_t np, nq;
    switch (a->type) {
    case A_STR:
    case A_EDGE:
        return same_str(read_str(p, a), read_str(q, a));
    case A_NUM: {
        bool hp = read_has(p, a, &u), hq = read_has(q, a, &v);
        return hp == hq && (!hp || u == v);
    }
    case A_LIST: {
        const char *const *lp = read_list(p, a, &np), *const *lq = read_list(q, a, &nq);
        return same_list(lp, np, lq, nq);
    }
    case A_OPT:
        return has(p, a) == has(q, a) && (!has(p, a) || read_int(p, a) == read_int(q, a));
    case A_TEXT: /* compared per locale by the caller */
        return true;
    default:
        return read_int(p, a) == read_int(q, a);
    }
}

/* "a, b, c" in the arena ("" for an empty list). */
static const char *join(struct dctx *x, const char *const *v, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + 2;
    char *s = x->oom ? NULL : ff_arena_alloc(x->d->arena, len);
    if (!s) {
        x->oom = true;
        return NULL;
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(s + at, len - at, "%s%s", i ? ", " : "", v[i]);
    return s;
}

/* The value as shown, in the arena or static; NULL when absent. */
static const char *show(struct dctx *x, const void *obj, const struct attr *a)
{
    char buf[64];
    double v;
    size_t n;
    switch (a->type) {
    case A_STR:
    case A_EDGE:
        return read_str(obj, a); /* add() copies it */
    case A_BOOL:
        return read_int(obj, a) ? "true" : "false";
    case A_ENUM: {
        const char *const *names = ff_names((enum ff_name_set)a->aux, &n);
        long long i = read_int(obj, a);
        return i >= 0 && (size_t)i < n ? names[i] : "?";
    }
    case A_NUM:
        if (!read_has(obj, a, &v))
            return NULL;
        snprintf(buf, sizeof buf, "%.15g", v);
        if (strtod(buf, NULL) != v) /* the shortest form that reads back the same */
            snprintf(buf, sizeof buf, "%.17g", v);
        return keep(x, buf);
    case A_LIST: {
        const char *const *l = read_list(obj, a, &n);
        return join(x, l, n);
    }
    default:
        if (a->type == A_OPT && !has(obj, a))
            return NULL;
        snprintf(buf, sizeof buf, "%lld", read_int(obj, a));
        return keep(x, buf);
    }
}

static enum ff_diff_value value_type(enum attr_type t)
{
    switch (t) {
    case A_INT:
    case A_OPT:
    case A_NUM:
        return FF_DIFF_NUMBER;
    case A_BOOL:
        return FF_DIFF_BOOL;
    case A_ENUM:
        return FF_DIFF_NAME;
    case A_LIST:
        return FF_DIFF_LIST;
    default:
        return FF_DIFF_STRING;
    }
}

static void compare_text(struct dctx *x, const struct scope *s, const char *key,
                         const struct ff_text *p, const struct ff_text *q)
{
    for (size_t i = 0; i < x->nloc; i++) {
        const char *sp = p->s ? p->s[x->loc_a[i]] : NULL;
        const char *sq = q->s ? q->s[x->loc_b[i]] : NULL;
        if (!same_str(sp, sq))
            add(x, s, FF_DIFF_CHANGED, FF_DIFF_GROUP_TEXTS, key, x->b->locales[x->loc_b[i]],
                FF_DIFF_STRING, sp, sq);
    }
}

/* Whether obj says its own value of a rather than its chart's default: a value equal to the
 * chart's counts as the default, so a chart-wide change is one change, not one per node. */
static bool own(const struct ff_chart *c, const void *obj, const struct attr *a)
{
    struct attr in_chart = *a;
    in_chart.off = a->dflt - 1;
    return !a->dflt || read_int(obj, a) != read_int(c, &in_chart);
}

/* Every attribute of the table on p (OLD) and q (NEW), objects of one kind. */
static void compare_attrs(struct dctx *x, const struct scope *s, const struct attr *t, size_t n,
                          const void *p, const void *q)
{
    for (size_t i = 0; i < n && !x->oom; i++) {
        const struct attr *a = &t[i];
        if (a->type == A_TEXT) {
            compare_text(x, s, a->key, (const void *)((const char *)p + a->off),
                         (const void *)((const char *)q + a->off));
            continue;
        }
        bool op = own(x->a, p, a), oq = own(x->b, q, a);
        if (op == oq && (!op || same_attr(p, q, a)))
            continue;
        add(x, s, a->type == A_EDGE ? FF_DIFF_MOVED : FF_DIFF_CHANGED, group_of(s->entity), a->key,
            NULL, value_type(a->type), op ? show(x, p, a) : NULL, oq ? show(x, q, a) : NULL);
    }
}

/* ---- lists matched by key ---- */

static int find_key(const char *const *keys, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(keys[i], key))
            return (int)i;
    return -1;
}

/* When the keys both lists share appear in another order, one change on the parent, with
 * the shared keys in each order. `buf` has room for na + nb keys. */
static void compare_order(struct dctx *x, const struct scope *parent, enum ff_diff_group group,
                          const char *key, const char **ka, size_t na, const char **kb, size_t nb,
                          const char **buf)
{
    size_t n = 0, m = 0;
    for (size_t i = 0; i < na; i++)
        if (find_key(kb, nb, ka[i]) >= 0)
            buf[n++] = ka[i];
    for (size_t i = 0; i < nb; i++)
        if (find_key(ka, na, kb[i]) >= 0)
            buf[n + m++] = kb[i];
    if (same_list(buf, n, buf + n, m))
        return;
    add(x, parent, FF_DIFF_CHANGED, group, key, NULL, FF_DIFF_LIST, join(x, buf, n),
        join(x, buf + n, m));
}

/* Room for the keys of two lists: OLD's (na), NEW's (nb) and compare_order's work (na + nb). */
static const char **key_space(struct dctx *x, size_t na, size_t nb)
{
    const char **k = x->oom ? NULL : ff_calloc(2 * (na + nb) + 1, sizeof *k);
    if (!k)
        x->oom = true;
    return k;
}

static void compare_choices(struct dctx *x, const struct scope *fs, const struct ff_field *p,
                            const struct ff_field *q)
{
    const char **k = key_space(x, p->nchoices, q->nchoices);
    if (!k)
        return;
    for (size_t i = 0; i < p->nchoices; i++)
        k[i] = p->choices[i];
    for (size_t i = 0; i < q->nchoices; i++)
        k[p->nchoices + i] = q->choices[i];
    const char **ka = k, **kb = k + p->nchoices;
    struct scope s = *fs;
    s.entity = FF_DIFF_CHOICE;
    for (size_t j = 0; j < q->nchoices; j++) {
        int i = find_key(ka, p->nchoices, kb[j]);
        s.choice = kb[j];
        if (i < 0)
            add(x, &s, FF_DIFF_ADDED, FF_DIFF_GROUP_FIELDS, NULL, NULL, FF_DIFF_STRING, NULL, NULL);
        else
            compare_text(x, &s, "label", &p->choice_labels[i], &q->choice_labels[j]);
    }
    for (size_t i = 0; i < p->nchoices; i++)
        if (find_key(kb, q->nchoices, ka[i]) < 0) {
            s.choice = ka[i];
            add(x, &s, FF_DIFF_REMOVED, FF_DIFF_GROUP_FIELDS, NULL, NULL, FF_DIFF_STRING, NULL,
                NULL);
        }
    compare_order(x, fs, FF_DIFF_GROUP_FIELDS, "choices", ka, p->nchoices, kb, q->nchoices,
                  kb + q->nchoices);
    ff_free(k);
}

/* The options, fields or actions of one node on both sides. */
struct items {
    enum ff_diff_entity entity;
    enum ff_diff_group group;
    const char *key; /* the node's JSON key for the list */
    const struct attr *attrs;
    size_t nattrs;
    const char *a, *b; /* OLD's and NEW's elements */
    size_t na, nb, size;
    const char **ka, **kb; /* their keys */
    int ia, ib;            /* the node's index in OLD and NEW */
};

static struct ff_pos item_pos(const struct items *l, const char *elem, struct ff_pos node_pos)
{
    if (l->entity == FF_DIFF_OPTION)
        return ((const struct ff_option *)(const void *)elem)->pos;
    if (l->entity == FF_DIFF_FIELD)
        return ((const struct ff_field *)(const void *)elem)->pos;
    return node_pos; /* actions have no position of their own */
}

/* Where option i of node `node` points, as a position of its "target" key. */
static struct ff_pos target_pos(const struct ff_chart *c, int node, size_t i, struct ff_pos dflt)
{
    const struct ff_chart_priv *priv = c->priv;
    if (!priv || !priv->node_aux || !priv->node_aux[node].target)
        return dflt;
    return priv->node_aux[node].target[i];
}

/* What an added or removed item is shown with: an option's target, a field's type. */
static const char *item_value(const struct items *l, const char *elem, enum ff_diff_value *type)
{
    *type = l->entity == FF_DIFF_FIELD ? FF_DIFF_NAME : FF_DIFF_STRING;
    if (l->entity == FF_DIFF_OPTION)
        return ((const struct ff_option *)(const void *)elem)->target;
    if (l->entity == FF_DIFF_FIELD)
        return ff_field_type_name(((const struct ff_field *)(const void *)elem)->type);
    return NULL;
}

static void compare_pair(struct dctx *x, const struct items *l, struct scope *s, size_t i, size_t j)
{
    const char *p = l->a + i * l->size, *q = l->b + j * l->size;
    struct ff_pos node_old = s->old_pos, node_new = s->new_pos;
    s->old_pos = item_pos(l, p, node_old);
    s->new_pos = item_pos(l, q, node_new);
    s->old_edge = target_pos(x->a, l->ia, i, s->old_pos);
    s->new_edge = target_pos(x->b, l->ib, j, s->new_pos);
    compare_attrs(x, s, l->attrs, l->nattrs, p, q);
    if (l->entity == FF_DIFF_FIELD)
        compare_choices(x, s, (const struct ff_field *)(const void *)p,
                        (const struct ff_field *)(const void *)q);
    s->old_pos = node_old;
    s->new_pos = node_new;
}

static void compare_items(struct dctx *x, const struct scope *ns, const struct items *l,
                          const char **work)
{
    struct scope s = *ns;
    enum ff_diff_value type;
    const char *v;
    s.entity = l->entity;
    for (size_t j = 0; j < l->nb && !x->oom; j++) {
        int i = find_key(l->ka, l->na, l->kb[j]);
        s.item = l->kb[j];
        if (i >= 0) {
            compare_pair(x, l, &s, (size_t)i, j);
            continue;
        }
        s.new_pos = item_pos(l, l->b + j * l->size, ns->new_pos);
        v = item_value(l, l->b + j * l->size, &type);
        add(x, &s, FF_DIFF_ADDED, l->group, NULL, NULL, type, NULL, v);
        s.new_pos = ns->new_pos;
    }
    for (size_t i = 0; i < l->na && !x->oom; i++) {
        if (find_key(l->kb, l->nb, l->ka[i]) >= 0)
            continue;
        s.item = l->ka[i];
        s.old_pos = item_pos(l, l->a + i * l->size, ns->old_pos);
        v = item_value(l, l->a + i * l->size, &type);
        add(x, &s, FF_DIFF_REMOVED, l->group, NULL, NULL, type, v, NULL);
        s.old_pos = ns->old_pos;
    }
    compare_order(x, ns, l->group, l->key, l->ka, l->na, l->kb, l->nb, work);
}

/* "kind", or "kind#n" for the n-th action of that kind in the node (n >= 2). */
static void action_keys(struct dctx *x, const struct ff_node *n, const char **keys)
{
    for (size_t i = 0; i < n->nactions && !x->oom; i++) {
        char buf[64];
        int rank = 1;
        for (size_t j = 0; j < i; j++)
            rank += n->actions[j].kind == n->actions[i].kind;
        const char *kind = ff_action_kind_name(n->actions[i].kind);
        if (rank > 1)
            snprintf(buf, sizeof buf, "%s#%d", kind, rank);
        keys[i] = rank > 1 ? keep(x, buf) : kind;
    }
}

static void compare_lists(struct dctx *x, const struct scope *s, int ia, int ib)
{
    const struct ff_node *p = &x->a->nodes[ia], *q = &x->b->nodes[ib];
    struct items lists[] = {
        {FF_DIFF_OPTION, FF_DIFF_GROUP_OPTIONS, "options", option_attrs, COUNT(option_attrs),
         (const char *)p->options, (const char *)q->options, p->noptions, q->noptions,
         sizeof *p->options, NULL, NULL, ia, ib},
        {FF_DIFF_FIELD, FF_DIFF_GROUP_FIELDS, "fields", field_attrs, COUNT(field_attrs),
         (const char *)p->fields, (const char *)q->fields, p->nfields, q->nfields,
         sizeof *p->fields, NULL, NULL, ia, ib},
        {FF_DIFF_ACTION, FF_DIFF_GROUP_ACTIONS, "actions", action_attrs, COUNT(action_attrs),
         (const char *)p->actions, (const char *)q->actions, p->nactions, q->nactions,
         sizeof *p->actions, NULL, NULL, ia, ib},
    };
    for (size_t k = 0; k < COUNT(lists) && !x->oom; k++) {
        struct items *l = &lists[k];
        if (!l->na && !l->nb)
            continue;
        const char **keys = key_space(x, l->na, l->nb);
        if (!keys)
            return;
        l->ka = keys;
        l->kb = keys + l->na;
        if (l->entity == FF_DIFF_ACTION) {
            action_keys(x, p, l->ka);
            action_keys(x, q, l->kb);
        } else {
            for (size_t i = 0; i < l->na; i++)
                l->ka[i] = l->entity == FF_DIFF_OPTION ? p->options[i].id : p->fields[i].name;
            for (size_t i = 0; i < l->nb; i++)
                l->kb[i] = l->entity == FF_DIFF_OPTION ? q->options[i].id : q->fields[i].name;
        }
        if (!x->oom)
            compare_items(x, s, l, l->kb + l->nb);
        ff_free(keys);
    }
}

/* ---- nodes ---- */

struct edge {
    size_t to;
    const char *from;
};

static int edge_cmp(const void *p, const void *q)
{
    const struct edge *e = p, *f = q;
    if (e->to != f->to)
        return e->to < f->to ? -1 : 1;
    return strcmp(e->from, f->from);
}

/* Fills pr with every node's predecessors: O(e log e) for e edges. */
static void preds_build(struct dctx *x, const struct ff_chart *c, struct preds *pr)
{
    size_t ne = 0, n = 0;
    for (size_t i = 0; i < c->nnodes; i++)
        ne += (c->nodes[i].next_index >= 0) + c->nodes[i].noptions;
    struct edge *e = ff_calloc(ne + 1, sizeof *e);
    pr->from = ff_calloc(ne + 1, sizeof *pr->from);
    pr->first = ff_calloc(c->nnodes + 1, sizeof *pr->first);
    if (!e || !pr->from || !pr->first) {
        x->oom = true;
        ff_free(e);
        return;
    }
    for (size_t i = 0; i < c->nnodes; i++) {
        const struct ff_node *nd = &c->nodes[i];
        if (nd->next_index >= 0)
            e[n++] = (struct edge){(size_t)nd->next_index, nd->id};
        for (size_t k = 0; k < nd->noptions; k++)
            if (nd->options[k].target_index >= 0)
                e[n++] = (struct edge){(size_t)nd->options[k].target_index, nd->id};
    }
    qsort(e, n, sizeof *e, edge_cmp);
    size_t m = 0, to = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && e[i].to == e[i - 1].to && !strcmp(e[i].from, e[i - 1].from))
            continue; /* two options of one decision to the same node: one predecessor */
        while (to <= e[i].to)
            pr->first[to++] = m;
        pr->from[m++] = e[i].from;
    }
    while (to <= c->nnodes)
        pr->first[to++] = m;
    ff_free(e);
}

static void preds_free(struct preds *pr)
{
    ff_free(pr->from);
    ff_free(pr->first);
}

static void compare_incoming(struct dctx *x, const struct scope *s, int ia, int ib)
{
    const char **pa = x->pa.from + x->pa.first[ia], **pb = x->pb.from + x->pb.first[ib];
    size_t na = x->pa.first[ia + 1] - x->pa.first[ia], nb = x->pb.first[ib + 1] - x->pb.first[ib];
    if (!same_list(pa, na, pb, nb))
        add(x, s, FF_DIFF_MOVED, FF_DIFF_GROUP_NODES, "incoming", NULL, FF_DIFF_LIST,
            join(x, pa, na), join(x, pb, nb));
}

static struct ff_pos next_pos(const struct ff_chart *c, size_t i)
{
    const struct ff_chart_priv *priv = c->priv;
    return priv && priv->node_aux ? priv->node_aux[i].next : c->nodes[i].pos;
}

static void compare_nodes(struct dctx *x)
{
    const struct ff_chart *a = x->a, *b = x->b;
    struct scope s = {.entity = FF_DIFF_NODE};
    for (size_t j = 0; j < b->nnodes && !x->oom; j++) {
        const struct ff_node *q = &b->nodes[j];
        int i = ff_chart_find_node(a, q->id);
        s.node = q->id;
        s.new_pos = q->pos;
        s.old_pos = (struct ff_pos){0, 0};
        if (i < 0) {
            x->d->ids.added++;
            add(x, &s, FF_DIFF_ADDED, FF_DIFF_GROUP_NODES, NULL, NULL, FF_DIFF_NAME, NULL,
                ff_node_kind_name(q->kind));
            continue;
        }
        x->d->ids.kept++;
        s.old_pos = a->nodes[i].pos;
        s.old_edge = next_pos(a, (size_t)i);
        s.new_edge = next_pos(b, j);
        compare_attrs(x, &s, node_attrs, COUNT(node_attrs), &a->nodes[i], q);
        compare_incoming(x, &s, i, (int)j);
        compare_lists(x, &s, i, (int)j);
    }
    s.new_pos = (struct ff_pos){0, 0};
    for (size_t i = 0; i < a->nnodes && !x->oom; i++) {
        const struct ff_node *p = &a->nodes[i];
        if (ff_chart_find_node(b, p->id) >= 0)
            continue;
        x->d->ids.broken++;
        s.node = p->id;
        s.old_pos = p->pos;
        add(x, &s, FF_DIFF_REMOVED, FF_DIFF_GROUP_NODES, NULL, NULL, FF_DIFF_NAME,
            ff_node_kind_name(p->kind), NULL);
    }
}

/* ---- chart and time limits ---- */

static int find_limit(const struct ff_chart *c, const char *id)
{
    for (size_t i = 0; i < c->nlimits; i++)
        if (!strcmp(c->limits[i].id, id))
            return (int)i;
    return -1;
}

static void compare_limits(struct dctx *x)
{
    const struct ff_chart *a = x->a, *b = x->b;
    struct scope s = {.entity = FF_DIFF_LIMIT};
    for (size_t j = 0; j < b->nlimits && !x->oom; j++) {
        int i = find_limit(a, b->limits[j].id);
        s.limit = b->limits[j].id;
        s.new_pos = b->limits[j].pos;
        s.old_pos = i >= 0 ? a->limits[i].pos : (struct ff_pos){0, 0};
        if (i >= 0)
            compare_attrs(x, &s, limit_attrs, COUNT(limit_attrs), &a->limits[i], &b->limits[j]);
        else
            add(x, &s, FF_DIFF_ADDED, FF_DIFF_GROUP_LIMITS, NULL, NULL, FF_DIFF_STRING, NULL, NULL);
    }
    for (size_t i = 0; i < a->nlimits && !x->oom; i++) {
        if (find_limit(b, a->limits[i].id) >= 0)
            continue;
        s.limit = a->limits[i].id;
        s.old_pos = a->limits[i].pos;
        add(x, &s, FF_DIFF_REMOVED, FF_DIFF_GROUP_LIMITS, NULL, NULL, FF_DIFF_STRING, NULL, NULL);
    }
}

/* The locales both charts declare, as indices into each. */
static void common_locales(struct dctx *x)
{
    x->loc_a = ff_calloc(x->a->nlocales + 1, sizeof *x->loc_a);
    x->loc_b = ff_calloc(x->a->nlocales + 1, sizeof *x->loc_b);
    if (!x->loc_a || !x->loc_b) {
        x->oom = true;
        return;
    }
    for (size_t i = 0; i < x->a->nlocales; i++) {
        int j = ff_chart_locale_index(x->b, x->a->locales[i]);
        if (j >= 0) {
            x->loc_a[x->nloc] = (int)i;
            x->loc_b[x->nloc++] = j;
        }
    }
}

/* ---- refusal: an id reused for another kind of node ---- */

static struct ff_pos id_pos(const struct ff_chart *c, size_t i)
{
    const struct ff_chart_priv *priv = c->priv;
    return priv && priv->node_aux ? priv->node_aux[i].id : c->nodes[i].pos;
}

/* Reports every node of NEW whose id OLD has for another kind; false if there is one. */
static bool check_kinds(const struct ff_chart *a, const struct ff_chart *b, struct ff_diags *diags,
                        bool *oom)
{
    bool ok = true;
    for (size_t j = 0; j < b->nnodes && !*oom; j++) {
        const struct ff_node *q = &b->nodes[j];
        int i = ff_chart_find_node(a, q->id);
        if (i < 0 || a->nodes[i].kind == q->kind)
            continue;
        const struct ff_pos op = a->nodes[i].pos;
        char path[48], msg[1024];
        snprintf(path, sizeof path, "$.nodes[%zu].id", j);
        snprintf(msg, sizeof msg,
                 "node \"%s\": this id is of kind \"%s\" in %s:%u:%u (version %d) and of kind "
                 "\"%s\" here; a new version may not reuse a node id for another kind of node "
                 "(analytics keyed on the id would mix both): give this node a new id",
                 q->id, ff_node_kind_name(a->nodes[i].kind), a->file ? a->file : "OLD",
                 (unsigned)op.line, (unsigned)op.col, a->version, ff_node_kind_name(q->kind));
        if (ff_diags_add(diags, FF_SEV_ERROR, b->file, id_pos(b, j), path, "kind-changed", msg))
            *oom = true;
        ok = false;
    }
    return ok;
}

/* ---- entry points ---- */

enum ff_err ff_diff_charts(const struct ff_chart *old_chart, const struct ff_chart *new_chart,
                           struct ff_diags *diags, struct ff_diff **out)
{
    struct dctx x = {.a = old_chart, .b = new_chart};
    enum ff_err err = FF_ENOMEM;
    *out = NULL;
    if (!check_kinds(old_chart, new_chart, diags, &x.oom))
        return x.oom ? FF_ENOMEM : FF_EINVALID;
    if (x.oom)
        return FF_ENOMEM;
    x.d = ff_calloc(1, sizeof *x.d);
    if (!x.d)
        return FF_ENOMEM;
    x.d->arena = ff_arena_new();
    if (!x.d->arena)
        goto out_free_diff;
    common_locales(&x);
    if (!x.oom)
        preds_build(&x, old_chart, &x.pa);
    if (!x.oom)
        preds_build(&x, new_chart, &x.pb);
    struct scope chart = {.entity = FF_DIFF_CHART};
    if (!x.oom)
        compare_attrs(&x, &chart, chart_attrs, COUNT(chart_attrs), old_chart, new_chart);
    compare_limits(&x);
    compare_nodes(&x);
    if (!x.oom) {
        *out = x.d;
        x.d = NULL;
        err = FF_OK;
    }
    preds_free(&x.pb);
    preds_free(&x.pa);
    ff_free(x.loc_b);
    ff_free(x.loc_a);
out_free_diff:
    ff_diff_free(x.d);
    return err;
}

void ff_diff_free(struct ff_diff *diff)
{
    if (!diff)
        return;
    ff_arena_free(diff->arena);
    ff_free(diff->v);
    ff_free(diff);
}

size_t ff_diff_count(const struct ff_diff *diff)
{
    return diff->n;
}

const struct ff_diff_change *ff_diff_at(const struct ff_diff *diff, size_t i)
{
    return i < diff->n ? &diff->v[i] : NULL;
}

struct ff_diff_ids ff_diff_node_ids(const struct ff_diff *diff)
{
    return diff->ids;
}

const char *ff_diff_op_name(enum ff_diff_op op)
{
    static const char *const names[] = {"added", "removed", "changed", "moved"};
    return (unsigned)op < COUNT(names) ? names[op] : "?";
}

const char *ff_diff_entity_name(enum ff_diff_entity entity)
{
    static const char *const names[] = {"chart", "time_limit", "node",  "option",
                                        "field", "choice",     "action"};
    return (unsigned)entity < COUNT(names) ? names[entity] : "?";
}

const char *ff_diff_group_name(enum ff_diff_group group)
{
    static const char *const names[] = {"chart",  "time_limits", "nodes", "options",
                                        "fields", "actions",     "texts"};
    return (unsigned)group < COUNT(names) ? names[group] : "?";
}

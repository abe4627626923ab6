/* chart_model.c - the chart model's storage and lookups: the per-chart arena, ff_chart_free,
 * ff_text_get, ff_chart_find_node and the enum names.
 *
 * Workload: a chart is built once by the loader (thousands of small strings and arrays)
 * and read many times by the runner, so all of it lives in an arena of 16 KiB blocks that
 * ff_chart_free releases at once; node lookup by id is a binary search over an index
 * sorted at load time.
 */
#include <string.h>

#include "chart_int.h"
#include "fieldflow/mem.h"

#define ARENA_BLOCK 16384

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    max_align_t data[]; /* size bytes */
};

struct ff_arena {
    struct arena_block *head;
};

struct ff_arena *ff_arena_new(void)
{
    return ff_calloc(1, sizeof(struct ff_arena));
}

void ff_arena_free(struct ff_arena *a)
{
    if (!a)
        return;
    while (a->head) {
        struct arena_block *next = a->head->next;
        ff_free(a->head);
        a->head = next;
    }
    ff_free(a);
}

void *ff_arena_alloc(struct ff_arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    if (!n)
        n = align;
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = ff_malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->used = 0;
        b->size = size;
        /* A big one-off block goes behind the head so the head keeps its free room. */
        if (a->head && size > ARENA_BLOCK) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *ff_arena_strdup(struct ff_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = ff_arena_alloc(a, n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void ff_chart_free(struct ff_chart *chart)
{
    if (!chart)
        return;
    struct ff_chart_priv *priv = chart->priv;
    if (priv) {
        ff_arena_free(priv->arena);
        ff_free(priv->by_id);
        ff_free(priv);
    }
    ff_free(chart);
}

int ff_chart_locale_index(const struct ff_chart *chart, const char *locale)
{
    for (size_t i = 0; locale && i < chart->nlocales; i++)
        if (!strcmp(chart->locales[i], locale))
            return (int)i;
    return -1;
}

const char *ff_text_get(const struct ff_chart *chart, const struct ff_text *t, const char *locale)
{
    if (!t || !t->s || !chart->nlocales)
        return "";
    int i = ff_chart_locale_index(chart, locale);
    if (i >= 0 && t->s[i])
        return t->s[i];
    return t->s[0] ? t->s[0] : "";
}

int ff_chart_find_node(const struct ff_chart *chart, const char *id)
{
    const struct ff_chart_priv *priv = chart->priv;
    if (!id)
        return -1;
    if (!priv || !priv->by_id) {
        for (size_t i = 0; i < chart->nnodes; i++)
            if (chart->nodes[i].id && !strcmp(chart->nodes[i].id, id))
                return (int)i;
        return -1;
    }
    size_t lo = 0, hi = chart->nnodes;
    while (lo < hi) { /* leftmost match, so a duplicate id finds the first in file order */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(chart->nodes[priv->by_id[mid]].id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < chart->nnodes && !strcmp(chart->nodes[priv->by_id[lo]].id, id))
        return priv->by_id[lo];
    return -1;
}

static const char *const kind_names[] = {"start", "step",   "decision", "input",
                                         "kb",    "action", "subchart", "end"};
static const char *const outcome_names[] = {"resolved",  "case_created", "visit_requested",
                                            "escalated", "referred",     "abandoned"};
static const char *const action_names[] = {"create_case",  "set_category",  "set_priority",
                                           "escalate",     "request_visit", "record_outcome",
                                           "ask_feedback", "call_back"};
static const char *const type_names[] = {"text", "number", "phone",  "email",
                                         "date", "choice", "yes_no", "postcode"};
static const char *const audience_names[] = {"any", "kiosk", "engineer", "desk"};
static const char *const touchpoint_names[] = {"telephone",    "email",        "letter", "website",
                                               "face_to_face", "social_media", "kiosk"};
static const char *const priority_names[] = {"low", "normal", "high", "urgent"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *const *ff_names(enum ff_name_set set, size_t *n)
{
    static const struct {
        const char *const *v;
        size_t n;
    } sets[] = {
        [FF_NAMES_NODE_KIND] = {kind_names, COUNT(kind_names)},
        [FF_NAMES_FIELD_TYPE] = {type_names, COUNT(type_names)},
        [FF_NAMES_ACTION] = {action_names, COUNT(action_names)},
        [FF_NAMES_OUTCOME] = {outcome_names, COUNT(outcome_names)},
        [FF_NAMES_AUDIENCE] = {audience_names, COUNT(audience_names)},
        [FF_NAMES_TOUCHPOINT] = {touchpoint_names, COUNT(touchpoint_names)},
        [FF_NAMES_PRIORITY] = {priority_names, COUNT(priority_names)},
    };
    *n = sets[set].n;
    return sets[set].v;
}

static const char *name_of(enum ff_name_set set, unsigned i)
{
    size_t n;
    const char *const *v = ff_names(set, &n);
    return i < n ? v[i] : "?";
}

const char *ff_node_kind_name(enum ff_node_kind kind)
{
    return name_of(FF_NAMES_NODE_KIND, (unsigned)kind);
}

const char *ff_outcome_name(enum ff_outcome outcome)
{
    return name_of(FF_NAMES_OUTCOME, (unsigned)outcome);
}

const char *ff_action_kind_name(enum ff_action_kind kind)
{
    return name_of(FF_NAMES_ACTION, (unsigned)kind);
}

const char *ff_field_type_name(enum ff_field_type type)
{
    return name_of(FF_NAMES_FIELD_TYPE, (unsigned)type);
}

const char *ff_audience_name(enum ff_audience audience)
{
    return name_of(FF_NAMES_AUDIENCE, (unsigned)audience);
}

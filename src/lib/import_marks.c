/* import_marks.c - our own export's marks read back: the class hint, ff_data objects, order.
 *
 * Only fieldflow's DOT export writes these, so they are trusted for content but not for
 * form: a hand-edited ff_data that is no JSON object is ignored (the caller reports it), and
 * the drawing's structure always wins over the marks. Workload: one small object per node
 * and option edge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "import_marks.h"

/* cJSON's hooks are process-wide and take no context: the failure flag is per thread. */
static _Thread_local bool marks_oom;

static void *marks_alloc(size_t n)
{
    void *p = ff_malloc(n);
    if (!p)
        marks_oom = true;
    return p;
}

static void marks_release(void *p)
{
    ff_free(p);
}

void ff_imp_marks_begin(void)
{
    cJSON_Hooks hooks = {marks_alloc, marks_release};
    cJSON_InitHooks(&hooks);
    marks_oom = false;
}

bool ff_imp_marks_end(void)
{
    cJSON_InitHooks(NULL);
    return marks_oom;
}

cJSON *ff_imp_mark_parse(const char *text)
{
    if (!text)
        return NULL;
    cJSON *j = cJSON_Parse(text);
    if (cJSON_IsObject(j))
        return j;
    cJSON_Delete(j);
    return NULL;
}

static bool has_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = s; (p = strstr(p, word)) != NULL; p += n)
        if ((p == s || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return true;
    return false;
}

void ff_imp_hint_read(const char *hint, int *kind, const char **outcome, bool *success)
{
    /* by enum ff_node_kind */
    static const char *const kinds[] = {"ff-start", "ff-step",   "ff-decision", "ff-input",
                                        "ff-kb",    "ff-action", "ff-subchart", "ff-end"};
    static const char *const outcomes[] = {"resolved",  "case_created", "visit_requested",
                                           "escalated", "referred",     "abandoned"};
    char word[40];
    *kind = -1;
    *outcome = NULL;
    *success = true;
    if (!hint)
        return;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        if (has_word(hint, kinds[k]))
            *kind = (int)k;
    *success = !has_word(hint, "ff-failure");
    for (size_t k = 0; k < sizeof outcomes / sizeof *outcomes; k++) {
        snprintf(word, sizeof word, "ff-outcome-%s", outcomes[k]);
        if (has_word(hint, word))
            *outcome = outcomes[k];
    }
}

bool ff_imp_mark_put(struct ff_gbuf *o, const cJSON *obj, const char *key, bool *oom)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!m)
        return false;
    char *text = cJSON_PrintUnformatted(m);
    if (!text) {
        *oom = true;
        return false;
    }
    ff_gbuf_puts(o, ", ");
    ff_gbuf_json_str(o, key);
    ff_gbuf_puts(o, ": ");
    ff_gbuf_puts(o, text);
    ff_free(text);
    return true;
}

struct ranked {
    double at; /* the mark's "at": the chart's order */
    size_t i;  /* what is ordered; ties keep the drawing's order */
};

static int cmp_ranked(const void *x, const void *y)
{
    const struct ranked *a = x, *b = y;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

bool ff_imp_order_by_at(size_t *idx, size_t n, const cJSON *(*mark)(const void *ctx, size_t i),
                        const void *ctx)
{
    if (n < 2)
        return true;
    struct ranked *r = ff_malloc(n * sizeof *r);
    if (!r)
        return false;
    size_t k = 0;
    for (; k < n; k++) {
        const cJSON *at = cJSON_GetObjectItemCaseSensitive(mark(ctx, idx[k]), "at");
        if (!cJSON_IsNumber(at))
            break;
        r[k] = (struct ranked){at->valuedouble, idx[k]};
    }
    if (k == n) {
        qsort(r, n, sizeof *r, cmp_ranked);
        for (k = 0; k < n; k++)
            idx[k] = r[k].i;
    }
    ff_free(r);
    return true;
}

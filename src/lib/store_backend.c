/* store_backend.c - what every storage backend shares: the projections' shapes, and turning the
 * fold's values into the cells a backend stores.
 *
 * A JSON value becomes one scalar here, above the seam, so that SQLite and PostgreSQL (and the
 * tests' in-memory backend) store the same thing: null or absent -> NULL, a string -> text, a
 * boolean -> 0/1, a number -> a 64-bit integer (payload numbers are integers below 2^53,
 * event.c), an object or array -> its compact JSON text. Workload: every projection write.
 */
#include <stdarg.h>

#include <cJSON.h>

#include "store_int.h"

const unsigned char ff_store__proj_columns[FF_PROJ__COUNT] = {
    [FF_PROJ_CUSTOMER] = 10, [FF_PROJ_CUSTOMER_FTS] = 3, [FF_PROJ_CASE] = 19,
    [FF_PROJ_NOTE] = 5,      [FF_PROJ_ESCALATION] = 6,   [FF_PROJ_VISIT] = 9,
    [FF_PROJ_REPORT] = 9,    [FF_PROJ_PART] = 4,         [FF_PROJ_SLOT] = 3,
    [FF_PROJ_KB] = 6,        [FF_PROJ_KB_FTS] = 7,       [FF_PROJ_FLOWCHART] = 5,
    [FF_PROJ_RUN] = 7,       [FF_PROJ_STEP] = 6,         [FF_PROJ_FEEDBACK] = 8,
    [FF_PROJ_CONFLICT] = 4,
};

const unsigned char ff_store__proj_keys[FF_PROJ__COUNT] = {
    [FF_PROJ_CUSTOMER] = 1, [FF_PROJ_CUSTOMER_FTS] = 1, [FF_PROJ_CASE] = 1,
    [FF_PROJ_NOTE] = 1,     [FF_PROJ_ESCALATION] = 1,   [FF_PROJ_VISIT] = 1,
    [FF_PROJ_REPORT] = 1,   [FF_PROJ_PART] = 2,         [FF_PROJ_SLOT] = 3,
    [FF_PROJ_KB] = 1,       [FF_PROJ_KB_FTS] = 1,       [FF_PROJ_FLOWCHART] = 2,
    [FF_PROJ_RUN] = 1,      [FF_PROJ_STEP] = 1,         [FF_PROJ_FEEDBACK] = 1,
    [FF_PROJ_CONFLICT] = 3,
};

const char *const ff_store__proj_tables[FF_PROJ__COUNT] = {
    [FF_PROJ_CUSTOMER] = "customers",
    [FF_PROJ_CUSTOMER_FTS] = "customer_fts",
    [FF_PROJ_CASE] = "cases",
    [FF_PROJ_NOTE] = "notes",
    [FF_PROJ_ESCALATION] = "escalations",
    [FF_PROJ_VISIT] = "visits",
    [FF_PROJ_REPORT] = "reports",
    [FF_PROJ_PART] = "report_parts",
    [FF_PROJ_SLOT] = "slots",
    [FF_PROJ_KB] = "kb_articles",
    [FF_PROJ_KB_FTS] = "kb_fts",
    [FF_PROJ_FLOWCHART] = "flowcharts",
    [FF_PROJ_RUN] = "runs",
    [FF_PROJ_STEP] = "run_steps",
    [FF_PROJ_FEEDBACK] = "feedback",
    [FF_PROJ_CONFLICT] = "conflicts",
};

#define MAX_CELLS 24

/* Fills c from the arguments by fmt (s: const char * or NULL, i: int64_t, j: const cJSON *
 * or NULL); printed JSON texts go to owned[] (freed by the caller). */
static enum ff_err cells(struct ff_store *s, const char *fmt, va_list ap, struct ff_cell *c,
                         char **owned, size_t *n)
{
    for (*n = 0; *fmt && *n < MAX_CELLS; fmt++, (*n)++) {
        struct ff_cell *x = &c[*n];
        *x = (struct ff_cell){.kind = FF_CELL_NULL};
        owned[*n] = NULL;
        if (*fmt == 's') {
            const char *v = va_arg(ap, const char *);
            if (v)
                *x = (struct ff_cell){.kind = FF_CELL_TEXT, .text = v};
        } else if (*fmt == 'i') {
            *x = (struct ff_cell){.kind = FF_CELL_INT, .i = va_arg(ap, int64_t)};
        } else {
            const cJSON *j = va_arg(ap, const cJSON *);
            if (!j || cJSON_IsNull(j))
                continue;
            if (cJSON_IsString(j)) {
                *x = (struct ff_cell){.kind = FF_CELL_TEXT, .text = j->valuestring};
            } else if (cJSON_IsBool(j)) {
                *x = (struct ff_cell){.kind = FF_CELL_INT, .i = cJSON_IsTrue(j)};
            } else if (cJSON_IsNumber(j)) {
                *x = (struct ff_cell){.kind = FF_CELL_INT, .i = (int64_t)j->valuedouble};
            } else {
                if (!(owned[*n] = cJSON_PrintUnformatted(j))) {
                    (*n)++;
                    return ff_store__fail(s, FF_ENOMEM, "out of memory writing a projection");
                }
                *x = (struct ff_cell){.kind = FF_CELL_TEXT, .text = owned[*n]};
            }
        }
    }
    return FF_OK;
}

static void free_owned(char **owned, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cJSON_free(owned[i]);
}

enum ff_err ff_store__put(struct ff_store *s, enum ff_proj table, const char *fmt, ...)
{
    struct ff_cell c[MAX_CELLS];
    char *owned[MAX_CELLS];
    size_t n;
    va_list ap;
    va_start(ap, fmt);
    enum ff_err e = cells(s, fmt, ap, c, owned, &n);
    va_end(ap);
    if (!e && n != ff_store__proj_columns[table])
        e = ff_store__fail(s, FF_EINVAL, "%s: %zu values for %u columns",
                           ff_store__proj_tables[table], n, ff_store__proj_columns[table]);
    if (!e)
        e = s->be->put(s, table, c);
    free_owned(owned, n);
    return e;
}

enum ff_err ff_store__clear(struct ff_store *s, enum ff_clear what, const char *fmt, ...)
{
    struct ff_cell c[MAX_CELLS];
    char *owned[MAX_CELLS];
    size_t n;
    va_list ap;
    va_start(ap, fmt);
    enum ff_err e = cells(s, fmt, ap, c, owned, &n);
    va_end(ap);
    if (!e)
        e = s->be->clear(s, what, c);
    free_owned(owned, n);
    return e;
}

enum ff_err ff_store__read(struct ff_store *s, enum ff_read what, char **out, const char *fmt, ...)
{
    struct ff_cell c[MAX_CELLS];
    char *owned[MAX_CELLS];
    size_t n;
    *out = NULL;
    if (!s->be->read)
        return ff_store__fail(s, FF_ESTATE, "the %s backend has no screens", s->be->name);
    va_list ap;
    va_start(ap, fmt);
    enum ff_err e = cells(s, fmt, ap, c, owned, &n);
    va_end(ap);
    if (!e)
        e = s->be->read(s, what, c, out);
    free_owned(owned, n);
    return e;
}

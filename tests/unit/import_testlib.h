/* import_testlib.h - what the import front-end tests share: one front end's result (its
 * graph, findings and error) and lookups in it by node name and finding code. */
#ifndef FF_IMPORT_TESTLIB_H
#define FF_IMPORT_TESTLIB_H

#include <string.h>

#include "harness.h"
#include "import_int.h"

struct imp_read {
    enum ff_err err;
    struct ff_diags d;
    struct ff_imp_graph g;
};

typedef enum ff_err (*imp_reader)(const char *buf, size_t len, const char *file,
                                  struct ff_diags *diags, struct ff_imp_graph *out);

static inline void imp_read(struct imp_read *r, imp_reader read, const char *text, size_t len,
                            const char *file)
{
    memset(r, 0, sizeof *r);
    ff_diags_init(&r->d);
    r->err = read(text, len, file, &r->d, &r->g);
}

static inline void imp_read_free(struct imp_read *r)
{
    ff_imp_graph_free(&r->g);
    ff_diags_free(&r->d);
}

/* The node written as `name` in the source (a failed check when there is none). */
static inline const struct ff_imp_node *imp_node(const struct imp_read *r, const char *name)
{
    long i = ff_imp_find_node(&r->g, name);
    CHECK_MSG(i >= 0, name);
    return i >= 0 ? &r->g.nodes[i] : NULL;
}

/* The first finding with `code`, or NULL. */
static inline const struct ff_diag *imp_finding(const struct imp_read *r, const char *code)
{
    for (size_t i = 0; i < r->d.n; i++)
        if (!strcmp(r->d.v[i].code, code))
            return &r->d.v[i];
    return NULL;
}

#endif

/* diag.c - findings of the chart loader and validator, and the loader's path/report helpers.
 *
 * A finding is stored as one allocation holding its file, path and message, so a chart
 * with many findings costs one malloc each. `code` is always a static string literal.
 * The loader caps errors per chart at FF_LD_MAX_ERRORS, so a hostile file with a million
 * unknown keys produces a bounded list.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chart_int.h"
#include "fieldflow/mem.h"

void ff_diags_init(struct ff_diags *d)
{
    memset(d, 0, sizeof *d);
}

void ff_diags_free(struct ff_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        ff_free((void *)d->v[i].file); /* the block that holds file, path and message */
    ff_free(d->v);
    ff_diags_init(d);
}

enum ff_err ff_diags_add(struct ff_diags *d, enum ff_severity sev, const char *file,
                         struct ff_pos pos, const char *path, const char *code, const char *message)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        struct ff_diag *v = ff_realloc(d->v, cap * sizeof *v);
        if (!v)
            return FF_ENOMEM;
        d->v = v;
        d->cap = cap;
    }
    size_t lf = strlen(file ? file : "") + 1, lp = strlen(path) + 1, lm = strlen(message) + 1;
    char *block = ff_malloc(lf + lp + lm);
    if (!block)
        return FF_ENOMEM;
    memcpy(block, file ? file : "", lf);
    memcpy(block + lf, path, lp);
    memcpy(block + lf + lp, message, lm);
    d->v[d->n++] = (struct ff_diag){.severity = sev,
                                    .file = block,
                                    .pos = pos,
                                    .path = block + lf,
                                    .code = code,
                                    .message = block + lf + lp};
    if (sev == FF_SEV_ERROR)
        d->nerrors++;
    else
        d->nwarnings++;
    return FF_OK;
}

void ff_diag_format(const struct ff_diag *d, char *buf, size_t size)
{
    if (!size)
        return;
    const char *sev = d->severity == FF_SEV_ERROR ? "error" : "warning";
    if (d->pos.line) /* line 0: no position to give (an unreadable file, a DOT item) */
        snprintf(buf, size, "%s:%u:%u: %s: %s: %s [%s]", d->file, (unsigned)d->pos.line,
                 (unsigned)d->pos.col, sev, d->path, d->message, d->code);
    else
        snprintf(buf, size, "%s: %s: %s: %s [%s]", d->file, sev, d->path, d->message, d->code);
}

/* A finding inside a node names the node by id, so the author need not count to nodes[17];
 * messages that already say `node "id"` or `node id "id"` are left as they are. */
static void name_node(const struct ff_ld *x, char *msg, size_t size)
{
    char named[80];
    if (!x->node)
        return;
    snprintf(named, sizeof named, "node \"%.64s\"", x->node);
    if (strstr(msg, named))
        return;
    snprintf(named, sizeof named, "node id \"%.64s\"", x->node);
    if (strstr(msg, named))
        return;
    size_t pre = (size_t)snprintf(named, sizeof named, "node \"%.64s\": ", x->node);
    size_t len = strlen(msg);
    if (pre + len >= size) /* cut the message's end, as vsnprintf would have */
        len = size - pre - 1;
    memmove(msg + pre, msg, len);
    memcpy(msg, named, pre);
    msg[pre + len] = '\0';
}

void ff_ld_report(struct ff_ld *x, enum ff_severity sev, struct ff_pos pos, const char *suffix,
                  const char *code, const char *fmt, ...)
{
    if (x->oom || x->nerrors > FF_LD_MAX_ERRORS)
        return;
    char msg[512];
    const char *path = x->path;
    char full[FF_LD_PATH_MAX + 64];
    if (suffix) {
        snprintf(full, sizeof full, "%s%s", x->path, suffix);
        path = full;
    }
    if (sev == FF_SEV_ERROR && ++x->nerrors > FF_LD_MAX_ERRORS) {
        snprintf(msg, sizeof msg, "more than %d errors; stopped reporting", FF_LD_MAX_ERRORS);
        code = "too-many-errors";
    } else {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        name_node(x, msg, sizeof msg);
    }
    if (ff_diags_add(x->diags, sev, x->file, pos, path, code, msg) != FF_OK)
        x->oom = true;
}

/* Keys that are not plain words are shown quoted, and long ones are cut. */
size_t ff_ld_push_key(struct ff_ld *x, const char *key)
{
    size_t old = x->plen, room = sizeof x->path - old;
    bool plain = *key != '\0';
    for (const char *p = key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-'))
            plain = false;
    int n = plain ? snprintf(x->path + old, room, ".%.40s", key)
                  : snprintf(x->path + old, room, "[\"%.40s\"]", key);
    x->plen = (n < 0 || (size_t)n >= room) ? sizeof x->path - 1 : old + (size_t)n;
    return old;
}

size_t ff_ld_push_index(struct ff_ld *x, size_t i)
{
    size_t old = x->plen, room = sizeof x->path - old;
    int n = snprintf(x->path + old, room, "[%zu]", i);
    x->plen = (n < 0 || (size_t)n >= room) ? sizeof x->path - 1 : old + (size_t)n;
    return old;
}

void ff_ld_pop(struct ff_ld *x, size_t len)
{
    x->plen = len;
    x->path[len] = '\0';
}

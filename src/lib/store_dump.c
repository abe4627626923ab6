/* store_dump.c - whole-store views: the projection dump, the log export, sync batches, check.
 *
 * The dump is the store's definition of "same state": every projection table, rows sorted by
 * key, each column printed exactly (integers, text escaped). Two replicas are converged iff
 * their dumps are byte-identical. The rows come through the storage backend's dump visitor, so
 * a store on another backend prints the same lines. Workload: maintenance and tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fieldflow/mem.h"
#include "store_int.h"

static void put_text(FILE *to, const unsigned char *t)
{
    fputc('"', to);
    for (; *t; t++) {
        if (*t == '"' || *t == '\\')
            fputc('\\', to);
        if (*t == '\n')
            fputs("\\n", to);
        else
            fputc(*t, to);
    }
    fputc('"', to);
}

/* ff_dump_fn: one line "table|col|col..." to the FILE arg. */
static enum ff_err put_row(void *arg, const char *table, const struct ff_cell *row, size_t n)
{
    FILE *to = arg;
    fputs(table, to);
    for (size_t c = 0; c < n; c++) {
        fputc('|', to);
        switch (row[c].kind) {
        case FF_CELL_NULL:
            fputs("null", to);
            break;
        case FF_CELL_INT:
            fprintf(to, "%lld", (long long)row[c].i);
            break;
        case FF_CELL_REAL:
            fprintf(to, "%.17g", row[c].r);
            break;
        default:
            put_text(to, (const unsigned char *)row[c].text);
            break;
        }
    }
    fputc('\n', to);
    return FF_OK;
}

enum ff_err ff_store_dump(struct ff_store *s, FILE *to)
{
    enum ff_err e = s->be->dump(s, put_row, to);
    if (!e && ferror(to))
        e = ff_store__fail(s, FF_EIO, "writing the dump failed");
    return e;
}

/* Encodes the stored event r as one JSON line. */
enum ff_err ff_store__row_line(struct ff_store *s, const struct ff_log_row *r, char **line)
{
    struct ff_event ev = {0};
    snprintf(ev.device, sizeof ev.device, "%s", r->device);
    ev.seq = r->seq;
    ev.hlc = r->hlc;
    snprintf(ev.entity, sizeof ev.entity, "%s", r->entity);
    snprintf(ev.entity_id, sizeof ev.entity_id, "%s", r->entity_id);
    snprintf(ev.type, sizeof ev.type, "%s", r->type);
    ev.payload = (char *)r->payload;
    ev.author = (char *)r->author;
    ev.schema = r->schema;
    ev.redacted_from = r->redacted_from;
    enum ff_err e = ff_event_encode(&ev, line);
    if (e)
        return ff_store__fail(s, e == FF_ENOMEM ? e : FF_ECORRUPT, "event %s:%lld: cannot encode",
                              ev.device, (long long)ev.seq);
    return FF_OK;
}

/* ff_row_fn of an export: one line to the FILE arg. */
static enum ff_err export_row(struct ff_store *s, const struct ff_log_row *r, void *arg)
{
    char *line;
    enum ff_err e = ff_store__row_line(s, r, &line);
    if (!e) {
        fputs(line, arg);
        fputc('\n', arg);
        ff_free(line);
    }
    return e;
}

enum ff_err ff_store_export(struct ff_store *s, FILE *to)
{
    return s->be->export(s, export_row, to);
}

/* A sync batch being built: lines up to FF_STORE_BATCH_MAX_BYTES. */
struct batch {
    char *buf;  /* the lines; owned */
    size_t len; /* bytes in buf */
    bool full;  /* the next line did not fit: it starts the next batch */
};

static enum ff_err batch_row(struct ff_store *s, const struct ff_log_row *r, void *arg)
{
    struct batch *b = arg;
    char *line;
    if (b->full)
        return FF_OK;
    enum ff_err e = ff_store__row_line(s, r, &line);
    if (e)
        return e;
    size_t n = strlen(line);
    b->full = b->len && b->len + n + 1 > FF_STORE_BATCH_MAX_BYTES; /* the next call's */
    char *grown = b->full ? b->buf : ff_realloc(b->buf, b->len + n + 2);
    if (!grown)
        e = ff_store__fail(s, FF_ENOMEM, "out of memory");
    else if (!b->full) {
        memcpy(grown + b->len, line, n);
        grown[b->len + n] = '\n';
        grown[b->len + n + 1] = '\0';
        b->buf = grown;
        b->len += n + 1;
    }
    ff_free(line);
    return e;
}

enum ff_err ff_store_events_after(struct ff_store *s, int64_t after_seq, int limit, char **out)
{
    struct batch b = {.buf = ff_strdup("")};
    int64_t max =
        limit > 0 && limit < FF_STORE_BATCH_MAX_EVENTS ? limit : FF_STORE_BATCH_MAX_EVENTS;
    *out = NULL;
    if (!b.buf)
        return ff_store__fail(s, FF_ENOMEM, "out of memory");
    enum ff_err e = s->be->events_after(s, s->device, after_seq, max, batch_row, &b);
    if (e)
        ff_free(b.buf);
    else
        *out = b.buf;
    return e;
}

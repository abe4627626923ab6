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

#include <sqlite3.h>

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

/* Encodes the event in the row (device, seq, hlc, entity, entity_id, type, payload, author,
 * schema, redacted_from) as one JSON line. */
static enum ff_err row_line(struct ff_store *s, sqlite3_stmt *st, char **line)
{
    struct ff_event ev = {0};
    snprintf(ev.device, sizeof ev.device, "%s", (const char *)sqlite3_column_text(st, 0));
    ev.seq = sqlite3_column_int64(st, 1);
    ev.hlc = (uint64_t)sqlite3_column_int64(st, 2);
    snprintf(ev.entity, sizeof ev.entity, "%s", (const char *)sqlite3_column_text(st, 3));
    snprintf(ev.entity_id, sizeof ev.entity_id, "%s", (const char *)sqlite3_column_text(st, 4));
    snprintf(ev.type, sizeof ev.type, "%s", (const char *)sqlite3_column_text(st, 5));
    ev.payload = (char *)sqlite3_column_text(st, 6);
    ev.author = (char *)sqlite3_column_text(st, 7);
    ev.schema = sqlite3_column_int(st, 8);
    ev.redacted_from = (uint64_t)sqlite3_column_int64(st, 9);
    enum ff_err e = ff_event_encode(&ev, line);
    if (e)
        return ff_store__fail(s, e == FF_ENOMEM ? e : FF_ECORRUPT, "event %s:%lld: cannot encode",
                              ev.device, (long long)ev.seq);
    return FF_OK;
}

enum ff_err ff_store_export(struct ff_store *s, FILE *to)
{
    sqlite3_stmt *st = ff_store__stmt(s, S_EXPORT);
    if (!st)
        return ff_store__err(s);
    int rc;
    enum ff_err e = FF_OK;
    while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        char *line;
        if (!(e = row_line(s, st, &line))) {
            fputs(line, to);
            fputc('\n', to);
            ff_free(line);
        }
    }
    if (!e && rc != SQLITE_DONE)
        e = ff_store__db_fail(s, rc, "exporting");
    sqlite3_reset(st);
    return e;
}

static enum ff_err append_line(struct ff_store *s, char **buf, size_t *len, const char *line)
{
    size_t n = strlen(line);
    char *grown = ff_realloc(*buf, *len + n + 2);
    if (!grown)
        return ff_store__fail(s, FF_ENOMEM, "out of memory");
    memcpy(grown + *len, line, n);
    grown[*len + n] = '\n';
    grown[*len + n + 1] = '\0';
    *buf = grown;
    *len += n + 1;
    return FF_OK;
}

enum ff_err ff_store_events_after(struct ff_store *s, int64_t after_seq, int limit, char **out)
{
    char *buf = ff_strdup(""), *line;
    size_t len = 0;
    int64_t max =
        limit > 0 && limit < FF_STORE_BATCH_MAX_EVENTS ? limit : FF_STORE_BATCH_MAX_EVENTS;
    *out = NULL;
    sqlite3_stmt *st =
        buf ? ff_store__query(s, S_EVENTS_AFTER, "sii", s->device, after_seq, max) : NULL;
    if (!st) {
        ff_free(buf);
        return buf ? ff_store__err(s) : ff_store__fail(s, FF_ENOMEM, "out of memory");
    }
    int rc;
    enum ff_err e = FF_OK;
    bool full = false;
    while (!e && !full && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((e = row_line(s, st, &line)))
            break;
        full = len && len + strlen(line) + 1 > FF_STORE_BATCH_MAX_BYTES; /* the next call's */
        if (!full)
            e = append_line(s, &buf, &len, line);
        ff_free(line);
    }
    if (!e && !full && rc != SQLITE_DONE)
        e = ff_store__db_fail(s, rc, "reading events to send");
    sqlite3_reset(st);
    if (e)
        ff_free(buf);
    else
        *out = buf;
    return e;
}

/* store_backend_sqlite.c - the device's storage backend: the fold's log reads and projection
 * writes (store_backend.h) as prepared SQLite statements (text in store_sql.c).
 *
 * Nothing here decides anything: every statement stores or lists what the fold asks for, so
 * a PostgreSQL backend that answers the same operations gives the same projections. Workload: the
 * fold's inner loop (a few statements per event), so statements are prepared once per handle.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "store_int.h"

/* Fills r from columns device, seq, hlc, type, payload, author at `at`.. of st. */
static void read_row(sqlite3_stmt *st, struct ff_log_row *r)
{
    r->device = (const char *)sqlite3_column_text(st, 0);
    r->seq = sqlite3_column_int64(st, 1);
    r->hlc = (uint64_t)sqlite3_column_int64(st, 2);
    r->type = (const char *)sqlite3_column_text(st, 3);
    r->payload = (const char *)sqlite3_column_text(st, 4);
    r->payload_len = (size_t)sqlite3_column_bytes(st, 4);
    r->author = (const char *)sqlite3_column_text(st, 5);
}

/* Steps st to its end, giving each row to fn; extra says where entity/id or known are. */
static enum ff_err each_row(struct ff_store *s, sqlite3_stmt *st, int entity_col, int known_col,
                            ff_row_fn fn, void *arg)
{
    int rc;
    enum ff_err e = FF_OK;
    while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct ff_log_row r = {.known = true};
        read_row(st, &r);
        if (entity_col >= 0) {
            r.entity = (const char *)sqlite3_column_text(st, entity_col);
            r.entity_id = (const char *)sqlite3_column_text(st, entity_col + 1);
        }
        if (known_col >= 0)
            r.known = sqlite3_column_int(st, known_col) != 0;
        e = fn(s, &r, arg);
    }
    if (!e && rc != SQLITE_DONE)
        e = ff_store__db_fail(s, rc, "reading events");
    sqlite3_reset(st);
    return e;
}

static void sql_close(struct ff_store *s)
{
    for (int i = 0; i < S__COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    sqlite3_close(s->db);
    s->db = NULL;
}

static enum ff_err sql_begin(struct ff_store *s)
{
    return ff_store__exec(s, S_BEGIN, "");
}

/* A purge merges the customer index into one segment (FTS5 keeps deleted terms in old
 * segments until a merge) and, after the commit, checkpoints and truncates the WAL so that no
 * earlier page image keeps an erased value; secure_delete (store.c) zeroes what they free. */
static enum ff_err sql_commit(struct ff_store *s, bool purge)
{
    enum ff_err e = purge ? ff_store__exec(s, S_FTS_OPTIMIZE, "") : FF_OK;
    if (!e)
        e = ff_store__exec(s, S_COMMIT, "");
    if (!e && purge) /* best effort: a reader's snapshot can hold it back; the next does */
        sqlite3_wal_checkpoint_v2(s->db, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    return e;
}

/* Not a prepared statement: it must run even when preparing fails (out of memory). */
static void sql_rollback(struct ff_store *s)
{
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static enum ff_err sql_meta_get(struct ff_store *s, const char *key, char *buf, size_t cap,
                                bool *found)
{
    sqlite3_stmt *st = ff_store__query(s, S_META_GET, "s", key);
    if (!st)
        return ff_store__err(s);
    int rc = sqlite3_step(st);
    const char *v = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    *found = v != NULL;
    snprintf(buf, cap, "%s", v ? v : "");
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? FF_OK : ff_store__db_fail(s, rc, "reading meta");
}

static enum ff_err run_cells(struct ff_store *s, enum stmt id, const struct ff_cell *c, size_t n);

static enum ff_err sql_meta_set(struct ff_store *s, const char *key, const struct ff_cell *value)
{
    struct ff_cell c[2] = {{.kind = FF_CELL_TEXT, .text = key}, *value};
    return run_cells(s, S_META_SET, c, 2);
}

static enum ff_err sql_insert(struct ff_store *s, const struct ff_event *ev, bool *added)
{
    enum ff_err e = ff_store__exec(
        s, S_INSERT_EVENT, "siisssssii", ev->device, ev->seq, (int64_t)ev->hlc, ev->entity,
        ev->entity_id, ev->type, ev->payload, ev->author, (int64_t)ev->schema, (int64_t)ev->known);
    *added = !e && sqlite3_changes(s->db) > 0;
    if (!e && *added && ev->redacted_from) /* rare: a redacted copy */
        e = ff_store__exec(s, S_REDACT_EVENT, "sisi", ev->device, ev->seq, ev->payload,
                           (int64_t)ev->redacted_from);
    return e;
}

static enum ff_err sql_forgery(struct ff_store *s, const char *id, uint64_t digest, uint64_t stored,
                               uint64_t hlc, const char *line)
{
    return ff_store__exec(s, S_INS_FORGERY, "siiis", id, (int64_t)digest, (int64_t)stored,
                          (int64_t)hlc, line);
}

static enum ff_err sql_device_seq(struct ff_store *s, const char *device, int64_t *max,
                                  int64_t *count)
{
    /* max alone reads one key; the count walks the device's part of the key */
    sqlite3_stmt *st = ff_store__query(s, count ? S_LOCAL_GAPS : S_MAX_SEQ, "s", device);
    if (!st)
        return ff_store__err(s);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && count) {
        *count = sqlite3_column_int64(st, 0);
        *max = sqlite3_column_int64(st, 1);
    } else if (rc == SQLITE_ROW) {
        *max = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? FF_OK : ff_store__db_fail(s, rc, "reading the last seq");
}

/* Rows of (device, seq, hlc, entity, entity_id, type, payload, author, schema, redacted_from). */
static enum ff_err each_full_row(struct ff_store *s, sqlite3_stmt *st, ff_row_fn fn, void *arg)
{
    int rc;
    enum ff_err e = FF_OK;
    while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct ff_log_row r = {
            .device = (const char *)sqlite3_column_text(st, 0),
            .seq = sqlite3_column_int64(st, 1),
            .hlc = (uint64_t)sqlite3_column_int64(st, 2),
            .entity = (const char *)sqlite3_column_text(st, 3),
            .entity_id = (const char *)sqlite3_column_text(st, 4),
            .type = (const char *)sqlite3_column_text(st, 5),
            .payload = (const char *)sqlite3_column_text(st, 6),
            .payload_len = (size_t)sqlite3_column_bytes(st, 6),
            .author = (const char *)sqlite3_column_text(st, 7),
            .schema = sqlite3_column_int(st, 8),
            .redacted_from = (uint64_t)sqlite3_column_int64(st, 9),
            .known = true, /* not read by export and sync */
        };
        e = fn(s, &r, arg);
    }
    if (!e && rc != SQLITE_DONE)
        e = ff_store__db_fail(s, rc, "reading events");
    sqlite3_reset(st);
    return e;
}

static enum ff_err sql_events_after(struct ff_store *s, const char *device, int64_t after,
                                    int64_t limit, ff_row_fn fn, void *arg)
{
    sqlite3_stmt *st = ff_store__query(s, S_EVENTS_AFTER, "sii", device, after, limit);
    return st ? each_full_row(s, st, fn, arg) : ff_store__err(s);
}

static enum ff_err sql_export(struct ff_store *s, ff_row_fn fn, void *arg)
{
    sqlite3_stmt *st = ff_store__stmt(s, S_EXPORT);
    return st ? each_full_row(s, st, fn, arg) : ff_store__err(s);
}

static enum ff_err sql_entity_keys(struct ff_store *s, const char *entity, const char *id,
                                   ff_key_fn fn, void *arg)
{
    sqlite3_stmt *st = ff_store__query(s, S_ENTITY_KEYS, "ss", entity, id);
    if (!st)
        return ff_store__err(s);
    int rc;
    enum ff_err e = FF_OK;
    while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW)
        e = fn(s, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1), arg);
    if (!e && rc != SQLITE_DONE)
        e = ff_store__db_fail(s, rc, "reading events");
    sqlite3_reset(st);
    return e;
}

static enum ff_err sql_event(struct ff_store *s, const char *device, int64_t seq, ff_row_fn fn,
                             void *arg)
{
    sqlite3_stmt *st = ff_store__query(s, S_EVENT_BY_KEY, "si", device, seq);
    if (!st)
        return ff_store__err(s);
    int rc = sqlite3_step(st);
    enum ff_err e = FF_OK;
    if (rc == SQLITE_ROW) {
        struct ff_log_row r = {.known = sqlite3_column_int(st, 6) != 0};
        read_row(st, &r);
        e = fn(s, &r, arg);
    } else if (rc == SQLITE_DONE) {
        e = ff_store__fail(s, FF_ECORRUPT, "event %s:%lld: listed but not in the log", device,
                           (long long)seq);
    } else {
        e = ff_store__db_fail(s, rc, "reading an event");
    }
    sqlite3_reset(st);
    return e;
}

static enum ff_err sql_entity_events(struct ff_store *s, const char *entity, const char *id,
                                     ff_row_fn fn, void *arg)
{
    sqlite3_stmt *st = ff_store__query(s, S_ENTITY_EVENTS, "ss", entity, id);
    return st ? each_row(s, st, -1, -1, fn, arg) : ff_store__err(s);
}

static enum ff_err sql_all_events(struct ff_store *s, ff_row_fn fn, void *arg)
{
    sqlite3_stmt *st = ff_store__stmt(s, S_ALL_EVENTS);
    return st ? each_row(s, st, 6, -1, fn, arg) : ff_store__err(s);
}

static enum ff_err sql_stored_digest(struct ff_store *s, const char *device, int64_t seq,
                                     bool *found, uint64_t *digest, bool *redacted)
{
    *redacted = false;
    sqlite3_stmt *st = ff_store__query(s, S_EVENT_ROW, "si", device, seq);
    if (!st)
        return ff_store__err(s);
    int rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    if (*found && sqlite3_column_type(st, 7) != SQLITE_NULL) {
        *digest = (uint64_t)sqlite3_column_int64(st, 7);
        *redacted = true;
    } else if (*found) {
        struct ff_event row = {.seq = seq, .hlc = (uint64_t)sqlite3_column_int64(st, 0)};
        snprintf(row.device, sizeof row.device, "%s", device);
        snprintf(row.entity, sizeof row.entity, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(row.entity_id, sizeof row.entity_id, "%s",
                 (const char *)sqlite3_column_text(st, 2));
        snprintf(row.type, sizeof row.type, "%s", (const char *)sqlite3_column_text(st, 3));
        row.payload = (char *)sqlite3_column_text(st, 4);
        row.author = (char *)sqlite3_column_text(st, 5);
        row.schema = sqlite3_column_int(st, 6);
        *digest = ff_event_digest(&row);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? FF_OK
                                                 : ff_store__db_fail(s, rc, "reading an event");
}

static enum ff_err sql_redact(struct ff_store *s, const char *device, int64_t seq,
                              const char *payload, uint64_t digest)
{
    char id[FF_EVENT_ID_MAX + 24];
    snprintf(id, sizeof id, "%s:%lld", device, (long long)seq);
    enum ff_err e =
        ff_store__exec(s, S_REDACT_EVENT, "sisi", device, seq, payload, (int64_t)digest);
    return e ? e : ff_store__exec(s, S_REDACT_FORGERY, "s", id);
}

static enum ff_err sql_events_where(struct ff_store *s, const char *entity, const char *key,
                                    const char *value, ff_row_fn fn, void *arg)
{
    sqlite3_stmt *st = ff_store__query(s, S_EVENTS_WHERE, "sss", entity, key, value);
    return st ? each_row(s, st, 6, -1, fn, arg) : ff_store__err(s);
}

static int bind_cell(sqlite3_stmt *st, int i, const struct ff_cell *c)
{
    switch (c->kind) {
    case FF_CELL_INT:
        return sqlite3_bind_int64(st, i, c->i);
    case FF_CELL_REAL:
        return sqlite3_bind_double(st, i, c->r);
    case FF_CELL_TEXT: /* static: the caller's strings outlive the step */
        return sqlite3_bind_text(st, i, c->text, -1, SQLITE_STATIC);
    default:
        return sqlite3_bind_null(st, i);
    }
}

/* Binds n cells to statement id and steps it to completion. */
static enum ff_err run_cells(struct ff_store *s, enum stmt id, const struct ff_cell *c, size_t n)
{
    sqlite3_stmt *st = ff_store__stmt(s, id);
    if (!st)
        return ff_store__err(s);
    int rc = SQLITE_OK;
    for (size_t i = 0; i < n && rc == SQLITE_OK; i++)
        rc = bind_cell(st, (int)i + 1, &c[i]);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? FF_OK : ff_store__db_fail(s, rc, "writing");
}

static const enum stmt put_stmt[FF_PROJ__COUNT] = {
    [FF_PROJ_CUSTOMER] = S_INS_CUSTOMER,
    [FF_PROJ_CUSTOMER_FTS] = S_INS_CUSTOMER_FTS,
    [FF_PROJ_CASE] = S_INS_CASE,
    [FF_PROJ_NOTE] = S_INS_NOTE,
    [FF_PROJ_ESCALATION] = S_INS_ESCALATION,
    [FF_PROJ_VISIT] = S_INS_VISIT,
    [FF_PROJ_REPORT] = S_INS_REPORT,
    [FF_PROJ_PART] = S_INS_PART,
    [FF_PROJ_SLOT] = S_INS_SLOT,
    [FF_PROJ_KB] = S_INS_KB,
    [FF_PROJ_KB_FTS] = S_INS_KB_FTS,
    [FF_PROJ_FLOWCHART] = S_INS_FLOWCHART,
    [FF_PROJ_RUN] = S_INS_RUN,
    [FF_PROJ_STEP] = S_INS_STEP,
    [FF_PROJ_FEEDBACK] = S_INS_FEEDBACK,
    [FF_PROJ_CONFLICT] = S_INS_CONFLICT,
};

static enum ff_err sql_put(struct ff_store *s, enum ff_proj table, const struct ff_cell *row)
{
    return run_cells(s, put_stmt[table], row, ff_store__proj_columns[table]);
}

static enum ff_err sql_clear(struct ff_store *s, enum ff_clear what, const struct ff_cell *key)
{
    switch (what) {
    case FF_CLEAR_CUSTOMER_FTS:
        return run_cells(s, S_DEL_CUSTOMER_FTS, key, 1);
    case FF_CLEAR_KB_FTS:
        return run_cells(s, S_DEL_KB_FTS, key, 1);
    case FF_CLEAR_PARTS:
        return run_cells(s, S_DEL_PARTS, key, 1);
    case FF_CLEAR_SLOTS:
        return run_cells(s, S_DEL_SLOTS, key, 1);
    case FF_CLEAR_CONFLICTS:
        return run_cells(s, S_DEL_CONFLICTS, key, 2);
    case FF_CLEAR_CASE_TEXTS: {
        enum ff_err e = run_cells(s, S_REDACT_CASE_ROWS, key, 1);
        return e ? e : run_cells(s, S_REDACT_ESCALATIONS, key, 1);
    }
    default:
        return FF_OK;
    }
}

static enum ff_err sql_empty(struct ff_store *s)
{
    char sql[128];
    const char *const *lists[2] = {ff_store__projections, ff_store__derived};
    for (int l = 0; l < 2; l++) {
        for (const char *const *t = lists[l]; *t; t++) {
            int len = (int)strcspn(*t, " ");
            snprintf(sql, sizeof sql, "DELETE FROM %.*s", len, *t);
            int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
            if (rc != SQLITE_OK)
                return ff_store__db_fail(s, rc, "emptying the projections");
        }
    }
    return FF_OK;
}

/* The dump's SELECTs come from a fixed table list and are prepared per call (maintenance and
 * tests, not screens). */
static enum ff_err dump_table(struct ff_store *s, const char *spec, ff_dump_fn fn, void *arg)
{
    char sql[160], table[64];
    struct ff_cell row[32];
    snprintf(table, sizeof table, "%.*s", (int)strcspn(spec, " "), spec);
    snprintf(sql, sizeof sql, "SELECT * FROM %s", spec);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return ff_store__db_fail(s, rc, "dumping");
    enum ff_err e = FF_OK;
    size_t n = (size_t)sqlite3_column_count(st);
    n = n < 32 ? n : 32;
    while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (size_t c = 0; c < n; c++) {
            int ci = (int)c;
            row[c] = (struct ff_cell){.kind = FF_CELL_NULL};
            switch (sqlite3_column_type(st, ci)) {
            case SQLITE_NULL:
                break;
            case SQLITE_INTEGER:
                row[c] = (struct ff_cell){.kind = FF_CELL_INT, .i = sqlite3_column_int64(st, ci)};
                break;
            case SQLITE_FLOAT:
                row[c] = (struct ff_cell){.kind = FF_CELL_REAL, .r = sqlite3_column_double(st, ci)};
                break;
            default:
                row[c] = (struct ff_cell){.kind = FF_CELL_TEXT,
                                          .text = (const char *)sqlite3_column_text(st, ci)};
                break;
            }
        }
        e = fn(arg, table, row, n);
    }
    if (!e && rc != SQLITE_DONE)
        e = ff_store__db_fail(s, rc, "dumping");
    sqlite3_finalize(st);
    return e;
}

static enum ff_err sql_dump(struct ff_store *s, ff_dump_fn fn, void *arg)
{
    enum ff_err e = FF_OK;
    for (const char *const *t = ff_store__projections; *t && !e; t++)
        e = dump_table(s, *t, fn, arg);
    return e;
}

/* ---- the device's screens and maintenance ---- */

/* Steps a statement whose one row is one JSON document into *out. */
static enum ff_err json_result(struct ff_store *s, sqlite3_stmt *st, char **out)
{
    *out = NULL;
    if (!st)
        return ff_store__err(s);
    int rc = sqlite3_step(st);
    enum ff_err e = FF_OK;
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        if (!(*out = ff_strdup((const char *)sqlite3_column_text(st, 0))))
            e = ff_store__fail(s, FF_ENOMEM, "out of memory");
    } else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        e = ff_store__fail(s, FF_ENOTFOUND, "not found");
    } else {
        e = ff_store__db_fail(s, rc, "reading");
    }
    sqlite3_reset(st);
    return e;
}

/* Binds n cells to statement id, ready to step. */
static sqlite3_stmt *bound(struct ff_store *s, enum stmt id, const struct ff_cell *c, size_t n)
{
    sqlite3_stmt *st = ff_store__stmt(s, id);
    int rc = SQLITE_OK;
    for (size_t i = 0; st && i < n && rc == SQLITE_OK; i++)
        rc = bind_cell(st, (int)i + 1, &c[i]);
    if (st && rc != SQLITE_OK) {
        ff_store__db_fail(s, rc, "binding values");
        return NULL;
    }
    return st;
}

/* Writes q as one FTS5 string ("..." with quotes doubled). */
static void fts_phrase(const char *q, char *out, size_t cap)
{
    size_t o = 0;
    out[o++] = '"';
    for (; *q && o + 3 < cap; q++) {
        if (*q == '"')
            out[o++] = '"';
        out[o++] = *q;
    }
    out[o++] = '"';
    out[o] = '\0';
}

/* Words of q as quoted FTS5 terms joined by AND, the last a prefix: `"pump" "nois"*`. */
static size_t kb_match(const char *q, char *out, size_t cap)
{
    size_t o = 0, words = 0;
    while (*q && words < 16) {
        size_t n = strcspn(q, " \t\n\r,.;:!?()[]{}\"'*^+-");
        if (n && o + n + 6 < cap) {
            out[o++] = '"';
            memcpy(out + o, q, n);
            o += n;
            out[o++] = '"';
            out[o++] = ' ';
            words++;
        }
        q += n ? n : 1;
    }
    if (o)
        out[o - 1] = '*';
    out[o] = '\0';
    return words;
}

static enum ff_err sql_read(struct ff_store *s, enum ff_read what, const struct ff_cell *a,
                            char **out)
{
    char match[2048];
    struct ff_cell c[3];
    switch (what) {
    case FF_READ_VISITS_OF_DAY:
        return json_result(s, bound(s, S_VISITS_OF_DAY, a, 3), out);
    case FF_READ_CASE_DETAIL:
        return json_result(s, bound(s, S_CASE_DETAIL, a, 1), out);
    case FF_READ_CUSTOMERS:
        if (strlen(a[0].text) < 3) /* too short for trigrams: a name prefix */
            return json_result(s, bound(s, S_SEARCH_PREFIX, a, 2), out);
        fts_phrase(a[0].text, match, sizeof match);
        c[0] = (struct ff_cell){.kind = FF_CELL_TEXT, .text = match};
        c[1] = a[1];
        return json_result(s, bound(s, S_SEARCH_FTS, c, 2), out);
    case FF_READ_KB:
        if (!kb_match(a[0].text, match, sizeof match)) {
            *out = ff_strdup("[]");
            return *out ? FF_OK : ff_store__fail(s, FF_ENOMEM, "out of memory");
        }
        c[0] = (struct ff_cell){.kind = FF_CELL_TEXT, .text = match};
        c[1] = a[1];
        c[2] = a[2];
        return json_result(s, bound(s, S_KB_SEARCH, c, 3), out);
    case FF_READ_CONFLICTS:
        return json_result(s, bound(s, S_CONFLICTS, a, 0), out);
    case FF_READ_FORGERIES:
        return json_result(s, bound(s, S_FORGERIES, a, 0), out);
    case FF_READ_STATS:
        return json_result(s, bound(s, S_STATS, a, 2), out);
    case FF_READ_VISIT:
        return json_result(s, bound(s, S_VISIT, a, 1), out);
    case FF_READ_SLOTS:
        return json_result(s, bound(s, S_ENGINEER_SLOTS, a, 1), out);
    case FF_READ_BOOKED:
        return json_result(s, bound(s, S_ENGINEER_VISITS, a, 3), out);
    case FF_READ_TIME_LIMITS:
        return json_result(s, bound(s, S_TIME_LIMITS_DUE, a, 2), out);
    default:
        return ff_store__fail(s, FF_EINVAL, "read %d: unknown", (int)what);
    }
}

static enum ff_err sql_verify(struct ff_store *s)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return ff_store__db_fail(s, rc, "integrity_check");
    rc = sqlite3_step(st);
    enum ff_err e = FF_OK;
    if (rc != SQLITE_ROW)
        e = ff_store__db_fail(s, rc, "integrity_check");
    else if (strcmp((const char *)sqlite3_column_text(st, 0), "ok"))
        e = ff_store__fail(s, FF_ECORRUPT, "integrity_check: %s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return e;
}

static enum ff_err sql_copy(struct ff_store *s, const char *path)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "VACUUM INTO ?1", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    return rc == SQLITE_DONE || rc == SQLITE_OK ? FF_OK
                                                : ff_store__db_fail(s, rc, "copying the store");
}

const struct ff_store_backend ff_store__sqlite_backend = {
    .name = "sqlite",
    .close = sql_close,
    .begin = sql_begin,
    .commit = sql_commit,
    .rollback = sql_rollback,
    .meta_get = sql_meta_get,
    .meta_set = sql_meta_set,
    .insert = sql_insert,
    .forgery = sql_forgery,
    .device_seq = sql_device_seq,
    .events_after = sql_events_after,
    .export = sql_export,
    .entity_keys = sql_entity_keys,
    .event = sql_event,
    .entity_events = sql_entity_events,
    .all_events = sql_all_events,
    .stored_digest = sql_stored_digest,
    .redact = sql_redact,
    .events_where = sql_events_where,
    .put = sql_put,
    .clear = sql_clear,
    .empty = sql_empty,
    .read = sql_read,
    .verify = sql_verify,
    .copy = sql_copy,
    .dump = sql_dump,
};

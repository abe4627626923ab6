/* srv_store_sqlite.c - the embedded backend of the server's storage (srv_store_int.h ops) on
 * one SQLite file: WAL (pulls read while a push writes), a busy timeout (writers of other
 * handles queue on the write lock), synchronous=FULL (a push is acknowledged only once it is
 * on disk). The commit lock is SQLite's own write lock, taken at BEGIN IMMEDIATE.
 *
 * Workload: a push is a few statements per event in one transaction; a pull is a chunked
 * scan over log gseq. Statements are prepared once per handle.
 */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "srv_store_int.h"

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS log(gseq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " device TEXT NOT NULL, seq INTEGER NOT NULL, digest INTEGER NOT NULL, type TEXT NOT NULL,"
    " entity TEXT NOT NULL, entity_id TEXT NOT NULL, line TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS log_entity ON log(entity_id, gseq);"
    "CREATE TABLE IF NOT EXISTS devices(id TEXT PRIMARY KEY, kind INTEGER NOT NULL,"
    " site TEXT NOT NULL, engineer TEXT NOT NULL, name TEXT NOT NULL,"
    " revoked INTEGER NOT NULL DEFAULT 0, flagged INTEGER NOT NULL DEFAULT 0,"
    " acked_seq INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS codes(hash TEXT PRIMARY KEY, kind INTEGER NOT NULL,"
    " site TEXT NOT NULL, engineer TEXT NOT NULL, expires INTEGER NOT NULL,"
    " used INTEGER NOT NULL DEFAULT 0, device TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE IF NOT EXISTS tokens(hash TEXT PRIMARY KEY, refresh INTEGER NOT NULL,"
    " device TEXT NOT NULL, expires INTEGER NOT NULL);"
    /* creator: no migration of older databases, none exists outside tests (2026-12-02) */
    "CREATE TABLE IF NOT EXISTS entities(entity_id TEXT PRIMARY KEY, site TEXT NOT NULL,"
    " case_id TEXT NOT NULL, customer_id TEXT NOT NULL, creator TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS entities_case ON entities(case_id);"
    "CREATE INDEX IF NOT EXISTS entities_creator ON entities(creator);"
    "CREATE TABLE IF NOT EXISTS assignments(engineer TEXT NOT NULL, entity_id TEXT NOT NULL,"
    " gseq INTEGER NOT NULL, PRIMARY KEY(engineer, entity_id, gseq));"
    "CREATE TABLE IF NOT EXISTS decisions(key TEXT PRIMARY KEY);";

enum stmt {
    Q_BEGIN_LOCKED,
    Q_BEGIN,
    Q_COMMIT,
    Q_META_GET,
    Q_META_ADD,
    Q_META_SET,
    Q_CODE_ADD,
    Q_CODE_GET,
    Q_CODE_USE,
    Q_TOK_END,
    Q_DEV_GET,
    Q_DEV_ADD,
    Q_DEV_REVOKED,
    Q_DEV_FLAGGED,
    Q_DEV_ACKED,
    Q_TOK_ADD,
    Q_TOK_GET,
    Q_TOK_CUT,
    Q_LOG_FIND,
    Q_LOG_ADD,
    Q_LOG_REPLACE,
    Q_HEAD,
    Q_ENT_GET,
    Q_ENT_PUT,
    Q_ASSIGN_ADD,
    Q_ASSIGNED,
    Q_DECISION_ADD,
    Q_SCAN,
    Q_SCAN_CASE,
    Q_STATS,
    Q__COUNT
};

#define ROW_COLS                                                                                   \
    "l.gseq, l.type, l.entity_id, e.site, e.case_id, e.customer_id, l.device, e.creator, l.line"
#define ROW_FROM " FROM log l LEFT JOIN entities e ON e.entity_id = l.entity_id"

static const char *const SQL[Q__COUNT] = {
    [Q_BEGIN_LOCKED] = "BEGIN IMMEDIATE",
    [Q_BEGIN] = "BEGIN",
    [Q_COMMIT] = "COMMIT",
    [Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [Q_META_ADD] = "INSERT OR IGNORE INTO meta(key, value) VALUES(?1, ?2)",
    [Q_META_SET] = "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
    [Q_CODE_ADD] = "INSERT INTO codes(hash, kind, site, engineer, expires, device)"
                   " VALUES(?1,?2,?3,?4,?5,?6)",
    [Q_CODE_GET] = "SELECT kind, site, engineer, expires, used, device FROM codes WHERE hash = ?1",
    [Q_CODE_USE] = "UPDATE codes SET used = 1 WHERE hash = ?1",
    [Q_TOK_END] = "UPDATE tokens SET expires = 0 WHERE device = ?1",
    [Q_DEV_GET] = "SELECT id, kind, site, engineer, revoked, flagged, acked_seq FROM devices"
                  " WHERE id = ?1",
    [Q_DEV_ADD] = "INSERT INTO devices(id, kind, site, engineer, name) VALUES(?1,?2,?3,?4,?5)",
    [Q_DEV_REVOKED] = "UPDATE devices SET revoked = ?2 WHERE id = ?1",
    [Q_DEV_FLAGGED] = "UPDATE devices SET flagged = ?2 WHERE id = ?1",
    [Q_DEV_ACKED] = "UPDATE devices SET acked_seq = ?2 WHERE id = ?1",
    [Q_TOK_ADD] = "INSERT INTO tokens(hash, refresh, device, expires) VALUES(?1,?2,?3,?4)",
    [Q_TOK_GET] = "SELECT device, expires FROM tokens WHERE hash = ?1 AND refresh = ?2",
    [Q_TOK_CUT] = "UPDATE tokens SET expires = min(expires, ?2) WHERE hash = ?1",
    [Q_LOG_FIND] = "SELECT digest FROM log WHERE id = ?1",
    [Q_LOG_ADD] = "INSERT INTO log(gseq, id, device, seq, digest, type, entity, entity_id, line)"
                  " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
    [Q_LOG_REPLACE] = "UPDATE log SET line = ?2 WHERE id = ?1",
    [Q_HEAD] = "SELECT coalesce(max(gseq), 0) FROM log",
    [Q_ENT_GET] = "SELECT site, case_id, customer_id, creator FROM entities WHERE entity_id = ?1",
    [Q_ENT_PUT] = "INSERT OR REPLACE INTO entities(entity_id, site, case_id, customer_id, creator)"
                  " VALUES(?1,?2,?3,?4,?5)",
    [Q_ASSIGN_ADD] =
        "INSERT OR IGNORE INTO assignments(engineer, entity_id, gseq) VALUES(?1,?2,?3)",
    [Q_ASSIGNED] = "SELECT id, coalesce(max(cust), ''), min(g) FROM ("
                   " SELECT a.entity_id AS id, e.customer_id AS cust, a.gseq AS g"
                   " FROM assignments a LEFT JOIN entities e ON e.entity_id = a.entity_id"
                   " WHERE a.engineer = ?1 AND a.gseq <= ?2 UNION ALL"
                   " SELECT c.entity_id, c.customer_id,"
                   " (SELECT min(l.gseq) FROM log l WHERE l.entity_id = c.entity_id)"
                   " FROM entities c WHERE ?3 <> '' AND c.creator = ?3 AND c.case_id = c.entity_id"
                   ") WHERE g <= ?2 GROUP BY id",
    [Q_DECISION_ADD] = "INSERT OR IGNORE INTO decisions(key) VALUES(?1)",
    [Q_SCAN] = "SELECT " ROW_COLS ROW_FROM " WHERE l.gseq > ?1 AND l.gseq <= ?2"
               " ORDER BY l.gseq LIMIT ?3",
    [Q_SCAN_CASE] = "SELECT " ROW_COLS ROW_FROM " WHERE l.gseq <= ?3 AND (l.entity_id IN"
                    " (SELECT entity_id FROM entities WHERE case_id = ?1) OR l.entity_id = ?1"
                    " OR (?2 <> '' AND l.entity_id = ?2)) ORDER BY l.gseq",
    [Q_STATS] = "SELECT (SELECT count(*) FROM log), (SELECT count(*) FROM devices),"
                " (SELECT count(*) FROM devices WHERE revoked <> 0),"
                " (SELECT count(*) FROM devices WHERE flagged <> 0),"
                " (SELECT coalesce(max(gseq), 0) FROM log)",
};

struct lite {
    sqlite3 *db;
    char path[4096];
    sqlite3_stmt *q[Q__COUNT];
};

static struct lite *L(struct srv_store *st)
{
    return st->be;
}

static enum ff_err db_fail(struct srv_store *st, int rc, const char *what)
{
    enum ff_err e = rc == SQLITE_FULL       ? FF_EFULL
                    : rc == SQLITE_NOMEM    ? FF_ENOMEM
                    : rc == SQLITE_CORRUPT  ? FF_ECORRUPT
                    : rc == SQLITE_READONLY ? FF_EREADONLY
                                            : FF_EDB;
    return srv_store__fail(st, e, "%s: %s: %s", L(st)->path, what, sqlite3_errmsg(L(st)->db));
}

/* Binds args after fmt: 's' text (NULL is ""), 't' text + size_t length, 'i' int64. */
static sqlite3_stmt *bind(struct srv_store *st, enum stmt id, const char *fmt, ...)
{
    sqlite3_stmt *q = L(st)->q[id];
    va_list ap;
    va_start(ap, fmt);
    int rc = SQLITE_OK;
    for (int i = 0; fmt[i] && rc == SQLITE_OK; i++) {
        if (fmt[i] == 's') {
            const char *s = va_arg(ap, const char *);
            rc = sqlite3_bind_text(q, i + 1, s ? s : "", -1, SQLITE_STATIC);
        } else if (fmt[i] == 't') {
            const char *s = va_arg(ap, const char *);
            size_t n = va_arg(ap, size_t);
            rc = sqlite3_bind_text64(q, i + 1, s, n, SQLITE_STATIC, SQLITE_UTF8);
        } else {
            rc = sqlite3_bind_int64(q, i + 1, va_arg(ap, int64_t));
        }
    }
    va_end(ap);
    if (rc != SQLITE_OK) {
        db_fail(st, rc, SQL[id]);
        sqlite3_reset(q);
        sqlite3_clear_bindings(q);
        return NULL;
    }
    return q;
}

/* Steps q once: FF_OK with *row true for a row, false at the end. */
static enum ff_err step(struct srv_store *st, sqlite3_stmt *q, bool *row)
{
    int rc = sqlite3_step(q);
    *row = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return FF_OK;
    enum ff_err e = db_fail(st, rc, sqlite3_sql(q));
    sqlite3_reset(q);
    return e;
}

static enum ff_err done(sqlite3_stmt *q, enum ff_err e)
{
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return e;
}

/* Runs a statement without rows; *changed: it changed a row. */
static enum ff_err run(struct srv_store *st, sqlite3_stmt *q, bool *changed)
{
    if (!q)
        return FF_EDB;
    bool row;
    enum ff_err e = step(st, q, &row);
    if (changed)
        *changed = !e && sqlite3_changes(L(st)->db) > 0;
    return done(q, e);
}

static const char *col(sqlite3_stmt *q, int i)
{
    const char *s = (const char *)sqlite3_column_text(q, i);
    return s ? s : "";
}

static void lite_close(struct srv_store *st)
{
    struct lite *l = L(st);
    if (!l)
        return;
    for (int i = 0; i < Q__COUNT; i++)
        sqlite3_finalize(l->q[i]);
    sqlite3_close(l->db);
    ff_free(l);
    st->be = NULL;
}

static enum ff_err lite_begin(struct srv_store *st, bool locked)
{
    return run(st, bind(st, locked ? Q_BEGIN_LOCKED : Q_BEGIN, ""), NULL);
}

static enum ff_err lite_commit(struct srv_store *st)
{
    return run(st, bind(st, Q_COMMIT, ""), NULL);
}

static void lite_rollback(struct srv_store *st)
{
    if (!sqlite3_get_autocommit(L(st)->db))
        sqlite3_exec(L(st)->db, "ROLLBACK", NULL, NULL, NULL);
}

static enum ff_err lite_meta_get(struct srv_store *st, const char *key, int64_t *v, bool *found)
{
    sqlite3_stmt *q = bind(st, Q_META_GET, "s", key);
    if (!q)
        return FF_EDB;
    enum ff_err e = step(st, q, found);
    *v = !e && *found ? sqlite3_column_int64(q, 0) : 0;
    return done(q, e);
}

static enum ff_err lite_meta_put(struct srv_store *st, const char *key, int64_t v, bool force)
{
    return run(st, bind(st, force ? Q_META_SET : Q_META_ADD, "si", key, v), NULL);
}

static enum ff_err lite_code_add(struct srv_store *st, const char *hex, const struct srv_code *c)
{
    return run(st,
               bind(st, Q_CODE_ADD, "sissis", hex, (int64_t)c->kind, c->site, c->engineer,
                    c->expires_ms, c->device),
               NULL);
}

static enum ff_err lite_code_get(struct srv_store *st, const char *hex, struct srv_code *out,
                                 bool *found)
{
    sqlite3_stmt *q = bind(st, Q_CODE_GET, "s", hex);
    if (!q)
        return FF_EDB;
    enum ff_err e = step(st, q, found);
    memset(out, 0, sizeof *out);
    if (!e && *found) {
        out->kind = (enum srv_kind)sqlite3_column_int(q, 0);
        snprintf(out->site, sizeof out->site, "%s", col(q, 1));
        snprintf(out->engineer, sizeof out->engineer, "%s", col(q, 2));
        out->expires_ms = sqlite3_column_int64(q, 3);
        out->used = sqlite3_column_int(q, 4) != 0;
        snprintf(out->device, sizeof out->device, "%s", col(q, 5));
    }
    return done(q, e);
}

static enum ff_err lite_code_use(struct srv_store *st, const char *hex)
{
    return run(st, bind(st, Q_CODE_USE, "s", hex), NULL);
}

static enum ff_err lite_device_get(struct srv_store *st, const char *id, struct srv_device *out,
                                   bool *found)
{
    sqlite3_stmt *q = bind(st, Q_DEV_GET, "s", id);
    if (!q)
        return FF_EDB;
    enum ff_err e = step(st, q, found);
    memset(out, 0, sizeof *out);
    if (!e && *found) {
        snprintf(out->id, sizeof out->id, "%s", col(q, 0));
        out->kind = (enum srv_kind)sqlite3_column_int(q, 1);
        snprintf(out->site, sizeof out->site, "%s", col(q, 2));
        snprintf(out->engineer, sizeof out->engineer, "%s", col(q, 3));
        out->revoked = sqlite3_column_int(q, 4) != 0;
        out->flagged = sqlite3_column_int(q, 5) != 0;
        out->acked_seq = sqlite3_column_int64(q, 6);
    }
    return done(q, e);
}

static enum ff_err lite_device_add(struct srv_store *st, const struct srv_device *d,
                                   const char *name)
{
    return run(st,
               bind(st, Q_DEV_ADD, "sisss", d->id, (int64_t)d->kind, d->site, d->engineer, name),
               NULL);
}

static enum ff_err lite_device_set(struct srv_store *st, const char *id, enum srv_dev_field f,
                                   int64_t v, bool *found)
{
    enum stmt q = f == SRV_DEV_REVOKED   ? Q_DEV_REVOKED
                  : f == SRV_DEV_FLAGGED ? Q_DEV_FLAGGED
                                         : Q_DEV_ACKED;
    return run(st, bind(st, q, "si", id, v), found);
}

static enum ff_err lite_token_add(struct srv_store *st, const char *hex, bool refresh,
                                  const char *device, int64_t expires_ms)
{
    return run(st, bind(st, Q_TOK_ADD, "sisi", hex, (int64_t)refresh, device, expires_ms), NULL);
}

static enum ff_err lite_token_get(struct srv_store *st, const char *hex, bool refresh, char *device,
                                  int64_t *expires_ms, bool *found)
{
    sqlite3_stmt *q = bind(st, Q_TOK_GET, "si", hex, (int64_t)refresh);
    if (!q)
        return FF_EDB;
    enum ff_err e = step(st, q, found);
    if (!e && *found) {
        snprintf(device, FF_EVENT_ID_MAX + 1, "%s", col(q, 0));
        *expires_ms = sqlite3_column_int64(q, 1);
    }
    return done(q, e);
}

static enum ff_err lite_token_cut(struct srv_store *st, const char *hex, int64_t expires_ms,
                                  bool *found)
{
    return run(st, bind(st, Q_TOK_CUT, "si", hex, expires_ms), found);
}

static enum ff_err lite_tokens_end(struct srv_store *st, const char *device)
{
    return run(st, bind(st, Q_TOK_END, "s", device), NULL);
}

static enum ff_err lite_log_find(struct srv_store *st, const char *const *ids, size_t n,
                                 uint64_t *digest, bool *found)
{
    enum ff_err e = FF_OK;
    for (size_t i = 0; i < n && !e; i++) {
        sqlite3_stmt *q = bind(st, Q_LOG_FIND, "s", ids[i]);
        if (!q)
            return FF_EDB;
        e = step(st, q, &found[i]);
        digest[i] = !e && found[i] ? (uint64_t)sqlite3_column_int64(q, 0) : 0;
        e = done(q, e);
    }
    return e;
}

static enum ff_err lite_log_add(struct srv_store *st, const char *const *ids, const int64_t *gseq,
                                struct srv_push_event *const *evs, size_t n)
{
    enum ff_err e = FF_OK;
    for (size_t i = 0; i < n && !e; i++) {
        const struct srv_push_event *p = evs[i];
        const struct ff_event *ev = p->ev;
        e = run(st,
                bind(st, Q_LOG_ADD, "issiissst", gseq[i], ids[i], ev->device, ev->seq,
                     (int64_t)p->digest, ev->type, ev->entity, ev->entity_id, p->line, p->len),
                NULL);
    }
    return e;
}

static enum ff_err lite_log_replace(struct srv_store *st, const char *id, const char *line,
                                    size_t len, bool *found)
{
    return run(st, bind(st, Q_LOG_REPLACE, "st", id, line, len), found);
}

static enum ff_err lite_head(struct srv_store *st, int64_t *out)
{
    sqlite3_stmt *q = bind(st, Q_HEAD, "");
    if (!q)
        return FF_EDB;
    bool row;
    enum ff_err e = step(st, q, &row);
    *out = !e && row ? sqlite3_column_int64(q, 0) : 0;
    return done(q, e);
}

static enum ff_err lite_entity_get(struct srv_store *st, const char *const *ids, size_t n,
                                   struct srv_entity *out, bool *found)
{
    enum ff_err e = FF_OK;
    for (size_t i = 0; i < n && !e; i++) {
        sqlite3_stmt *q = bind(st, Q_ENT_GET, "s", ids[i]);
        if (!q)
            return FF_EDB;
        e = step(st, q, &found[i]);
        memset(&out[i], 0, sizeof out[i]);
        if (!e && found[i]) {
            snprintf(out[i].site, sizeof out[i].site, "%s", col(q, 0));
            snprintf(out[i].case_id, sizeof out[i].case_id, "%s", col(q, 1));
            snprintf(out[i].customer_id, sizeof out[i].customer_id, "%s", col(q, 2));
            snprintf(out[i].creator, sizeof out[i].creator, "%s", col(q, 3));
        }
        e = done(q, e);
    }
    return e;
}

static enum ff_err lite_entity_put(struct srv_store *st, const char *const *ids,
                                   const struct srv_entity *en, size_t n)
{
    enum ff_err e = FF_OK;
    for (size_t i = 0; i < n && !e; i++)
        e = run(st,
                bind(st, Q_ENT_PUT, "sssss", ids[i], en[i].site, en[i].case_id, en[i].customer_id,
                     en[i].creator),
                NULL);
    return e;
}

static enum ff_err lite_assign_add(struct srv_store *st, const char *engineer, const char *case_id,
                                   int64_t gseq)
{
    return run(st, bind(st, Q_ASSIGN_ADD, "ssi", engineer, case_id, gseq), NULL);
}

static enum ff_err lite_assigned(struct srv_store *st, const char *engineer, const char *device,
                                 int64_t upto,
                                 int (*fn)(void *, const char *, const char *, int64_t), void *ctx)
{
    sqlite3_stmt *q = bind(st, Q_ASSIGNED, "sis", engineer, upto, device);
    if (!q)
        return FF_EDB;
    bool row;
    enum ff_err e;
    while (!(e = step(st, q, &row)) && row)
        if (fn(ctx, col(q, 0), col(q, 1), sqlite3_column_int64(q, 2)))
            break;
    return done(q, e);
}

static enum ff_err lite_decision_add(struct srv_store *st, const char *key, bool *added)
{
    return run(st, bind(st, Q_DECISION_ADD, "s", key), added);
}

static enum ff_err each_row(struct srv_store *st, sqlite3_stmt *q, srv_row_fn fn, void *ctx)
{
    if (!q)
        return FF_EDB;
    bool row;
    enum ff_err e;
    while (!(e = step(st, q, &row)) && row) {
        struct srv_row r = {
            .gseq = sqlite3_column_int64(q, 0),
            .type = col(q, 1),
            .entity_id = col(q, 2),
            .site = col(q, 3),
            .case_id = col(q, 4),
            .customer_id = col(q, 5),
            .device = col(q, 6),
            .creator = col(q, 7),
            .line = col(q, 8),
            .len = (size_t)sqlite3_column_bytes(q, 8),
        };
        if (fn(ctx, &r))
            break;
    }
    return done(q, e);
}

static enum ff_err lite_scan(struct srv_store *st, int64_t after, int64_t upto, int limit,
                             srv_row_fn fn, void *ctx)
{
    return each_row(st, bind(st, Q_SCAN, "iii", after, upto, (int64_t)limit), fn, ctx);
}

static enum ff_err lite_scan_case(struct srv_store *st, const char *case_id,
                                  const char *customer_id, int64_t upto, srv_row_fn fn, void *ctx)
{
    return each_row(st, bind(st, Q_SCAN_CASE, "ssi", case_id, customer_id, upto), fn, ctx);
}

static enum ff_err lite_stats(struct srv_store *st, struct srv_stats *out)
{
    sqlite3_stmt *q = bind(st, Q_STATS, "");
    if (!q)
        return FF_EDB;
    bool row;
    enum ff_err e = step(st, q, &row);
    if (!e && row) {
        out->events = sqlite3_column_int64(q, 0);
        out->devices = sqlite3_column_int64(q, 1);
        out->revoked = sqlite3_column_int64(q, 2);
        out->flagged = sqlite3_column_int64(q, 3);
        out->head = sqlite3_column_int64(q, 4);
    }
    return done(q, e);
}

/* Copies all of src into dst with the backup API in one step: one read transaction on src,
 * so the copy is one consistent snapshot; in WAL mode writers go on meanwhile (copying in
 * small steps would restart at every write of another connection and might never end). */
static int copy_db(sqlite3 *dst, sqlite3 *src)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b)
        return sqlite3_errcode(dst);
    int rc;
    while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
        sqlite3_sleep(5);
    int fin = sqlite3_backup_finish(b);
    return rc == SQLITE_DONE ? fin : rc;
}

static enum ff_err lite_backup(struct srv_store *st, const char *to_path)
{
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(to_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK)
        rc = copy_db(dst, L(st)->db);
    enum ff_err e = FF_OK;
    if (rc != SQLITE_OK)
        e = srv_store__fail(st, rc == SQLITE_FULL ? FF_EFULL : FF_EIO, "backup to %s: %s", to_path,
                            dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
    sqlite3_close(dst);
    return e;
}

static enum ff_err lite_restore(struct srv_store *st, const char *from_path)
{
    sqlite3 *src = NULL;
    int rc = sqlite3_open_v2(from_path, &src, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK) /* a file that is not a server store must not replace this one */
        rc = sqlite3_exec(src, "SELECT 1 FROM meta, log LIMIT 0", NULL, NULL, NULL);
    enum ff_err e = FF_OK;
    if (rc != SQLITE_OK)
        e = srv_store__fail(st, FF_EINVAL, "restore from %s: not a server backup: %s", from_path,
                            src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
    else if (copy_db(L(st)->db, src) != SQLITE_OK)
        e = srv_store__fail(st, FF_EIO, "restore from %s: %s", from_path,
                            sqlite3_errmsg(L(st)->db));
    sqlite3_close(src);
    return e;
}

static const struct srv_ops LITE_OPS = {
    .close = lite_close,
    .begin = lite_begin,
    .commit = lite_commit,
    .rollback = lite_rollback,
    .meta_get = lite_meta_get,
    .meta_put = lite_meta_put,
    .code_add = lite_code_add,
    .code_get = lite_code_get,
    .code_use = lite_code_use,
    .device_get = lite_device_get,
    .device_add = lite_device_add,
    .device_set = lite_device_set,
    .token_add = lite_token_add,
    .token_get = lite_token_get,
    .token_cut = lite_token_cut,
    .tokens_end = lite_tokens_end,
    .log_find = lite_log_find,
    .log_add = lite_log_add,
    .log_replace = lite_log_replace,
    .head = lite_head,
    .entity_get = lite_entity_get,
    .entity_put = lite_entity_put,
    .assign_add = lite_assign_add,
    .assigned = lite_assigned,
    .decision_add = lite_decision_add,
    .scan = lite_scan,
    .scan_case = lite_scan_case,
    .stats = lite_stats,
    .backup = lite_backup,
    .restore = lite_restore,
};

enum ff_err srv_store__open_sqlite(const char *path, struct srv_store *st)
{
    struct lite *l = ff_calloc(1, sizeof *l);
    if (!l)
        return srv_store__fail(st, FF_ENOMEM, "sqlite:%s: out of memory", path);
    st->be = l;
    st->ops = &LITE_OPS;
    snprintf(l->path, sizeof l->path, "%s", path);
    int rc = sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK)
        return srv_store__fail(st, rc == SQLITE_CANTOPEN ? FF_EIO : FF_EDB, "sqlite:%s: %s", path,
                               l->db ? sqlite3_errmsg(l->db) : sqlite3_errstr(rc));
    sqlite3_busy_timeout(l->db, 30000);
    static const char pragmas[] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                  " PRAGMA foreign_keys=OFF; PRAGMA secure_delete=ON;";
    rc = sqlite3_exec(l->db, pragmas, NULL, NULL, NULL);
    if (rc == SQLITE_OK) /* one writer creates it; the others wait on the lock */
        rc = sqlite3_exec(l->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_exec(l->db, SCHEMA, NULL, NULL, NULL)) == SQLITE_OK)
        rc = sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        enum ff_err e = db_fail(st, rc, "creating the schema");
        lite_rollback(st);
        return e;
    }
    for (int i = 0; i < Q__COUNT; i++) {
        rc = sqlite3_prepare_v3(l->db, SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &l->q[i], NULL);
        if (rc != SQLITE_OK)
            return db_fail(st, rc, SQL[i]);
    }
    return FF_OK;
}

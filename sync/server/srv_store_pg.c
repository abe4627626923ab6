/* srv_store_pg.c - the PostgreSQL backend of the server's storage (srv_store_int.h ops) through
 * libpq, for several server instances over one database.
 *
 * The commit lock is pg_advisory_xact_lock(SRV_PG_LOCK), taken right after BEGIN by every push
 * and decision and released by COMMIT/ROLLBACK. PostgreSQL makes a transaction visible before
 * it releases its locks, and under READ COMMITTED each statement after the lock sees every
 * earlier commit, so head + 1 is handed out in commit order and every snapshot a reader takes
 * is a prefix of the log. The schema is created under the same lock, so instances starting
 * together do not race on CREATE TABLE.
 *
 * Statements are prepared once per connection; parameters go as text except event lines
 * (binary text, so they need no NUL). A broken connection gives FF_EDB: the server opens a
 * new handle, nothing here reconnects. Messages never carry the URL (it may hold a password).
 */
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "srv_store_int.h"

#define SRV_PG_LOCK "7413001" /* the one commit lock's key ("fieldflow" sync log) */
#define MAX_PARAMS 10

static const char SCHEMA[] =
    "BEGIN; SELECT pg_advisory_xact_lock(" SRV_PG_LOCK ");"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BIGINT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS log(gseq BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " device TEXT NOT NULL, seq BIGINT NOT NULL, digest BIGINT NOT NULL, type TEXT NOT NULL,"
    " entity TEXT NOT NULL, entity_id TEXT NOT NULL, line TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS log_entity ON log(entity_id, gseq);"
    "CREATE TABLE IF NOT EXISTS devices(id TEXT PRIMARY KEY, kind INTEGER NOT NULL,"
    " site TEXT NOT NULL, engineer TEXT NOT NULL, name TEXT NOT NULL,"
    " revoked INTEGER NOT NULL DEFAULT 0, flagged INTEGER NOT NULL DEFAULT 0,"
    " acked_seq BIGINT NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS codes(hash TEXT PRIMARY KEY, kind INTEGER NOT NULL,"
    " site TEXT NOT NULL, engineer TEXT NOT NULL, expires BIGINT NOT NULL,"
    " used INTEGER NOT NULL DEFAULT 0, device TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE IF NOT EXISTS tokens(hash TEXT PRIMARY KEY, refresh INTEGER NOT NULL,"
    " device TEXT NOT NULL, expires BIGINT NOT NULL);"
    /* creator: no migration of older databases, none exists outside tests (2026-12-02) */
    "CREATE TABLE IF NOT EXISTS entities(entity_id TEXT PRIMARY KEY, site TEXT NOT NULL,"
    " case_id TEXT NOT NULL, customer_id TEXT NOT NULL, creator TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS entities_case ON entities(case_id);"
    "CREATE INDEX IF NOT EXISTS entities_creator ON entities(creator);"
    "CREATE TABLE IF NOT EXISTS assignments(engineer TEXT NOT NULL, entity_id TEXT NOT NULL,"
    " gseq BIGINT NOT NULL, PRIMARY KEY(engineer, entity_id, gseq));"
    "CREATE TABLE IF NOT EXISTS decisions(key TEXT PRIMARY KEY);"
    "COMMIT;";

enum stmt {
    Q_LOCK,
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
    "l.gseq, l.type, l.entity_id, coalesce(e.site, ''), coalesce(e.case_id, ''),"                  \
    " coalesce(e.customer_id, ''), l.device, coalesce(e.creator, ''), l.line"
#define ROW_FROM " FROM log l LEFT JOIN entities e ON e.entity_id = l.entity_id"

static const char *const SQL[Q__COUNT] = {
    [Q_LOCK] = "SELECT pg_advisory_xact_lock(" SRV_PG_LOCK ")",
    [Q_META_GET] = "SELECT value FROM meta WHERE key = $1",
    [Q_META_ADD] = "INSERT INTO meta(key, value) VALUES($1, $2) ON CONFLICT (key) DO NOTHING",
    [Q_META_SET] = "INSERT INTO meta(key, value) VALUES($1, $2)"
                   " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
    [Q_CODE_ADD] = "INSERT INTO codes(hash, kind, site, engineer, expires, device)"
                   " VALUES($1,$2,$3,$4,$5,$6)",
    [Q_CODE_GET] = "SELECT kind, site, engineer, expires, used, device FROM codes WHERE hash = $1",
    [Q_CODE_USE] = "UPDATE codes SET used = 1 WHERE hash = $1",
    [Q_TOK_END] = "UPDATE tokens SET expires = 0 WHERE device = $1",
    [Q_DEV_GET] = "SELECT id, kind, site, engineer, revoked, flagged, acked_seq FROM devices"
                  " WHERE id = $1",
    [Q_DEV_ADD] = "INSERT INTO devices(id, kind, site, engineer, name) VALUES($1,$2,$3,$4,$5)",
    [Q_DEV_REVOKED] = "UPDATE devices SET revoked = $2 WHERE id = $1",
    [Q_DEV_FLAGGED] = "UPDATE devices SET flagged = $2 WHERE id = $1",
    [Q_DEV_ACKED] = "UPDATE devices SET acked_seq = $2 WHERE id = $1",
    [Q_TOK_ADD] = "INSERT INTO tokens(hash, refresh, device, expires) VALUES($1,$2,$3,$4)",
    [Q_TOK_GET] = "SELECT device, expires FROM tokens WHERE hash = $1 AND refresh = $2",
    [Q_TOK_CUT] = "UPDATE tokens SET expires = least(expires, $2) WHERE hash = $1",
    [Q_LOG_FIND] = "SELECT u.i, l.digest FROM unnest($1::text[]) WITH ORDINALITY AS u(id, i)"
                   " JOIN log l ON l.id = u.id",
    [Q_LOG_ADD] = "INSERT INTO log(gseq, id, device, seq, digest, type, entity, entity_id, line)"
                  " SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[],"
                  " $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[])",
    [Q_LOG_REPLACE] = "UPDATE log SET line = $2 WHERE id = $1",
    [Q_HEAD] = "SELECT coalesce(max(gseq), 0) FROM log",
    [Q_ENT_GET] = "SELECT u.i, e.site, e.case_id, e.customer_id, e.creator"
                  " FROM unnest($1::text[]) WITH ORDINALITY AS u(id, i)"
                  " JOIN entities e ON e.entity_id = u.id",
    [Q_ENT_PUT] = "INSERT INTO entities(entity_id, site, case_id, customer_id, creator)"
                  " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
                  " $5::text[])"
                  " ON CONFLICT (entity_id) DO UPDATE SET site = EXCLUDED.site,"
                  " case_id = EXCLUDED.case_id, customer_id = EXCLUDED.customer_id,"
                  " creator = EXCLUDED.creator",
    [Q_ASSIGN_ADD] = "INSERT INTO assignments(engineer, entity_id, gseq) VALUES($1,$2,$3)"
                     " ON CONFLICT DO NOTHING",
    [Q_ASSIGNED] = "SELECT id, coalesce(max(cust), ''), min(g) FROM ("
                   " SELECT a.entity_id AS id, e.customer_id AS cust, a.gseq AS g"
                   " FROM assignments a LEFT JOIN entities e ON e.entity_id = a.entity_id"
                   " WHERE a.engineer = $1::text AND a.gseq <= $2::bigint UNION ALL"
                   " SELECT c.entity_id, c.customer_id,"
                   " (SELECT min(l.gseq) FROM log l WHERE l.entity_id = c.entity_id)"
                   " FROM entities c WHERE $3::text <> '' AND c.creator = $3::text"
                   " AND c.case_id = c.entity_id) u WHERE g <= $2::bigint GROUP BY id",
    [Q_DECISION_ADD] = "INSERT INTO decisions(key) VALUES($1) ON CONFLICT DO NOTHING",
    [Q_SCAN] = "SELECT " ROW_COLS ROW_FROM " WHERE l.gseq > $1 AND l.gseq <= $2"
               " ORDER BY l.gseq LIMIT $3",
    [Q_SCAN_CASE] = "SELECT " ROW_COLS ROW_FROM " WHERE l.gseq <= $3 AND (l.entity_id IN"
                    " (SELECT entity_id FROM entities WHERE case_id = $1::text)"
                    " OR l.entity_id = $1::text OR ($2::text <> '' AND l.entity_id = $2::text))"
                    " ORDER BY l.gseq",
    [Q_STATS] = "SELECT (SELECT count(*) FROM log), (SELECT count(*) FROM devices),"
                " (SELECT count(*) FROM devices WHERE revoked <> 0),"
                " (SELECT count(*) FROM devices WHERE flagged <> 0),"
                " (SELECT coalesce(max(gseq), 0) FROM log)",
};

static PGconn *C(struct srv_store *st)
{
    return st->be;
}

static enum ff_err pg_fail(struct srv_store *st, const char *what, const char *msg)
{
    size_t n = strcspn(msg, "\n");
    return srv_store__fail(st, FF_EDB, "postgresql: %s: %.*s", what, (int)n, msg);
}

/* Runs prepared statement id with params after fmt: 's' text (NULL is ""), 't' text + size_t
 * length, 'i' int64. Returns the result (PQclear it) or NULL with st->err set. */
static PGresult *q(struct srv_store *st, enum stmt id, const char *fmt, ...)
{
    const char *val[MAX_PARAMS];
    int len[MAX_PARAMS], bin[MAX_PARAMS];
    char num[MAX_PARAMS][24];
    int n = 0;
    va_list ap;
    va_start(ap, fmt);
    for (; fmt[n] && n < MAX_PARAMS; n++) {
        len[n] = 0;
        bin[n] = 0;
        if (fmt[n] == 's') {
            const char *s = va_arg(ap, const char *);
            val[n] = s ? s : "";
        } else if (fmt[n] == 't') {
            val[n] = va_arg(ap, const char *);
            len[n] = (int)va_arg(ap, size_t);
            bin[n] = 1;
        } else {
            snprintf(num[n], sizeof num[n], "%lld", (long long)va_arg(ap, int64_t));
            val[n] = num[n];
        }
    }
    va_end(ap);
    char name[8];
    snprintf(name, sizeof name, "q%d", (int)id);
    PGresult *r = PQexecPrepared(C(st), name, n, val, len, bin, 0);
    ExecStatusType s = PQresultStatus(r);
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
        return r;
    pg_fail(st, SQL[id], r ? PQresultErrorMessage(r) : PQerrorMessage(C(st)));
    PQclear(r);
    return NULL;
}

/* Runs a statement without rows; *changed: it changed a row. */
static enum ff_err run(PGresult *r, bool *changed)
{
    if (!r)
        return FF_EDB;
    if (changed)
        *changed = strcmp(PQcmdTuples(r), "0") != 0 && *PQcmdTuples(r);
    PQclear(r);
    return FF_OK;
}

static const char *val(PGresult *r, int row, int c)
{
    return PQgetisnull(r, row, c) ? "" : PQgetvalue(r, row, c);
}

static int64_t num(PGresult *r, int row, int c)
{
    return strtoll(val(r, row, c), NULL, 10);
}

static enum ff_err simple(struct srv_store *st, const char *sql)
{
    PGresult *r = PQexec(C(st), sql);
    enum ff_err e = FF_OK;
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        e = pg_fail(st, sql, r ? PQresultErrorMessage(r) : PQerrorMessage(C(st)));
    PQclear(r);
    return e;
}

static void pg_close(struct srv_store *st)
{
    PQfinish(C(st));
    st->be = NULL;
}

static enum ff_err pg_begin(struct srv_store *st, bool locked)
{
    enum ff_err e = simple(st, "BEGIN");
    if (!e && locked && (e = run(q(st, Q_LOCK, ""), NULL)))
        simple(st, "ROLLBACK");
    return e;
}

static enum ff_err pg_commit(struct srv_store *st)
{
    return simple(st, "COMMIT");
}

static void pg_rollback(struct srv_store *st)
{
    if (PQtransactionStatus(C(st)) != PQTRANS_IDLE)
        PQclear(PQexec(C(st), "ROLLBACK"));
}

static enum ff_err pg_meta_get(struct srv_store *st, const char *key, int64_t *v, bool *found)
{
    PGresult *r = q(st, Q_META_GET, "s", key);
    if (!r)
        return FF_EDB;
    *found = PQntuples(r) > 0;
    *v = *found ? num(r, 0, 0) : 0;
    PQclear(r);
    return FF_OK;
}

static enum ff_err pg_meta_put(struct srv_store *st, const char *key, int64_t v, bool force)
{
    return run(q(st, force ? Q_META_SET : Q_META_ADD, "si", key, v), NULL);
}

static enum ff_err pg_code_add(struct srv_store *st, const char *hex, const struct srv_code *c)
{
    return run(q(st, Q_CODE_ADD, "sissis", hex, (int64_t)c->kind, c->site, c->engineer,
                 c->expires_ms, c->device),
               NULL);
}

static enum ff_err pg_code_get(struct srv_store *st, const char *hex, struct srv_code *out,
                               bool *found)
{
    PGresult *r = q(st, Q_CODE_GET, "s", hex);
    if (!r)
        return FF_EDB;
    memset(out, 0, sizeof *out);
    *found = PQntuples(r) > 0;
    if (*found) {
        out->kind = (enum srv_kind)num(r, 0, 0);
        snprintf(out->site, sizeof out->site, "%s", val(r, 0, 1));
        snprintf(out->engineer, sizeof out->engineer, "%s", val(r, 0, 2));
        out->expires_ms = num(r, 0, 3);
        out->used = num(r, 0, 4) != 0;
        snprintf(out->device, sizeof out->device, "%s", val(r, 0, 5));
    }
    PQclear(r);
    return FF_OK;
}

static enum ff_err pg_code_use(struct srv_store *st, const char *hex)
{
    return run(q(st, Q_CODE_USE, "s", hex), NULL);
}

static enum ff_err pg_device_get(struct srv_store *st, const char *id, struct srv_device *out,
                                 bool *found)
{
    PGresult *r = q(st, Q_DEV_GET, "s", id);
    if (!r)
        return FF_EDB;
    memset(out, 0, sizeof *out);
    *found = PQntuples(r) > 0;
    if (*found) {
        snprintf(out->id, sizeof out->id, "%s", val(r, 0, 0));
        out->kind = (enum srv_kind)num(r, 0, 1);
        snprintf(out->site, sizeof out->site, "%s", val(r, 0, 2));
        snprintf(out->engineer, sizeof out->engineer, "%s", val(r, 0, 3));
        out->revoked = num(r, 0, 4) != 0;
        out->flagged = num(r, 0, 5) != 0;
        out->acked_seq = num(r, 0, 6);
    }
    PQclear(r);
    return FF_OK;
}

static enum ff_err pg_device_add(struct srv_store *st, const struct srv_device *d, const char *name)
{
    return run(q(st, Q_DEV_ADD, "sisss", d->id, (int64_t)d->kind, d->site, d->engineer, name),
               NULL);
}

static enum ff_err pg_device_set(struct srv_store *st, const char *id, enum srv_dev_field f,
                                 int64_t v, bool *found)
{
    enum stmt s = f == SRV_DEV_REVOKED   ? Q_DEV_REVOKED
                  : f == SRV_DEV_FLAGGED ? Q_DEV_FLAGGED
                                         : Q_DEV_ACKED;
    return run(q(st, s, "si", id, v), found);
}

static enum ff_err pg_token_add(struct srv_store *st, const char *hex, bool refresh,
                                const char *device, int64_t expires_ms)
{
    return run(q(st, Q_TOK_ADD, "sisi", hex, (int64_t)refresh, device, expires_ms), NULL);
}

static enum ff_err pg_token_get(struct srv_store *st, const char *hex, bool refresh, char *device,
                                int64_t *expires_ms, bool *found)
{
    PGresult *r = q(st, Q_TOK_GET, "si", hex, (int64_t)refresh);
    if (!r)
        return FF_EDB;
    *found = PQntuples(r) > 0;
    if (*found) {
        snprintf(device, FF_EVENT_ID_MAX + 1, "%s", val(r, 0, 0));
        *expires_ms = num(r, 0, 1);
    }
    PQclear(r);
    return FF_OK;
}

static enum ff_err pg_tokens_end(struct srv_store *st, const char *device)
{
    return run(q(st, Q_TOK_END, "s", device), NULL);
}

static enum ff_err pg_token_cut(struct srv_store *st, const char *hex, int64_t expires_ms,
                                bool *found)
{
    return run(q(st, Q_TOK_CUT, "si", hex, expires_ms), found);
}

/* A PostgreSQL array literal being built: {"a","b"} or {1,2}. */
struct arr {
    char *p;
    size_t len, cap;
    bool nomem;
};

static void arr_put(struct arr *a, const char *s, size_t n)
{
    if (a->nomem)
        return;
    if (a->len + n + 3 > a->cap) {
        size_t cap = a->cap ? a->cap : 256;
        while (cap < a->len + n + 3)
            cap *= 2;
        char *p = ff_realloc(a->p, cap);
        if (!p) {
            a->nomem = true;
            return;
        }
        a->p = p;
        a->cap = cap;
    }
    memcpy(a->p + a->len, s, n);
    a->len += n;
    a->p[a->len] = '\0';
}

/* Appends one element; text is quoted, with " and \ escaped. */
static void arr_text(struct arr *a, const char *s, size_t n)
{
    arr_put(a, a->len ? ",\"" : "{\"", 2);
    for (size_t i = 0, from = 0; i <= n; i++)
        if (i == n || s[i] == '"' || s[i] == '\\') {
            arr_put(a, s + from, i - from);
            if (i < n)
                arr_put(a, "\\", 1);
            from = i;
        }
    arr_put(a, "\"", 1);
}

static void arr_int(struct arr *a, int64_t v)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%s%lld", a->len ? "," : "{", (long long)v);
    arr_put(a, num, (size_t)n);
}

/* Closes the arrays; FF_ENOMEM if one could not grow. */
static enum ff_err arr_close(struct srv_store *st, struct arr *a, int n)
{
    enum ff_err e = FF_OK;
    for (int i = 0; i < n; i++) {
        arr_put(&a[i], a[i].len ? "}" : "{}", a[i].len ? 1 : 2);
        if (a[i].nomem)
            e = srv_store__fail(st, FF_ENOMEM, "postgresql: out of memory");
    }
    return e;
}

static void arr_free(struct arr *a, int n)
{
    for (int i = 0; i < n; i++)
        ff_free(a[i].p);
}

static struct arr ids_array(const char *const *ids, size_t n)
{
    struct arr a = {0};
    for (size_t i = 0; i < n; i++)
        arr_text(&a, ids[i], strlen(ids[i]));
    return a;
}

static enum ff_err pg_log_find(struct srv_store *st, const char *const *ids, size_t n,
                               uint64_t *digest, bool *found)
{
    struct arr a = ids_array(ids, n);
    enum ff_err e = arr_close(st, &a, 1);
    PGresult *r = e ? NULL : q(st, Q_LOG_FIND, "s", a.p);
    arr_free(&a, 1);
    if (!r)
        return e ? e : FF_EDB;
    memset(found, 0, n * sizeof *found);
    for (int i = 0, rows = PQntuples(r); i < rows; i++) {
        int64_t k = num(r, i, 0) - 1;
        if (k >= 0 && (size_t)k < n) {
            found[k] = true;
            digest[k] = (uint64_t)num(r, i, 1);
        }
    }
    PQclear(r);
    return FF_OK;
}

static enum ff_err pg_log_add(struct srv_store *st, const char *const *ids, const int64_t *gseq,
                              struct srv_push_event *const *evs, size_t n)
{
    struct arr a[9] = {{0}};
    for (size_t i = 0; i < n; i++) {
        const struct ff_event *ev = evs[i]->ev;
        arr_int(&a[0], gseq[i]);
        arr_text(&a[1], ids[i], strlen(ids[i]));
        arr_text(&a[2], ev->device, strlen(ev->device));
        arr_int(&a[3], ev->seq);
        arr_int(&a[4], (int64_t)evs[i]->digest);
        arr_text(&a[5], ev->type, strlen(ev->type));
        arr_text(&a[6], ev->entity, strlen(ev->entity));
        arr_text(&a[7], ev->entity_id, strlen(ev->entity_id));
        arr_text(&a[8], evs[i]->line, evs[i]->len);
    }
    enum ff_err e = arr_close(st, a, 9);
    if (!e)
        e = run(q(st, Q_LOG_ADD, "sssssssss", a[0].p, a[1].p, a[2].p, a[3].p, a[4].p, a[5].p,
                  a[6].p, a[7].p, a[8].p),
                NULL);
    arr_free(a, 9);
    return e;
}

static enum ff_err pg_log_replace(struct srv_store *st, const char *id, const char *line,
                                  size_t len, bool *found)
{
    return run(q(st, Q_LOG_REPLACE, "st", id, line, len), found);
}

static enum ff_err pg_head(struct srv_store *st, int64_t *out)
{
    PGresult *r = q(st, Q_HEAD, "");
    if (!r)
        return FF_EDB;
    *out = PQntuples(r) > 0 ? num(r, 0, 0) : 0;
    PQclear(r);
    return FF_OK;
}

static enum ff_err pg_entity_get(struct srv_store *st, const char *const *ids, size_t n,
                                 struct srv_entity *out, bool *found)
{
    struct arr a = ids_array(ids, n);
    enum ff_err e = arr_close(st, &a, 1);
    PGresult *r = e ? NULL : q(st, Q_ENT_GET, "s", a.p);
    arr_free(&a, 1);
    if (!r)
        return e ? e : FF_EDB;
    memset(found, 0, n * sizeof *found);
    memset(out, 0, n * sizeof *out);
    for (int i = 0, rows = PQntuples(r); i < rows; i++) {
        int64_t k = num(r, i, 0) - 1;
        if (k < 0 || (size_t)k >= n)
            continue;
        found[k] = true;
        snprintf(out[k].site, sizeof out[k].site, "%s", val(r, i, 1));
        snprintf(out[k].case_id, sizeof out[k].case_id, "%s", val(r, i, 2));
        snprintf(out[k].customer_id, sizeof out[k].customer_id, "%s", val(r, i, 3));
        snprintf(out[k].creator, sizeof out[k].creator, "%s", val(r, i, 4));
    }
    PQclear(r);
    return FF_OK;
}

static enum ff_err pg_entity_put(struct srv_store *st, const char *const *ids,
                                 const struct srv_entity *en, size_t n)
{
    struct arr a[5] = {{0}};
    for (size_t i = 0; i < n; i++) {
        arr_text(&a[0], ids[i], strlen(ids[i]));
        arr_text(&a[1], en[i].site, strlen(en[i].site));
        arr_text(&a[2], en[i].case_id, strlen(en[i].case_id));
        arr_text(&a[3], en[i].customer_id, strlen(en[i].customer_id));
        arr_text(&a[4], en[i].creator, strlen(en[i].creator));
    }
    enum ff_err e = arr_close(st, a, 5);
    if (!e)
        e = run(q(st, Q_ENT_PUT, "sssss", a[0].p, a[1].p, a[2].p, a[3].p, a[4].p), NULL);
    arr_free(a, 5);
    return e;
}

static enum ff_err pg_assign_add(struct srv_store *st, const char *engineer, const char *case_id,
                                 int64_t gseq)
{
    return run(q(st, Q_ASSIGN_ADD, "ssi", engineer, case_id, gseq), NULL);
}

static enum ff_err pg_assigned(struct srv_store *st, const char *engineer, const char *device,
                               int64_t upto, int (*fn)(void *, const char *, const char *, int64_t),
                               void *ctx)
{
    PGresult *r = q(st, Q_ASSIGNED, "sis", engineer, upto, device);
    if (!r)
        return FF_EDB;
    for (int i = 0, n = PQntuples(r); i < n; i++)
        if (fn(ctx, val(r, i, 0), val(r, i, 1), num(r, i, 2)))
            break;
    PQclear(r);
    return FF_OK;
}

static enum ff_err pg_decision_add(struct srv_store *st, const char *key, bool *added)
{
    return run(q(st, Q_DECISION_ADD, "s", key), added);
}

static enum ff_err each_row(PGresult *r, srv_row_fn fn, void *ctx)
{
    if (!r)
        return FF_EDB;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        struct srv_row row = {
            .gseq = num(r, i, 0),
            .type = val(r, i, 1),
            .entity_id = val(r, i, 2),
            .site = val(r, i, 3),
            .case_id = val(r, i, 4),
            .customer_id = val(r, i, 5),
            .device = val(r, i, 6),
            .creator = val(r, i, 7),
            .line = val(r, i, 8),
            .len = (size_t)PQgetlength(r, i, 8),
        };
        if (fn(ctx, &row))
            break;
    }
    PQclear(r);
    return FF_OK;
}

static enum ff_err pg_scan(struct srv_store *st, int64_t after, int64_t upto, int limit,
                           srv_row_fn fn, void *ctx)
{
    return each_row(q(st, Q_SCAN, "iii", after, upto, (int64_t)limit), fn, ctx);
}

static enum ff_err pg_scan_case(struct srv_store *st, const char *case_id, const char *customer_id,
                                int64_t upto, srv_row_fn fn, void *ctx)
{
    return each_row(q(st, Q_SCAN_CASE, "ssi", case_id, customer_id, upto), fn, ctx);
}

static enum ff_err pg_stats(struct srv_store *st, struct srv_stats *out)
{
    PGresult *r = q(st, Q_STATS, "");
    if (!r)
        return FF_EDB;
    if (PQntuples(r) > 0) {
        out->events = num(r, 0, 0);
        out->devices = num(r, 0, 1);
        out->revoked = num(r, 0, 2);
        out->flagged = num(r, 0, 3);
        out->head = num(r, 0, 4);
    }
    PQclear(r);
    return FF_OK;
}

static const struct srv_ops PG_OPS = {
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .meta_get = pg_meta_get,
    .meta_put = pg_meta_put,
    .code_add = pg_code_add,
    .code_get = pg_code_get,
    .code_use = pg_code_use,
    .device_get = pg_device_get,
    .device_add = pg_device_add,
    .device_set = pg_device_set,
    .token_add = pg_token_add,
    .token_get = pg_token_get,
    .token_cut = pg_token_cut,
    .tokens_end = pg_tokens_end,
    .log_find = pg_log_find,
    .log_add = pg_log_add,
    .log_replace = pg_log_replace,
    .head = pg_head,
    .entity_get = pg_entity_get,
    .entity_put = pg_entity_put,
    .assign_add = pg_assign_add,
    .assigned = pg_assigned,
    .decision_add = pg_decision_add,
    .scan = pg_scan,
    .scan_case = pg_scan_case,
    .stats = pg_stats,
    .backup = NULL, /* PostgreSQL keeps its own tools */
    .restore = NULL,
};

static void quiet(void *arg, const char *message)
{
    (void)arg, (void)message; /* NOTICEs of CREATE ... IF NOT EXISTS: nothing to report */
}

enum ff_err srv_store__open_pg(const char *url, struct srv_store *st)
{
    st->ops = &PG_OPS;
    PGconn *c = PQconnectdb(url);
    st->be = c;
    if (!c)
        return srv_store__fail(st, FF_ENOMEM, "postgresql: out of memory");
    if (PQstatus(c) != CONNECTION_OK)
        return pg_fail(st, "connecting", PQerrorMessage(c));
    PQsetNoticeProcessor(c, quiet, NULL);
    enum ff_err e = simple(st, SCHEMA);
    if (e) {
        pg_rollback(st);
        return e;
    }
    for (int i = 0; i < Q__COUNT; i++) {
        char name[8];
        snprintf(name, sizeof name, "q%d", i);
        PGresult *r = PQprepare(c, name, SQL[i], 0, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            e = pg_fail(st, SQL[i], r ? PQresultErrorMessage(r) : PQerrorMessage(c));
        PQclear(r);
        if (e)
            return e;
    }
    return FF_OK;
}

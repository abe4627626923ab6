/* store.c - opening a device store: connection settings, migrations, statement cache, errors.
 *
 * Workload: one handle per process, opened at start-up and kept; thousands of small write
 * transactions a day, reads for every screen. Durability: WAL with synchronous=FULL, so a
 * commit is on disk when the call returns (docs/decisions.md). Migrations are forward
 * only and each runs in its own transaction together with the user_version bump.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "fieldflow/mem.h"
#include "store_int.h"

enum ff_err ff_store__fail(struct ff_store *s, enum ff_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    s->last = e;
    return e;
}

enum ff_err ff_store__err(const struct ff_store *s)
{
    return s->last ? s->last : FF_EDB;
}

enum ff_err ff_store__db_fail(struct ff_store *s, int rc, const char *what)
{
    enum ff_err e = FF_EDB;
    switch (rc & 0xFF) {
    case SQLITE_FULL:
        e = FF_EFULL;
        break;
    case SQLITE_READONLY:
        e = FF_EREADONLY;
        break;
    case SQLITE_NOMEM:
        e = FF_ENOMEM;
        break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        e = FF_ECORRUPT;
        break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
        e = FF_EIO;
        break;
    case SQLITE_PERM:
    case SQLITE_AUTH:
        e = FF_EREADONLY;
        break;
    default:
        break;
    }
    int sys = s->sys_errno ? s->sys_errno : s->db ? sqlite3_system_errno(s->db) : 0;
    s->sys_errno = 0;
    if ((rc & 0xFF) == SQLITE_IOERR && (sys == EFBIG || sys == ENOSPC || sys == EDQUOT))
        e = FF_EFULL; /* a full disk, quota or RLIMIT_FSIZE surfaces as a write error */
    if (e == FF_EFULL)
        return ff_store__fail(s, e, "%s: the disk is full (%s; sqlite %d)", what,
                              s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc), rc);
    return ff_store__fail(s, e, "%s: %s (sqlite %d, errno %d)", what,
                          s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc), rc, sys);
}

sqlite3_stmt *ff_store__stmt(struct ff_store *s, enum stmt id)
{
    if (!s->stmt[id]) {
        int rc = sqlite3_prepare_v3(s->db, ff_store__sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                    &s->stmt[id], NULL);
        if (rc != SQLITE_OK) {
            ff_store__db_fail(s, rc, "preparing a statement");
            return NULL;
        }
    }
    sqlite3_reset(s->stmt[id]);
    sqlite3_clear_bindings(s->stmt[id]);
    return s->stmt[id];
}

static int bind_json(sqlite3_stmt *st, int i, const cJSON *j)
{
    if (!j || cJSON_IsNull(j))
        return sqlite3_bind_null(st, i);
    if (cJSON_IsString(j))
        return sqlite3_bind_text(st, i, j->valuestring, -1, SQLITE_STATIC);
    if (cJSON_IsBool(j))
        return sqlite3_bind_int(st, i, cJSON_IsTrue(j));
    if (cJSON_IsNumber(j))
        return sqlite3_bind_int64(st, i, (sqlite3_int64)j->valuedouble);
    char *txt = cJSON_PrintUnformatted(j);
    if (!txt)
        return SQLITE_NOMEM;
    int rc = sqlite3_bind_text(st, i, txt, -1, SQLITE_TRANSIENT);
    cJSON_free(txt);
    return rc;
}

static int bind_all(sqlite3_stmt *st, const char *fmt, va_list ap)
{
    int rc = SQLITE_OK;
    for (int i = 1; *fmt && rc == SQLITE_OK; fmt++, i++) {
        switch (*fmt) {
        case 's': {
            const char *v = va_arg(ap, const char *);
            /* static: every caller's strings outlive the step that reads them */
            rc = v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
            break;
        }
        case 'i':
            rc = sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
            break;
        case 'd':
            rc = sqlite3_bind_double(st, i, va_arg(ap, double));
            break;
        case 'j':
            rc = bind_json(st, i, va_arg(ap, const cJSON *));
            break;
        default:
            rc = SQLITE_MISUSE;
            break;
        }
    }
    return rc;
}

sqlite3_stmt *ff_store__query(struct ff_store *s, enum stmt id, const char *fmt, ...)
{
    sqlite3_stmt *st = ff_store__stmt(s, id);
    if (!st)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    int rc = bind_all(st, fmt, ap);
    va_end(ap);
    if (rc != SQLITE_OK) {
        ff_store__db_fail(s, rc, "binding values");
        return NULL;
    }
    return st;
}

enum ff_err ff_store__exec(struct ff_store *s, enum stmt id, const char *fmt, ...)
{
    sqlite3_stmt *st = ff_store__stmt(s, id);
    if (!st)
        return ff_store__err(s);
    va_list ap;
    va_start(ap, fmt);
    int rc = bind_all(st, fmt, ap);
    va_end(ap);
    errno = 0;
    if (rc == SQLITE_OK)
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            ;
    int os_errno = errno;
    if (rc != SQLITE_DONE && rc != SQLITE_OK) /* before reset can change them */
        s->sys_errno = sqlite3_system_errno(s->db) ? sqlite3_system_errno(s->db) : os_errno;
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_OK)
        return ff_store__db_fail(s, rc, "writing");
    return FF_OK;
}

static uint64_t real_now_ms(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void ff_store_set_clock(struct ff_store *s, uint64_t (*now_ms)(void *ctx), void *ctx)
{
    s->now_ms = now_ms ? now_ms : real_now_ms;
    s->now_ctx = now_ms ? ctx : NULL;
}

const char *ff_store_errmsg(const struct ff_store *s)
{
    return s && s->err[0] ? s->err : "no error";
}

const char *ff_store_device(const struct ff_store *s)
{
    return s->device;
}

enum ff_err ff_store_set_author(struct ff_store *s, const char *author)
{
    char *copy = NULL;
    if (author && (strlen(author) > 128 || !(copy = ff_strdup(author))))
        return ff_store__fail(s, strlen(author) > 128 ? FF_EINVAL : FF_ENOMEM,
                              "author: at most 128 bytes");
    ff_free(s->author);
    s->author = copy;
    return FF_OK;
}

void ff_store_new_id(char out[37])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char r[16];
    sqlite3_randomness(sizeof r, r);
    r[6] = (unsigned char)((r[6] & 0x0F) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3F) | 0x80);
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[r[i] >> 4];
        *p++ = hex[r[i] & 0xF];
    }
    *p = '\0';
}

static enum ff_err mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0700);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return FF_EIO;
    }
    return FF_OK;
}

enum ff_err ff_store_default_path(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(buf, len, "%s/fieldflow/device.db", xdg);
    else if (home && home[0])
        n = snprintf(buf, len, "%s/.local/share/fieldflow/device.db", home);
    else
        return FF_ENOTFOUND;
    if (n < 0 || (size_t)n >= len)
        return FF_ELIMIT;
    return mkdirs(buf);
}

static enum ff_err exec_sql(struct ff_store *s, const char *sql, const char *what)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? FF_OK : ff_store__db_fail(s, rc, what);
}

static int user_version(struct ff_store *s)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Takes the file from `from` to version `to` inside the caller's write transaction, which
 * also holds the user_version bumps: two processes opening a new or old file at once never
 * both migrate it. */
static enum ff_err migrate(struct ff_store *s, int from, int to)
{
    char sql[64];
    enum ff_err e = FF_OK;
    for (int v = from + 1; v <= to && !e; v++) {
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
        e = exec_sql(s, ff_store__migrations[v - 1], "migrating the schema");
        if (!e)
            e = exec_sql(s, sql, "setting the schema version");
        if (!e && v > 1 && from > 0 && v == FF_STORE_SCHEMA_VERSION)
            e = ff_store__fold_all(s); /* projections changed shape: fold them again */
    }
    if (!e && s->erasing) /* the refold erased someone: no old FTS segment keeps them */
        e = ff_store__exec(s, S_FTS_OPTIMIZE, "");
    return e;
}

static enum ff_err meta_text(struct ff_store *s, const char *key, char *buf, size_t len)
{
    sqlite3_stmt *st = ff_store__query(s, S_META_GET, "s", key);
    if (!st)
        return ff_store__err(s);
    int rc = sqlite3_step(st);
    buf[0] = '\0';
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? FF_OK : ff_store__db_fail(s, rc, "meta");
}

/* Learns or records this file's device id and the clock's last value. */
static enum ff_err load_identity(struct ff_store *s, const char *device)
{
    char buf[FF_EVENT_ID_MAX + 1];
    enum ff_err e = meta_text(s, "device", buf, sizeof buf);
    if (e)
        return e;
    if (buf[0] && device && strcmp(buf, device))
        return ff_store__fail(s, FF_ESTATE, "this store belongs to device %s, not %s", buf, device);
    if (!buf[0]) {
        if (s->readonly)
            return ff_store__fail(s, FF_EREADONLY, "a new store cannot be opened read-only");
        if (device && !ff_event_id_valid(device))
            return ff_store__fail(s, FF_EINVAL, "device id '%s': must be [A-Za-z0-9._-]{1,64}",
                                  device);
        char fresh[37];
        ff_store_new_id(fresh);
        snprintf(buf, sizeof buf, "%s", device ? device : fresh);
        if ((e = ff_store__exec(s, S_META_SET, "ss", "device", buf)))
            return e;
    }
    snprintf(s->device, sizeof s->device, "%s", buf);
    char hlc[32];
    if ((e = meta_text(s, "hlc", hlc, sizeof hlc)))
        return e;
    s->clock.last = (uint64_t)strtoull(hlc, NULL, 16);
    return FF_OK;
}

/* SQLite does not always call the busy handler for the switch to WAL while another process
 * sets up the same new file, so the switch is retried for as long as the busy wait allows;
 * the last try reports the failure. */
static enum ff_err wal_on(struct ff_store *s, int busy_ms)
{
    for (int waited = 0; waited < busy_ms; waited += 10) {
        int rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return FF_OK;
        if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
            break;
        sqlite3_sleep(10);
    }
    return exec_sql(s, "PRAGMA journal_mode = WAL", "switching to WAL");
}

static enum ff_err configure(struct ff_store *s, int busy_ms)
{
    busy_ms = busy_ms > 0 ? busy_ms : FF_STORE_BUSY_MS;
    sqlite3_busy_timeout(s->db, busy_ms);
    sqlite3_extended_result_codes(s->db, 1);
    if (!s->readonly && sqlite3_db_readonly(s->db, "main") == 1)
        return ff_store__fail(s, FF_EREADONLY, "%s: the file is read-only",
                              sqlite3_db_filename(s->db, "main"));
    /* 8 MB of page cache keeps the log's entity index hot on a 1M-event store */
    enum ff_err e = exec_sql(s,
                             "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
                             "PRAGMA secure_delete = ON;" /* erased values leave no trace */
                             "PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY;",
                             "configuring");
    if (!e && !s->readonly)
        e = wal_on(s, busy_ms);
    return e;
}

static enum ff_err check_version(struct ff_store *s, const char *path, int v, int target)
{
    if (v < 0 || v > FF_STORE_SCHEMA_VERSION)
        return ff_store__fail(s, v < 0 ? FF_ECORRUPT : FF_EVERSION,
                              "%s: schema version %d, this build knows up to %d", path, v,
                              FF_STORE_SCHEMA_VERSION);
    if (v < target && s->readonly)
        return ff_store__fail(s, FF_EREADONLY, "%s: needs migrating but is opened read-only", path);
    return FF_OK;
}

/* Brings the file to `target` and learns its identity. A file that needs a migration or a
 * device id is read again under the write lock (another process may be doing the same right
 * now: it waits, then finds the work done); a file that needs neither takes no lock. */
static enum ff_err settle(struct ff_store *s, const char *path, int target, const char *device)
{
    char dev[FF_EVENT_ID_MAX + 1] = "";
    int v = user_version(s);
    enum ff_err e = check_version(s, path, v, target);
    if (!e && v >= target)
        e = meta_text(s, "device", dev, sizeof dev);
    if (e || s->readonly || (v >= target && dev[0]))
        return e ? e : load_identity(s, device);
    if ((e = exec_sql(s, "BEGIN IMMEDIATE", "locking the store to set it up")))
        return e;
    s->in_txn = true; /* the fold of a migration writes inside this transaction */
    v = user_version(s);
    e = check_version(s, path, v, target);
    if (!e && v < target)
        e = migrate(s, v, target);
    if (!e)
        e = load_identity(s, device);
    if (!e)
        e = exec_sql(s, "COMMIT", "committing the set-up");
    if (e)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    else if (s->erasing)
        sqlite3_wal_checkpoint_v2(s->db, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    s->in_txn = false;
    s->erasing = false;
    return e;
}

enum ff_err ff_store__open_at(const struct ff_store_opts *o, int target, struct ff_store **out)
{
    char def[4096];
    const char *path = o->path;
    *out = NULL;
    struct ff_store *s = ff_calloc(1, sizeof *s);
    if (!s)
        return FF_ENOMEM;
    s->be = &ff_store__sqlite_backend;
    s->readonly = o->readonly;
    s->now_ms = real_now_ms;
    s->no_fold = target < FF_STORE_SCHEMA_VERSION;
    enum ff_err e = FF_OK;
    if (!path && (e = ff_store_default_path(def, sizeof def)))
        ff_store__fail(s, e, "no default store path ($XDG_DATA_HOME or $HOME)");
    path = path ? path : def;
    /* NOMUTEX: a handle is used by one thread at a time (store.h), so skip SQLite's locks */
    int flags = SQLITE_OPEN_NOMUTEX |
                (o->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    int rc = e ? SQLITE_OK : sqlite3_open_v2(path, &s->db, flags, NULL);
    if (!e && rc != SQLITE_OK)
        e = ff_store__db_fail(s, rc, path);
    if (!e)
        e = configure(s, o->busy_ms);
    if (!e)
        e = settle(s, path, target, o->device);
    if (e) {
        if (o->why)
            snprintf(o->why, o->why_len, "%s", s->err);
        ff_store_close(s);
        return e;
    }
    *out = s;
    return FF_OK;
}

enum ff_err ff_store_open(const struct ff_store_opts *opts, struct ff_store **out)
{
    return ff_store__open_at(opts, FF_STORE_SCHEMA_VERSION, out);
}

void ff_store_close(struct ff_store *s)
{
    if (!s)
        return;
    if (s->in_txn)
        ff_store_rollback(s);
    s->be->close(s);
    ff_free(s->author);
    ff_store__dirty_clear(s);
    ff_free(s->dirty);
    ff_free(s->push);
    ff_free(s);
}

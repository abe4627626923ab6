/* srv_store.c - the server's storage interface (srv_store.h): picks the backend from the URL
 * and takes every decision both backends share, written once over the backend's plain
 * operations (srv_store_int.h): enrolment, tokens, transactions, decisions. The rules of a
 * push are srv_store_push.c, pull scope is srv_store_pull.c.
 *
 * Invariant: every write runs in one transaction; on any failure it is rolled back, so a call
 * that fails has changed nothing. Workload: pushes of up to 1000 events from many devices, one
 * transaction each, and many concurrent pulls (other handles).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "fieldflow/mem.h"
#include "srv_store_int.h"

enum ff_err srv_store__fail(struct srv_store *st, enum ff_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->err, sizeof st->err, fmt, ap);
    va_end(ap);
    return e;
}

void srv_store__hex(const uint8_t hash[32], char out[SRV_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[hash[i] >> 4];
        out[2 * i + 1] = digits[hash[i] & 15];
    }
    out[SRV_HEX_LEN] = '\0';
}

enum ff_err srv_store__new_epoch(struct srv_store *st, int64_t *out)
{
    uint64_t r;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
        return srv_store__fail(st, FF_EIO, "epoch: no random bytes");
    *out = (int64_t)(r % (UINT64_C(1) << 53)) + 1;
    return FF_OK;
}

static bool has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

enum ff_err srv_store_open(const char *url, struct srv_store **out, char *why, size_t why_len)
{
    *out = NULL;
    struct srv_store *st = ff_calloc(1, sizeof *st);
    if (!st) {
        snprintf(why, why_len, "out of memory");
        return FF_ENOMEM;
    }
    enum ff_err e;
    if (has_prefix(url, "sqlite:")) {
        st->sqlite = true;
        e = srv_store__open_sqlite(url + strlen("sqlite:"), st);
    } else if (has_prefix(url, "postgresql://") || has_prefix(url, "postgres://")) {
        e = srv_store__open_pg(url, st);
    } else {
        e = srv_store__fail(st, FF_EINVAL,
                            "database URL: want sqlite:PATH or postgresql://..., not \"%.40s\"",
                            url);
    }
    int64_t epoch = 0;
    if (!e && !(e = srv_store__new_epoch(st, &epoch)))
        e = st->ops->meta_put(st, "epoch", epoch, false);
    if (e) {
        snprintf(why, why_len, "%s", st->err);
        srv_store_close(st);
        return e;
    }
    *out = st;
    return FF_OK;
}

void srv_store_close(struct srv_store *st)
{
    if (!st)
        return;
    if (st->ops)
        st->ops->close(st);
    ff_free(st);
}

const char *srv_store_errmsg(const struct srv_store *st)
{
    return st ? st->err : "no store";
}

bool srv_store_is_sqlite(const struct srv_store *st)
{
    return st->sqlite;
}

enum ff_err srv_store_epoch(struct srv_store *st, int64_t *out)
{
    bool found;
    enum ff_err e = st->ops->meta_get(st, "epoch", out, &found);
    if (!e && !found)
        e = srv_store__fail(st, FF_ECORRUPT, "meta: no epoch");
    return e;
}

/* Ends a transaction: commit when e is FF_OK, else roll back; returns the outcome. */
static enum ff_err finish(struct srv_store *st, enum ff_err e)
{
    if (!e)
        e = st->ops->commit(st);
    if (e)
        st->ops->rollback(st);
    return e;
}

static bool name_ok(struct srv_store *st, const char *what, const char *s, size_t max)
{
    if (s && strlen(s) > max) {
        srv_store__fail(st, FF_EINVAL, "%s: longer than %zu bytes", what, max);
        return false;
    }
    return true;
}

enum ff_err srv_store_code_add(struct srv_store *st, const uint8_t hash[32], enum srv_kind kind,
                               const char *site, const char *engineer, int64_t expires_ms)
{
    if (!name_ok(st, "site", site, SRV_NAME_MAX) ||
        !name_ok(st, "engineer", engineer, SRV_NAME_MAX))
        return FF_EINVAL;
    struct srv_code c = {.kind = kind, .expires_ms = expires_ms};
    snprintf(c.site, sizeof c.site, "%s", site ? site : "");
    snprintf(c.engineer, sizeof c.engineer, "%s", engineer ? engineer : "");
    char hex[SRV_HEX_LEN + 1];
    srv_store__hex(hash, hex);
    return st->ops->code_add(st, hex, &c);
}

enum ff_err srv_store_code_add_again(struct srv_store *st, const uint8_t hash[32],
                                     const char *device_id, int64_t expires_ms)
{
    struct srv_device d;
    bool found;
    enum ff_err e = st->ops->device_get(st, device_id, &d, &found);
    if (e)
        return e;
    if (!found)
        return srv_store__fail(st, FF_ENOTFOUND, "enrol-code: no device %s", device_id);
    struct srv_code c = {.kind = d.kind, .expires_ms = expires_ms};
    snprintf(c.site, sizeof c.site, "%s", d.site);
    snprintf(c.engineer, sizeof c.engineer, "%s", d.engineer);
    snprintf(c.device, sizeof c.device, "%s", d.id);
    char hex[SRV_HEX_LEN + 1];
    srv_store__hex(hash, hex);
    return st->ops->code_add(st, hex, &c);
}

static enum ff_err enrol_in_tx(struct srv_store *st, const char *hex, int64_t now_ms,
                               const char *device_id, const char *name, struct srv_device *out)
{
    struct srv_code c;
    bool found;
    enum ff_err e = st->ops->code_get(st, hex, &c, &found);
    if (e)
        return e;
    if (!found || c.used || c.expires_ms <= now_ms)
        return srv_store__fail(st, FF_ENOTFOUND, "enrol: code %s",
                               !found   ? "unknown"
                               : c.used ? "already used"
                                        : "expired");
    struct srv_device d;
    if ((e = st->ops->device_get(st, device_id, &d, &found)))
        return e;
    if (*c.device && strcmp(c.device, device_id))
        return srv_store__fail(st, FF_ENOTFOUND, "enrol: code is for another device");
    if (found && !*c.device)
        return srv_store__fail(st, FF_ESTATE,
                               "enrol: device %s is already enrolled (enrol-code --device %s "
                               "makes a code that enrols it again)",
                               device_id, device_id);
    if (found) { /* enrolled again: same id, kind, site and acked seq; old tokens end */
        bool set;
        if ((e = st->ops->device_set(st, device_id, SRV_DEV_REVOKED, 0, &set)) ||
            (e = st->ops->tokens_end(st, device_id)) || (e = st->ops->code_use(st, hex)))
            return e;
        d.revoked = false;
        *out = d;
        return FF_OK;
    }
    memset(&d, 0, sizeof d);
    snprintf(d.id, sizeof d.id, "%s", device_id);
    d.kind = c.kind;
    snprintf(d.site, sizeof d.site, "%s", c.site);
    snprintf(d.engineer, sizeof d.engineer, "%s", c.engineer);
    if ((e = st->ops->device_add(st, &d, name ? name : "")) || (e = st->ops->code_use(st, hex)))
        return e;
    *out = d;
    return FF_OK;
}

enum ff_err srv_store_enrol(struct srv_store *st, const uint8_t code_hash[32], int64_t now_ms,
                            const char *device_id, const char *name, struct srv_device *out)
{
    memset(out, 0, sizeof *out);
    if (!ff_event_id_valid(device_id))
        return srv_store__fail(st, FF_EINVAL, "enrol: device id is not [A-Za-z0-9._-]{1,64}");
    char hex[SRV_HEX_LEN + 1];
    srv_store__hex(code_hash, hex);
    enum ff_err e = st->ops->begin(st, true);
    if (e)
        return e;
    struct srv_device d;
    e = finish(st, enrol_in_tx(st, hex, now_ms, device_id, name, &d));
    if (!e)
        *out = d;
    return e;
}

enum ff_err srv_store_device_get(struct srv_store *st, const char *device_id,
                                 struct srv_device *out)
{
    bool found;
    enum ff_err e = st->ops->device_get(st, device_id, out, &found);
    if (!e && !found)
        e = srv_store__fail(st, FF_ENOTFOUND, "device %s: not enrolled", device_id);
    return e;
}

enum ff_err srv_store_device_ensure_server(struct srv_store *st, const char *device_id)
{
    if (!ff_event_id_valid(device_id))
        return srv_store__fail(st, FF_EINVAL, "server device id is not [A-Za-z0-9._-]{1,64}");
    enum ff_err e = st->ops->begin(st, true);
    if (e)
        return e;
    struct srv_device d;
    bool found;
    e = st->ops->device_get(st, device_id, &d, &found);
    if (!e && !found) {
        memset(&d, 0, sizeof d);
        snprintf(d.id, sizeof d.id, "%s", device_id);
        d.kind = SRV_KIND_SERVER;
        e = st->ops->device_add(st, &d, device_id);
    }
    return finish(st, e);
}

static enum ff_err device_set(struct srv_store *st, const char *id, enum srv_dev_field f)
{
    bool found;
    enum ff_err e = st->ops->device_set(st, id, f, 1, &found);
    if (!e && !found)
        e = srv_store__fail(st, FF_ENOTFOUND, "device %s: not enrolled", id);
    return e;
}

enum ff_err srv_store_revoke(struct srv_store *st, const char *device_id)
{
    return device_set(st, device_id, SRV_DEV_REVOKED);
}

enum ff_err srv_store_flag(struct srv_store *st, const char *device_id)
{
    return device_set(st, device_id, SRV_DEV_FLAGGED);
}

enum ff_err srv_store_token_add(struct srv_store *st, const uint8_t hash[32], bool refresh,
                                const char *device_id, int64_t expires_ms)
{
    char hex[SRV_HEX_LEN + 1];
    srv_store__hex(hash, hex);
    return st->ops->token_add(st, hex, refresh, device_id, expires_ms);
}

enum ff_err srv_store_token_get(struct srv_store *st, const uint8_t hash[32], bool refresh,
                                struct srv_device *dev, int64_t *expires_ms)
{
    char hex[SRV_HEX_LEN + 1], device[FF_EVENT_ID_MAX + 1];
    srv_store__hex(hash, hex);
    bool found;
    memset(dev, 0, sizeof *dev);
    *expires_ms = 0;
    enum ff_err e = st->ops->token_get(st, hex, refresh, device, expires_ms, &found);
    if (!e && !found)
        return srv_store__fail(st, FF_ENOTFOUND, "token: unknown");
    if (!e)
        e = srv_store_device_get(st, device, dev);
    return e;
}

enum ff_err srv_store_token_cut(struct srv_store *st, const uint8_t hash[32], int64_t expires_ms)
{
    char hex[SRV_HEX_LEN + 1];
    srv_store__hex(hash, hex);
    bool found;
    enum ff_err e = st->ops->token_cut(st, hex, expires_ms, &found);
    if (!e && !found)
        e = srv_store__fail(st, FF_ENOTFOUND, "token: unknown");
    return e;
}

enum ff_err srv_store_push(struct srv_store *st, const char *device, struct srv_push_event *evs,
                           size_t n, int64_t *acked_seq, int64_t *checkpoint)
{
    *acked_seq = 0;
    *checkpoint = 0;
    enum ff_err e = st->ops->begin(st, true);
    if (e)
        return e;
    int64_t acked, head;
    e = finish(st, srv_store__push_in_tx(st, device, evs, n, &acked, &head));
    if (!e) {
        *acked_seq = acked;
        *checkpoint = head;
    }
    return e;
}

enum ff_err srv_store_decide(struct srv_store *st, const char *key, const char *device,
                             struct srv_push_event *evs, size_t n, bool *taken)
{
    *taken = false;
    enum ff_err e = st->ops->begin(st, true);
    if (e)
        return e;
    bool added;
    int64_t acked, head;
    e = st->ops->decision_add(st, key, &added);
    if (!e && added)
        e = srv_store__push_in_tx(st, device, evs, n, &acked, &head);
    /* A refused decision event must not leave its key taken: the decision would never come. */
    for (size_t i = 0; !e && added && i < n; i++)
        if (evs[i].status == 'r')
            e = srv_store__fail(st, FF_EINVALID, "decide %s: event %s:%lld refused (%s)", key,
                                device, (long long)(evs[i].ev ? evs[i].ev->seq : 0),
                                evs[i].code ? evs[i].code : "?");
    e = finish(st, e);
    if (!e)
        *taken = added;
    return e;
}

enum ff_err srv_store_pull(struct srv_store *st, const struct srv_scope *sc, int64_t after,
                           int limit, srv_line_fn fn, void *ctx, int64_t *next, bool *more)
{
    *next = after;
    *more = false;
    if (limit < 1 || after < 0)
        return srv_store__fail(st, FF_EINVAL, "pull: limit %d or after %lld out of range", limit,
                               (long long)after);
    return srv_store__pull(st, sc, after, limit, fn, ctx, next, more);
}

enum ff_err srv_store_head(struct srv_store *st, int64_t *out)
{
    return st->ops->head(st, out);
}

enum ff_err srv_store_replace_line(struct srv_store *st, const char *id, const char *line,
                                   size_t len)
{
    bool found;
    enum ff_err e = st->ops->log_replace(st, id, line, len, &found);
    if (!e && !found)
        e = srv_store__fail(st, FF_ENOTFOUND, "replace: no event %s", id);
    return e;
}

enum ff_err srv_store_stats(struct srv_store *st, struct srv_stats *out)
{
    memset(out, 0, sizeof *out);
    return st->ops->stats(st, out);
}

enum ff_err srv_store_backup(struct srv_store *st, const char *to_path)
{
    if (!st->ops->backup)
        return srv_store__fail(st, FF_ESTATE, "backup: PostgreSQL keeps its own tools (pg_dump)");
    return st->ops->backup(st, to_path);
}

enum ff_err srv_store_restore(struct srv_store *st, const char *from_path)
{
    if (!st->ops->restore)
        return srv_store__fail(st, FF_ESTATE,
                               "restore: PostgreSQL keeps its own tools (pg_restore)");
    int64_t epoch = 0;
    enum ff_err e = st->ops->restore(st, from_path);
    if (!e && !(e = srv_store__new_epoch(st, &epoch)))
        e = st->ops->meta_put(st, "epoch", epoch, true);
    return e;
}

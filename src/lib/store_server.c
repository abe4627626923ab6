/* store_server.c - what the server's rules read from a store, and how they hear of erasures.
 *
 * The server folds its global log into a store of its own with the same code as the devices
 * (sync/server/srv_rules.c) and decides from that store's projections: a visit's status, an
 * engineer's published slots and booked visits, the time limits that passed. These are reads
 * like the screens' (store_query.c): arguments checked here, the document built by the backend.
 * Erasure redacts events of the store's log; the server must redact the same events in its
 * global log, so a hook is told of each one inside the transaction that redacts it.
 *
 * Workload: the rules ask a few of these per decision (indexed by visit id and engineer) and
 * the time limits at most once a second (a scan of cases).
 */
#include <string.h>

#include "fieldflow/mem.h"
#include "store_int.h"

#define MAX_DUE 1000

static enum ff_err need_id(struct ff_store *s, const char *what, const char *id)
{
    if (id && ff_event_id_valid(id))
        return FF_OK;
    return ff_store__fail(s, FF_EINVAL, "%s '%s': must be [A-Za-z0-9._-]{1,64}", what,
                          id ? id : "(null)");
}

enum ff_err ff_store_visit_get(struct ff_store *s, const char *visit_id, char **out)
{
    *out = NULL;
    enum ff_err e = need_id(s, "visit id", visit_id);
    if (!e && (e = ff_store__read(s, FF_READ_VISIT, out, "s", visit_id)) == FF_ENOTFOUND)
        ff_store__fail(s, e, "visit %s: not found", visit_id);
    return e;
}

enum ff_err ff_store_engineer_slots(struct ff_store *s, const char *engineer_id, char **out)
{
    *out = NULL;
    enum ff_err e = need_id(s, "engineer id", engineer_id);
    return e ? e : ff_store__read(s, FF_READ_SLOTS, out, "s", engineer_id);
}

enum ff_err ff_store_engineer_visits(struct ff_store *s, const char *engineer_id, int64_t from,
                                     int64_t to, char **out)
{
    *out = NULL;
    enum ff_err e = need_id(s, "engineer id", engineer_id);
    return e ? e : ff_store__read(s, FF_READ_BOOKED, out, "sii", engineer_id, from, to);
}

enum ff_err ff_store_time_limits_due(struct ff_store *s, int64_t now_ms, int limit, char **out)
{
    *out = NULL;
    if (limit < 1 || limit > MAX_DUE)
        return ff_store__fail(s, FF_EINVAL, "time limits: limit %d, must be 1..%d", limit, MAX_DUE);
    return ff_store__read(s, FF_READ_TIME_LIMITS, out, "ii", now_ms, (int64_t)limit);
}

uint64_t ff_store_clock(const struct ff_store *s)
{
    return s->clock.last;
}

void ff_store_on_redact(struct ff_store *s, ff_store_redact_fn fn, void *ctx)
{
    s->on_redact = fn;
    s->on_redact_ctx = ctx;
}

/* ff_row_fn: the one row asked for, as a line, to the hook. */
static enum ff_err tell_row(struct ff_store *s, const struct ff_log_row *r, void *arg)
{
    bool *told = arg;
    char id[FF_EVENT_ID_MAX + 24];
    char *line;
    enum ff_err e = ff_store__row_line(s, r, &line);
    if (e)
        return e;
    snprintf(id, sizeof id, "%s:%lld", r->device, (long long)r->seq);
    e = s->on_redact(s->on_redact_ctx, id, line, strlen(line));
    ff_free(line);
    *told = true;
    return e ? ff_store__fail(s, e, "event %s: redacted, but the erasure hook failed (%s)", id,
                              ff_strerror(e))
             : FF_OK;
}

enum ff_err ff_store__tell_redacted(struct ff_store *s, const char *device, int64_t seq)
{
    if (!s->on_redact)
        return FF_OK;
    bool told = false;
    enum ff_err e = s->be->events_after(s, device, seq - 1, 1, tell_row, &told);
    if (!e && !told)
        e = ff_store__fail(s, FF_ECORRUPT, "event %s:%lld: redacted but not in the log", device,
                           (long long)seq);
    return e;
}

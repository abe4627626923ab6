/* store_log.c - writing the event log: transactions, local appends, imports, sync cursor.
 *
 * Workload: a local append is one small transaction (insert the event, fold its entity,
 * commit); a sync pull imports hundreds of events inside one batch. Invariants: the local
 * seq is gapless (it is max(seq)+1 read inside the write lock, and a failed call rolls back
 * both the row and the in-memory counters); an event is either fully in (log row and folded
 * projections, in one transaction) or not at all. Inside a batch, a refused event (checked
 * before anything is written) leaves the batch as it was; a database failure rolls the whole
 * batch back, which is cheaper than a savepoint around every append.
 */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "event_int.h"
#include "fieldflow/mem.h"
#include "store_int.h"

/* Inside the write lock: the next seq, and the clock's high-water mark, which another
 * process writing the same file may have moved on. */
static enum ff_err load_counters(struct ff_store *s)
{
    int64_t max = 0;
    char hex[32];
    bool found = false;
    enum ff_err e = s->be->device_seq(s, s->device, &max, NULL);
    if (e)
        return e;
    s->next_seq = max + 1;
    if ((e = s->be->meta_get(s, "hlc", hex, sizeof hex, &found)))
        return e;
    uint64_t saved = 0;
    if (found)
        ff_hlc_parse(hex, &saved);
    if (saved > s->clock.last)
        s->clock.last = saved;
    return ff_store__load_erasures(s);
}

/* A meta value that is an integer (0 if unset). */
static enum ff_err meta_int(struct ff_store *s, const char *key, int64_t *out)
{
    char buf[32];
    bool found = false;
    enum ff_err e = s->be->meta_get(s, key, buf, sizeof buf, &found);
    *out = found ? strtoll(buf, NULL, 10) : 0;
    return e;
}

static enum ff_err meta_set_int(struct ff_store *s, const char *key, int64_t v)
{
    struct ff_cell c = {.kind = FF_CELL_INT, .i = v};
    return s->be->meta_set(s, key, &c);
}

enum ff_err ff_store__load_erasures(struct ff_store *s)
{
    return meta_int(s, "erasures", &s->erasures);
}

enum ff_err ff_store__write_begin(struct ff_store *s)
{
    if (s->readonly)
        return ff_store__fail(s, FF_EREADONLY, "the store is open read-only");
    enum ff_err e;
    if (!s->in_batch) {
        if ((e = s->be->begin(s)))
            return e;
        s->in_txn = true;
        if ((e = load_counters(s))) {
            s->be->rollback(s);
            s->in_txn = false;
            return e;
        }
    }
    s->call_clock = s->clock.last;
    s->call_seq = s->next_seq;
    return FF_OK;
}

static enum ff_err save_clock(struct ff_store *s)
{
    char hex[17];
    ff_hlc_format(s->clock.last, hex);
    struct ff_cell c = {.kind = FF_CELL_TEXT, .text = hex};
    return s->be->meta_set(s, "hlc", &c);
}

/* Folds what the transaction touched and commits it; after an erasure the backend purges
 * every older copy of the erased values (store_backend.h). */
static enum ff_err finish(struct ff_store *s)
{
    enum ff_err e = s->no_fold ? FF_OK : ff_store__fold_dirty(s);
    if (!e)
        e = save_clock(s);
    if (!e)
        e = s->be->commit(s, s->erasing);
    s->erasing = false;
    return e;
}

static void abandon(struct ff_store *s)
{
    ff_store__dirty_clear(s);
    s->erasing = false;
    s->be->rollback(s);
    s->in_txn = false;
    s->in_batch = false;
}

/* Errors raised before the call wrote anything: a batch survives them. */
static bool refusal(enum ff_err e)
{
    return e == FF_EINVAL || e == FF_EPARSE || e == FF_EINVALID || e == FF_ELIMIT ||
           e == FF_ENOTFOUND || e == FF_ESTATE;
}

enum ff_err ff_store__write_end(struct ff_store *s, enum ff_err e)
{
    if (e) {
        s->clock.last = s->call_clock;
        s->next_seq = s->call_seq;
    }
    if (s->in_batch) {
        if (e && !refusal(e)) { /* the database failed mid-batch: drop the whole batch */
            size_t n = strlen(s->err);
            snprintf(s->err + n, sizeof s->err - n, " (the batch was rolled back)");
            s->clock.last = s->clock_saved;
            abandon(s);
        }
        return e;
    }
    if (!e)
        e = finish(s);
    if (e) {
        s->clock.last = s->call_clock;
        abandon(s);
    }
    s->in_txn = false;
    return e;
}

enum ff_err ff_store_begin(struct ff_store *s)
{
    if (s->in_batch)
        return ff_store__fail(s, FF_ESTATE, "a batch is already open");
    enum ff_err e = ff_store__write_begin(s);
    if (e)
        return e;
    s->in_batch = true;
    s->clock_saved = s->clock.last;
    return FF_OK;
}

enum ff_err ff_store_commit(struct ff_store *s)
{
    if (!s->in_batch)
        return ff_store__fail(s, FF_ESTATE, "no batch is open");
    enum ff_err e = finish(s);
    if (e) {
        s->clock.last = s->clock_saved;
        abandon(s);
        return e;
    }
    s->in_batch = false;
    s->in_txn = false;
    return FF_OK;
}

void ff_store_rollback(struct ff_store *s)
{
    if (!s->in_txn)
        return;
    s->clock.last = s->clock_saved;
    abandon(s);
}

/* Inserts ev (deduplicated by its key); p is its parsed payload or NULL, owned from here. */
static enum ff_err insert_event(struct ff_store *s, const struct ff_event *ev, cJSON *p,
                                bool *added)
{
    enum ff_err e = s->be->insert(s, ev, added);
    if (!e && !strcmp(ev->device, s->device) && ev->seq >= s->next_seq)
        s->next_seq = ev->seq + 1; /* our own events, restored from elsewhere */
    if (!e && *added && ev->known && !strcmp(ev->type, "customer.erased")) {
        s->erasures++; /* from now on the fold asks who is erased */
        e = meta_set_int(s, "erasures", s->erasures);
    }
    if (!*added || !ev->known || s->no_fold) {
        cJSON_Delete(p);
        return e;
    }
    e = ff_store__mark_dirty(s, ev, p);
    if (!e && s->n_dirty >= FF_STORE_DIRTY_MAX)
        e = ff_store__fold_dirty(s); /* a big batch: fold what it has so far */
    return e;
}

/* Fills the parts of a local event the caller gives; FF_EINVAL names the bad argument. */
static enum ff_err local_event(struct ff_store *s, const char *type, const char *entity_id,
                               const char *payload, struct ff_event *ev)
{
    const char *dot = type ? strchr(type, '.') : NULL;
    if (!dot || strlen(type) > FF_EVENT_TYPE_MAX)
        return ff_store__fail(s, FF_EINVAL, "type '%s': must be <entity>.<verb>",
                              type ? type : "(null)");
    if (!entity_id || !ff_event_id_valid(entity_id))
        return ff_store__fail(s, FF_EINVAL, "entity_id: must be [A-Za-z0-9._-]{1,64}");
    if (!payload)
        return ff_store__fail(s, FF_EINVAL, "payload: required");
    memcpy(ev->device, s->device, sizeof ev->device);
    memcpy(ev->entity, type, (size_t)(dot - type));
    ev->entity[dot - type] = '\0';
    memcpy(ev->entity_id, entity_id, strlen(entity_id) + 1);
    memcpy(ev->type, type, strlen(type) + 1);
    ev->schema = FF_EVENT_SCHEMA;
    ev->payload = ff_strdup(payload);
    ev->author = s->author ? ff_strdup(s->author) : NULL;
    if (!ev->payload || (s->author && !ev->author))
        return ff_store__fail(s, FF_ENOMEM, "out of memory");
    return FF_OK;
}

static enum ff_err stamp_and_insert(struct ff_store *s, struct ff_event *ev)
{
    char why[384];
    bool added;
    cJSON *p;
    ev->seq = s->next_seq;
    enum ff_err e = ff_hlc_tick(&s->clock, s->now_ms(s->now_ctx), &ev->hlc);
    if (e)
        return ff_store__fail(s, e, "event %s:%lld: the clock is past year 6429", ev->device,
                              (long long)ev->seq);
    if ((e = ff_event_check_parsed(ev, why, sizeof why, &p)))
        return ff_store__fail(s, e, "%s", why);
    if ((e = insert_event(s, ev, p, &added)))
        return e;
    if (!added)
        return ff_store__fail(s, FF_ECORRUPT, "event %s:%lld: seq already in the log", ev->device,
                              (long long)ev->seq);
    return FF_OK;
}

enum ff_err ff_store_append(struct ff_store *s, const char *type, const char *entity_id,
                            const char *payload_json, int64_t *out_seq)
{
    struct ff_event ev = {0};
    if (out_seq)
        *out_seq = 0;
    enum ff_err e = local_event(s, type, entity_id, payload_json, &ev);
    if (!e && !(e = ff_store__write_begin(s)))
        e = ff_store__write_end(s, stamp_and_insert(s, &ev));
    if (!e && out_seq)
        *out_seq = ev.seq;
    ff_event_clear(&ev);
    return e;
}

static enum ff_err observe(struct ff_store *s, const struct ff_event *ev)
{
    uint64_t now = s->now_ms(s->now_ctx);
    if (ff_hlc_observe(&s->clock, now, ev->hlc, FF_HLC_MAX_SKEW_MS) == FF_OK)
        return FF_OK;
    char hex[17];
    ff_hlc_format(ev->hlc, hex);
    return ff_store__fail(s, FF_EINVALID,
                          "event %s:%lld: hlc %s is %.1f h ahead of this device's clock "
                          "(at most 24 h accepted)",
                          ev->device, (long long)ev->seq, hex,
                          (double)(ff_hlc_wall(ev->hlc) - now) / 3600000.0);
}

/* Keeps a forged copy for the back office (its first 4 KiB, at most 10000 of them); of an
 * event redacted after an erasure, only its id and digests. */
static enum ff_err record_forgery(struct ff_store *s, const struct ff_event *ev, uint64_t digest,
                                  uint64_t stored, bool redacted)
{
    char *line = NULL;
    char id[FF_EVENT_ID_MAX + 24];
    if (!redacted && ff_event_encode(ev, &line))
        return ff_store__fail(s, FF_ENOMEM, "out of memory recording a forgery");
    snprintf(id, sizeof id, "%s:%lld", ev->device, (long long)ev->seq);
    enum ff_err e = s->be->forgery(s, id, digest, stored, ev->hlc, line);
    ff_free(line);
    return e;
}

/* Undoes a call that wrote nothing: outside a batch its transaction is rolled back, so a
 * duplicate leaves the file, the clock and the counters exactly as they were. */
static void write_cancel(struct ff_store *s)
{
    s->clock.last = s->call_clock;
    s->next_seq = s->call_seq;
    if (!s->in_batch) {
        s->be->rollback(s);
        s->in_txn = false;
    }
}

enum what_happened { ADDED, DUPLICATE, FORGED };

/* Inside the write lock: sorts ev into new, duplicate or forged, and adds a new one. */
static enum ff_err import_locked(struct ff_store *s, const struct ff_event *ev, bool restore,
                                 enum what_happened *what)
{
    bool found = false, redacted = false;
    uint64_t stored = 0, digest = ev->redacted_from ? ev->redacted_from : ff_event_digest(ev);
    enum ff_err e = s->be->stored_digest(s, ev->device, ev->seq, &found, &stored, &redacted);
    if (e)
        return e;
    if (found) { /* a redacted copy keeps only FF_STORE_REDACTED_BITS of the digest */
        uint64_t mask = redacted || ev->redacted_from ? FF_STORE_REDACTED_MASK : UINT64_MAX;
        bool same = ((stored ^ digest) & mask) == 0;
        *what = same ? DUPLICATE : FORGED;
        return same ? FF_OK : record_forgery(s, ev, digest, stored, redacted);
    }
    if (!restore && !strcmp(ev->device, s->device))
        return ff_store__fail(s, FF_EINVALID,
                              "event %s:%lld: device: this store's own id; only a restore "
                              "(ffctl db restore) brings this device's events back",
                              ev->device, (long long)ev->seq);
    bool added = false;
    *what = ADDED;
    if (!(e = observe(s, ev)))
        e = insert_event(s, ev, NULL, &added);
    return e;
}

static enum ff_err import_one(struct ff_store *s, const char *json, size_t len, bool restore,
                              bool *out_added)
{
    char why[384];
    struct ff_event ev;
    enum what_happened what = DUPLICATE;
    if (out_added)
        *out_added = false;
    enum ff_err e = ff_event_decode(json, len, &ev, why, sizeof why);
    if (e)
        return ff_store__fail(s, e, "%s", why);
    if (restore && strcmp(ev.device, s->device))
        e = ff_store__fail(s, FF_EINVALID,
                           "event %s:%lld: device: a restore takes only this "
                           "device's (%s) events",
                           ev.device, (long long)ev.seq, s->device);
    if (!e && !(e = ff_store__write_begin(s))) {
        e = import_locked(s, &ev, restore, &what);
        if (!e && what == DUPLICATE)
            write_cancel(s);
        else
            e = ff_store__write_end(s, e); /* a forgery's record is committed with it */
    }
    if (!e && what == FORGED)
        e = ff_store__fail(s, FF_EINVALID,
                           "event %s:%lld: forged: this id is stored with other content; "
                           "refused and recorded (digest %016llx)",
                           ev.device, (long long)ev.seq, (unsigned long long)ff_event_digest(&ev));
    if (!e && out_added)
        *out_added = what == ADDED;
    ff_event_clear(&ev);
    return e;
}

enum ff_err ff_store_import(struct ff_store *s, const char *json, size_t len, bool *out_added)
{
    return import_one(s, json, len, false, out_added);
}

enum ff_err ff_store_restore(struct ff_store *s, const char *json, size_t len, bool *out_added)
{
    return import_one(s, json, len, true, out_added);
}

enum ff_err ff_store_rebuild(struct ff_store *s)
{
    if (s->in_batch)
        return ff_store__fail(s, FF_ESTATE, "cannot rebuild inside a batch");
    enum ff_err e = ff_store__write_begin(s);
    if (e)
        return e;
    return ff_store__write_end(s, ff_store__fold_all(s));
}

static enum ff_err local_counts(struct ff_store *s, int64_t *count, int64_t *max)
{
    return s->be->device_seq(s, s->device, max, count);
}

enum ff_err ff_store_pending(struct ff_store *s, int64_t *out_count)
{
    int64_t count = 0, max = 0, sent = 0;
    *out_count = 0;
    enum ff_err e = local_counts(s, &count, &max);
    if (!e)
        e = meta_int(s, "sent", &sent);
    if (!e)
        *out_count = max > sent ? max - sent : 0;
    return e;
}

enum ff_err ff_store_mark_sent(struct ff_store *s, int64_t acked_seq)
{
    int64_t count = 0, max = 0, sent = 0;
    enum ff_err e = local_counts(s, &count, &max);
    if (!e)
        e = meta_int(s, "sent", &sent);
    if (e)
        return e;
    if (acked_seq < 0 || acked_seq > max)
        return ff_store__fail(s, FF_EINVAL, "acknowledged seq %lld: this device has %lld",
                              (long long)acked_seq, (long long)max);
    if (acked_seq <= sent)
        return FF_OK; /* acknowledgements never move the cursor back */
    if ((e = ff_store__write_begin(s)))
        return e;
    return ff_store__write_end(s, meta_set_int(s, "sent", acked_seq));
}

enum ff_err ff_store_sent(struct ff_store *s, int64_t *out_seq)
{
    return meta_int(s, "sent", out_seq);
}

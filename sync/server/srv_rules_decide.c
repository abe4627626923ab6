/* srv_rules_decide.c - the server's decisions: visit requests in arrival order, passed time
 * limits. Each decision is one or two events of device "server-NAME" stored with
 * srv_store_decide under a key, so it is taken once even with several instances.
 *
 * Arrival order across instances: requests are decided in gseq order, and an instance decides
 * a request only on a fold that holds the decision of every earlier one. Its own decisions are
 * imported into its fold at once; when another instance took a request's key first, this one
 * stops there until the pull has brought that decision in. So no two confirmations can share a
 * slot, whichever instance made them.
 *
 * A slot [start, end) is free when one slot of the engineer's latest availability holds it and
 * no other visit of the engineer that is confirmed, checked in or checked out overlaps it. The
 * request's own start/end is tried first, then its alternatives in order; the first free one is
 * confirmed (visit.confirmed {start, end}), else the visit is rejected with the reason.
 *
 * Workload: a few indexed reads of the fold and one transaction on the global log per
 * decision; at most 64 decisions a step; time limits at most once a second of the step clock.
 */
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "srv_rules_int.h"
#include "srv_store.h"

#define DECISIONS_PER_STEP 64
#define DUE_PER_CHECK 32
#define LIMIT_CHECK_MS 1000
#define LEVEL_MAX 4
#define MAX_EVENTS 2

/* One event of a decision, before it is stamped. */
struct draft {
    const char *type;      /* "visit.confirmed"... */
    const char *entity_id; /* the visit or case */
    const char *case_id;   /* its case: the scope key pull uses */
    char payload[128];     /* JSON object */
};

/* Stamps, checks and encodes d as event seq of r->device: *line (ff_free), *len. */
static enum ff_err stamp(struct srv_rules *r, const struct draft *d, int64_t seq,
                         struct ff_event *ev, char **line, size_t *len)
{
    char why[384];
    const char *dot = strchr(d->type, '.');
    snprintf(ev->device, sizeof ev->device, "%s", r->device);
    ev->seq = seq;
    snprintf(ev->entity, sizeof ev->entity, "%.*s", (int)(dot - d->type), d->type);
    snprintf(ev->entity_id, sizeof ev->entity_id, "%s", d->entity_id);
    snprintf(ev->type, sizeof ev->type, "%s", d->type);
    ev->schema = FF_EVENT_SCHEMA;
    ev->known = true;
    if (!(ev->payload = ff_strdup(d->payload)))
        return rules_fail(r, FF_ENOMEM, "rules: out of memory");
    enum ff_err e = ff_hlc_tick(&r->clock, (uint64_t)r->now_ms, &ev->hlc);
    if (!e && (e = ff_event_check(ev, why, sizeof why)))
        return rules_fail(r, e, "rules: %s", why);
    if (!e && (e = ff_event_encode(ev, line)))
        return rules_fail(r, e, "rules: encoding %s:%lld", ev->device, (long long)seq);
    *len = e || !*line ? 0 : strlen(*line);
    return e;
}

/* Imports decision lines into the fold, so the next decision sees them before the pull does. */
static enum ff_err fold_own(struct srv_rules *r, const struct srv_push_event *pe, size_t n)
{
    enum ff_err e = ff_store_begin(r->fold);
    for (size_t i = 0; i < n && !e; i++)
        e = ff_store_import(r->fold, pe[i].line, pe[i].len, NULL);
    if (!e)
        e = ff_store_commit(r->fold);
    if (e) {
        rules_fail(r, e, "rules: folding its own decision %s:%lld: %s", pe[0].ev->device,
                   (long long)pe[0].ev->seq, ff_store_errmsg(r->fold));
        ff_store_rollback(r->fold);
    }
    return e;
}

/* Stores the drafts as one decision under key. *taken false: another instance decided it. */
static enum ff_err decide(struct srv_rules *r, const char *key, const struct draft *d, size_t n,
                          bool *taken)
{
    struct ff_event ev[MAX_EVENTS];
    struct srv_push_event pe[MAX_EVENTS];
    char *line[MAX_EVENTS] = {NULL};
    enum ff_err e = FF_OK;
    *taken = false;
    memset(ev, 0, sizeof ev);
    memset(pe, 0, sizeof pe);
    if (ff_store_clock(r->fold) > r->clock.last) /* after every event folded, mine included */
        r->clock.last = ff_store_clock(r->fold);
    for (size_t i = 0; i < n && !e; i++) {
        size_t len = 0;
        if (!(e = stamp(r, &d[i], r->seq + 1 + (int64_t)i, &ev[i], &line[i], &len)))
            pe[i] = (struct srv_push_event){.ev = &ev[i],
                                            .line = line[i],
                                            .len = len,
                                            .digest = ff_event_digest(&ev[i]),
                                            .case_id = d[i].case_id};
    }
    if (!e && (e = srv_store_decide(r->st, key, r->device, pe, n, taken)))
        rules_fail(r, e, "rules: deciding %s: %s", key, srv_store_errmsg(r->st));
    for (size_t i = 0; !e && *taken && i < n; i++)
        if (pe[i].status != 'a' && pe[i].status != 'd')
            e = rules_fail(r, FF_ESTATE, "rules: deciding %s: the log refused %s:%lld (%s)", key,
                           r->device, (long long)ev[i].seq, pe[i].code ? pe[i].code : "?");
    if (!e && *taken) {
        r->seq += (int64_t)n;
        e = fold_own(r, pe, n);
    }
    for (size_t i = 0; i < n; i++) {
        ff_free(line[i]);
        ff_event_clear(&ev[i]);
    }
    return e;
}

static int64_t num(const cJSON *o, const char *key)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(j) ? (int64_t)j->valuedouble : 0;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(j) ? j->valuestring : "";
}

/* Reads the fold document *doc (freed here) into *out (cJSON_Delete); e is the read's result. */
static enum ff_err parsed(struct srv_rules *r, enum ff_err e, char **docp, cJSON **out)
{
    char *doc = *docp;
    *docp = NULL;
    *out = NULL;
    if (e) {
        ff_free(doc);
        return e == FF_ENOTFOUND
                   ? e
                   : rules_fail(r, e, "rules: reading the fold: %s", ff_store_errmsg(r->fold));
    }
    *out = cJSON_Parse(doc);
    ff_free(doc);
    return *out ? FF_OK : rules_fail(r, FF_ENOMEM, "rules: out of memory reading the fold");
}

static bool occupies(const char *status)
{
    return !strcmp(status, "confirmed") || !strcmp(status, "checked_in") ||
           !strcmp(status, "checked_out");
}

/* Whether slot c is free for q's engineer: within an available slot, no booked overlap. */
static enum ff_err slot_free(struct srv_rules *r, const struct rules_request *q, const cJSON *slots,
                             struct rules_slot c, bool *within, bool *free)
{
    const cJSON *s;
    *within = *free = false;
    cJSON_ArrayForEach(s, slots)
    {
        if (num(s, "start") <= c.start && c.end <= num(s, "end"))
            *within = true;
    }
    if (!*within)
        return FF_OK;
    char *doc = NULL;
    cJSON *visits;
    enum ff_err e = parsed(r, ff_store_engineer_visits(r->fold, q->engineer, c.start, c.end, &doc),
                           &doc, &visits);
    if (e)
        return e;
    *free = true;
    const cJSON *v;
    cJSON_ArrayForEach(v, visits)
    {
        if (strcmp(str(v, "id"), q->visit) && occupies(str(v, "status")))
            *free = false;
    }
    cJSON_Delete(visits);
    return FF_OK;
}

/* The decision for q: a confirmation of the first free choice, or a rejection saying why. */
static enum ff_err choose(struct srv_rules *r, const struct rules_request *q, struct draft *d)
{
    char *doc = NULL;
    cJSON *slots;
    enum ff_err e = parsed(r, ff_store_engineer_slots(r->fold, q->engineer, &doc), &doc, &slots);
    bool any_within = false;
    for (int i = 0; !e && i < q->n_choices; i++) {
        bool within, free;
        if ((e = slot_free(r, q, slots, q->choice[i], &within, &free)) || !free) {
            any_within |= within;
            continue;
        }
        *d =
            (struct draft){.type = "visit.confirmed", .entity_id = q->visit, .case_id = q->case_id};
        snprintf(d->payload, sizeof d->payload, "{\"start\":%lld,\"end\":%lld}",
                 (long long)q->choice[i].start, (long long)q->choice[i].end);
        cJSON_Delete(slots);
        return FF_OK;
    }
    cJSON_Delete(slots);
    *d = (struct draft){.type = "visit.rejected", .entity_id = q->visit, .case_id = q->case_id};
    snprintf(d->payload, sizeof d->payload, "{\"reason\":\"%s\"}",
             any_within ? "slot taken" : "engineer not available");
    return e;
}

/* Decides q unless the fold shows it decided (or cancelled, or gone). *done false: another
 * instance holds its key and its answer is not folded yet. */
static enum ff_err decide_request(struct srv_rules *r, const struct rules_request *q, bool *done)
{
    char *doc = NULL;
    cJSON *visit;
    *done = true;
    enum ff_err e = parsed(r, ff_store_visit_get(r->fold, q->visit, &doc), &doc, &visit);
    if (e == FF_ENOTFOUND)
        return FF_OK;
    if (e)
        return e;
    bool waiting = !strcmp(str(visit, "status"), "requested");
    cJSON_Delete(visit);
    if (!waiting)
        return FF_OK;
    struct draft d;
    char key[FF_EVENT_ID_MAX + 8];
    snprintf(key, sizeof key, "visit:%s", q->visit);
    if (!(e = choose(r, q, &d)))
        e = decide(r, key, &d, 1, done);
    return e;
}

enum ff_err rules_decide_visits(struct srv_rules *r, bool *progress)
{
    for (int k = 0; k < DECISIONS_PER_STEP && r->q_head < r->q_n; k++) {
        bool done;
        enum ff_err e = decide_request(r, &r->q[r->q_head], &done);
        if (e || !done)
            return e;
        r->q_head++;
        *progress = true;
    }
    if (r->q_head == r->q_n)
        r->q_head = r->q_n = 0;
    return FF_OK;
}

/* Breaches one passed time limit: case.time_limit_breached {at: due} and case.escalated one
 * level up (at most 4). */
static enum ff_err breach(struct srv_rules *r, const cJSON *c, bool *taken)
{
    const char *id = str(c, "case_id");
    int64_t due = num(c, "due"), level = num(c, "level") + 1;
    char key[FF_EVENT_ID_MAX + 40];
    struct draft d[2] = {
        {.type = "case.time_limit_breached", .entity_id = id, .case_id = id},
        {.type = "case.escalated", .entity_id = id, .case_id = id},
    };
    snprintf(d[0].payload, sizeof d[0].payload, "{\"at\":%lld}", (long long)due);
    snprintf(d[1].payload, sizeof d[1].payload, "{\"level\":%lld,\"reason\":\"time limit passed\"}",
             (long long)(level > LEVEL_MAX ? LEVEL_MAX : level));
    snprintf(key, sizeof key, "breach:%s:%lld", id, (long long)due);
    return decide(r, key, d, 2, taken);
}

enum ff_err rules_check_limits(struct srv_rules *r, bool *progress)
{
    if (r->now_ms < r->next_limit_check)
        return FF_OK;
    char *doc = NULL;
    cJSON *due;
    enum ff_err e =
        parsed(r, ff_store_time_limits_due(r->fold, r->now_ms, DUE_PER_CHECK, &doc), &doc, &due);
    if (e)
        return e;
    int n = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, due)
    {
        bool taken = false;
        if (!e && !(e = breach(r, c, &taken)) && taken)
            *progress = true;
        n++;
    }
    cJSON_Delete(due);
    if (!e && n == DUE_PER_CHECK)
        *progress = true; /* more may be due: look again at once */
    else if (!e)
        r->next_limit_check = r->now_ms + LIMIT_CHECK_MS;
    return e;
}

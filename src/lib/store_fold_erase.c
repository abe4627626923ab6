/* store_fold_erase.c - erasure: no personal value of an erased customer stays in the file.
 *
 * A customer is erased when it, or a customer it was merged into, has a customer.erased
 * event; a case is "of an erased customer" when any customer_id it ever named is erased; a
 * report or feedback when its case is. All of it is read from the log (an entity's events, and
 * events_where for links by payload value), here above the storage seam, so it is a function of the
 * event set and only ever grows: redaction is never undone, and the fold of every replica,
 * incremental or rebuilt, drops the same values.
 *
 * Two directions keep that true whatever order events arrive in. Pull: the fold of a
 * customer, case, report or feedback asks whether it is erased and leaves the personal
 * columns NULL. Push: an erasure (or a merge into an erased customer) refolds what it reaches
 * (merged customers, their cases), and an erased case refolds its reports and feedback; a
 * rebuild folds everything and needs no push. The log is redacted too: an event's personal
 * values are replaced ("[erased]" where the event type requires the field, removed where it
 * is optional), and the row keeps 16 bits of the digest of what was received, so a copy of the
 * original arriving later is a duplicate, not a forgery (store_int.h says why only 16). Workload:
 * erasures are rare; the pull is one indexed query per customer/case/report/feedback fold, the push
 * scans the log.
 */
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "store_fold.h"

#define ERASED_TEXT "[erased]"

/* The personal values of each event type: replaced if the type requires them, else removed.
 * case.field_edited's value is personal only when the field is the description. */
static const struct {
    const char *type;  /* event type */
    const char *field; /* payload key */
    bool required;     /* the event must keep it: replaced by ERASED_TEXT */
} personal[] = {
    {"customer.created", "name", true},       {"customer.created", "phone", false},
    {"customer.created", "email", false},     {"customer.created", "address", false},
    {"customer.created", "site", false},      {"customer.edited", "value", true},
    {"case.created", "description", false},   {"case.created", "answers", false},
    {"case.field_edited", "value", true},     {"case.note_added", "text", true},
    {"case.escalated", "reason", true},       {"report.submitted", "work_done", true},
    {"report.submitted", "signature", false}, {"feedback.given", "comment", false},
};

/* Redacts payload p of an event of `type` in place; true if anything changed. */
static bool redact_payload(const char *type, cJSON *p)
{
    bool changed = false;
    if (!strcmp(type, "case.field_edited")) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(p, "field");
        if (!cJSON_IsString(f) || strcmp(f->valuestring, "description"))
            return false;
    }
    for (size_t i = 0; i < sizeof personal / sizeof personal[0]; i++) {
        if (strcmp(personal[i].type, type))
            continue;
        cJSON *v = cJSON_GetObjectItemCaseSensitive(p, personal[i].field);
        if (!v ||
            (personal[i].required && cJSON_IsString(v) && !strcmp(v->valuestring, ERASED_TEXT)))
            continue;
        if (!personal[i].required) {
            cJSON_DeleteItemFromObjectCaseSensitive(p, personal[i].field);
        } else {
            cJSON *r = cJSON_CreateString(ERASED_TEXT);
            if (!r || !cJSON_ReplaceItemInObjectCaseSensitive(p, personal[i].field, r)) {
                cJSON_Delete(r);
                cJSON_DeleteItemFromObjectCaseSensitive(p, personal[i].field);
            }
        }
        changed = true;
    }
    return changed;
}

/* Ids met while following links; erasure's reach is bounded (8 merge hops), so a list. */
struct idset {
    char (*id)[FF_EVENT_ID_MAX + 1]; /* the ids; owned */
    size_t n, cap;                   /* used and allocated */
    size_t level_end;                /* ids before it are of the level being expanded */
    bool expand;                     /* follow merges from this level */
    bool found;                      /* a customer.erased event was seen */
};

static enum ff_err idset_add(struct ff_store *s, struct idset *x, const char *id)
{
    for (size_t i = 0; i < x->n; i++)
        if (!strcmp(x->id[i], id))
            return FF_OK;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 8;
        char(*g)[FF_EVENT_ID_MAX + 1] = ff_realloc(x->id, cap * sizeof *g);
        if (!g)
            return ff_store__fail(s, FF_ENOMEM, "out of memory following an erasure");
        x->id = g;
        x->cap = cap;
    }
    snprintf(x->id[x->n++], sizeof x->id[0], "%s", id);
    return FF_OK;
}

/* The string payload[key] of a stored event into buf (*has false if absent or not a string);
 * with field_is, only if payload.field is that. */
static enum ff_err payload_str(struct ff_store *s, const struct ff_log_row *r, const char *key,
                               const char *field_is, char *buf, size_t cap, bool *has)
{
    cJSON *p = cJSON_ParseWithLength(r->payload, r->payload_len);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, key);
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(p, "field");
    *has = cJSON_IsString(v) &&
           (!field_is || (cJSON_IsString(f) && !strcmp(f->valuestring, field_is)));
    if (*has)
        snprintf(buf, cap, "%s", v->valuestring);
    cJSON_Delete(p);
    return p ? FF_OK
             : ff_store__fail(s, FF_ENOMEM, "out of memory reading %s:%lld", r->device,
                              (long long)r->seq);
}

/* ff_row_fn over a customer's events: an erasure, or a merge to follow up. */
static enum ff_err up_row(struct ff_store *s, const struct ff_log_row *r, void *arg)
{
    struct idset *x = arg;
    char into[FF_EVENT_ID_MAX + 1];
    bool has = false;
    if (!strcmp(r->type, "customer.erased"))
        x->found = true;
    if (!x->expand || strcmp(r->type, "customer.merged"))
        return FF_OK;
    enum ff_err e = payload_str(s, r, "into", NULL, into, sizeof into, &has);
    return !e && has ? idset_add(s, x, into) : e;
}

/* ff_row_fn over a case's events: every customer_id it named, created or edited. */
static enum ff_err case_row(struct ff_store *s, const struct ff_log_row *r, void *arg)
{
    char id[FF_EVENT_ID_MAX + 1];
    bool has = false;
    enum ff_err e = FF_OK;
    if (!strcmp(r->type, "case.created"))
        e = payload_str(s, r, "customer_id", NULL, id, sizeof id, &has);
    else if (!strcmp(r->type, "case.field_edited"))
        e = payload_str(s, r, "value", "customer_id", id, sizeof id, &has);
    return !e && has ? idset_add(s, arg, id) : e;
}

/* Whether a customer in x, or one any of them was merged into (8 hops), is erased. */
static enum ff_err any_erased(struct ff_store *s, struct idset *x, bool *out)
{
    enum ff_err e = FF_OK;
    size_t from = 0;
    for (int hop = 0; from < x->n && !e && !x->found; hop++) {
        x->level_end = x->n;
        x->expand = hop < 8;
        for (size_t i = from; i < x->level_end && !e && !x->found; i++)
            e = s->be->entity_events(s, "customer", x->id[i], up_row, x);
        from = x->level_end;
    }
    *out = x->found;
    return e;
}

enum ff_err ff_fold_erased(struct ff_store *s, bool case_of, const char *id, bool *out)
{
    *out = false;
    if (!s->erasures) /* the usual case: nobody was ever erased, nothing to ask */
        return FF_OK;
    struct idset x = {0};
    enum ff_err e =
        case_of ? s->be->entity_events(s, "case", id, case_row, &x) : idset_add(s, &x, id);
    if (!e)
        e = any_erased(s, &x, out);
    ff_free(x.id);
    return e;
}

/* Rewrites one event of the log with its redacted payload, keeping the received digest. */
static enum ff_err redact_row(struct ff_store *s, const struct fev *e)
{
    char device[FF_EVENT_ID_MAX + 1];
    const char *colon = strrchr(e->id, ':');
    snprintf(device, sizeof device, "%.*s", (int)(colon - e->id), e->id);
    int64_t seq = strtoll(colon + 1, NULL, 10);
    bool found = false, redacted = false;
    uint64_t digest = 0;
    enum ff_err err = s->be->stored_digest(s, device, seq, &found, &digest, &redacted);
    if (err || !found)
        return err;
    char *txt = cJSON_PrintUnformatted(e->p);
    if (!txt)
        return ff_store__fail(s, FF_ENOMEM, "out of memory redacting %s", e->id);
    /* a forged copy kept for the back office may hold the same values: the backend drops it */
    err = s->be->redact(s, device, seq, txt, FF_STORE_REDACTED_DIGEST(digest));
    cJSON_free(txt);
    return err ? err : ff_store__tell_redacted(s, device, seq);
}

enum ff_err ff_fold_redact(struct ff_store *s, struct fold *f)
{
    enum ff_err e = FF_OK;
    if (!strcmp(f->entity, "customer"))
        s->erasing = true; /* its search entry went: purge the index at commit */
    for (size_t i = 0; i < f->n && !e; i++) {
        if (redact_payload(f->ev[i].type, f->ev[i].p)) {
            e = redact_row(s, &f->ev[i]);
            s->erasing = true;
        }
    }
    if (!e && !strcmp(f->entity, "case") && !f->fresh)
        e = ff_store__clear(s, FF_CLEAR_CASE_TEXTS, "s", f->id);
    return e;
}

/* One entity to refold: kind and id. */
struct target {
    char entity[FF_EVENT_TYPE_MAX + 1];
    char id[FF_EVENT_ID_MAX + 1];
};

/* What an erasure reaches, listed completely before any of it is refolded. */
struct targets {
    struct target *t;  /* owned */
    size_t n, cap;     /* used and allocated */
    struct idset *ids; /* while listing customers merged into the erased one: found so far */
};

/* Notes one more entity to refold, once. */
static enum ff_err add_target(struct ff_store *s, struct targets *l, const char *entity,
                              const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->t[i].id, id) && !strcmp(l->t[i].entity, entity))
            return FF_OK;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct target *g = ff_realloc(l->t, cap * sizeof *g);
        if (!g)
            return ff_store__fail(s, FF_ENOMEM, "out of memory erasing %s", id);
        l->t = g;
        l->cap = cap;
    }
    snprintf(l->t[l->n].entity, sizeof l->t[l->n].entity, "%s", entity);
    snprintf(l->t[l->n].id, sizeof l->t[l->n].id, "%s", id);
    l->n++;
    return FF_OK;
}

/* ff_row_fn: a customer merged into one of the list's (events_where "into"). */
static enum ff_err merged_row(struct ff_store *s, const struct ff_log_row *r, void *arg)
{
    struct targets *l = arg;
    return strcmp(r->type, "customer.merged") ? FF_OK : idset_add(s, l->ids, r->entity_id);
}

/* ff_row_fn: a report or feedback naming the case (events_where "case_id"). */
static enum ff_err of_case_row(struct ff_store *s, const struct ff_log_row *r, void *arg)
{
    return add_target(s, arg, r->entity, r->entity_id);
}

/* ff_row_fn: a case created for the customer (events_where "customer_id"). */
static enum ff_err created_row(struct ff_store *s, const struct ff_log_row *r, void *arg)
{
    return strcmp(r->type, "case.created") ? FF_OK : add_target(s, arg, "case", r->entity_id);
}

/* ff_row_fn: a case whose customer_id was edited to the customer (events_where "value"). */
static enum ff_err edited_row(struct ff_store *s, const struct ff_log_row *r, void *arg)
{
    char field[16];
    bool has = false;
    if (strcmp(r->type, "case.field_edited"))
        return FF_OK;
    enum ff_err e = payload_str(s, r, "field", NULL, field, sizeof field, &has);
    return e || !has || strcmp(field, "customer_id") ? e : add_target(s, arg, "case", r->entity_id);
}

/* Lists what an erasure of customer `id` reaches (the customers merged into it, 8 hops, and
 * every case that named one of them) or, of_case, case `id`'s reports and feedback. */
static enum ff_err list_reach(struct ff_store *s, bool of_case, const char *id, struct targets *l)
{
    if (of_case) {
        enum ff_err e = s->be->events_where(s, "report", "case_id", id, of_case_row, l);
        return e ? e : s->be->events_where(s, "feedback", "case_id", id, of_case_row, l);
    }
    struct idset down = {0};
    l->ids = &down;
    enum ff_err e = idset_add(s, &down, id);
    for (size_t from = 0, hop = 0; !e && from < down.n && hop < 8; hop++) {
        size_t end = down.n;
        for (size_t i = from; i < end && !e; i++)
            e = s->be->events_where(s, "customer", "into", down.id[i], merged_row, l);
        from = end;
    }
    for (size_t i = 1; i < down.n && !e; i++)
        e = add_target(s, l, "customer", down.id[i]);
    for (size_t i = 0; i < down.n && !e; i++) {
        e = s->be->events_where(s, "case", "customer_id", down.id[i], created_row, l);
        if (!e)
            e = s->be->events_where(s, "case", "value", down.id[i], edited_row, l);
    }
    ff_free(down.id);
    l->ids = NULL;
    return e;
}

/* Lists what the erasure of `id` reaches (of_case: a case's), then refolds each from the log. */
static enum ff_err refold_listed(struct ff_store *s, bool of_case, const char *id)
{
    struct targets l = {0};
    enum ff_err e = list_reach(s, of_case, id, &l);
    struct fold g = {0};
    for (size_t i = 0; i < l.n && !e; i++) { /* the list is complete before any row changes */
        if (!(e = ff_fold_load(s, l.t[i].entity, l.t[i].id, &g)) && g.n)
            e = ff_fold_entity(s, &g);
    }
    ff_fold_free(&g);
    ff_free(l.t);
    return e;
}

static enum ff_err push_now(struct ff_store *s, const char *entity, const char *id, bool news)
{
    if (!strcmp(entity, "case"))
        return refold_listed(s, true, id);
    return news ? refold_listed(s, false, id) : FF_OK;
}

enum ff_err ff_fold_push_erasure(struct ff_store *s, const struct fold *f)
{
    if (s->rebuilding)
        return FF_OK;
    bool news = false; /* only a new erasure or merge can reach further than before */
    for (size_t i = 0; i < f->n && !news; i++)
        news = f->ev[i].fresh && (!strcmp(f->ev[i].type, "customer.erased") ||
                                  !strcmp(f->ev[i].type, "customer.merged"));
    if (!strcmp(f->entity, "customer") && !news)
        return FF_OK;
    if (!s->folding_dirty)
        return push_now(s, f->entity, f->id, news);
    /* Later: an entity of the dirty list not folded yet counts on having no rows (its fold
     * deletes nothing), which a refold now would break. */
    if (s->n_push == s->cap_push) {
        size_t cap = s->cap_push ? s->cap_push * 2 : 8;
        struct ff_push *p = ff_realloc(s->push, cap * sizeof *p);
        if (!p)
            return ff_store__fail(s, FF_ENOMEM, "out of memory noting an erasure of %s", f->id);
        s->push = p;
        s->cap_push = cap;
    }
    struct ff_push *p = &s->push[s->n_push++];
    snprintf(p->entity, sizeof p->entity, "%s", f->entity);
    snprintf(p->id, sizeof p->id, "%s", f->id);
    p->news = news;
    return FF_OK;
}

enum ff_err ff_store__run_pushes(struct ff_store *s)
{
    enum ff_err e = FF_OK;
    for (size_t i = 0; i < s->n_push && !e; i++)
        e = push_now(s, s->push[i].entity, s->push[i].id, s->push[i].news);
    s->n_push = 0;
    return e;
}

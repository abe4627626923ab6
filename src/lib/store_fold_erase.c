/* store_fold_erase.c - erasure: no personal value of an erased customer stays in the file.
 *
 * A customer is erased when it, or a customer it was merged into, has a customer.erased
 * event; a case is "of an erased customer" when any customer_id it ever named is erased; a
 * report or feedback when its case is. All of it is read from the log (the backend's erased and
 * dependents), so it is a function of the event set and only ever grows: redaction is never undone,
 * and the fold of every replica, incremental or rebuilt, drops the same values.
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

enum ff_err ff_fold_erased(struct ff_store *s, bool case_of, const char *id, bool *out)
{
    *out = false;
    if (!s->erasures) /* the usual case: nobody was ever erased, nothing to ask */
        return FF_OK;
    return s->be->erased(s, case_of, id, out);
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
    return err;
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
    struct target *t; /* owned */
    size_t n, cap;    /* used and allocated */
};

/* ff_target_fn: notes one more entity to refold. */
static enum ff_err add_target(struct ff_store *s, const char *entity, const char *id, void *arg)
{
    struct targets *l = arg;
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

/* Lists what the erasure of `id` reaches (of_case: a case's), then refolds each from the log. */
static enum ff_err refold_listed(struct ff_store *s, bool of_case, const char *id)
{
    struct targets l = {0};
    enum ff_err e = s->be->dependents(s, of_case, id, add_target, &l);
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

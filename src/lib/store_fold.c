/* store_fold.c - the fold: projections as a deterministic function of the event set.
 *
 * Every projection row belongs to exactly one entity (customer, case, visit...). Folding an
 * entity deletes its rows and folds all its known events again, in (hlc, device) order, so
 * the result depends only on which events are present, never on the order they arrived in:
 * incremental folding (the entities a transaction touched, folded at commit) and a full
 * rebuild run the same code and give the same rows. References between entities (a case's
 * customer, a merged customer) are followed at read time, so no fold reaches outside its
 * entity. Workload: ~10 events per entity on an append; the whole log on a rebuild.
 * Editable fields follow DESIGN.md: versions named by event id, heads = versions no other
 * version names in `prev`, shown value = the head with the highest (hlc, device), >1 head =
 * a row in conflicts (store_fold_fields.c).
 */
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "fieldflow/mem.h"
#include "store_fold.h"

static const cJSON *P(const struct fev *e, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(e->p, key);
}

static bool is(const struct fev *e, const char *type)
{
    return !strcmp(e->type, type);
}

/* The first (lowest hlc) event of `type`, or NULL. */
static const struct fev *first_of(const struct fold *f, const char *type)
{
    for (size_t i = 0; i < f->n; i++)
        if (is(&f->ev[i], type))
            return &f->ev[i];
    return NULL;
}

static const struct fev *last_of(const struct fold *f, const char *type)
{
    for (size_t i = f->n; i-- > 0;)
        if (is(&f->ev[i], type))
            return &f->ev[i];
    return NULL;
}

/* 63-bit FNV-1a of an id: the rowid of its full-text entry (FTS deletes by rowid are cheap). */
int64_t ff_fold_fts_rowid(const char *id)
{
    uint64_t h = 1469598103934665603u;
    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 1099511628211u;
    h &= INT64_MAX;
    return (int64_t)(h ? h : 1);
}

static enum ff_err fold_customer(struct ff_store *s, struct fold *f)
{
    const struct fev *c = first_of(f, "customer.created");
    const struct fev *m = last_of(f, "customer.merged");
    bool erased = false; /* by its own erasure or one of a customer it was merged into */
    const cJSON *v[4] = {NULL, NULL, NULL, NULL};
    static const char *const names[4] = {"name", "phone", "email", "address"};
    enum ff_err e = ff_fold_erased(s, false, f->id, &erased);
    if (!e && erased)
        e = ff_fold_redact(s, f);
    for (int i = 0; i < 4 && !e; i++)
        e = ff_fold_field(s, f, names[i], !erased, &v[i]);
    if (e || (!f->fresh &&
              (e = ff_store__clear(s, FF_CLEAR_CUSTOMER_FTS, "i", ff_fold_fts_rowid(f->id)))))
        return e;
    const char *merged_into = m ? P(m, "into")->valuestring : NULL;
    char key[1024] = "";
    if (!erased && !merged_into && cJSON_IsString(v[0])) { /* "name phone-digits email" */
        char name[400], phone[64], email[300];
        ff_store__normalize(v[0]->valuestring, false, name, sizeof name);
        ff_store__normalize(cJSON_IsString(v[1]) ? v[1]->valuestring : "", true, phone,
                            sizeof phone);
        ff_store__normalize(cJSON_IsString(v[2]) ? v[2]->valuestring : "", false, email,
                            sizeof email);
        snprintf(key, sizeof key, "%s %s %s", name, phone, email);
    }
    if (erased)
        v[0] = v[1] = v[2] = v[3] = NULL;
    e = ff_store__put(s, FF_PROJ_CUSTOMER, "sjjjjjsiis", f->id, v[0], v[1], v[2], v[3],
                      c && !erased ? P(c, "site") : NULL, merged_into, (int64_t)erased,
                      c ? (int64_t)c->hlc : (int64_t)0, key[0] ? key : NULL);
    if (!e && key[0])
        e = ff_store__put(s, FF_PROJ_CUSTOMER_FTS, "iss", ff_fold_fts_rowid(f->id), f->id, key);
    if (!e && erased)
        e = ff_fold_push_erasure(s, f);
    return e;
}

/* Notes and escalations; of an erased customer's case, without their text. */
static enum ff_err fold_case_lists(struct ff_store *s, struct fold *f, bool erased)
{
    enum ff_err e = FF_OK;
    for (size_t i = 0; i < f->n && !e; i++) {
        const struct fev *x = &f->ev[i];
        if (!x->fresh) /* its row, a function of the event alone, was written when it came */
            continue;
        if (is(x, "case.note_added"))
            e = ff_store__put(s, FF_PROJ_NOTE, "ssisj", x->id, f->id, (int64_t)x->hlc, x->author,
                              erased ? NULL : P(x, "text"));
        else if (is(x, "case.escalated"))
            e = ff_store__put(s, FF_PROJ_ESCALATION, "ssijjj", x->id, f->id, (int64_t)x->hlc,
                              P(x, "level"), erased ? NULL : P(x, "reason"), P(x, "eta"));
    }
    return e;
}

static enum ff_err fold_case(struct ff_store *s, struct fold *f)
{
    static const char *const names[6] = {"customer_id", "category", "priority",
                                         "description", "assignee", "status"};
    const cJSON *v[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    bool erased = false;
    enum ff_err e = ff_fold_erased(s, true, f->id, &erased);
    if (!e && erased)
        e = ff_fold_redact(s, f);
    if (!e)
        e = fold_case_lists(s, f, erased);
    for (int i = 0; i < 6 && !e; i++)
        e = ff_fold_field(s, f, names[i], true, &v[i]);
    if (!e && erased)
        e = ff_fold_push_erasure(s, f); /* its reports and feedback */
    const struct fev *c = first_of(f, "case.created");
    if (e || !c)
        return e;
    if (erased)
        v[3] = NULL;                                            /* the description */
    cJSON fresh = {.type = cJSON_String, .valuestring = "new"}; /* status before any change */
    v[5] = v[5] ? v[5] : &fresh;
    const struct fev *esc = last_of(f, "case.escalated");
    const struct fev *lim = last_of(f, "case.time_limit_set");
    bool breached = last_of(f, "case.time_limit_breached") != NULL;
    return ff_store__put(s, FF_PROJ_CASE, "sjjjjjjjjjjjjjjjiii", f->id, v[0], P(c, "touchpoint"),
                         P(c, "request_type"), v[1], v[2], v[3], v[4], v[5], P(c, "run_id"),
                         P(c, "chart_id"), P(c, "chart_version"), P(c, "outcome"),
                         erased ? NULL : P(c, "answers"), esc ? P(esc, "level") : NULL,
                         lim ? P(lim, "due") : NULL, (int64_t)breached, (int64_t)c->hlc,
                         (int64_t)f->ev[f->n - 1].hlc);
}

/* Visit status: the strongest fact wins, whatever order the events came in. */
static const char *visit_status(const struct fold *f, const struct fev **answer)
{
    const struct fev *ok = last_of(f, "visit.confirmed");
    const struct fev *no = last_of(f, "visit.rejected");
    *answer = ok && (!no || ok > no) ? ok : no; /* the server's latest word */
    if (first_of(f, "visit.cancelled"))
        return "cancelled";
    if (first_of(f, "visit.checked_out"))
        return "checked_out";
    if (first_of(f, "visit.checked_in"))
        return "checked_in";
    if (*answer)
        return *answer == ok ? "confirmed" : "rejected";
    return "requested";
}

static enum ff_err fold_visit(struct ff_store *s, struct fold *f)
{
    const struct fev *r = first_of(f, "visit.requested");
    if (!r)
        return FF_OK;
    const struct fev *answer;
    const char *status = visit_status(f, &answer);
    const struct fev *in = first_of(f, "visit.checked_in");
    const struct fev *out = last_of(f, "visit.checked_out");
    const struct fev *cancel = last_of(f, "visit.cancelled");
    const cJSON *start = P(r, "start"), *end = P(r, "end");
    if (answer && is(answer, "visit.confirmed") && P(answer, "start") && P(answer, "end")) {
        start = P(answer, "start");
        end = P(answer, "end");
    }
    const cJSON *reason = cancel                                   ? P(cancel, "reason")
                          : answer && is(answer, "visit.rejected") ? P(answer, "reason")
                                                                   : NULL;
    return ff_store__put(s, FF_PROJ_VISIT, "sjjjjsjjj", f->id, P(r, "case_id"), P(r, "engineer_id"),
                         start, end, status, in ? P(in, "at") : NULL, out ? P(out, "at") : NULL,
                         reason);
}

/* Whether the case a report or feedback names is of an erased customer; if so, the entity's
 * events are redacted in the log. */
static enum ff_err of_erased_case(struct ff_store *s, struct fold *f, const cJSON *case_id,
                                  bool *erased)
{
    *erased = false;
    if (!cJSON_IsString(case_id))
        return FF_OK;
    enum ff_err e = ff_fold_erased(s, true, case_id->valuestring, erased);
    return !e && *erased ? ff_fold_redact(s, f) : e;
}

static enum ff_err fold_report(struct ff_store *s, struct fold *f)
{
    const struct fev *r = first_of(f, "report.submitted");
    bool erased;
    if (!r)
        return FF_OK;
    enum ff_err e = of_erased_case(s, f, P(r, "case_id"), &erased);
    if (!e)
        e = ff_store__put(s, FF_PROJ_REPORT, "sjjjjjjsi", f->id, P(r, "case_id"), P(r, "visit_id"),
                          erased ? NULL : P(r, "work_done"), P(r, "minutes"), P(r, "outcome"),
                          erased ? NULL : P(r, "signature"), r->author, (int64_t)r->hlc);
    int64_t idx = 0;
    const cJSON *part;
    cJSON_ArrayForEach(part, P(r, "parts"))
    {
        if (e)
            break;
        e = ff_store__put(s, FF_PROJ_PART, "sijj", f->id, idx++,
                          cJSON_GetObjectItemCaseSensitive(part, "part"),
                          cJSON_GetObjectItemCaseSensitive(part, "qty"));
    }
    return e;
}

static enum ff_err fold_feedback(struct ff_store *s, struct fold *f)
{
    const struct fev *x = first_of(f, "feedback.given");
    bool erased;
    if (!x)
        return FF_OK;
    enum ff_err e = of_erased_case(s, f, P(x, "case_id"), &erased);
    return e ? e
             : ff_store__put(s, FF_PROJ_FEEDBACK, "sjjjjjji", f->id, P(x, "case_id"),
                             P(x, "run_id"), P(x, "chart_id"), P(x, "node"), P(x, "score"),
                             erased ? NULL : P(x, "comment"), (int64_t)x->hlc);
}

static enum ff_err fold_run(struct ff_store *s, struct fold *f)
{
    enum ff_err e = FF_OK;
    int64_t steps = 0;
    const struct fev *first = NULL, *last = NULL;
    for (size_t i = 0; i < f->n && !e; i++) {
        const struct fev *x = &f->ev[i];
        if (!is(x, "run.step_recorded"))
            continue;
        first = first ? first : x;
        last = x;
        steps++;
        if (x->fresh) /* an older step's row, a function of the step alone, is there */
            e = ff_store__put(s, FF_PROJ_STEP, "ssijjj", x->id, f->id, (int64_t)x->hlc,
                              P(x, "node"), P(x, "answer"), P(x, "step"));
    }
    if (e || !first)
        return e;
    return ff_store__put(s, FF_PROJ_RUN, "sjjijii", f->id, P(first, "chart_id"),
                         P(first, "chart_version"), steps, P(last, "node"), (int64_t)first->hlc,
                         (int64_t)last->hlc);
}

static enum ff_err fold_flowchart(struct ff_store *s, struct fold *f)
{
    enum ff_err e = FF_OK;
    for (size_t i = 0; i < f->n && !e; i++) /* in hlc order: the last publish of a version wins */
        if (is(&f->ev[i], "flowchart.published"))
            e = ff_store__put(s, FF_PROJ_FLOWCHART, "sjjji", f->id, P(&f->ev[i], "version"),
                              P(&f->ev[i], "title"), P(&f->ev[i], "chart"), (int64_t)f->ev[i].hlc);
    return e;
}

/* Indexes an article twice over: as written (for snippets, unicode61 folds accents) and in
 * the store's normal form, which also folds æ/ø/å ("stojer" finds "støjer"). */
static enum ff_err kb_index(struct ff_store *s, const char *id, const struct fev *x)
{
    const cJSON *title = P(x, "title"), *body = P(x, "body"), *tags = P(x, "tags");
    size_t cap = strlen(title->valuestring) + strlen(body->valuestring) +
                 (cJSON_IsString(tags) ? strlen(tags->valuestring) : 0) + 3;
    char *all = ff_malloc(cap), *folded = ff_malloc(cap * 2);
    enum ff_err e = FF_OK;
    if (!all || !folded) {
        e = ff_store__fail(s, FF_ENOMEM, "out of memory indexing %s", id);
        goto out_free;
    }
    snprintf(all, cap, "%s %s %s", title->valuestring, body->valuestring,
             cJSON_IsString(tags) ? tags->valuestring : "");
    ff_store__normalize(all, false, folded, cap * 2);
    e = ff_store__put(s, FF_PROJ_KB_FTS, "isjjjjs", ff_fold_fts_rowid(id), id, P(x, "lang"), title,
                      body, tags, folded);
out_free:
    ff_free(all);
    ff_free(folded);
    return e;
}

static enum ff_err fold_kb(struct ff_store *s, struct fold *f)
{
    const struct fev *x = last_of(f, "kb.published");
    enum ff_err e =
        f->fresh ? FF_OK : ff_store__clear(s, FF_CLEAR_KB_FTS, "i", ff_fold_fts_rowid(f->id));
    if (e || !x)
        return e;
    e = ff_store__put(s, FF_PROJ_KB, "sjjjji", f->id, P(x, "lang"), P(x, "title"), P(x, "body"),
                      P(x, "tags"), (int64_t)x->hlc);
    if (!e)
        e = kb_index(s, f->id, x);
    return e;
}

static enum ff_err fold_engineer(struct ff_store *s, struct fold *f)
{
    const struct fev *x = last_of(f, "engineer.availability_published");
    const cJSON *slot;
    enum ff_err e = FF_OK;
    if (!x)
        return FF_OK;
    cJSON_ArrayForEach(slot, P(x, "slots"))
    {
        if (e)
            break;
        e = ff_store__put(s, FF_PROJ_SLOT, "sjj", f->id,
                          cJSON_GetObjectItemCaseSensitive(slot, "start"),
                          cJSON_GetObjectItemCaseSensitive(slot, "end"));
    }
    return e;
}

/* Rows keyed by the entity or by one of its events are written with INSERT OR REPLACE and
 * never deleted: events are never removed, so a row a fold wrote once is written again by
 * every later fold of the entity. Only sets that can shrink or change shape are deleted
 * first: a report's parts, an engineer's slots, an entity's conflicts. Two shortcuts, both
 * exact: an entity none of whose events was folded before has no rows, so nothing is deleted
 * (f->fresh); a row that is a function of one event alone (a note, an escalation, a run step)
 * is written when that event is first folded and not again (fev.fresh). A rebuild empties the
 * projections first and folds every event as fresh. */
struct entity_fold {
    const char *entity;                                    /* the entity kind */
    enum ff_err (*fold)(struct ff_store *, struct fold *); /* writes its rows */
    enum ff_clear del; /* rows deleted by entity id first, FF_CLEAR_NONE = none */
    bool fields;       /* has editable fields, so may have rows in conflicts */
};

static const struct entity_fold folds[] = {
    {"customer", fold_customer, FF_CLEAR_NONE, true},
    {"case", fold_case, FF_CLEAR_NONE, true},
    {"visit", fold_visit, FF_CLEAR_NONE, false},
    {"report", fold_report, FF_CLEAR_PARTS, false},
    {"feedback", fold_feedback, FF_CLEAR_NONE, false},
    {"run", fold_run, FF_CLEAR_NONE, false},
    {"flowchart", fold_flowchart, FF_CLEAR_NONE, false},
    {"kb", fold_kb, FF_CLEAR_NONE, false},
    {"engineer", fold_engineer, FF_CLEAR_SLOTS, false},
};

enum ff_err ff_fold_entity(struct ff_store *s, struct fold *f)
{
    for (size_t i = 0; i < sizeof folds / sizeof folds[0]; i++) {
        const struct entity_fold *k = &folds[i];
        if (strcmp(k->entity, f->entity))
            continue;
        enum ff_err e = FF_OK;
        if (k->del != FF_CLEAR_NONE && !f->fresh)
            e = ff_store__clear(s, k->del, "s", f->id);
        if (!e && k->fields && !f->fresh)
            e = ff_store__clear(s, FF_CLEAR_CONFLICTS, "ss", f->entity, f->id);
        return e ? e : k->fold(s, f);
    }
    return FF_OK; /* an entity this build has no projection for */
}

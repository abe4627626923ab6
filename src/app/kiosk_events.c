/* kiosk_events.c - what a kiosk session records: the events of its steps and of the
 * actions it performs (case, escalation, call back, visit request), into the outbox.
 *
 * Split from kiosk_session.c (the state machine) so each stays one job. Nothing here
 * appends to the store: events go to the outbox and kiosk_session.c's persist() writes
 * the snapshot and then appends them (kiosk_resume.h says why in that order). Every
 * function here either queues all of its events or fails; the caller's operation undoes
 * a failure as a whole (op_end in kiosk_session.c).
 */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "fieldflow/field.h"
#include "fieldflow/mem.h"
#include "kiosk_int.h"
#include "kiosk_log.h"
#include "kiosk_text.h"

enum ff_err ff_kiosk__fail(struct ff_kiosk *k, enum ff_err e, const char *what, const char *detail)
{
    snprintf(k->errmsg, sizeof k->errmsg, "kiosk: %s: %s", what, detail ? detail : ff_strerror(e));
    return e;
}

uint64_t ff_kiosk__rand64(struct ff_kiosk *k)
{
    if (k->opts.random)
        return k->opts.random(k->opts.random_ctx);
    uint64_t v = 0;
    if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
        v ^= (uint64_t)k->last_input * 6364136223846793005u + 1442695040888963407u;
    return v;
}

void ff_kiosk__new_uuid(struct ff_kiosk *k, char out[37])
{
    uint64_t a = ff_kiosk__rand64(k), b = ff_kiosk__rand64(k);
    a = (a & ~0xf000ull) | 0x4000ull;                 /* version 4 */
    b = (b & ~(0xc000ull << 48)) | (0x8000ull << 48); /* variant 10 */
    snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32),
             (unsigned)((a >> 16) & 0xffff), (unsigned)(a & 0xffff), (unsigned)(b >> 48),
             (unsigned long long)(b & 0xffffffffffffull));
}

enum ff_err ff_kiosk__emit(struct ff_kiosk *k, const char *type, const char *entity_id,
                           cJSON *payload)
{
    char *text = payload ? cJSON_PrintUnformatted(payload) : NULL;
    cJSON_Delete(payload);
    if (!text)
        return ff_kiosk__fail(k, FF_ENOMEM, type, NULL);
    enum ff_err e = ff_kiosk_outbox_add(&k->saved, type, entity_id, text);
    explicit_bzero(text, strlen(text));
    free(text);
    return e ? ff_kiosk__fail(k, e, type, "cannot queue the event") : FF_OK;
}

enum ff_err ff_kiosk__record_transcript(struct ff_kiosk *k)
{
    size_t n = ff_run_transcript_count(k->run);
    for (; k->recorded < n; k->recorded++) {
        struct ff_run_entry en;
        if (!ff_run_transcript_at(k->run, k->recorded, &en))
            break;
        cJSON *p = cJSON_CreateObject();
        if (p && (!cJSON_AddStringToObject(p, "chart_id", en.chart_id) ||
                  !cJSON_AddNumberToObject(p, "chart_version", en.chart_version) ||
                  !cJSON_AddStringToObject(p, "node", en.node_id) ||
                  !cJSON_AddNumberToObject(p, "step", (double)en.seq) ||
                  !cJSON_AddStringToObject(p, "event", ff_run_event_name(en.event)) ||
                  !cJSON_AddNumberToObject(p, "at", (double)en.time_ms) ||
                  (en.answer && !cJSON_AddStringToObject(p, "answer", en.answer)))) {
            cJSON_Delete(p);
            p = NULL;
        }
        enum ff_err e = ff_kiosk__emit(k, "run.step_recorded", k->saved.run_id, p);
        if (e)
            return e;
    }
    return FF_OK;
}

static const char *request_type_of(const char *chart_id)
{
    static const char *const map[][2] = {
        {"technical-query", "technical_query"}, {"order", "order"},
        {"service-request", "service_request"}, {"complaint-escalation", "complaint"},
        {"software-complaint", "complaint"},    {"payment", "payment"},
        {"new-connection", "new_application"},  {"after-sales-feedback", "feedback"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i][0], chart_id))
            return map[i][1];
    return "information";
}

static int priority_of(const char *v)
{
    static const char *const names[] = {"urgent", "high", "normal", "low"};
    for (int i = 0; i < 4; i++)
        if (v && !strcmp(v, names[i]))
            return i + 1;
    return 0;
}

/* The answers on the current path, from the runner's snapshot (caller deletes). */
static cJSON *answers_now(struct ff_kiosk *k)
{
    char *snap = NULL;
    if (ff_run_snapshot(k->run, &snap))
        return NULL;
    cJSON *o = cJSON_Parse(snap);
    explicit_bzero(snap, strlen(snap));
    ff_free(snap);
    cJSON *a = cJSON_DetachItemFromObjectCaseSensitive(o, "answers");
    cJSON_Delete(o);
    return cJSON_IsObject(a) ? a : (cJSON_Delete(a), cJSON_CreateObject());
}

enum ff_err ff_kiosk__ensure_case(struct ff_kiosk *k, const struct ff_node *n)
{
    if (k->saved.case_id[0])
        return FF_OK;
    const struct ff_chart *c = ff_run_chart(k->run);
    const char *category = NULL;
    int priority = 0;
    for (size_t i = 0; n && i < n->nactions; i++) {
        if (n->actions[i].kind == FF_ACTION_SET_CATEGORY)
            category = n->actions[i].value;
        if (n->actions[i].kind == FF_ACTION_SET_PRIORITY)
            priority = priority_of(n->actions[i].value);
    }
    char id[37], ticket[FF_TICKET_TEXT_SIZE];
    ff_kiosk__new_uuid(k, id);
    ff_ticket_make(ff_kiosk__rand64(k), ticket);
    snprintf(k->saved.request_type, sizeof k->saved.request_type, "%s", request_type_of(c->id));
    cJSON *answers = answers_now(k);
    cJSON *p = cJSON_CreateObject();
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(answers, "description");
    bool ok =
        answers && p && cJSON_AddStringToObject(answers, "ticket", ticket) &&
        cJSON_AddStringToObject(p, "touchpoint", "kiosk") &&
        cJSON_AddStringToObject(p, "request_type", k->saved.request_type) &&
        cJSON_AddStringToObject(p, "run_id", k->saved.run_id) &&
        cJSON_AddStringToObject(p, "chart_id", c->id) &&
        cJSON_AddNumberToObject(p, "chart_version", c->version) &&
        (!category || cJSON_AddStringToObject(p, "category", category)) &&
        (!priority || cJSON_AddNumberToObject(p, "priority", priority)) &&
        (!cJSON_IsString(desc) || cJSON_AddStringToObject(p, "description", desc->valuestring));
    if (ok && cJSON_AddItemToObject(p, "answers", answers))
        answers = NULL;
    cJSON_Delete(answers);
    if (!ok) {
        cJSON_Delete(p);
        p = NULL;
    }
    enum ff_err e = ff_kiosk__emit(k, "case.created", id, p);
    if (!e) {
        memcpy(k->saved.case_id, id, sizeof id);
        memcpy(k->saved.ticket, ticket, sizeof ticket);
    }
    return e;
}

enum ff_err ff_kiosk__escalate(struct ff_kiosk *k, int level, int eta_min, const char *reason,
                               int64_t now)
{
    enum ff_err e = ff_kiosk__ensure_case(k, NULL);
    if (e)
        return e;
    cJSON *p = cJSON_CreateObject();
    if (p &&
        (!cJSON_AddNumberToObject(p, "level", level) ||
         !cJSON_AddStringToObject(p, "reason", reason) ||
         (eta_min > 0 && !cJSON_AddNumberToObject(p, "eta", (double)(now + eta_min * 60000LL))))) {
        cJSON_Delete(p);
        p = NULL;
    }
    if ((e = ff_kiosk__emit(k, "case.escalated", k->saved.case_id, p)))
        return e;
    if (level > k->saved.esc_level)
        k->saved.esc_level = level;
    k->saved.esc_eta = eta_min;
    return FF_OK;
}

static enum ff_err note(struct ff_kiosk *k, const char *text)
{
    cJSON *p = cJSON_CreateObject();
    if (p && !cJSON_AddStringToObject(p, "text", text)) {
        cJSON_Delete(p);
        p = NULL;
    }
    return ff_kiosk__emit(k, "case.note_added", k->saved.case_id, p);
}

/* "alternatives": the same engineer's next slots, which the server takes in order when the
 * first is gone (none: the key is left out). */
static bool add_alternatives(cJSON *p, const struct ff_kiosk_slot *slot)
{
    if (!slot->nalt)
        return true;
    cJSON *alts = cJSON_AddArrayToObject(p, "alternatives");
    for (int i = 0; alts && i < slot->nalt; i++) {
        cJSON *o = cJSON_CreateObject();
        if (o && !cJSON_AddItemToArray(alts, o)) {
            cJSON_Delete(o);
            return false;
        }
        if (!o || !cJSON_AddNumberToObject(o, "start", (double)slot->alt_start[i]) ||
            !cJSON_AddNumberToObject(o, "end", (double)slot->alt_end[i]))
            return false;
    }
    return alts != NULL;
}

/* The visit slot wanted: the date and time window the customer chose, when the chart
 * asked for them (fields visit_date and time_window), else the earliest free slot. */
static enum ff_err request_visit(struct ff_kiosk *k, int64_t now)
{
    enum ff_err e = ff_kiosk__ensure_case(k, NULL);
    if (e)
        return e;
    int64_t from = now;
    int h0 = 0, h1 = 0;
    const char *date = ff_run_answer(k->run, "visit_date");
    const char *window = ff_run_answer(k->run, "time_window");
    if (date && strlen(date) == 10 && date[4] == '-' && date[7] == '-') { /* normal form */
        int y = (int)strtol(date, NULL, 10), m = (int)strtol(date + 5, NULL, 10);
        int64_t day = ff_days_from_civil(y, m, (int)strtol(date + 8, NULL, 10)) * 86400000LL;
        from = day > now ? day : now;
    }
    if (window && !strcmp(window, "morning"))
        h0 = 8, h1 = 12;
    else if (window && !strcmp(window, "afternoon"))
        h0 = 12, h1 = 17;
    else if (window && !strcmp(window, "evening"))
        h0 = 17, h1 = 21;
    struct ff_kiosk_slot slot;
    bool found = false;
    if ((e = ff_kiosk_log_slot(k->store, from, h0, h1, &slot, &found)))
        return ff_kiosk__fail(k, e, "availability", ff_store_errmsg(k->store));
    if (!found && (e = ff_kiosk_log_slot(k->store, now, 0, 0, &slot, &found)))
        return ff_kiosk__fail(k, e, "availability", ff_store_errmsg(k->store));
    if (!found)
        return note(k, ff_kiosk_text(FF_KT_NO_AVAILABILITY, k->default_locale));
    char id[37];
    ff_kiosk__new_uuid(k, id);
    cJSON *p = cJSON_CreateObject();
    if (p &&
        (!cJSON_AddStringToObject(p, "case_id", k->saved.case_id) ||
         !cJSON_AddStringToObject(p, "engineer_id", slot.engineer_id) ||
         !cJSON_AddNumberToObject(p, "start", (double)slot.start_ms) ||
         !cJSON_AddNumberToObject(p, "end", (double)slot.end_ms) || !add_alternatives(p, &slot))) {
        cJSON_Delete(p);
        p = NULL;
    }
    if ((e = ff_kiosk__emit(k, "visit.requested", id, p)))
        return e;
    k->saved.has_visit = true;
    k->saved.visit = slot;
    return FF_OK;
}

static bool performed(struct ff_kiosk *k, const char *key)
{
    for (size_t i = 0; i < k->saved.nperformed; i++)
        if (!strcmp(k->saved.performed[i], key))
            return true;
    return false;
}

/* Does node n's actions once per session (back and forth over it does not repeat them). */
enum ff_err ff_kiosk__perform(struct ff_kiosk *k, const struct ff_node *n, int64_t now)
{
    char key[FF_KIOSK_KEY_MAX];
    snprintf(key, sizeof key, "%s/%s", ff_run_chart(k->run)->id, n->id);
    if (n->kind != FF_NODE_ACTION || performed(k, key))
        return FF_OK;
    if (k->saved.nperformed == FF_KIOSK_MAX_PERFORMED)
        return ff_kiosk__fail(k, FF_ELIMIT, key, "too many action nodes in one session");
    enum ff_err e = FF_OK;
    for (size_t i = 0; !e && i < n->nactions; i++) {
        const struct ff_action *a = &n->actions[i];
        char text[160];
        switch (a->kind) {
        case FF_ACTION_CREATE_CASE:
            e = ff_kiosk__ensure_case(k, n);
            break;
        case FF_ACTION_ESCALATE:
            e = ff_kiosk__escalate(k, a->level, a->eta_minutes, key, now);
            break;
        case FF_ACTION_CALL_BACK:
            if (!(e = ff_kiosk__ensure_case(k, n))) {
                snprintf(text, sizeof text, "%s %d %s (%s)",
                         ff_kiosk_text(FF_KT_CALL_BACK, k->default_locale), a->eta_minutes,
                         ff_kiosk_text(FF_KT_MINUTES, k->default_locale), key);
                e = note(k, text);
                k->saved.esc_eta = a->eta_minutes;
            }
            break;
        case FF_ACTION_REQUEST_VISIT:
            e = request_visit(k, now);
            break;
        default: /* category/priority go into case.created; outcome and feedback are in
                    the transcript */
            break;
        }
    }
    if (!e)
        memcpy(k->saved.performed[k->saved.nperformed++], key, sizeof key);
    return e;
}

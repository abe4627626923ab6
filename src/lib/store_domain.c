/* store_domain.c - the writes the screens make, as events: a case from a finished run, an
 * engineer's report, closing a case, editing a field (which is also how a conflict is
 * resolved: the edit names every current head as prev).
 *
 * Workload: one call per user action. Reading the heads and appending the edit happen in one
 * transaction, so no other writer can slip a version in between.
 */
#include <string.h>

#include <cJSON.h>

#include "fieldflow/mem.h"
#include "store_fold.h"

static enum ff_err append_json(struct ff_store *s, const char *type, const char *id,
                               const cJSON *payload)
{
    char *txt = cJSON_PrintUnformatted(payload);
    if (!txt)
        return ff_store__fail(s, FF_ENOMEM, "out of memory");
    enum ff_err e = ff_store_append(s, type, id, txt, NULL);
    cJSON_free(txt);
    return e;
}

static bool copy_item(cJSON *to, const cJSON *from, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, key);
    return !v || cJSON_AddItemToObject(to, key, cJSON_Duplicate(v, true));
}

static cJSON *case_payload(const struct ff_run_outcome *r, cJSON *answers)
{
    static const char *const from_answers[] = {"customer_id", "category", "priority", "description",
                                               NULL};
    const cJSON *tp = cJSON_GetObjectItemCaseSensitive(answers, "touchpoint");
    const cJSON *rt = cJSON_GetObjectItemCaseSensitive(answers, "request_type");
    cJSON *p = cJSON_CreateObject();
    bool ok =
        p &&
        cJSON_AddStringToObject(p, "touchpoint", cJSON_IsString(tp) ? tp->valuestring : "kiosk") &&
        cJSON_AddStringToObject(p, "request_type",
                                cJSON_IsString(rt) ? rt->valuestring : "service_request");
    for (const char *const *k = from_answers; ok && *k; k++)
        ok = copy_item(p, answers, *k);
    ok = ok && (!r->run_id || cJSON_AddStringToObject(p, "run_id", r->run_id)) &&
         (!r->chart_id || cJSON_AddStringToObject(p, "chart_id", r->chart_id)) &&
         (r->chart_version < 1 || cJSON_AddNumberToObject(p, "chart_version", r->chart_version)) &&
         (!r->outcome || cJSON_AddStringToObject(p, "outcome", r->outcome)) &&
         cJSON_AddItemToObject(p, "answers", cJSON_Duplicate(answers, true));
    if (!ok) {
        cJSON_Delete(p);
        return NULL;
    }
    return p;
}

enum ff_err ff_store_case_from_run(struct ff_store *s, const struct ff_run_outcome *run,
                                   char out_case_id[37])
{
    char id[37];
    out_case_id[0] = '\0';
    cJSON *answers = cJSON_Parse(run->answers_json ? run->answers_json : "{}");
    if (!cJSON_IsObject(answers)) {
        cJSON_Delete(answers);
        return ff_store__fail(s, FF_EPARSE, "run %s: answers must be a JSON object",
                              run->run_id ? run->run_id : "(none)");
    }
    cJSON *p = case_payload(run, answers);
    cJSON_Delete(answers);
    if (!p)
        return ff_store__fail(s, FF_ENOMEM, "out of memory");
    ff_store_new_id(id);
    enum ff_err e = append_json(s, "case.created", id, p);
    cJSON_Delete(p);
    if (!e)
        memcpy(out_case_id, id, sizeof id);
    return e;
}

enum ff_err ff_store_record_report(struct ff_store *s, const char *case_id, const char *report_json,
                                   char out_report_id[37])
{
    char id[37];
    out_report_id[0] = '\0';
    cJSON *p = cJSON_Parse(report_json ? report_json : "");
    if (!cJSON_IsObject(p)) {
        cJSON_Delete(p);
        return ff_store__fail(s, FF_EPARSE, "report for case %s: must be a JSON object",
                              case_id ? case_id : "(none)");
    }
    cJSON_DeleteItemFromObjectCaseSensitive(p, "case_id");
    if (!case_id || !cJSON_AddStringToObject(p, "case_id", case_id)) {
        cJSON_Delete(p);
        return ff_store__fail(s, case_id ? FF_ENOMEM : FF_EINVAL, "report: case id required");
    }
    ff_store_new_id(id);
    enum ff_err e = append_json(s, "report.submitted", id, p);
    cJSON_Delete(p);
    if (!e)
        memcpy(out_report_id, id, sizeof id);
    return e;
}

/* The edit event for (entity, field): its type and a payload that takes over value and prev
 * (both freed on failure). */
static cJSON *edit_payload(const char *entity, const char *field, cJSON *value, cJSON *prev,
                           const char **type)
{
    bool status = !strcmp(entity, "case") && !strcmp(field, "status");
    *type = status                    ? "case.status_changed"
            : !strcmp(entity, "case") ? "case.field_edited"
                                      : "customer.edited";
    cJSON *p = cJSON_CreateObject();
    if (!p || (!status && !cJSON_AddStringToObject(p, "field", field)))
        goto out_fail;
    if (!cJSON_AddItemToObject(p, status ? "status" : "value", value))
        goto out_fail;
    value = NULL; /* p owns it now */
    if (!cJSON_AddItemToObject(p, "prev", prev))
        goto out_fail;
    return p;
out_fail:
    cJSON_Delete(value);
    cJSON_Delete(prev);
    cJSON_Delete(p);
    return NULL;
}

static enum ff_err edit_locked(struct ff_store *s, const char *entity, const char *id,
                               const char *field, cJSON *value)
{
    struct fold f = {0};
    cJSON *prev = NULL, *p = NULL;
    const char *type;
    char created[FF_EVENT_TYPE_MAX + 16];
    snprintf(created, sizeof created, "%s.created", entity);
    enum ff_err e = ff_fold_load(s, entity, id, &f);
    bool exists = false;
    for (size_t i = 0; !e && i < f.n && !exists; i++)
        exists = !strcmp(f.ev[i].type, created);
    if (!e && !exists)
        e = ff_store__fail(s, FF_ENOTFOUND, "%s %s: not found", entity, id);
    if (!e)
        e = ff_fold_heads(s, &f, field, &prev);
    ff_fold_free(&f);
    if (e) {
        cJSON_Delete(value);
        return e;
    }
    if (!(p = edit_payload(entity, field, value, prev, &type)))
        return ff_store__fail(s, FF_ENOMEM, "out of memory");
    e = append_json(s, type, id, p);
    cJSON_Delete(p);
    return e;
}

enum ff_err ff_store_edit_field(struct ff_store *s, const char *entity, const char *entity_id,
                                const char *field, const char *value_json)
{
    if (!entity || (strcmp(entity, "case") && strcmp(entity, "customer")))
        return ff_store__fail(s, FF_EINVAL, "entity: only case and customer have fields");
    if (!entity_id || !ff_event_id_valid(entity_id) || !field)
        return ff_store__fail(s, FF_EINVAL, "entity_id and field required");
    cJSON *value = cJSON_Parse(value_json ? value_json : "");
    if (!value)
        return ff_store__fail(s, FF_EPARSE, "%s.%s: value is not JSON", entity, field);
    bool own = !s->in_batch;
    enum ff_err e = own ? ff_store_begin(s) : FF_OK;
    if (e) {
        cJSON_Delete(value);
        return e;
    }
    e = edit_locked(s, entity, entity_id, field, value);
    if (own && !e)
        e = ff_store_commit(s);
    else if (own)
        ff_store_rollback(s);
    return e;
}

enum ff_err ff_store_close_case(struct ff_store *s, const char *case_id)
{
    return ff_store_edit_field(s, "case", case_id, "status", "\"closed\"");
}

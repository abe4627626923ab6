/* kiosk_seed.c - knowledge base and demo events into a store (see kiosk_seed.h).
 * Workload: once, when a kiosk is set up; a few hundred events in one batch.
 */
#include "kiosk_seed.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ff_err ff_kiosk_seed_kb(struct ff_store *s, const struct ff_kb *kb, char *why, size_t why_len)
{
    enum ff_err e = ff_store_begin(s);
    for (size_t i = 0; !e && i < ff_kb_count(kb); i++) {
        const struct ff_kb_article *a = ff_kb_at(kb, i);
        cJSON *p = cJSON_CreateObject();
        char *text = NULL;
        if (p && cJSON_AddStringToObject(p, "lang", a->lang) &&
            cJSON_AddStringToObject(p, "title", a->title) &&
            cJSON_AddStringToObject(p, "body", a->body) &&
            cJSON_AddStringToObject(p, "tags", a->tags))
            text = cJSON_PrintUnformatted(p);
        cJSON_Delete(p);
        e = text ? ff_store_append(s, "kb.published", a->id, text, NULL) : FF_ENOMEM;
        free(text);
        if (e)
            snprintf(why, why_len, "kb article %s (%s): %s", a->id, a->lang, ff_store_errmsg(s));
    }
    if (e) {
        ff_store_rollback(s);
        return e;
    }
    return ff_store_commit(s);
}

static enum ff_err seed_line(struct ff_store *s, const char *line, size_t len, const char *path,
                             long lineno, char *why, size_t why_len)
{
    cJSON *o = cJSON_ParseWithLength(line, len);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "entity_id");
    const cJSON *payload = cJSON_GetObjectItemCaseSensitive(o, "payload");
    enum ff_err e = FF_EPARSE;
    if (!cJSON_IsString(type) || !cJSON_IsString(id) || !cJSON_IsObject(payload)) {
        snprintf(why, why_len, "%s:%ld: expected {\"type\", \"entity_id\", \"payload\"}", path,
                 lineno);
    } else {
        char *text = cJSON_PrintUnformatted(payload);
        e = text ? ff_store_append(s, type->valuestring, id->valuestring, text, NULL) : FF_ENOMEM;
        free(text);
        if (e)
            snprintf(why, why_len, "%s:%ld: %s", path, lineno, ff_store_errmsg(s));
    }
    cJSON_Delete(o);
    return e;
}

enum ff_err ff_kiosk_seed_events(struct ff_store *s, const char *path, char *why, size_t why_len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, why_len, "%s: cannot open", path);
        return FF_EIO;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    enum ff_err e = ff_store_begin(s);
    while (!e && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if ((size_t)n > FF_SEED_MAX_LINE) {
            snprintf(why, why_len, "%s:%ld: line longer than %u bytes", path, lineno,
                     FF_SEED_MAX_LINE);
            e = FF_ELIMIT;
        } else if (n > 1 && line[0] != '#') {
            e = seed_line(s, line, (size_t)n, path, lineno, why, why_len);
        }
    }
    free(line);
    fclose(f);
    if (e) {
        ff_store_rollback(s);
        return e;
    }
    return ff_store_commit(s);
}

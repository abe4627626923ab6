/* sc_state.c - the sync state kept in the device store ("sync.*" values) and the shared
 * snapshot other threads read.
 *
 * Invariants: everything a later pass needs (server, pin, TLS mode, tokens, cursor, rejected
 * events) is in the store, so a killed process resumes where the last commit left it; the
 * snapshot is only a copy for display, guarded by the handle's mutex.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "sc_int.h"

int64_t sc_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int64_t sc_mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void sc_wipe_free(void *p, size_t n)
{
    volatile char *v = p;
    for (size_t i = 0; v && i < n; i++)
        v[i] = 0;
    ff_free(p);
}

enum ff_sync_err sc_get(struct ff_sync *c, const char *key, char **out)
{
    if (ff_store_meta_get(c->store, key, out))
        return sc_store_fail(c, key);
    return FF_SYNC_OK;
}

enum ff_sync_err sc_get_int(struct ff_sync *c, const char *key, int64_t *out)
{
    char *v = NULL;
    enum ff_sync_err e = sc_get(c, key, &v);
    *out = v ? strtoll(v, NULL, 10) : 0;
    ff_free(v);
    return e;
}

enum ff_sync_err sc_set(struct ff_sync *c, const char *key, const char *value)
{
    if (ff_store_meta_set(c->store, key, value))
        return sc_store_fail(c, key);
    return FF_SYNC_OK;
}

enum ff_sync_err sc_set_int(struct ff_sync *c, const char *key, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    return sc_set(c, key, buf);
}

static void replace(char **slot, char *v)
{
    ff_free(*slot);
    *slot = v;
}

enum ff_sync_err sc_state_load(struct ff_sync *c)
{
    char *server = NULL, *pin = NULL, *tls = NULL, *access = NULL, *refresh = NULL;
    enum ff_sync_err e = sc_get(c, SC_K_SERVER, &server);
    if (!e)
        e = sc_get(c, SC_K_PIN, &pin);
    if (!e)
        e = sc_get(c, SC_K_TLS, &tls);
    if (!e)
        e = sc_get(c, SC_K_ACCESS, &access);
    if (!e)
        e = sc_get(c, SC_K_REFRESH, &refresh);
    if (!e && (!server || !pin || !refresh))
        e = sc_fail(c, FF_SYNC_NOT_ENROLLED,
                    "%s: no server configured: enrol first "
                    "(ffctl sync --server URL --pin PIN --enrol CODE)",
                    c->path);
    if (!e) {
        replace(&c->server, server);
        replace(&c->pin, pin);
        replace(&c->access, access);
        replace(&c->refresh, refresh);
        c->tls_ca = tls && !strcmp(tls, "ca");
        server = pin = access = refresh = NULL;
    }
    ff_free(server);
    ff_free(pin);
    ff_free(tls);
    ff_free(access);
    ff_free(refresh);
    return e;
}

/* Whether list already names id. */
static bool listed(const cJSON *list, const char *id)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, list)
    {
        const char *have = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "id"));
        if (have && !strcmp(have, id))
            return true;
    }
    return false;
}

enum ff_sync_err sc_state_rejected(struct ff_sync *c, const void *rejected_json, int64_t *total)
{
    const cJSON *add = rejected_json;
    char *old = NULL;
    int64_t count = 0;
    enum ff_sync_err e = sc_get(c, SC_K_REJECTED, &old);
    if (!e)
        e = sc_get_int(c, SC_K_REJECTED_N, &count);
    cJSON *list = old ? cJSON_Parse(old) : cJSON_CreateArray();
    ff_free(old);
    if (!e && !cJSON_IsArray(list)) {
        cJSON_Delete(list);
        list = cJSON_CreateArray();
    }
    if (e || !list)
        goto out;
    const cJSON *it;
    cJSON_ArrayForEach(it, add)
    {
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "id"));
        const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "code"));
        const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "message"));
        if (!id || !code || !strcmp(code, "seq_gap") || listed(list, id))
            continue; /* seq_gap is not a refusal: the event is pushed again */
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "id", id);
        cJSON_AddStringToObject(row, "code", code);
        cJSON_AddStringToObject(row, "message", msg ? msg : "");
        cJSON_AddItemToArray(list, row);
        count++;
    }
    while (cJSON_GetArraySize(list) > SC_REJECTED_KEEP)
        cJSON_DeleteItemFromArray(list, 0);
    char *text = cJSON_PrintUnformatted(list);
    if (!text) {
        e = sc_fail(c, FF_SYNC_LOCAL, "out of memory listing rejected events");
        goto out;
    }
    e = sc_set(c, SC_K_REJECTED, text);
    free(text);
    if (!e)
        e = sc_set_int(c, SC_K_REJECTED_N, count);
out:
    cJSON_Delete(list);
    *total = count;
    return e;
}

void sc_progress(struct ff_sync *c, const struct ff_sync_counts *n)
{
    pthread_mutex_lock(&c->mu);
    c->st.pushed = n->pushed;
    c->st.push_total = c->push_total;
    c->st.pulled = n->pulled;
    pthread_mutex_unlock(&c->mu);
}

void sc_state_publish(struct ff_sync *c, const struct ff_sync_state *st)
{
    pthread_mutex_lock(&c->mu);
    c->st = *st;
    pthread_mutex_unlock(&c->mu);
}

/* A string item, or null when v is NULL. */
static void add_text(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

enum ff_sync_err ff_sync_status_json(struct ff_sync *c, char **out)
{
    *out = NULL;
    char *server = NULL, *cursor = NULL;
    int64_t pending = 0, rejected = 0, last = 0, online = 0;
    enum ff_sync_err e = sc_get(c, SC_K_SERVER, &server);
    if (!e)
        e = sc_get(c, SC_K_CURSOR, &cursor);
    if (!e)
        e = sc_get_int(c, SC_K_REJECTED_N, &rejected);
    if (!e)
        e = sc_get_int(c, SC_K_LAST_SYNC, &last);
    if (!e)
        e = sc_get_int(c, SC_K_ONLINE, &online);
    if (!e && ff_store_pending(c->store, &pending))
        e = sc_store_fail(c, "pending");
    cJSON *o = e ? NULL : cJSON_CreateObject();
    if (o) {
        add_text(o, "server", server);
        cJSON_AddStringToObject(o, "device", ff_store_device(c->store));
        cJSON_AddNumberToObject(o, "pending", (double)pending);
        cJSON_AddNumberToObject(o, "rejected", (double)rejected);
        add_text(o, "cursor", cursor);
        if (last)
            cJSON_AddNumberToObject(o, "last_sync", (double)last);
        else
            cJSON_AddNullToObject(o, "last_sync");
        cJSON_AddBoolToObject(o, "online", online != 0);
        char *text = cJSON_PrintUnformatted(o);
        *out = text ? ff_strdup(text) : NULL;
        free(text);
        if (!*out)
            e = sc_fail(c, FF_SYNC_LOCAL, "out of memory");
    } else if (!e) {
        e = sc_fail(c, FF_SYNC_LOCAL, "out of memory");
    }
    cJSON_Delete(o);
    ff_free(server);
    ff_free(cursor);
    return e;
}

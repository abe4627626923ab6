/* sc_auth.c - enrolment, token refresh, and requests that carry the access token.
 *
 * Invariants (PROTOCOL.md sections 1-2): a 401 never touches the queue: the request is sent
 * again, unchanged, after one refresh; when the refresh is refused the tokens stay as they
 * were and the error says "enrol again". New tokens are saved in one transaction, so a crash
 * keeps either the old pair (still valid for 5 minutes on the server) or the new one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "sc_int.h"

static const char *str_of(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* A 5xx or 429 is the server's trouble, not the device's: retry later. */
static enum ff_sync_err busy(struct ff_sync *c, const char *what, const struct sc_reply *r)
{
    c->retry_after_s = r->retry_after_s;
    return sc_fail(c, FF_SYNC_UNREACHABLE, "%s: server busy or unavailable (HTTP %ld %s)", what,
                   r->status, r->code);
}

static bool busy_status(long status)
{
    return status == 429 || status >= 500;
}

/* Saves a token pair (and, at enrolment, the rest) in one transaction. */
static enum ff_sync_err save_tokens(struct ff_sync *c, const char *access, const char *refresh)
{
    if (ff_store_begin(c->store))
        return sc_store_fail(c, "saving tokens");
    enum ff_sync_err e = sc_set(c, SC_K_ACCESS, access);
    if (!e)
        e = sc_set(c, SC_K_REFRESH, refresh);
    if (!e && ff_store_commit(c->store))
        e = sc_store_fail(c, "saving tokens");
    if (e)
        ff_store_rollback(c->store);
    return e;
}

static enum ff_sync_err refresh_tokens(struct ff_sync *c)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "refresh_token", c->refresh ? c->refresh : "");
    char *body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    if (!body)
        return sc_fail(c, FF_SYNC_LOCAL, "out of memory");
    struct sc_request q = {.method = "POST",
                           .path = "/v1/token",
                           .content_type = "application/json",
                           .body = body,
                           .len = strlen(body)};
    struct sc_reply r;
    enum ff_sync_err e = sc_http(c, NULL, c->tls_ca, &q, &r);
    free(body);
    if (e)
        return e;
    if (busy_status(r.status)) {
        e = busy(c, "refreshing the token", &r);
    } else if (r.status != 200) {
        e = sc_fail(c, FF_SYNC_REFUSED,
                    "the server refused to renew this device's token (HTTP %ld %s: %s): "
                    "enrol again; every event is kept",
                    r.status, r.code, r.message);
    } else {
        cJSON *j = cJSON_ParseWithLength(r.body, r.len);
        const char *access = str_of(j, "access_token"), *refresh = str_of(j, "refresh_token");
        if (!access || !refresh)
            e = sc_fail(c, FF_SYNC_PROTOCOL,
                        "/v1/token: reply without access_token and "
                        "refresh_token");
        if (!e)
            e = save_tokens(c, access, refresh);
        if (!e)
            e = sc_state_load(c);
        cJSON_Delete(j);
    }
    sc_reply_free(&r);
    return e;
}

enum ff_sync_err sc_call(struct ff_sync *c, struct sc_request *q, struct sc_reply *r)
{
    memset(r, 0, sizeof *r);
    enum ff_sync_err e = c->access ? FF_SYNC_OK : refresh_tokens(c);
    for (int attempt = 0; !e; attempt++) {
        q->bearer = c->access;
        if ((e = sc_http(c, NULL, c->tls_ca, q, r)))
            break;
        if (busy_status(r->status)) {
            e = busy(c, q->path, r);
            sc_reply_free(r);
        } else if (r->status == 401 && !strcmp(r->code, "device_revoked")) {
            e = sc_fail(c, FF_SYNC_REFUSED,
                        "this device was revoked on the server: enrol again; every event is kept");
            sc_reply_free(r);
        } else if (r->status == 401 && attempt == 0) {
            sc_reply_free(r);
            e = refresh_tokens(c); /* then the same request once more */
            continue;
        } else if (r->status == 401) {
            e = sc_fail(c, FF_SYNC_REFUSED,
                        "a fresh token was refused (%s): enrol again; "
                        "every event is kept",
                        r->code);
            sc_reply_free(r);
        }
        break;
    }
    return e;
}

/* The enrolment body: code, this store's device id, a name. */
static char *enrol_body(struct ff_sync *c, const char *code, const char *name)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "code", code);
    cJSON_AddStringToObject(req, "device_id", ff_store_device(c->store));
    cJSON_AddStringToObject(req, "name", name ? name : ff_store_device(c->store));
    char *body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    return body;
}

static enum ff_sync_err save_enrolment(struct ff_sync *c, const char *url, const char *pin,
                                       bool tls_ca, const struct sc_reply *r)
{
    cJSON *j = cJSON_ParseWithLength(r->body, r->len);
    const char *access = str_of(j, "access_token"), *refresh = str_of(j, "refresh_token");
    const char *cursor = str_of(j, "cursor");
    char *scope = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(j, "scope"));
    enum ff_sync_err e = FF_SYNC_OK;
    if (!access || !refresh)
        e = sc_fail(c, FF_SYNC_PROTOCOL,
                    "/v1/enrol: reply without access_token and "
                    "refresh_token");
    else if (ff_store_begin(c->store))
        e = sc_store_fail(c, "saving the enrolment");
    if (!e) {
        e = sc_set(c, SC_K_SERVER, url);
        e = e ? e : sc_set(c, SC_K_PIN, pin);
        e = e ? e : sc_set(c, SC_K_TLS, tls_ca ? "ca" : "pin");
        e = e ? e : sc_set(c, SC_K_ACCESS, access);
        e = e ? e : sc_set(c, SC_K_REFRESH, refresh);
        e = e ? e : sc_set(c, SC_K_SCOPE, scope ? scope : "{}");
        e = e ? e : sc_set(c, SC_K_CURSOR, cursor ? cursor : "");
        if (!e && ff_store_commit(c->store))
            e = sc_store_fail(c, "saving the enrolment");
        if (e)
            ff_store_rollback(c->store);
    }
    free(scope);
    cJSON_Delete(j);
    return e ? e : sc_state_load(c);
}

enum ff_sync_err ff_sync_enrol(struct ff_sync *c, const char *url, const char *pin,
                               const char *code, const char *name)
{
    if (!url || strncmp(url, "https://", 8) || !url[8])
        return sc_fail(c, FF_SYNC_LOCAL, "server '%s': must be https://HOST:PORT", url ? url : "");
    if (!pin || strncmp(pin, "sha256//", 8) || !pin[8])
        return sc_fail(c, FF_SYNC_LOCAL,
                       "pin '%s': must be sha256//BASE64 (the server prints "
                       "it at start)",
                       pin ? pin : "");
    if (!code || !code[0])
        return sc_fail(c, FF_SYNC_LOCAL, "an enrolment code is required");
    char base[1024];
    snprintf(base, sizeof base, "%s", url);
    size_t n = strlen(base);
    while (n > 8 && base[n - 1] == '/')
        base[--n] = '\0';
    char *body = enrol_body(c, code, name);
    char *pin_copy = ff_strdup(pin);
    if (!body || !pin_copy) {
        free(body);
        ff_free(pin_copy);
        return sc_fail(c, FF_SYNC_LOCAL, "out of memory");
    }
    ff_free(c->pin);
    c->pin = pin_copy;
    struct sc_request q = {.method = "POST",
                           .path = "/v1/enrol",
                           .content_type = "application/json",
                           .body = body,
                           .len = strlen(body)};
    struct sc_reply r;
    bool tls_ca = true; /* a CA-issued certificate is verified too; self-signed: the pin alone */
    enum ff_sync_err e = sc_http(c, base, tls_ca, &q, &r);
    if (e && sc_http_chain_failed(c)) {
        tls_ca = false;
        e = sc_http(c, base, tls_ca, &q, &r);
    }
    free(body);
    if (e)
        return e;
    if (r.status == 200 || r.status == 201)
        e = save_enrolment(c, base, pin, tls_ca, &r);
    else if (busy_status(r.status))
        e = busy(c, "enrolment", &r);
    else if (r.status == 403 || r.status == 409)
        e = sc_fail(c, FF_SYNC_REFUSED, "enrolment refused (%s): %s", r.code, r.message);
    else
        e = sc_fail(c, FF_SYNC_PROTOCOL, "enrolment: HTTP %ld %s: %s", r.status, r.code, r.message);
    sc_reply_free(&r);
    return e;
}

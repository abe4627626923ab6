/* srv_api.c - the handlers of enrolment, tokens, health and metrics (sync/PROTOCOL.md
 * sections 1, 2 and 7). Each takes a store from the pool only for its database calls and
 * answers with a stable error code; a refusal changes nothing. */
#include <cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "srv_decode.h"
#include "srv_int.h"

static const char *kind_name(enum srv_kind k)
{
    switch (k) {
    case SRV_KIND_KIOSK:
        return "kiosk";
    case SRV_KIND_ENGINEER:
        return "engineer";
    case SRV_KIND_DESK:
        return "desk";
    case SRV_KIND_SERVER:
        return "server";
    }
    return "desk";
}

/* Replies with obj as JSON (obj deleted), server_time added. */
static void reply_json(struct srv_reply *r, unsigned status, cJSON *obj)
{
    char *text = NULL;
    if (obj && cJSON_AddNumberToObject(obj, "server_time", (double)srv_now_ms()))
        text = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    if (!text) {
        srv_reply_error(r, 503, "unavailable", "", "out of memory");
        return;
    }
    srv_reply_text(r, status, "application/json", text, strlen(text));
    cJSON_free(text);
}

static void reply_store_error(struct srv_reply *r, enum ff_err e)
{
    srv_reply_error(r, 503, "unavailable", "",
                    e == FF_EDB ? "the database failed; retry" : ff_strerror(e));
}

static void add_tokens(cJSON *o, const struct srv_tokens *t)
{
    cJSON_AddStringToObject(o, "access_token", t->access);
    cJSON_AddNumberToObject(o, "access_expires", (double)t->access_expires);
    cJSON_AddStringToObject(o, "refresh_token", t->refresh);
    cJSON_AddNumberToObject(o, "refresh_expires", (double)t->refresh_expires);
}

static cJSON *scope_json(const struct srv_device *d)
{
    cJSON *sc = cJSON_CreateObject();
    cJSON_AddStringToObject(sc, "kind", kind_name(d->kind));
    if (d->site[0])
        cJSON_AddStringToObject(sc, "site", d->site);
    if (d->engineer[0])
        cJSON_AddStringToObject(sc, "engineer", d->engineer);
    return sc;
}

void srv_api_enrol(struct srv_server *s, struct srv_call *c, struct srv_reply *r)
{
    int64_t now = srv_now_ms();
    int retry;
    if (!srv_rate_allowed(s->enrol_rate, c->addr, now, &retry)) {
        srv_reply_error(r, 429, "rate_limited", "", "too many enrolment attempts");
        r->retry_after = retry;
        return;
    }
    srv_rate_count(s->enrol_rate, c->addr, now);
    struct srv_enrol_req req;
    struct srv_derr derr;
    if (srv_decode_enrol(c->body ? c->body : "", c->len, &req, &derr) != FF_OK) {
        srv_reply_error(r, srv_derr_status(&derr), derr.code, derr.field, derr.message);
        return;
    }
    uint8_t hash[32];
    srv_auth_code_hash(req.code, hash);
    struct srv_store *st;
    enum ff_err e = srv_pool_get(&s->pool, &st);
    if (e) {
        reply_store_error(r, e);
        return;
    }
    struct srv_device dev;
    struct srv_tokens tok;
    e = srv_store_enrol(st, hash, now, req.device_id, req.name, &dev);
    if (!e)
        e = srv_auth_issue(st, dev.id, now, s->cfg.access_ttl * INT64_C(1000), &tok);
    srv_pool_put(&s->pool, st, e == FF_EDB);
    if (e == FF_ENOTFOUND) {
        srv_rate_count(s->auth_rate, c->addr, now);
        srv_reply_error(r, 403, "code_invalid", "code", "unknown, used or expired code");
        return;
    }
    if (e == FF_ESTATE) {
        srv_reply_error(r, 409, "device_exists", "device_id",
                        "this device is enrolled; enrol-code --device ID enrols it again");
        return;
    }
    if (e) {
        reply_store_error(r, e);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "device_id", dev.id);
    add_tokens(o, &tok);
    cJSON_AddStringToObject(o, "server_key_pin", s->pin);
    cJSON_AddItemToObject(o, "scope", scope_json(&dev));
    cJSON_AddStringToObject(o, "cursor", "");
    reply_json(r, 201, o);
    explicit_bzero(&tok, sizeof tok);
}

void srv_api_token(struct srv_server *s, struct srv_call *c, struct srv_reply *r)
{
    int64_t now = srv_now_ms();
    int retry;
    if (!srv_rate_allowed(s->auth_rate, c->addr, now, &retry)) {
        srv_reply_error(r, 429, "rate_limited", "", "too many failed authentications");
        r->retry_after = retry;
        return;
    }
    struct srv_token_req req;
    struct srv_derr derr;
    if (srv_decode_token(c->body ? c->body : "", c->len, &req, &derr) != FF_OK) {
        srv_reply_error(r, srv_derr_status(&derr), derr.code, derr.field, derr.message);
        return;
    }
    struct srv_store *st;
    enum ff_err e = srv_pool_get(&s->pool, &st);
    if (e) {
        reply_store_error(r, e);
        return;
    }
    struct srv_device dev;
    struct srv_tokens tok;
    const char *code = NULL;
    e = srv_auth_check(st, req.refresh_token, true, now, &dev, &code);
    if (!e)
        e = srv_auth_issue(st, dev.id, now, s->cfg.access_ttl * INT64_C(1000), &tok);
    if (!e) {
        uint8_t old[32];
        srv_auth_token_hash(req.refresh_token, old);
        e = srv_store_token_cut(st, old, now + SRV_REFRESH_GRACE_MS);
    }
    srv_pool_put(&s->pool, st, e == FF_EDB);
    explicit_bzero(&req, sizeof req);
    if (code) {
        srv_rate_count(s->auth_rate, c->addr, now);
        srv_reply_error(r, 401, code, "refresh_token", "refresh failed: enrol again if it lasts");
        return;
    }
    if (e) {
        reply_store_error(r, e);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "device_id", dev.id);
    add_tokens(o, &tok);
    reply_json(r, 200, o);
    explicit_bzero(&tok, sizeof tok);
}

void srv_api_health(struct srv_server *s, struct srv_call *c, struct srv_reply *r)
{
    (void)c;
    struct srv_store *st;
    int64_t head = 0;
    enum ff_err e = srv_pool_get(&s->pool, &st);
    if (!e) {
        e = srv_store_head(st, &head);
        srv_pool_put(&s->pool, st, e == FF_EDB);
    }
    if (e) {
        reply_store_error(r, e);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", "ok");
    cJSON_AddNumberToObject(o, "protocol", SW_PROTOCOL);
    cJSON_AddStringToObject(o, "instance", s->cfg.instance);
    reply_json(r, 200, o);
}

void srv_api_metrics(struct srv_server *s, struct srv_call *c, struct srv_reply *r)
{
    (void)c;
    struct srv_store *st;
    struct srv_stats stats = {0};
    enum ff_err e = srv_pool_get(&s->pool, &st);
    if (!e) {
        e = srv_store_stats(st, &stats);
        srv_pool_put(&s->pool, st, e == FF_EDB);
    }
    char *text = NULL;
    size_t len = 0;
    if (!e)
        e = srv_metrics_render(s->metrics, &stats, atomic_load(&s->inflight), &text, &len);
    if (e) {
        reply_store_error(r, e);
        return;
    }
    r->status = 200;
    r->body = text;
    r->len = len;
    r->ctype = "text/plain; version=0.0.4";
}

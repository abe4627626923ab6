/* srv_decode.c - request bodies and parameters -> checked structs (srv_decode.h).
 *
 * Invariant: a decoder either fills *out completely or returns a refusal with a protocol
 * code, a field and a message; nothing here allocates outside the push request, which owns
 * its events until srv_push_req_free.
 */
#include "srv_decode.h"

#include <cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "fieldflow/store.h"

static enum ff_err refuse(struct srv_derr *err, enum ff_err e, const char *code, const char *field,
                          const char *message)
{
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field);
    snprintf(err->message, sizeof err->message, "%s", message);
    return e;
}

unsigned srv_derr_status(const struct srv_derr *err)
{
    if (!strcmp(err->code, "too_large"))
        return 413;
    return strcmp(err->code, "unavailable") ? 400 : 503;
}

/* A JSON object body, or a refusal. */
static enum ff_err parse_object(const char *body, size_t len, cJSON **out, struct srv_derr *err)
{
    *out = NULL;
    if (len > SW_BODY_MAX)
        return refuse(err, FF_ELIMIT, "too_large", "", "the body is too large");
    if (memchr(body, '\0', len))
        return refuse(err, FF_EPARSE, "bad_json", "", "a NUL byte in the body");
    cJSON *j = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return refuse(err, FF_EPARSE, "bad_json", "", "the body is not a JSON object");
    }
    *out = j;
    return FF_OK;
}

/* Copies the string member `name` into buf (cap bytes incl. NUL). Absent: "" if optional. */
static enum ff_err get_str(const cJSON *obj, const char *name, bool required, char *buf, size_t cap,
                           struct srv_derr *err)
{
    buf[0] = '\0';
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v || cJSON_IsNull(v)) {
        if (required)
            return refuse(err, FF_EPARSE, "bad_json", name, "missing");
        return FF_OK;
    }
    if (!cJSON_IsString(v))
        return refuse(err, FF_EPARSE, "bad_json", name, "must be a string");
    size_t n = strlen(v->valuestring);
    if (n >= cap)
        return refuse(err, FF_EPARSE, "bad_json", name, "too long");
    if (required && n == 0)
        return refuse(err, FF_EPARSE, "bad_json", name, "empty");
    memcpy(buf, v->valuestring, n + 1);
    return FF_OK;
}

static bool printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

enum ff_err srv_decode_enrol(const char *body, size_t len, struct srv_enrol_req *out,
                             struct srv_derr *err)
{
    memset(out, 0, sizeof *out);
    cJSON *j;
    enum ff_err e = parse_object(body, len, &j, err);
    if (e)
        return e;
    e = get_str(j, "code", true, out->code, sizeof out->code, err);
    if (!e)
        e = get_str(j, "device_id", true, out->device_id, sizeof out->device_id, err);
    if (!e && !ff_event_id_valid(out->device_id))
        e = refuse(err, FF_EPARSE, "bad_json", "device_id", "must be [A-Za-z0-9._-]{1,64}");
    if (!e)
        e = get_str(j, "name", false, out->name, sizeof out->name, err);
    if (!e && !printable(out->name))
        e = refuse(err, FF_EPARSE, "bad_json", "name", "control characters");
    cJSON_Delete(j);
    if (e)
        memset(out, 0, sizeof *out);
    return e;
}

enum ff_err srv_decode_token(const char *body, size_t len, struct srv_token_req *out,
                             struct srv_derr *err)
{
    memset(out, 0, sizeof *out);
    cJSON *j;
    enum ff_err e = parse_object(body, len, &j, err);
    if (e)
        return e;
    e = get_str(j, "refresh_token", true, out->refresh_token, sizeof out->refresh_token, err);
    cJSON_Delete(j);
    if (e)
        memset(out, 0, sizeof *out);
    return e;
}

/* A decimal integer in [lo, hi]; "" or junk is false. */
static bool int_in(const char *s, long lo, long hi, long *out)
{
    if (!s[0] || strlen(s) > 9)
        return false;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

enum ff_err srv_decode_pull(const char *after, const char *limit, const char *wait,
                            struct srv_pull_req *out, struct srv_derr *err)
{
    memset(out, 0, sizeof *out);
    out->limit = SW_PULL_LIMIT_DEFAULT;
    if (after && sw_cursor_parse(after, &out->epoch, &out->after) != FF_OK)
        return refuse(err, FF_EPARSE, "bad_request", "after", "not a cursor");
    long v;
    if (limit) {
        if (!int_in(limit, 1, SW_PULL_LIMIT_MAX, &v))
            return refuse(err, FF_EPARSE, "bad_request", "limit", "must be 1 to 5000");
        out->limit = (int)v;
    }
    if (wait) {
        if (!int_in(wait, 0, SW_WAIT_MAX_S, &v))
            return refuse(err, FF_EPARSE, "bad_request", "wait", "must be 0 to 30");
        out->wait_s = (int)v;
    }
    return FF_OK;
}

void srv_push_req_free(struct srv_push_req *r)
{
    for (size_t i = 0; r->items && i < r->n; i++)
        ff_event_clear(&r->items[i].ev);
    ff_free(r->items);
    sw_lines_free(&r->lines);
    memset(r, 0, sizeof *r);
}

/* A string member that is a valid id, copied; anything else leaves buf as it is. */
static void id_member(const cJSON *obj, const char *name, char *buf)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (cJSON_IsString(v) && ff_event_id_valid(v->valuestring))
        snprintf(buf, FF_EVENT_ID_MAX + 1, "%s", v->valuestring);
}

/* The scope keys of PROTOCOL section 4 from an event's (canonical) payload. */
static enum ff_err scope_keys(struct srv_push_item *it)
{
    const char *text = it->ev.payload ? it->ev.payload : "{}";
    if (!strstr(text, "_id\"") && !strstr(text, "\"assignee\""))
        return FF_OK; /* no key can be there: spare the second parse (most events) */
    cJSON *p = cJSON_Parse(text);
    if (!p)
        return FF_ENOMEM; /* the decoder already parsed this text once */
    id_member(p, "case_id", it->case_id);
    id_member(p, "customer_id", it->customer_id);
    id_member(p, "engineer_id", it->assignee);
    id_member(p, "assignee", it->assignee);
    if (!strcmp(it->ev.type, "case.field_edited")) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(p, "field");
        const char *field = cJSON_IsString(f) ? f->valuestring : "";
        if (!strcmp(field, "assignee"))
            id_member(p, "value", it->assignee);
        else if (!strcmp(field, "customer_id"))
            id_member(p, "value", it->customer_id);
    }
    cJSON_Delete(p);
    return FF_OK;
}

static enum ff_err push_head(const char *head, size_t len, size_t lines, struct srv_push_req *out,
                             struct srv_derr *err)
{
    cJSON *j;
    enum ff_err e = parse_object(head, len, &j, err);
    if (e) {
        snprintf(err->field, sizeof err->field, "line 1");
        return e;
    }
    e = get_str(j, "device", true, out->device, sizeof out->device, err);
    if (!e && !ff_event_id_valid(out->device))
        e = refuse(err, FF_EPARSE, "bad_json", "device", "must be [A-Za-z0-9._-]{1,64}");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "count");
    if (!e && (!cJSON_IsNumber(c) || c->valuedouble != (double)lines))
        e = refuse(err, FF_EPARSE, "bad_json", "count", "differs from the event lines sent");
    cJSON_Delete(j);
    return e;
}

enum ff_err srv_decode_push(const char *body, size_t len, struct srv_push_req *out,
                            struct srv_derr *err)
{
    memset(out, 0, sizeof *out);
    char why[320] = "";
    enum ff_err e =
        sw_lines_split(body, len, FF_STORE_BATCH_MAX_EVENTS, &out->lines, why, sizeof why);
    if (e) {
        /* why starts "line N: ..." when a line is to blame: the field is that part */
        char field[32] = "";
        size_t n = strcspn(why, ":");
        if (!strncmp(why, "line ", 5) && why[n] == ':' && n < sizeof field)
            snprintf(field, sizeof field, "%.*s", (int)n, why);
        return refuse(err, e, e == FF_ELIMIT ? "too_large" : "bad_json", field, why);
    }
    e = push_head(out->lines.head, out->lines.head_len, out->lines.n, out, err);
    if (e)
        return e;
    out->items = ff_calloc(out->lines.n ? out->lines.n : 1, sizeof *out->items);
    if (!out->items)
        return refuse(err, FF_ENOMEM, "unavailable", "", "out of memory");
    for (size_t i = 0; i < out->lines.n; i++) {
        struct srv_push_item *it = &out->items[i];
        char field[32];
        snprintf(field, sizeof field, "line %zu", i + 2);
        it->line = out->lines.line[i];
        it->len = out->lines.len[i];
        out->n = i + 1;
        e = ff_event_decode(it->line, it->len, &it->ev, why, sizeof why);
        if (e == FF_ENOMEM)
            return refuse(err, e, "unavailable", field, "out of memory");
        if (e)
            return refuse(err, FF_EPARSE, "bad_json", field, why);
        for (size_t k = i; k-- > 0;) {
            const struct ff_event *prev = &out->items[k].ev;
            if (!strcmp(prev->device, it->ev.device)) {
                if (prev->seq >= it->ev.seq)
                    return refuse(err, FF_EPARSE, "bad_json", field,
                                  "seq does not ascend for its device");
                break;
            }
        }
        it->digest = ff_event_digest(&it->ev);
        if (scope_keys(it) != FF_OK)
            return refuse(err, FF_ENOMEM, "unavailable", field, "out of memory");
    }
    return FF_OK;
}

bool srv_decode_sha256_hex(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')) || n >= 64)
            return false;
    return n == 64;
}

static bool num(const char **p, char stop, int64_t *out)
{
    const char *s = *p;
    int64_t v = 0;
    int n = 0;
    for (; *s >= '0' && *s <= '9'; s++, n++) {
        if (n >= 15)
            return false;
        v = v * 10 + (*s - '0');
    }
    if (n == 0 || *s != stop)
        return false;
    *out = v;
    *p = stop ? s + 1 : s;
    return true;
}

enum ff_err srv_decode_content_range(const char *s, int64_t *from, int64_t *to, int64_t *total,
                                     struct srv_derr *err)
{
    *from = *to = *total = 0;
    if (!s || strncmp(s, "bytes ", 6))
        return refuse(err, FF_EPARSE, "bad_request", "Content-Range", "want bytes FROM-TO/TOTAL");
    const char *p = s + 6;
    int64_t f, t, n;
    if (!num(&p, '-', &f) || !num(&p, '/', &t) || !num(&p, '\0', &n) || f > t || t >= n)
        return refuse(err, FF_EPARSE, "bad_request", "Content-Range", "want bytes FROM-TO/TOTAL");
    *from = f;
    *to = t;
    *total = n;
    return FF_OK;
}

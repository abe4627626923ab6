/* sc_http.c - one HTTPS exchange with the sync server (libcurl easy interface).
 *
 * Workload: a few requests per pass on one reused easy handle (keep-alive), bodies up to a few
 * MiB, replies up to a pull page. Invariants: the pin is set on every request and a mismatch
 * is REFUSED, never retried without it; a reply is read into memory only up to the request's
 * cap (inflated bytes: curl inflates gzip replies before the write callback); a transfer can
 * be ended from another thread (stop, or a poke during a long-poll): the thread sets an atomic
 * and wakes the multi handle's poll.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
#include <curl/curl.h>

#include "fieldflow/mem.h"
#include "sc_int.h"
#include "sync_wire.h"

#define GZIP_FROM 512 /* smaller bodies go as they are: gzip would not pay for its header */

struct sink {
    char *p;       /* received bytes, NUL-terminated; owned until handed to the reply */
    size_t len;    /* bytes received */
    size_t cap;    /* allocated */
    size_t max;    /* the request's cap */
    bool over;     /* more than max came */
    bool nomem;    /* growing failed */
    int64_t retry; /* Retry-After seconds */
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    struct sink *k = arg;
    size_t add = size * n;
    if (add > k->max - k->len) {
        k->over = true;
        return 0;
    }
    if (k->len + add + 1 > k->cap) {
        size_t cap = k->cap ? k->cap : 16384;
        while (cap < k->len + add + 1)
            cap *= 2;
        char *p = ff_realloc(k->p, cap);
        if (!p) {
            k->nomem = true;
            return 0;
        }
        k->p = p;
        k->cap = cap;
    }
    memcpy(k->p + k->len, data, add);
    k->len += add;
    k->p[k->len] = '\0';
    return add;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
    struct sink *k = arg;
    size_t len = size * n;
    static const char name[] = "retry-after:";
    if (len > sizeof name && !strncasecmp(data, name, sizeof name - 1)) {
        char num[24] = {0};
        size_t i = sizeof name - 1, j = 0;
        while (i < len && data[i] == ' ')
            i++;
        while (i < len && j + 1 < sizeof num && isdigit((unsigned char)data[i]))
            num[j++] = data[i++];
        k->retry = strtoll(num, NULL, 10);
    }
    return len;
}

/* The transfer must end now: stop, or a poke while it is a long-poll. */
static bool must_abort(const struct ff_sync *c, bool abortable)
{
    return atomic_load(&c->quit) || (abortable && atomic_load(&c->poked));
}

/* curl_easy_perform through the handle's multi, so that a poke or stop from another thread
 * (curl_multi_wakeup) ends a long-poll at once instead of at curl's next progress tick. The
 * connection cache lives in the multi: keep-alive across requests as before. */
static CURLcode perform(struct ff_sync *c, CURL *h, bool abortable)
{
    CURLM *m = c->multi;
    if (curl_multi_add_handle(m, h) != CURLM_OK)
        return CURLE_OUT_OF_MEMORY;
    CURLcode rc = CURLE_OK;
    int running = 1;
    for (;;) {
        if (curl_multi_perform(m, &running) != CURLM_OK) {
            rc = CURLE_OUT_OF_MEMORY;
            break;
        }
        if (!running)
            break;
        if (must_abort(c, abortable)) {
            rc = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        if (curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK) {
            rc = CURLE_OUT_OF_MEMORY;
            break;
        }
    }
    CURLMsg *msg;
    int left = 0;
    while (!running && (msg = curl_multi_info_read(m, &left)))
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == h)
            rc = msg->data.result;
    curl_multi_remove_handle(m, h);
    return rc;
}

void sc_reply_free(struct sc_reply *r)
{
    sc_wipe_free(r->body, r->len);
    memset(r, 0, sizeof *r);
}

/* error.code and error.message of an error body (PROTOCOL.md section 0). */
static void read_error(struct sc_reply *r)
{
    cJSON *j = r->body ? cJSON_ParseWithLength(r->body, r->len) : NULL;
    cJSON *err = cJSON_GetObjectItemCaseSensitive(j, "error");
    const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(err, "code"));
    const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(err, "message"));
    snprintf(r->code, sizeof r->code, "%s", code ? code : "");
    snprintf(r->message, sizeof r->message, "%s", msg ? msg : "");
    cJSON_Delete(j);
}

static enum ff_sync_err curl_failed(struct ff_sync *c, CURLcode rc, const char *base,
                                    const char *errbuf, const struct sink *k)
{
    const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
        return sc_fail(c, FF_SYNC_REFUSED,
                       "pin mismatch: the server at %s does not have the pinned key %s; "
                       "refusing to sync (check the pin, or enrol again)",
                       base, c->pin ? c->pin : "");
    if (rc == CURLE_PEER_FAILED_VERIFICATION)
        return sc_fail(c, FF_SYNC_REFUSED, "the certificate of %s does not verify: %s", base,
                       detail);
    if (k->over)
        return sc_fail(c, FF_SYNC_PROTOCOL, "%s: reply larger than %zu bytes", base, k->max);
    if (k->nomem)
        return sc_fail(c, FF_SYNC_LOCAL, "out of memory reading a reply");
    if (rc == CURLE_ABORTED_BY_CALLBACK)
        return sc_fail(c, FF_SYNC_UNREACHABLE, "transfer interrupted");
    return sc_fail(c, FF_SYNC_UNREACHABLE, "server %s unreachable: %s", base, detail);
}

static struct curl_slist *headers_for(const struct sc_request *q, bool gz, bool *ok)
{
    char line[600];
    struct curl_slist *h = NULL, *t;
    *ok = true;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        snprintf(line, sizeof line, __VA_ARGS__);                                                  \
        if (!(t = curl_slist_append(h, line)))                                                     \
            *ok = false;                                                                           \
        else                                                                                       \
            h = t;                                                                                 \
    } while (0)
    ADD("FF-Protocol: %d", SW_PROTOCOL);
    ADD("Expect:"); /* no 100-continue round trip */
    if (q->content_type)
        ADD("Content-Type: %s", q->content_type);
    if (gz)
        ADD("Content-Encoding: gzip");
    if (q->bearer)
        ADD("Authorization: Bearer %s", q->bearer);
#undef ADD
    return h;
}

static void set_options(struct ff_sync *c, CURL *h, const char *url, bool tls_ca,
                        const struct sc_request *q, struct sink *k, char *errbuf)
{
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, c->pin);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, tls_ca ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, tls_ca ? 2L : 0L);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)c->cfg.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)c->cfg.timeout_ms + 1000L * q->wait_s);
    /* a connection that stalls (no byte for 10 s beyond a long-poll's wait) is given up long
     * before the whole request's timeout */
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 10L + q->wait_s);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, k);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, k);
    if (!strcmp(q->method, "GET"))
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    else if (strcmp(q->method, "POST")) /* POSTFIELDS makes a POST */
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method);
}

enum ff_sync_err sc_http(struct ff_sync *c, const char *base, bool tls_ca,
                         const struct sc_request *q, struct sc_reply *r)
{
    memset(r, 0, sizeof *r);
    c->curl_code = CURLE_OK;
    c->over_cap = false;
    base = base ? base : c->server;
    if (!base || !c->pin)
        return sc_fail(c, FF_SYNC_NOT_ENROLLED, "no server configured: enrol first");
    char url[2048];
    if ((size_t)snprintf(url, sizeof url, "%s%s", base, q->path) >= sizeof url)
        return sc_fail(c, FF_SYNC_LOCAL, "URL too long");

    char *gz = NULL;
    size_t gz_len = 0;
    if (q->body && q->len >= GZIP_FROM && sw_gzip(q->body, q->len, &gz, &gz_len))
        return sc_fail(c, FF_SYNC_LOCAL, "out of memory compressing a request");
    bool ok = true;
    struct curl_slist *hdr = headers_for(q, gz != NULL, &ok);
    if (!ok) {
        curl_slist_free_all(hdr);
        sc_wipe_free(gz, gz_len);
        return sc_fail(c, FF_SYNC_LOCAL, "out of memory building headers");
    }

    CURL *h = c->curl;
    char errbuf[CURL_ERROR_SIZE] = {0};
    struct sink k = {.max = q->cap ? q->cap : SC_REPLY_MAX};
    curl_easy_reset(h);
    set_options(c, h, url, tls_ca, q, &k, errbuf);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    if (q->body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, gz ? gz : q->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(gz ? gz_len : q->len));
    }
    CURLcode rc = perform(c, h, q->abortable);
    curl_slist_free_all(hdr);
    sc_wipe_free(gz, gz_len);
    c->curl_code = rc;
    c->over_cap = k.over;
    if (rc != CURLE_OK) {
        sc_wipe_free(k.p, k.len);
        return curl_failed(c, rc, base, errbuf, &k);
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    r->body = k.p;
    r->len = k.len;
    r->retry_after_s = k.retry;
    if (r->status >= 400)
        read_error(r);
    return FF_SYNC_OK;
}

bool sc_http_aborted(const struct ff_sync *c)
{
    return c->curl_code == CURLE_ABORTED_BY_CALLBACK;
}

bool sc_http_chain_failed(const struct ff_sync *c)
{
    return c->curl_code == CURLE_PEER_FAILED_VERIFICATION;
}

/* srv_http.c - fieldflow-server's HTTP layer on libmicrohttpd: TLS, the route table, request
 * bodies read under a cap, gzip both ways, token checks, replies with FF-Server-Time, logs and
 * metrics per request, and the graceful stop.
 *
 * One thread per connection (MHD_USE_THREAD_PER_CONNECTION): a long-poll simply blocks its
 * own thread. Invariants: a body is never buffered past SW_BODY_MAX (the rest is read and
 * dropped, then 413); a handler runs only after every check of its route passed, so a 4xx
 * from here changed nothing; every reply says the server time.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fieldflow/mem.h"
#include "srv_int.h"
#include "srv_log.h"
#include "sync_wire.h"

#define DISCARD_MAX (4 * (size_t)SW_BODY_MAX) /* past this, an oversize body drops the link */
#define GZIP_MIN 512                          /* smaller replies are not worth compressing */

enum need { NEED_NONE, NEED_TOKEN };

struct route {
    const char *prefix; /* the path, or its prefix when prefix_match */
    bool prefix_match;
    const char *methods;   /* space-separated */
    const char *body_type; /* the Content-Type a body must have (NULL: no body expected) */
    enum need need;
    enum srv_endpoint ep;
    void (*fn)(struct srv_server *, struct srv_call *, struct srv_reply *);
};

static const struct route ROUTES[] = {
    {"/v1/enrol", false, "POST", "application/json", NEED_NONE, SRV_EP_ENROL, srv_api_enrol},
    {"/v1/token", false, "POST", "application/json", NEED_NONE, SRV_EP_TOKEN, srv_api_token},
    {"/v1/push", false, "POST", "application/x-ndjson", NEED_TOKEN, SRV_EP_PUSH, srv_api_push},
    {"/v1/pull", false, "GET", NULL, NEED_TOKEN, SRV_EP_PULL, srv_api_pull},
    {"/v1/attachments/", true, "HEAD GET PUT", "application/octet-stream", NEED_TOKEN,
     SRV_EP_ATTACHMENT, srv_attach},
    {"/v1/health", false, "GET", NULL, NEED_NONE, SRV_EP_HEALTH, srv_api_health},
    {"/metrics", false, "GET", NULL, NEED_NONE, SRV_EP_METRICS, srv_api_metrics},
};

/* Per-request state, made on the first call and freed when the request completes. */
struct req {
    const struct route *route; /* NULL: no such path */
    enum srv_endpoint ep;
    const char *tail;
    struct timespec start;
    char addr[INET6_ADDRSTRLEN];
    char *body; /* what came so far, NUL-terminated */
    size_t len, cap;
    size_t dropped; /* bytes read past the cap */
    bool answered;  /* a reply is queued */
};

int64_t srv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void srv_wake(struct srv_server *s)
{
    pthread_mutex_lock(&s->wake_lock);
    s->generation++;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->wake_lock);
}

bool srv_stopping(struct srv_server *s)
{
    pthread_mutex_lock(&s->wake_lock);
    bool stop = s->stopping;
    pthread_mutex_unlock(&s->wake_lock);
    return stop;
}

const char *srv_call_header(const struct srv_call *c, const char *name)
{
    return MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, name);
}

const char *srv_call_arg(const struct srv_call *c, const char *name)
{
    return MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, name);
}

static void json_escape(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; *s && o + 7 < cap; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            out[o++] = '\\';
            out[o++] = (char)ch;
        } else if (ch < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", ch);
        } else {
            out[o++] = (char)ch;
        }
    }
    out[o] = '\0';
}

void srv_reply_text(struct srv_reply *r, unsigned status, const char *ctype, const char *text,
                    size_t len)
{
    ff_free(r->body);
    r->body = ff_strndup(text, len);
    r->len = r->body ? len : 0;
    r->status = r->body ? status : 503;
    r->ctype = ctype;
}

void srv_reply_error(struct srv_reply *r, unsigned status, const char *code, const char *field,
                     const char *message)
{
    char f[128], m[640], text[1024];
    json_escape(field ? field : "", f, sizeof f);
    json_escape(message ? message : "", m, sizeof m);
    int n = snprintf(text, sizeof text,
                     "{\"error\":{\"code\":\"%s\",\"message\":\"%s\",\"field\":\"%s\"},"
                     "\"server_time\":%" PRId64 "}",
                     code, m, f, srv_now_ms());
    srv_reply_text(r, status, "application/json", text, (size_t)n);
}

static bool accepts_gzip(struct MHD_Connection *conn)
{
    const char *ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding");
    return ae && strstr(ae, "gzip");
}

static double elapsed_ms(const struct req *q)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - q->start.tv_sec) * 1e3 +
           (double)(now.tv_nsec - q->start.tv_nsec) / 1e6;
}

/* Turns a reply into an MHD response, queues it, and logs and counts the request. */
static enum MHD_Result send_reply(struct srv_server *s, struct MHD_Connection *conn, struct req *q,
                                  const char *method, struct srv_reply *r)
{
    struct MHD_Response *resp;
    bool gz = false;
    if (r->fd >= 0) {
        resp = MHD_create_response_from_fd64((uint64_t)r->fd_size, r->fd);
        if (!resp)
            close(r->fd);
    } else {
        if (r->body && r->len >= GZIP_MIN && accepts_gzip(conn)) {
            char *z;
            size_t zl;
            if (sw_gzip(r->body, r->len, &z, &zl) == FF_OK) {
                ff_free(r->body);
                r->body = z;
                r->len = zl;
                gz = true;
            }
        }
        resp = r->body
                   ? MHD_create_response_from_buffer_with_free_callback(r->len, r->body, ff_free)
                   : MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        if (!resp)
            ff_free(r->body);
    }
    r->body = NULL;
    if (!resp)
        return MHD_NO;
    char num[32];
    snprintf(num, sizeof num, "%" PRId64, srv_now_ms());
    MHD_add_response_header(resp, "FF-Server-Time", num);
    if (r->ctype)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
    if (gz)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    if (r->retry_after >= 0) {
        snprintf(num, sizeof num, "%d", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, num);
    }
    if (r->received >= 0) {
        snprintf(num, sizeof num, "%" PRId64, r->received);
        MHD_add_response_header(resp, "FF-Received", num);
    }
    enum MHD_Result ok = MHD_queue_response(conn, r->status, resp);
    MHD_destroy_response(resp);
    q->answered = true;
    double ms = elapsed_ms(q);
    srv_metrics_request(s->metrics, q->ep, r->status, ms);
    char extra[256];
    snprintf(extra, sizeof extra,
             "\"method\":\"%s\",\"endpoint\":\"%s\",\"status\":%u,\"ms\":%.3f,\"bytes_in\":%zu",
             method, srv_endpoint_name(q->ep), r->status, ms, q->len);
    srv_log(r->status >= 500 ? "error" : "info", "request", extra);
    return ok;
}

static enum MHD_Result send_error(struct srv_server *s, struct MHD_Connection *conn, struct req *q,
                                  const char *method, unsigned status, const char *code,
                                  const char *field, const char *message)
{
    struct srv_reply r = {.fd = -1, .retry_after = -1, .received = -1};
    srv_reply_error(&r, status, code, field, message);
    return send_reply(s, conn, q, method, &r);
}

static bool method_in(const char *methods, const char *m)
{
    size_t n = strlen(m);
    for (const char *p = methods; (p = strstr(p, m)) != NULL; p += n)
        if ((p == methods || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

static const struct route *find_route(const char *url, const char **tail)
{
    for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++) {
        const struct route *rt = &ROUTES[i];
        size_t n = strlen(rt->prefix);
        if (rt->prefix_match ? !strncmp(url, rt->prefix, n) : !strcmp(url, rt->prefix)) {
            *tail = url + n;
            return rt;
        }
    }
    return NULL;
}

/* The media type of a Content-Type header without parameters equals want. */
static bool media_is(const char *ct, const char *want)
{
    size_t n = strlen(want);
    return ct && !strncasecmp(ct, want, n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static void client_addr(struct MHD_Connection *conn, char *out, size_t cap)
{
    snprintf(out, cap, "?");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)cap);
}

/* The checks that need only the request line and headers; true if a reply was queued. */
static bool early_checks(struct srv_server *s, struct MHD_Connection *conn, struct req *q,
                         const char *method, enum MHD_Result *res)
{
    const struct route *rt = q->route;
    const char *why = NULL, *code = NULL, *field = "";
    unsigned status = 0;
    if (srv_stopping(s)) {
        status = 503, code = "shutting_down", why = "the server is stopping";
    } else if (!rt) {
        status = 404, code = "not_found", why = "no such path";
    } else if (!method_in(rt->methods, method)) {
        status = 405, code = "method", why = "wrong method for this path";
    } else if (rt->body_type && (!strcmp(method, "POST") || !strcmp(method, "PUT"))) {
        const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
        const char *ce = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Encoding");
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (!media_is(ct, rt->body_type))
            status = 415, code = "media_type", field = "Content-Type", why = rt->body_type;
        else if (ce && strcasecmp(ce, "gzip") && strcasecmp(ce, "identity"))
            status = 415, code = "media_type", field = "Content-Encoding", why = "gzip only";
        else if (cl && strtoull(cl, NULL, 10) > SW_BODY_MAX)
            status = 413, code = "too_large", field = "body", why = "over 8 MiB";
    }
    if (!status)
        return false;
    *res = send_error(s, conn, q, method, status, code, field, why);
    return true;
}

static bool append(struct req *q, const char *data, size_t n)
{
    if (q->dropped || q->len + n > SW_BODY_MAX) {
        q->dropped += n;
        return q->dropped <= DISCARD_MAX;
    }
    if (q->len + n + 1 > q->cap) {
        size_t cap = q->cap ? q->cap : 16 * 1024;
        while (cap < q->len + n + 1)
            cap *= 2;
        char *b = ff_realloc(q->body, cap);
        if (!b) {
            q->dropped += n; /* answered as too large: the server cannot hold it now */
            return true;
        }
        q->body = b;
        q->cap = cap;
    }
    memcpy(q->body + q->len, data, n);
    q->len += n;
    q->body[q->len] = '\0';
    return true;
}

/* Token check for routes that need one; true if a refusal was queued. */
static bool authenticate(struct srv_server *s, struct MHD_Connection *conn, struct req *q,
                         const char *method, struct srv_call *c, enum MHD_Result *res)
{
    int64_t now = srv_now_ms();
    int retry;
    if (!srv_rate_allowed(s->auth_rate, q->addr, now, &retry)) {
        struct srv_reply r = {.fd = -1, .retry_after = retry, .received = -1};
        srv_reply_error(&r, 429, "rate_limited", "", "too many failed authentications");
        *res = send_reply(s, conn, q, method, &r);
        return true;
    }
    const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    const char *token = h && !strncasecmp(h, "Bearer ", 7) ? h + 7 : NULL;
    struct srv_store *st;
    const char *code = NULL;
    enum ff_err e = srv_pool_get(&s->pool, &st);
    if (!e) {
        e = srv_auth_check(st, token, false, now, &c->dev, &code);
        srv_pool_put(&s->pool, st, e == FF_EDB);
    }
    if (e == FF_OK)
        return false;
    if (code) {
        srv_rate_count(s->auth_rate, q->addr, now);
        *res = send_error(s, conn, q, method, 401, code, "Authorization",
                          "authenticate with a valid access token");
    } else {
        *res = send_error(s, conn, q, method, 503, "unavailable", "", "the database failed");
    }
    return true;
}

/* The last call of a request: inflate, authenticate, run the handler, reply. */
static enum MHD_Result finish(struct srv_server *s, struct MHD_Connection *conn, struct req *q,
                              const char *method)
{
    if (q->dropped)
        return send_error(s, conn, q, method, 413, "too_large", "body", "over 8 MiB");
    struct srv_call c = {.method = method, .tail = q->tail, .addr = q->addr, .conn = conn};
    char *inflated = NULL;
    size_t inflated_len = 0;
    const char *ce = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Encoding");
    enum MHD_Result res;
    if (ce && !strcasecmp(ce, "gzip") && q->len) {
        char why[256];
        enum ff_err e =
            sw_gunzip(q->body, q->len, SW_INFLATED_MAX, &inflated, &inflated_len, why, sizeof why);
        if (e == FF_ELIMIT)
            return send_error(s, conn, q, method, 413, "too_large", "body", why);
        if (e == FF_ENOMEM)
            return send_error(s, conn, q, method, 503, "unavailable", "", "out of memory");
        if (e)
            return send_error(s, conn, q, method, 400, "bad_gzip", "body", why);
        c.body = inflated;
        c.len = inflated_len;
    } else if (q->len) {
        c.body = q->body;
        c.len = q->len;
    }
    if (q->route->need == NEED_TOKEN && authenticate(s, conn, q, method, &c, &res)) {
        ff_free(inflated);
        return res;
    }
    struct srv_reply r = {.status = 500, .fd = -1, .retry_after = -1, .received = -1};
    q->route->fn(s, &c, &r);
    ff_free(inflated);
    if (!r.body && r.fd < 0 && r.status >= 400)
        srv_reply_error(&r, r.status, "unavailable", "", "internal error");
    return send_reply(s, conn, q, method, &r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    struct srv_server *s = cls;
    struct req *q = *con_cls;
    if (!q) {
        q = ff_calloc(1, sizeof *q);
        if (!q)
            return MHD_NO;
        *con_cls = q;
        atomic_fetch_add(&s->inflight, 1);
        clock_gettime(CLOCK_MONOTONIC, &q->start);
        client_addr(conn, q->addr, sizeof q->addr);
        q->route = find_route(url, &q->tail);
        q->ep = q->route ? q->route->ep : SRV_EP_OTHER;
        enum MHD_Result res;
        if (early_checks(s, conn, q, method, &res))
            return res;
        return MHD_YES;
    }
    if (q->answered) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        bool go_on = append(q, upload_data, *upload_size);
        *upload_size = 0;
        return go_on ? MHD_YES : MHD_NO;
    }
    return finish(s, conn, q, method);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    struct srv_server *s = cls;
    struct req *q = *con_cls;
    if (!q)
        return;
    ff_free(q->body);
    ff_free(q);
    *con_cls = NULL;
    atomic_fetch_sub(&s->inflight, 1);
}

__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char text[512];
    vsnprintf(text, sizeof text, fmt, ap);
    size_t n = strlen(text);
    while (n && text[n - 1] == '\n')
        text[--n] = '\0';
    srv_log("warn", text, "\"source\":\"microhttpd\"");
}

enum ff_err srv_http_start(struct srv_server *s, int *port, char *why, size_t why_len)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_TLS |
                     MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (inet_pton(AF_INET, s->cfg.host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)s->cfg.port);
    } else if (inet_pton(AF_INET6, s->cfg.host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)s->cfg.port);
        flags |= MHD_USE_IPv6;
    } else {
        snprintf(why, why_len, "listen: '%s' is not a numeric IPv4 or IPv6 address", s->cfg.host);
        return FF_EINVALID;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)s->cfg.port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_log, s, MHD_OPTION_SOCK_ADDR, &ss, MHD_OPTION_HTTPS_MEM_CERT, s->cert_pem,
        MHD_OPTION_HTTPS_MEM_KEY, s->key_pem, MHD_OPTION_HTTPS_PRIORITIES,
        "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2", MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(128 * 1024), MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_END);
    if (!d) {
        snprintf(why, why_len, "cannot listen on %s:%d (in use, or the certificate is bad)",
                 s->cfg.host, s->cfg.port);
        return FF_EIO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : s->cfg.port;
    s->mhd = d;
    return FF_OK;
}

void srv_http_stop(struct srv_server *s, int grace_ms)
{
    if (!s->mhd)
        return;
    int fd = MHD_quiesce_daemon(s->mhd);
    if (fd >= 0)
        close(fd);
    pthread_mutex_lock(&s->wake_lock);
    s->stopping = true;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->wake_lock);
    for (int waited = 0; atomic_load(&s->inflight) > 0 && waited < grace_ms; waited += 10)
        usleep(10 * 1000);
    MHD_stop_daemon(s->mhd);
    s->mhd = NULL;
}

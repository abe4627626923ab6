/* srv_server.c - starting and stopping the whole server (srv_server.h), and its rules thread:
 * srv_rules_step in a loop, at once again while it makes progress, else after the next
 * committed push or a second, whichever comes first. */
#include "srv_server.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fieldflow/mem.h"
#include "srv_int.h"
#include "srv_log.h"
#include "srv_rules.h"

/* mkdir -p with mode 0700 for what it makes. */
static enum ff_err make_dirs(const char *path, char *why, size_t why_len)
{
    char buf[SRV_PATH_MAX + 16], ebuf[128];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
            snprintf(why, why_len, "%s: %s", buf, srv_strerror(errno, ebuf));
            return FF_EIO;
        }
        *p = c;
        if (!c)
            return FF_OK;
    }
}

struct rules_arg {
    struct srv_server *s;
    struct srv_rules *rules;
};

static void *rules_main(void *arg)
{
    struct rules_arg *a = arg;
    struct srv_server *s = a->s;
    bool logged = false;
    while (!srv_stopping(s)) {
        pthread_mutex_lock(&s->wake_lock);
        uint64_t gen = s->generation;
        pthread_mutex_unlock(&s->wake_lock);
        bool progress = false;
        enum ff_err e = srv_rules_step(a->rules, srv_now_ms(), &progress);
        if (e && !logged) { /* said once per run of failures: the loop retries every second */
            char extra[64];
            snprintf(extra, sizeof extra, "\"error\":\"%s\"", ff_strerror(e));
            srv_log("error", "rules step failed", extra);
        }
        logged = e != FF_OK;
        if (progress && !e)
            continue;
        int64_t until = srv_now_ms() + 1000;
        struct timespec ts = {(time_t)(until / 1000), (long)(until % 1000) * 1000000};
        pthread_mutex_lock(&s->wake_lock);
        while (s->generation == gen && !s->stopping &&
               pthread_cond_timedwait(&s->wake, &s->wake_lock, &ts) == 0)
            ;
        pthread_mutex_unlock(&s->wake_lock);
    }
    srv_rules_close(a->rules);
    ff_free(a);
    return NULL;
}

static enum ff_err start_rules(struct srv_server *s, char *why, size_t why_len)
{
    char fold[SRV_PATH_MAX + 96];
    snprintf(fold, sizeof fold, "%s/fold-%s.db", s->cfg.data, s->cfg.instance);
    struct rules_arg *a = ff_calloc(1, sizeof *a);
    if (!a)
        return FF_ENOMEM;
    a->s = s;
    enum ff_err e = srv_rules_open(s->cfg.db, fold, s->cfg.instance, &a->rules, why, why_len);
    if (e) {
        ff_free(a);
        return e;
    }
    if (pthread_create(&s->rules_thread, NULL, rules_main, a) != 0) {
        srv_rules_close(a->rules);
        ff_free(a);
        snprintf(why, why_len, "cannot start the rules thread");
        return FF_ENOMEM;
    }
    s->rules_started = true;
    return FF_OK;
}

static enum ff_err load_tls(struct srv_server *s, char *why, size_t why_len)
{
    enum ff_err e =
        s->cfg.cert[0]
            ? srv_tls_load(s->cfg.cert, s->cfg.key, &s->cert_pem, &s->key_pem, why, why_len)
            : srv_tls_ensure(s->cfg.data, &s->cert_pem, &s->key_pem, why, why_len);
    if (!e)
        e = srv_tls_pin(s->cert_pem, s->pin, why, why_len);
    return e;
}

static enum ff_err init_parts(struct srv_server *s, char *why, size_t why_len)
{
    snprintf(s->attach_dir, sizeof s->attach_dir, "%s/attachments", s->cfg.data);
    snprintf(s->server_device, sizeof s->server_device, "server-%s", s->cfg.instance);
    enum ff_err e = make_dirs(s->attach_dir, why, why_len);
    if (!e)
        e = load_tls(s, why, why_len);
    if (!e)
        e = srv_pool_open(&s->pool, s->cfg.db, s->cfg.threads, why, why_len);
    if (!e) {
        struct srv_store *st;
        e = srv_pool_get(&s->pool, &st);
        if (!e) {
            e = srv_store_device_ensure_server(st, s->server_device);
            if (e)
                snprintf(why, why_len, "%s", srv_store_errmsg(st));
            srv_pool_put(&s->pool, st, false);
        }
    }
    if (!e)
        e = srv_metrics_new(&s->metrics);
    if (!e)
        e = srv_rate_new(10, &s->enrol_rate);
    if (!e)
        e = srv_rate_new(30, &s->auth_rate);
    return e;
}

enum ff_err srv_server_start(const struct srv_config *cfg, struct srv_server **out, int *port,
                             char *why, size_t why_len)
{
    *out = NULL;
    struct srv_server *s = ff_calloc(1, sizeof *s);
    if (!s)
        return FF_ENOMEM;
    s->cfg = *cfg;
    pthread_mutex_init(&s->wake_lock, NULL);
    pthread_cond_init(&s->wake, NULL);
    pthread_mutex_init(&s->attach_lock, NULL);
    atomic_init(&s->inflight, 0);
    enum ff_err e = init_parts(s, why, why_len);
    if (!e)
        e = start_rules(s, why, why_len);
    if (!e)
        e = srv_http_start(s, port, why, why_len);
    if (e) {
        srv_server_stop(s);
        return e;
    }
    *out = s;
    return FF_OK;
}

const char *srv_server_pin(const struct srv_server *s)
{
    return s->pin;
}

void srv_server_stop(struct srv_server *s)
{
    if (!s)
        return;
    srv_http_stop(s, 35 * 1000);
    pthread_mutex_lock(&s->wake_lock);
    s->stopping = true;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->wake_lock);
    if (s->rules_started)
        pthread_join(s->rules_thread, NULL);
    srv_pool_close(&s->pool);
    srv_metrics_free(s->metrics);
    srv_rate_free(s->enrol_rate);
    srv_rate_free(s->auth_rate);
    if (s->key_pem)
        explicit_bzero(s->key_pem, strlen(s->key_pem));
    ff_free(s->key_pem);
    ff_free(s->cert_pem);
    pthread_mutex_destroy(&s->attach_lock);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->wake_lock);
    ff_free(s);
}

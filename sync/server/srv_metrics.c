/* srv_metrics.c - request counters and latency histograms (srv_metrics.h). Fixed arrays under
 * one mutex: a request adds a few integers, so contention is negligible. */
#include "srv_metrics.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fieldflow/mem.h"

#define STATUS_MAX 600
#define TEXT_MAX (256 * 1024)

static const double BUCKETS[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBUCKETS (sizeof BUCKETS / sizeof BUCKETS[0])

struct histogram {
    uint64_t le[NBUCKETS]; /* observations <= BUCKETS[i] seconds (not cumulative here) */
    uint64_t count;        /* every observation (the +Inf bucket) */
    double sum;            /* seconds */
};

struct srv_metrics {
    pthread_mutex_t lock;                        /* guards everything below */
    uint64_t requests[SRV_EP_COUNT][STATUS_MAX]; /* by endpoint and status */
    struct histogram push, pull;                 /* handling time of 2xx pushes and pulls */
    uint64_t applied;                            /* events applied by pushes to this process */
};

const char *srv_endpoint_name(enum srv_endpoint ep)
{
    static const char *const names[SRV_EP_COUNT] = {"enrol",       "token",  "push",    "pull",
                                                    "attachments", "health", "metrics", "other"};
    return ep < SRV_EP_COUNT ? names[ep] : "other";
}

enum ff_err srv_metrics_new(struct srv_metrics **out)
{
    struct srv_metrics *m = ff_calloc(1, sizeof *m);
    if (!m)
        return FF_ENOMEM;
    pthread_mutex_init(&m->lock, NULL);
    *out = m;
    return FF_OK;
}

void srv_metrics_free(struct srv_metrics *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->lock);
    ff_free(m);
}

static void observe(struct histogram *h, double s)
{
    for (size_t i = 0; i < NBUCKETS; i++)
        if (s <= BUCKETS[i]) {
            h->le[i]++;
            break;
        }
    h->count++;
    h->sum += s;
}

void srv_metrics_request(struct srv_metrics *m, enum srv_endpoint ep, unsigned status, double ms)
{
    pthread_mutex_lock(&m->lock);
    m->requests[ep < SRV_EP_COUNT ? ep : SRV_EP_OTHER][status < STATUS_MAX ? status : 0]++;
    if (status >= 200 && status < 300 && ep == SRV_EP_PUSH)
        observe(&m->push, ms / 1000);
    if (status >= 200 && status < 300 && ep == SRV_EP_PULL)
        observe(&m->pull, ms / 1000);
    pthread_mutex_unlock(&m->lock);
}

void srv_metrics_applied(struct srv_metrics *m, int64_t n)
{
    pthread_mutex_lock(&m->lock);
    m->applied += (uint64_t)n;
    pthread_mutex_unlock(&m->lock);
}

struct text {
    char *buf;
    size_t len;
    bool full;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *t, const char *fmt, ...)
{
    if (t->full)
        return;
    va_list ap;
    va_start(ap, fmt);
    /* ap is started just above; the analyzer loses it through the format attribute */
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    int n = vsnprintf(t->buf + t->len, TEXT_MAX - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= TEXT_MAX - t->len)
        t->full = true;
    else
        t->len += (size_t)n;
}

static void histogram(struct text *t, const char *name, const struct histogram *h)
{
    put(t, "# HELP %s Handling time of successful requests.\n# TYPE %s histogram\n", name, name);
    uint64_t cum = 0;
    for (size_t i = 0; i < NBUCKETS; i++) {
        cum += h->le[i];
        put(t, "%s_bucket{le=\"%g\"} %" PRIu64 "\n", name, BUCKETS[i], cum);
    }
    put(t, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n%s_sum %.6f\n%s_count %" PRIu64 "\n", name,
        h->count, name, h->sum, name, h->count);
}

enum ff_err srv_metrics_render(struct srv_metrics *m, const struct srv_stats *st, int in_flight,
                               char **out, size_t *len)
{
    struct text t = {ff_malloc(TEXT_MAX), 0, false};
    if (!t.buf)
        return FF_ENOMEM;
    put(&t, "# HELP fieldflow_requests_total HTTP requests by endpoint and status.\n"
            "# TYPE fieldflow_requests_total counter\n");
    pthread_mutex_lock(&m->lock);
    for (int ep = 0; ep < SRV_EP_COUNT; ep++)
        for (int s = 0; s < STATUS_MAX; s++)
            if (m->requests[ep][s])
                put(&t, "fieldflow_requests_total{endpoint=\"%s\",status=\"%d\"} %" PRIu64 "\n",
                    srv_endpoint_name((enum srv_endpoint)ep), s, m->requests[ep][s]);
    histogram(&t, "fieldflow_push_seconds", &m->push);
    histogram(&t, "fieldflow_pull_seconds", &m->pull);
    uint64_t applied = m->applied;
    pthread_mutex_unlock(&m->lock);
    put(&t,
        "# HELP fieldflow_events_applied_total Events applied by pushes to this instance.\n"
        "# TYPE fieldflow_events_applied_total counter\nfieldflow_events_applied_total "
        "%" PRIu64 "\n",
        applied);
    put(&t,
        "# HELP fieldflow_events Events in the global log.\n# TYPE fieldflow_events gauge\n"
        "fieldflow_events %" PRId64 "\n",
        st->events);
    put(&t,
        "# HELP fieldflow_log_head The highest global position.\n"
        "# TYPE fieldflow_log_head gauge\nfieldflow_log_head %" PRId64 "\n",
        st->head);
    put(&t,
        "# HELP fieldflow_devices Enrolled devices by state.\n"
        "# TYPE fieldflow_devices gauge\nfieldflow_devices{state=\"enrolled\"} %" PRId64
        "\nfieldflow_devices{state=\"revoked\"} %" PRId64
        "\nfieldflow_devices{state=\"flagged\"} %" PRId64 "\n",
        st->devices, st->revoked, st->flagged);
    put(&t,
        "# HELP fieldflow_requests_in_flight Requests being handled (long-polls included).\n"
        "# TYPE fieldflow_requests_in_flight gauge\nfieldflow_requests_in_flight %d\n",
        in_flight);
    if (t.full) {
        ff_free(t.buf);
        return FF_ELIMIT;
    }
    *out = t.buf;
    *len = t.len;
    return FF_OK;
}

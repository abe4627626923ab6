/* srv_metrics.h - counters for GET /metrics (Prometheus text format 0.0.4): requests by
 * endpoint and status, push/pull latency histograms, events stored and devices (read from
 * the store when rendered). Safe from any thread. */
#ifndef FF_SRV_METRICS_H
#define FF_SRV_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"
#include "srv_store.h"

enum srv_endpoint {
    SRV_EP_ENROL,
    SRV_EP_TOKEN,
    SRV_EP_PUSH,
    SRV_EP_PULL,
    SRV_EP_ATTACHMENT,
    SRV_EP_HEALTH,
    SRV_EP_METRICS,
    SRV_EP_OTHER,
    SRV_EP_COUNT
};
const char *srv_endpoint_name(enum srv_endpoint ep);

struct srv_metrics;
enum ff_err srv_metrics_new(struct srv_metrics **out);
void srv_metrics_free(struct srv_metrics *m); /* NULL is fine */
/* One finished request; ms is its handling time. */
void srv_metrics_request(struct srv_metrics *m, enum srv_endpoint ep, unsigned status, double ms);
/* Events a push applied. */
void srv_metrics_applied(struct srv_metrics *m, int64_t n);
/* The text; *out is the caller's (ff_free). st: the store's counters; in_flight: requests
 * being handled now (this one included). */
enum ff_err srv_metrics_render(struct srv_metrics *m, const struct srv_stats *st, int in_flight,
                               char **out, size_t *len);

#endif

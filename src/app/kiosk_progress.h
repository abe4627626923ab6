/* kiosk_progress.h - "step N of about M": the shortest remaining path of a kiosk run.
 *
 * The remaining length from a node counts the nodes a customer is shown (start, step,
 * decision, input, kb, action) on the shortest path to where the session ends: an end of
 * the root chart, a hand-off node (counted) or a staff node (not counted). A subchart node
 * costs the called chart's shortest way from its start to an end or hand-off, plus its
 * `next`. Per-chart distances are computed once and cached on the handle.
 */
#ifndef FF_KIOSK_PROGRESS_H
#define FF_KIOSK_PROGRESS_H

#include <stddef.h>

#include "fieldflow/chart.h"
#include "fieldflow/err.h"

#define FF_PROGRESS_FAR 1000000 /* no end reachable */

struct ff_kiosk_progress;

enum ff_err ff_kiosk_progress_new(const struct ff_library *lib, struct ff_kiosk_progress **out);
void ff_kiosk_progress_free(struct ff_kiosk_progress *p); /* NULL is fine */

/* One frame of the run's position: the chart and the node index in it. */
struct ff_kiosk_frame {
    const struct ff_chart *chart;
    int node;
};

/* The shortest remaining count from the innermost frame (frames[n-1], its node included)
 * through the callers' `next`s; FF_PROGRESS_FAR when no end can be reached. */
int ff_kiosk_progress_remaining(struct ff_kiosk_progress *p, const struct ff_kiosk_frame *frames,
                                size_t n);

#endif

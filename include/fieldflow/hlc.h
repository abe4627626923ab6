/* hlc.h - the hybrid logical clock that stamps every event.
 *
 * An hlc is one 64-bit value: the top 48 bits are wall-clock milliseconds since the Unix
 * epoch, the low 16 bits a counter that orders events made within one millisecond (or while
 * the wall clock stands still or runs backwards). Events are totally ordered by (hlc,
 * device id). The clock is a plain value owned by its user (the store keeps one per handle);
 * the wall time is passed in, so tests drive it without touching the system clock.
 */
#ifndef FIELDFLOW_HLC_H
#define FIELDFLOW_HLC_H

#include <stdint.h>

#include "fieldflow/err.h"

#define FF_HLC_COUNTER_BITS 16
#define FF_HLC_MAX_WALL ((UINT64_C(1) << 47) - 1) /* keeps hlc < 2^63: fits SQLite INTEGER */
/* A peer's event may be at most this far ahead of our wall clock (24 hours). */
#define FF_HLC_MAX_SKEW_MS (UINT64_C(24) * 3600 * 1000)

struct ff_hlc {
    uint64_t last; /* the highest hlc issued or observed; 0 before the first */
};

static inline uint64_t ff_hlc_wall(uint64_t hlc)
{
    return hlc >> FF_HLC_COUNTER_BITS;
}
static inline uint64_t ff_hlc_counter(uint64_t hlc)
{
    return hlc & 0xFFFFu;
}
static inline uint64_t ff_hlc_make(uint64_t wall, uint64_t counter)
{
    return (wall << FF_HLC_COUNTER_BITS) | (counter & 0xFFFFu);
}

/* Issues the next local timestamp, strictly greater than every one issued or observed.
 * When the counter would overflow, the logical wall is bumped by one millisecond (the clock
 * runs ahead of the real wall until the real wall catches up). FF_ELIMIT only if the wall
 * would pass FF_HLC_MAX_WALL (year 6429). */
enum ff_err ff_hlc_tick(struct ff_hlc *c, uint64_t wall_ms, uint64_t *out);

/* Takes a peer's timestamp into account so that later local events order after it.
 * FF_EINVALID (clock unchanged) if its wall is more than max_skew_ms ahead of wall_ms. */
enum ff_err ff_hlc_observe(struct ff_hlc *c, uint64_t wall_ms, uint64_t remote,
                           uint64_t max_skew_ms);

/* 16 lowercase hex digits plus NUL: the text form used in JSON (exact, sortable). */
void ff_hlc_format(uint64_t hlc, char out[17]);
/* Parses exactly 16 hex digits; false on anything else or a value >= 2^63. */
_Bool ff_hlc_parse(const char *s, uint64_t *out);

#endif

/* kiosk_log.h - reading what the kiosk needs back out of the store's event log.
 *
 * The store's public reads have no query for a knowledge-base article's body, an
 * engineer's free slots or a run's recorded events, so the kiosk reads the log itself
 * (ff_store_export) and decodes each event. Cost: one pass over the whole log per call,
 * fine for a kiosk's store (thousands of events); a store query would replace it.
 */
#ifndef FF_KIOSK_LOG_H
#define FF_KIOSK_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"
#include "fieldflow/event.h"
#include "fieldflow/store.h"

/* Called for each event in (hlc, device) order; return false to stop. */
typedef bool (*ff_kiosk_log_fn)(const struct ff_event *ev, void *ctx);

/* Calls fn for every event of the log. The export buffer is wiped before it is freed. */
enum ff_err ff_kiosk_log_scan(struct ff_store *s, ff_kiosk_log_fn fn, void *ctx);

/* The latest kb.published article `id` in lang, else in "en": title and body copied into
 * the caller's buffers ("" when there is none). */
enum ff_err ff_kiosk_log_article(struct ff_store *s, const char *id, const char *lang, char *title,
                                 size_t title_size, char *body, size_t body_size);

/* Later slots a visit request offers the server to fall back on. */
#define FF_KIOSK_ALTERNATIVES 2

struct ff_kiosk_slot {
    char engineer_id[FF_EVENT_ID_MAX + 1];
    int64_t start_ms, end_ms;
    int nalt;                                 /* alternatives found */
    int64_t alt_start[FF_KIOSK_ALTERNATIVES]; /* the same engineer's next slots in the */
    int64_t alt_end[FF_KIOSK_ALTERNATIVES];   /* same window, earliest first */
};

/* The earliest slot of the latest published availability of every engineer that starts at
 * or after from_ms and (when window_start_h < window_end_h) begins within those UTC hours
 * on the day of from_ms or later, with that engineer's next slots in the window as
 * alternatives (if the server finds the first taken, it confirms the next free one). false
 * in *found when there is none. */
enum ff_err ff_kiosk_log_slot(struct ff_store *s, int64_t from_ms, int window_start_h,
                              int window_end_h, struct ff_kiosk_slot *out, bool *found);

#endif

/* kiosk_sync.h - the kiosk's link to the sync server: a background thread that pushes what the
 * kiosk records and pulls answers (visit confirmations), and the state the staff screen shows.
 *
 * Only a store enrolled with a server (ffctl sync --enrol) syncs; without one the kiosk works
 * offline as before. The thread has its own store connection (sync_client.h), so recording
 * never waits on the network. Headless: the program wakes its frame loop when
 * ff_kiosk_sync_changed says something arrived.
 */
#ifndef FF_KIOSK_SYNC_H
#define FF_KIOSK_SYNC_H

#include <stdbool.h>
#include <stddef.h>

#include "fieldflow/err.h"
#include "sync_client.h"

struct ff_kiosk_sync;

/* Opens the sync state of the store at path and starts the thread. *out is NULL (and FF_OK)
 * when the store has no server. */
enum ff_err ff_kiosk_sync_open(const char *path, struct ff_kiosk_sync **out, char *why,
                               size_t why_len);
/* Stops the thread, then one last pass without retries pushes what the last session recorded
 * (a kiosk switched off right after a customer loses nothing either way: the events wait in
 * the store). NULL is fine. */
void ff_kiosk_sync_close(struct ff_kiosk_sync *s);
/* Something was (or may have been) recorded, or staff tapped "sync now": a pass at once,
 * also after a failure or refusal (its backoff wait ends). NULL is fine. */
void ff_kiosk_sync_poke(struct ff_kiosk_sync *s);
/* A pass pulled something or changed the state since the last call (any thread). */
bool ff_kiosk_sync_changed(struct ff_kiosk_sync *s);
void ff_kiosk_sync_state(struct ff_kiosk_sync *s, struct ff_sync_state *out);

#endif

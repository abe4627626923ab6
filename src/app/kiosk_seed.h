/* kiosk_seed.h - filling a fresh store with what a kiosk reads: the knowledge base and the
 * demo data (engineer availability until sync brings the real one).
 *
 * Each article becomes one kb.published event; each line of a demo file is one event
 * {"type", "entity_id", "payload"} appended as a local event ('#' lines are comments).
 * Both are batched (one transaction). Outside input: a refused line names file:line.
 */
#ifndef FF_KIOSK_SEED_H
#define FF_KIOSK_SEED_H

#include <stddef.h>

#include "fieldflow/err.h"
#include "fieldflow/kb.h"
#include "fieldflow/store.h"

#define FF_SEED_MAX_LINE (256u * 1024u)

/* Appends every article of kb. why gets the store's reason on failure. */
enum ff_err ff_kiosk_seed_kb(struct ff_store *s, const struct ff_kb *kb, char *why, size_t why_len);
/* Appends the events of a JSON-lines file; all or nothing. */
enum ff_err ff_kiosk_seed_events(struct ff_store *s, const char *path, char *why, size_t why_len);

#endif

/* kiosk_resume.h - what survives a crash of a kiosk session: its snapshot file and the
 * outbox of events not yet known to be in the store.
 *
 * Every operation of a session (1) decides the events it makes, numbered with a key
 * "<run_id>#<n>" in their payload ("kiosk_key"), into the outbox, (2) writes the snapshot
 * (runner state, session state, outbox) to a temporary file, fsyncs and renames it over
 * the old one, and only then (3) appends the outbox to the store. A crash before (2)
 * loses the operation and made no event; after (2) the restart re-appends exactly the
 * outbox events whose key the store does not have. So nothing is lost or recorded twice.
 */
#ifndef FF_KIOSK_RESUME_H
#define FF_KIOSK_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"
#include "fieldflow/event.h"
#include "fieldflow/store.h"
#include "kiosk_log.h"
#include "kiosk_ticket.h"

#define FF_KIOSK_SNAPSHOT_FORMAT 1
#define FF_KIOSK_MAX_PERFORMED 64 /* action nodes whose actions were done, per session */
#define FF_KIOSK_KEY_MAX 100      /* "chart/node" of a performed action node */
#define FF_KIOSK_MAX_OUTBOX 64    /* events made by one operation */
#define FF_KIOSK_MAX_SNAPSHOT_FILE (16u * 1024u * 1024u + 65536u)

struct ff_kiosk_pending {
    char type[FF_EVENT_TYPE_MAX + 1];
    char entity_id[FF_EVENT_ID_MAX + 1];
    char *payload; /* JSON object with "kiosk_key"; owned, wiped when freed */
};

/* The session's state that a restart needs, besides the runner's snapshot. */
struct ff_kiosk_saved {
    char run_id[37];
    int64_t last_ms; /* time of the last operation: the idle clock */
    char locale[8];
    int theme;
    bool read_aloud;
    long next_key;    /* the next event key number */
    char case_id[37]; /* "" until a case exists */
    char ticket[FF_TICKET_TEXT_SIZE];
    char request_type[32];
    int esc_level, esc_eta; /* escalation (0 = none) */
    bool has_visit;
    struct ff_kiosk_slot visit;
    char performed[FF_KIOSK_MAX_PERFORMED][FF_KIOSK_KEY_MAX];
    size_t nperformed;
    struct ff_kiosk_pending outbox[FF_KIOSK_MAX_OUTBOX];
    size_t noutbox;
    char *run_json; /* the runner's snapshot; owned, wiped when freed */
};

/* Frees and wipes what s owns and zeroes it. */
void ff_kiosk_saved_clear(struct ff_kiosk_saved *s);
/* Adds an event to the outbox; its payload gets "kiosk_key". FF_ELIMIT when full. */
enum ff_err ff_kiosk_outbox_add(struct ff_kiosk_saved *s, const char *type, const char *entity_id,
                                const char *payload_json);
/* Appends the outbox to the store in order, in one transaction, emptying it; on failure
 * nothing is appended and every event stays. */
enum ff_err ff_kiosk_outbox_flush(struct ff_kiosk_saved *s, struct ff_store *store);
/* Drops the outbox events whose kiosk_key the store already has. */
enum ff_err ff_kiosk_outbox_dedupe(struct ff_kiosk_saved *s, struct ff_store *store);

/* Writes s to path atomically (temporary file, fsync, rename). */
enum ff_err ff_kiosk_snapshot_write(const struct ff_kiosk_saved *s, const char *path);
/* Reads path into *s (zeroed first). FF_ENOTFOUND when there is no file, FF_EPARSE or
 * FF_ELIMIT for a damaged one (why says where). */
enum ff_err ff_kiosk_snapshot_read(const char *path, struct ff_kiosk_saved *s, char *why,
                                   size_t why_len);
/* Overwrites the file with zeros and removes it; a missing file is fine. */
void ff_kiosk_snapshot_remove(const char *path);

#endif

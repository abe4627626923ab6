/* event.h - one event of the log and its JSON codec.
 *
 * An event is {id "<device>:<seq>", device, seq, hlc, entity, entity_id, type, payload,
 * author, schema} (docs/internals/store.md lists every type and its payload). Decoding
 * validates everything that comes from outside: the envelope, the caps on sizes, and the
 * payload of every known type; a refusal names the event id and the field. Types this build
 * does not know (or a newer schema of a known type) decode fine and are marked !known: the
 * store keeps and forwards them but never folds them.
 */
#ifndef FIELDFLOW_EVENT_H
#define FIELDFLOW_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"

#define FF_EVENT_ID_MAX 64              /* device ids and entity ids: [A-Za-z0-9._-]{1,64} */
#define FF_EVENT_TYPE_MAX 64            /* [a-z0-9_.]{1,64}, entity = text before the first '.' */
#define FF_EVENT_MAX_BYTES (512 * 1024) /* one encoded event, signature included */
#define FF_EVENT_SCHEMA 1               /* the payload schema this build folds */

struct ff_event {
    char device[FF_EVENT_ID_MAX + 1];    /* the device that made it */
    int64_t seq;                         /* 1, 2, 3... per device, gapless */
    uint64_t hlc;                        /* hybrid logical clock stamp (hlc.h) */
    char entity[FF_EVENT_TYPE_MAX + 1];  /* "case", "customer"... derived from type */
    char entity_id[FF_EVENT_ID_MAX + 1]; /* the entity's UUID */
    char type[FF_EVENT_TYPE_MAX + 1];    /* "case.created"... */
    char *payload;                       /* canonical JSON object text, owned (ff_free) */
    char *author;                        /* who did it; owned, may be NULL */
    int schema;                          /* payload schema version */
    bool known;                          /* a type and schema this build folds */
    uint64_t redacted_from;              /* 0: as written; else the payload's personal values
                                            were redacted after an erasure and this is what
                                            the store keeps of the ff_event_digest of the
                                            event as written (JSON "redacted": 16 hex) */
};

/* Frees what ev owns and zeroes it; NULL is fine. */
void ff_event_clear(struct ff_event *ev);

/* Decodes one JSON event (len bytes, need not be NUL-terminated) into *ev, which must be
 * zeroed or cleared. FF_EPARSE, FF_ELIMIT or FF_EINVALID with the reason ("event d1:7:
 * payload.score: must be 1..5") in why; on failure *ev holds nothing. */
enum ff_err ff_event_decode(const char *json, size_t len, struct ff_event *ev, char *why,
                            size_t why_len);

/* Checks a filled-in event (envelope, type/entity match, payload) and replaces ev->payload
 * by its canonical text. Same errors and reasons as ff_event_decode. */
enum ff_err ff_event_check(struct ff_event *ev, char *why, size_t why_len);

/* Encodes ev as one line of JSON (no newline). *out is the caller's, ff_free. */
enum ff_err ff_event_encode(const struct ff_event *ev, char **out);

/* A 64-bit digest (FNV-1a) of everything the event says: device, seq, hlc, entity, entity_id,
 * type, payload text, author, schema. Two copies of one event (payload in canonical text, as
 * decode and check leave it) have the same digest; it tells a forged copy from a duplicate.
 * It is not a MAC: a peer can make a colliding copy, which is then dropped as a duplicate. */
uint64_t ff_event_digest(const struct ff_event *ev);

/* True for types this build folds. */
bool ff_event_type_known(const char *type);

/* True if s is a valid id: [A-Za-z0-9._-]{1,64}. */
bool ff_event_id_valid(const char *s);

#endif

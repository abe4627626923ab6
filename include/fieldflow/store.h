/* store.h - the device store: the event log and its projections, in one SQLite file.
 *
 * Appending an event is the only way to change data. Every append is validated, stamped
 * (device, gapless seq, hybrid logical clock) and committed durably before the call returns;
 * the projections (customers, cases, visits...) are folded from the log in the same
 * transaction. Events from other devices come in through ff_store_import, deduplicated by id.
 * Reads are functions returning JSON documents (the caller frees them with ff_free).
 *
 * A customer.erased event erases: from then on no personal value of that customer (or of a
 * customer merged into it, or of their cases, notes, reports, feedback) is kept anywhere in
 * the file, the log included (docs/internals/store.md, "Erasure", says what remains).
 *
 * Ownership: arguments are borrowed. A returned `const char *` belongs to the handle and lives
 * until the next call on it. `char **out` results are the caller's (ff_free). On failure
 * nothing changed, *out is NULL, and ff_store_errmsg() says what and where.
 * A handle is used by one thread at a time; several processes may share the file (WAL).
 */
#ifndef FIELDFLOW_STORE_H
#define FIELDFLOW_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fieldflow/err.h"

struct ff_store;

#define FF_STORE_SCHEMA_VERSION 3 /* PRAGMA user_version this build migrates to */
#define FF_STORE_BUSY_MS 5000     /* default wait for another process's write lock */

struct ff_store_opts {
    const char *path;   /* the database file; NULL = ff_store_default_path() */
    const char *device; /* this device's id for a new file; NULL = a random UUID. For an
                           existing file NULL or the id it was made with (else FF_ESTATE) */
    bool readonly;      /* open without write access: every write returns FF_EREADONLY */
    int busy_ms;        /* how long a call waits for another process's write lock before it
                           fails (FF_EDB, "database is locked"); 0 = FF_STORE_BUSY_MS */
    char *why;          /* if set, the reason an open failed is written here */
    size_t why_len;     /* size of why */
};

/* Writes $XDG_DATA_HOME/fieldflow/device.db (else ~/.local/share/fieldflow/device.db) into
 * buf, creating the directory. FF_ELIMIT if it does not fit, FF_EIO if it cannot be made. */
enum ff_err ff_store_default_path(char *buf, size_t len);

/* Opens (creating and migrating as needed) a store. Several processes may open, create or
 * migrate the same file at once: one does the work under the write lock, the others wait
 * (busy_ms) and find it done. FF_EVERSION for a file from a newer build,
 * FF_EREADONLY/FF_EIO/FF_EDB/FF_ECORRUPT as SQLite reports; *out NULL on failure. */
enum ff_err ff_store_open(const struct ff_store_opts *opts, struct ff_store **out);
void ff_store_close(struct ff_store *s); /* NULL is fine; rolls back an open batch */

/* The last error's detail ("event d1:7: payload.score: must be 1..5"); never NULL. */
const char *ff_store_errmsg(const struct ff_store *s);
/* This device's id; belongs to the handle. */
const char *ff_store_device(const struct ff_store *s);
/* Who the following local events are by (an engineer id, "kiosk"); NULL for nobody. */
enum ff_err ff_store_set_author(struct ff_store *s, const char *author);
/* Replaces the wall clock (ms since the epoch) for tests; NULL restores the real one. */
void ff_store_set_clock(struct ff_store *s, uint64_t (*now_ms)(void *ctx), void *ctx);
/* A fresh random entity id (UUID v4 text). */
void ff_store_new_id(char out[37]);

/* Groups the following appends/imports into one transaction and one fold pass (much
 * faster); ff_store_commit makes them durable, ff_store_rollback drops them all. Without a
 * batch each append/import is its own transaction. */
enum ff_err ff_store_begin(struct ff_store *s);
enum ff_err ff_store_commit(struct ff_store *s);
void ff_store_rollback(struct ff_store *s);

/* Appends a local event of `type` on entity_id (the entity is the type's prefix) with the
 * JSON object payload. The store stamps device, seq and hlc. *out_seq (may be NULL) gets the
 * seq. FF_EINVALID/FF_EPARSE/FF_ELIMIT for a bad payload, FF_EFULL, FF_EREADONLY, FF_EDB. */
enum ff_err ff_store_append(struct ff_store *s, const char *type, const char *entity_id,
                            const char *payload_json, int64_t *out_seq);

/* Imports one already-stamped event (JSON, as ff_store_events_after writes them) from
 * another device or the server. Importing an id already present with the same content (same
 * ff_event_digest) changes nothing, the clock included, and sets *out_added (may be NULL)
 * false. FF_EINVALID names the event id and field, also for an hlc more than 24 h ahead of
 * the local wall clock, for an event under this store's own device id that is not already
 * stored (see ff_store_restore), and for a forgery: an id already stored with other content.
 * A forgery is refused and recorded (ff_store_forgeries; durably at once outside a batch,
 * with the batch's commit inside one); nothing else changes. */
enum ff_err ff_store_import(struct ff_store *s, const char *json, size_t len, bool *out_added);

/* ff_store_import for this device's own events coming back from a backup or the server after
 * a reinstall; refuses events of any other device. Later appends carry on after them. */
enum ff_err ff_store_restore(struct ff_store *s, const char *json, size_t len, bool *out_added);

/* Recorded forgeries: [{id, digest, stored_digest, event (its first 4 KiB)}], at most 10000. */
enum ff_err ff_store_forgeries(struct ff_store *s, char **out);

/* Drops every projection and folds the whole log again, in one transaction. */
enum ff_err ff_store_rebuild(struct ff_store *s);

/* Sync bookkeeping: local events with seq > the last acknowledged one. */
enum ff_err ff_store_pending(struct ff_store *s, int64_t *out_count);
enum ff_err ff_store_mark_sent(struct ff_store *s, int64_t acked_seq);
/* The last acknowledged seq (0: none yet): a push resumes after it. */
enum ff_err ff_store_sent(struct ff_store *s, int64_t *out_seq);
/* Local events after `after_seq`, as JSON lines ("\n"-terminated), in seq order: at most
 * `limit` of them, and never more than FF_STORE_BATCH_MAX_EVENTS lines or
 * FF_STORE_BATCH_MAX_BYTES bytes (a limit <= 0 or above the cap means the cap; one event
 * always fits). The caller asks again after the last seq it got until the text is empty.
 * Unknown types are included. *out is the caller's. */
#define FF_STORE_BATCH_MAX_EVENTS 1000
#define FF_STORE_BATCH_MAX_BYTES (4 * 1024 * 1024)
enum ff_err ff_store_events_after(struct ff_store *s, int64_t after_seq, int limit, char **out);

/* Named text values for the layers above the store (sync state, server bookmarks). Keys are
 * "area.name" ("sync.cursor"), at most FF_STORE_META_KEY_MAX bytes; the store's own keys are
 * out of reach (FF_EINVAL). get: *out is a copy (ff_free), NULL if the key is unset. set: a
 * NULL value unsets it; more than FF_STORE_META_VALUE_MAX bytes is FF_ELIMIT. A set joins an
 * open batch (ff_store_begin), so a value can commit with the events it describes. */
#define FF_STORE_META_KEY_MAX 64
#define FF_STORE_META_VALUE_MAX (64 * 1024)
enum ff_err ff_store_meta_get(struct ff_store *s, const char *key, char **out);
enum ff_err ff_store_meta_set(struct ff_store *s, const char *key, const char *value);

/* For the server's rules (sync/server/srv_rules.c), which fold the global log into a store of
 * their own and decide from its projections. Each *out is a JSON document (ff_free). */
/* {id, case_id, engineer_id, start, end, status} of a visit; FF_ENOTFOUND if unknown. */
enum ff_err ff_store_visit_get(struct ff_store *s, const char *visit_id, char **out);
/* The engineer's slots from the latest availability publish, by start: [{start, end}]. */
enum ff_err ff_store_engineer_slots(struct ff_store *s, const char *engineer_id, char **out);
/* The engineer's visits overlapping [from, to) (start < to and end > from), whatever their
 * status, by start: [{id, case_id, start, end, status}]. */
enum ff_err ff_store_engineer_visits(struct ff_store *s, const char *engineer_id, int64_t from,
                                     int64_t to, char **out);
/* Cases whose time limit (the latest set) is due before now_ms, never breached, and whose
 * status is neither resolved nor closed, earliest due first, at most limit (1..1000):
 * [{case_id, due, level}] (level: the current escalation level, 0 if none). */
enum ff_err ff_store_time_limits_due(struct ff_store *s, int64_t now_ms, int limit, char **out);
/* The clock's high-water mark: above every hlc this store issued or imported. */
uint64_t ff_store_clock(const struct ff_store *s);
/* fn is told, inside the transaction, of every event whose payload the store redacts in its
 * log after an erasure: its id and its new line (as ff_store_events_after writes it, len
 * bytes, valid during the call). An error from fn fails the write and rolls it back (a batch
 * entirely), so what fn did can be redone when the import is. NULL fn: nobody is told. */
typedef enum ff_err (*ff_store_redact_fn)(void *ctx, const char *id, const char *line, size_t len);
void ff_store_on_redact(struct ff_store *s, ff_store_redact_fn fn, void *ctx);

/* Domain writes: each appends the right event(s). */
struct ff_run_outcome {
    const char *run_id;   /* the finished run */
    const char *chart_id; /* its chart and version */
    int chart_version;
    const char *outcome;      /* the end node's outcome code */
    const char *answers_json; /* JSON object of captured answers; customer_id, touchpoint,
                                 request_type, category, priority, description are used if
                                 present (touchpoint default "kiosk", type "service_request") */
};
enum ff_err ff_store_case_from_run(struct ff_store *s, const struct ff_run_outcome *run,
                                   char out_case_id[37]);
/* report_json: {visit_id?, work_done, parts?, minutes, outcome, signature?} */
enum ff_err ff_store_record_report(struct ff_store *s, const char *case_id, const char *report_json,
                                   char out_report_id[37]);
/* Status edit to "closed", naming the current status heads as prev (resolves a conflict). */
enum ff_err ff_store_close_case(struct ff_store *s, const char *case_id);
/* A field edit naming every current head as prev: the way a conflict is resolved.
 * value_json is a JSON string or integer. */
enum ff_err ff_store_edit_field(struct ff_store *s, const char *entity, const char *entity_id,
                                const char *field, const char *value_json);

/* Reads; each *out is a JSON document the caller frees with ff_free. */
/* Visits of engineer_id starting in [day_start_ms, day_start_ms + 24 h), with case and
 * customer name: [{visit_id, case_id, start, end, status, customer:{id,name,address,phone}}]. */
enum ff_err ff_store_visits_of_day(struct ff_store *s, const char *engineer_id,
                                   int64_t day_start_ms, char **out);
/* {case, customer (merges followed), notes, escalations, visits, reports, history, conflicts};
 * FF_ENOTFOUND if the case is unknown. */
enum ff_err ff_store_case_detail(struct ff_store *s, const char *case_id, char **out);
/* Customers matching a name, phone or email fragment (case and diacritics folded, phone
 * digits only), merged and erased ones left out: [{id, name, phone, email}], at most limit. */
enum ff_err ff_store_customer_search(struct ff_store *s, const char *query, int limit, char **out);
/* Knowledge-base articles by relevance (words in any order, the last one a prefix; case,
 * accents and æ/ø/å folded); lang NULL = any: [{id, lang, title, summary}]. */
enum ff_err ff_store_kb_search(struct ff_store *s, const char *query, const char *lang, int limit,
                               char **out);
/* [{entity, entity_id, field, heads:[{version, value, hlc}]}], highest hlc head first. */
enum ff_err ff_store_conflicts(struct ff_store *s, char **out);
/* {events, devices, local_seq, pending, unknown, customers, cases, visits, conflicts}. */
enum ff_err ff_store_stats(struct ff_store *s, char **out);

/* Every projection table, rows sorted by key, one line per row: equal dumps = equal state. */
enum ff_err ff_store_dump(struct ff_store *s, FILE *to);
/* Every event of the log as JSON lines, in (hlc, device) order. */
enum ff_err ff_store_export(struct ff_store *s, FILE *to);
/* PRAGMA integrity_check, local seq gapless, and a rebuild in a temporary copy whose dump
 * must equal this one. FF_ECORRUPT with the first difference in the errmsg. */
enum ff_err ff_store_check(struct ff_store *s);

#endif

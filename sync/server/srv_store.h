/* srv_store.h - the server's storage: the global event log, devices, tokens, enrolment
 * codes and decisions, behind one interface with two backends (srv_store_sqlite.c, the
 * default, embedded; srv_store_pg.c, PostgreSQL through libpq, for several instances over
 * one database). tests/unit/test_srv_store.c runs the same suite on both.
 *
 * One handle is one database connection, used by one thread at a time (the server keeps a
 * pool). Every call returns an ff_err; on failure nothing changed and srv_store_errmsg()
 * says what and where. Strings passed in are borrowed for the call.
 *
 * Global order (sync/PROTOCOL.md, section 7): a push or a decision takes one commit lock
 * for its whole transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: pg_advisory_xact_lock),
 * and gseq is max(gseq)+1 under it, so positions are handed out in commit order and a
 * reader can never see gseq n+1 before n.
 */
#ifndef FF_SRV_STORE_H
#define FF_SRV_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"
#include "fieldflow/event.h"

struct srv_store;

enum srv_kind { SRV_KIND_KIOSK, SRV_KIND_ENGINEER, SRV_KIND_DESK, SRV_KIND_SERVER };

#define SRV_NAME_MAX 64 /* sites, engineer ids, device names */

struct srv_device {
    char id[FF_EVENT_ID_MAX + 1];
    enum srv_kind kind;
    char site[SRV_NAME_MAX + 1];     /* kiosk: its site; else "" */
    char engineer[SRV_NAME_MAX + 1]; /* engineer: the engineer id its events are by; else "" */
    bool revoked;
    bool flagged;      /* it sent an event stamped too far ahead of server time */
    int64_t acked_seq; /* every event of this device up to it is settled on the server */
};

/* url: "sqlite:PATH" (created if missing) or "postgresql://..." / "postgres://..." (the
 * database must exist; the schema is created if missing). FF_EINVAL for another scheme. */
enum ff_err srv_store_open(const char *url, struct srv_store **out, char *why, size_t why_len);
void srv_store_close(struct srv_store *st); /* NULL is fine */
const char *srv_store_errmsg(const struct srv_store *st);
bool srv_store_is_sqlite(const struct srv_store *st);

/* The log's epoch: random at creation, new after a restore (cursors carry it). */
enum ff_err srv_store_epoch(struct srv_store *st, int64_t *out);

/* Enrolment codes and devices. Codes and tokens are stored only as SHA-256 hashes. */
enum ff_err srv_store_code_add(struct srv_store *st, const uint8_t hash[32], enum srv_kind kind,
                               const char *site, const char *engineer, int64_t expires_ms);
/* A code that enrols the known device_id again (revoked, or its refresh token expired while
 * offline): it keeps its id, kind, site, engineer and acked seq. FF_ENOTFOUND: no such device. */
enum ff_err srv_store_code_add_again(struct srv_store *st, const uint8_t hash[32],
                                     const char *device_id, int64_t expires_ms);
/* Consumes the code (single use) and registers device_id with the code's kind, site and
 * engineer, in one transaction. FF_ENOTFOUND: code unknown, used or expired at now_ms, or
 * made by srv_store_code_add_again for another device (nothing changes); FF_ESTATE: device_id
 * already enrolled and the code is not one for it (the code stays unused). A code for it
 * lifts a revocation and ends every token the device had. */
enum ff_err srv_store_enrol(struct srv_store *st, const uint8_t code_hash[32], int64_t now_ms,
                            const char *device_id, const char *name, struct srv_device *out);
enum ff_err srv_store_device_get(struct srv_store *st, const char *device_id,
                                 struct srv_device *out); /* FF_ENOTFOUND */
/* Registers a server instance's own device (kind SRV_KIND_SERVER) if missing. */
enum ff_err srv_store_device_ensure_server(struct srv_store *st, const char *device_id);
enum ff_err srv_store_revoke(struct srv_store *st, const char *device_id); /* FF_ENOTFOUND */
enum ff_err srv_store_flag(struct srv_store *st, const char *device_id);

/* Tokens: refresh = false for access tokens. get: FF_ENOTFOUND for an unknown hash; else the
 * device (revoked shows in it) and the expiry; the caller compares with its clock. */
enum ff_err srv_store_token_add(struct srv_store *st, const uint8_t hash[32], bool refresh,
                                const char *device_id, int64_t expires_ms);
enum ff_err srv_store_token_get(struct srv_store *st, const uint8_t hash[32], bool refresh,
                                struct srv_device *dev, int64_t *expires_ms);
/* Sets a token's expiry to min(current, expires_ms) (the old refresh token after renewal). */
enum ff_err srv_store_token_cut(struct srv_store *st, const uint8_t hash[32], int64_t expires_ms);

/* One event of a push, decoded and checked by the caller. Scope keys are read by the caller
 * from the payload (NULL when absent). A caller that already refused the event (invalid,
 * not_own, clock_ahead) sets status 'r' and code; the store settles it without storing it. */
struct srv_push_event {
    const struct ff_event *ev; /* device, seq, entity, entity_id, type */
    const char *line;          /* its JSON line (no newline), what pull returns */
    size_t len;
    uint64_t digest;         /* ff_event_digest */
    const char *case_id;     /* payload.case_id (visit, report, feedback...) */
    const char *customer_id; /* payload.customer_id (case.created, case.field_edited) */
    const char *assignee;    /* payload.assignee / engineer_id / value of an assignee edit */
    char status;             /* in: 0 or 'r'; out: 'a' applied, 'd' duplicate, 'r' rejected */
    const char *code;        /* out (or in with 'r'): "forgery", "seq_gap", ... (static) */
};

/* Stores the events of `device` (all evs[i].ev->device equal it, seq ascending) in one
 * transaction under the commit lock. Per event: stored with the same digest -> 'd'; stored
 * with another -> 'r' "forgery"; seq above the device's acked_seq + 1 -> 'r' "seq_gap" for it
 * and every later one; else stored at the next gseq -> 'a'. Entity scope rows are made on an
 * entity's first event (site = the pushing device's site when it is a kiosk; case_id,
 * customer_id as given, a case's own id for case events; creator = device), an assignee adds an
 * assignment at this gseq. *acked_seq: the device's new acked seq (a caller-rejected or forgery
 * event at acked+1 settles too); *checkpoint: the highest gseq after commit. */
enum ff_err srv_store_push(struct srv_store *st, const char *device, struct srv_push_event *evs,
                           size_t n, int64_t *acked_seq, int64_t *checkpoint);

/* Who is reading: a device's kind and keys (SRV_KIND_DESK/SERVER read everything). */
struct srv_scope {
    enum srv_kind kind;
    const char *site;
    const char *engineer;
    const char *device; /* the reading device's id (its own events, what it created); NULL: none */
};

/* Calls fn with each event line in scope with gseq > after, in gseq order, at most limit
 * events. Global types (flowchart.*, kb.*, engineer.*) and sc->device's own events are in
 * every scope. An engineer also keeps the entities sc->device created (the entity's first
 * event was its own) and, for a case it created, the case's events (visits, notes... by
 * case_id) and its customer's, as for an assigned case. When an assignment to sc->engineer
 * (or the creation of a case by sc->device) with gseq in (after, *next] exists, the case's
 * (and its customer's) events with gseq <= after are sent in this page too, before the rest
 * (on top of limit: a case's history is never split over pages).
 * *next: the position to pull after next time (>= after; past out-of-scope events it
 * skipped); *more: there is more after *next already. fn returning non-zero stops with
 * FF_EINVAL. */
typedef int (*srv_line_fn)(void *ctx, int64_t gseq, const char *line, size_t len);
enum ff_err srv_store_pull(struct srv_store *st, const struct srv_scope *sc, int64_t after,
                           int limit, srv_line_fn fn, void *ctx, int64_t *next, bool *more);
/* The highest committed gseq (0 for an empty log); long-polls compare it. */
enum ff_err srv_store_head(struct srv_store *st, int64_t *out);

/* Server decisions: in one transaction under the commit lock, if `key` (e.g. "visit:<id>")
 * is not yet decided, records it and stores evs as a push of server device `device` would
 * (*taken = true); else stores nothing (*taken = false). Exactly one decision per key, even
 * with several instances over one database. */
enum ff_err srv_store_decide(struct srv_store *st, const char *key, const char *device,
                             struct srv_push_event *evs, size_t n, bool *taken);

/* Replaces the stored line of event `id` (erasure redaction; gseq and digest stay). */
enum ff_err srv_store_replace_line(struct srv_store *st, const char *id, const char *line,
                                   size_t len);

/* {events, devices, revoked, flagged, head} counters for metrics. */
struct srv_stats {
    int64_t events, devices, revoked, flagged, head;
};
enum ff_err srv_store_stats(struct srv_store *st, struct srv_stats *out);

/* SQLite backend only (FF_ESTATE on PostgreSQL, which keeps its own tools): an online
 * backup into a new file through SQLite's backup API while the server runs; and restore,
 * which replaces this database by the backup and gives the log a new epoch. */
enum ff_err srv_store_backup(struct srv_store *st, const char *to_path);
enum ff_err srv_store_restore(struct srv_store *st, const char *from_path);

#endif

/* store_int.h - internals shared by the store's files (store.c, store_sql.c, store_fold.c,
 * store_query.c, store_text.c). Nothing outside src/lib/store*.c includes this.
 */
#ifndef FF_STORE_INT_H
#define FF_STORE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "fieldflow/event.h"
#include "fieldflow/hlc.h"
#include "fieldflow/store.h"
#include "store_backend.h"

/* SQLite's handles, named without its header: only the SQLite files include sqlite3.h
 * (tests/cli/store_seam.sh checks it). */
struct sqlite3;
struct sqlite3_stmt;

/* An erased customer or case whose reach is refolded once the dirty list is folded. */
struct ff_push {
    char entity[FF_EVENT_TYPE_MAX + 1]; /* "customer" or "case" */
    char id[FF_EVENT_ID_MAX + 1];       /* its id */
    bool news;                          /* customer: a new erasure or merge came */
};

/* Every statement the store runs; SQL text in store_sql.c, prepared once per handle. */
enum stmt {
    S_BEGIN,
    S_COMMIT,
    S_ROLLBACK,
    S_META_GET,
    S_META_SET,
    S_MAX_SEQ,
    S_INSERT_EVENT,
    S_ENTITY_EVENTS,
    S_ENTITY_KEYS,
    S_EVENT_ROW,
    S_INS_FORGERY,
    S_FORGERIES,
    S_EVENTS_WHERE,
    S_REDACT_EVENT,
    S_REDACT_FORGERY,
    S_REDACT_CASE_ROWS,
    S_REDACT_ESCALATIONS,
    S_FTS_OPTIMIZE,
    S_EVENT_BY_KEY,
    S_ALL_EVENTS,
    S_EVENTS_AFTER,
    S_EXPORT,

    S_INS_CUSTOMER,
    S_DEL_CUSTOMER_FTS,
    S_INS_CUSTOMER_FTS,
    S_INS_CASE,
    S_INS_NOTE,
    S_INS_ESCALATION,
    S_INS_VISIT,
    S_INS_REPORT,
    S_DEL_PARTS,
    S_INS_PART,
    S_DEL_SLOTS,
    S_INS_SLOT,
    S_INS_KB,
    S_DEL_KB_FTS,
    S_INS_KB_FTS,
    S_INS_FLOWCHART,
    S_INS_RUN,
    S_INS_STEP,
    S_INS_FEEDBACK,
    S_DEL_CONFLICTS,
    S_INS_CONFLICT,
    S_VISITS_OF_DAY,
    S_CASE_DETAIL,

    S_SEARCH_FTS,
    S_SEARCH_PREFIX,
    S_KB_SEARCH,
    S_CONFLICTS,
    S_STATS,
    S_LOCAL_GAPS,
    S_VISIT,
    S_ENGINEER_SLOTS,
    S_ENGINEER_VISITS,
    S_TIME_LIMITS_DUE,
    S__COUNT
};

extern const char *const ff_store__sql[S__COUNT];
extern const char *const ff_store__migrations[FF_STORE_SCHEMA_VERSION];
/* Projection tables: emptied by a rebuild, listed by a dump (with their ORDER BY). */
extern const char *const ff_store__projections[];
extern const char *const ff_store__derived[]; /* FTS tables: emptied, not dumped */

/* Events a transaction keeps parsed for the fold; a batch that adds more folds what it has so
 * far and goes on (a fold is a function of the log, so folding an entity twice in one
 * transaction gives the same rows), which bounds a batch's memory. */
#define FF_STORE_DIRTY_MAX 4096

/* One known event as the fold sees it. */
struct fev {
    char id[FF_EVENT_ID_MAX + 24];    /* "<device>:<seq>": the version id of what it sets */
    uint64_t hlc;                     /* its stamp; events are sorted by (hlc, device) */
    char type[FF_EVENT_TYPE_MAX + 1]; /* its type */
    struct cJSON *p;                  /* the parsed payload, owned */
    char *author;                     /* owned, may be NULL */
    bool fresh; /* not folded before: rows of its own (a note, a run step) are still to write */
};

/* An event the open transaction added, kept parsed so that the fold at commit need not read
 * it back from the log; its entity is folded at commit. */
struct ff_dirty {
    char entity[FF_EVENT_TYPE_MAX + 1]; /* "case"... */
    char id[FF_EVENT_ID_MAX + 1];       /* the entity id */
    char device[FF_EVENT_ID_MAX + 1];   /* the event's key in the log: device... */
    int64_t seq;                        /* ...and seq */
    int64_t fts_rowid; /* customer, kb: its full-text rowid, the order they are folded in */
    struct fev ev;     /* the event; ev.p and ev.author owned until folded */
};

struct ff_store {
    const struct ff_store_backend *be;   /* where the log and the projections are kept */
    void *be_ctx;                        /* a backend's own state (not the SQLite one's) */
    struct sqlite3 *db;                  /* the connection */
    struct sqlite3_stmt *stmt[S__COUNT]; /* prepared on first use, finalized by close */
    char device[FF_EVENT_ID_MAX + 1];    /* this device's id */
    char *author;                        /* author of local events; owned */
    struct ff_hlc clock;                 /* the hybrid logical clock */
    uint64_t clock_saved;                /* clock.last at batch start, restored on rollback */
    uint64_t (*now_ms)(void *ctx);       /* wall clock */
    void *now_ctx;                       /* its argument */
    int64_t next_seq;                    /* next local seq, valid inside a transaction */
    int64_t erasures;                    /* customer.erased events in the log (meta "erasures"),
                                            valid inside a transaction: none = nobody to ask */
    uint64_t call_clock;                 /* clock.last when the current call began */
    int64_t call_seq;                    /* next_seq when the current call began */
    struct ff_dirty *dirty;              /* events added since the last fold; owned */
    size_t n_dirty, cap_dirty;           /* used and allocated */
    bool in_batch;                       /* ff_store_begin was called */
    bool in_txn;                         /* a write transaction is open */
    bool readonly;                       /* opened read-only */
    bool no_fold;                        /* schema older than the fold (tests of migration) */
    bool rebuilding;                     /* a full refold runs: every entity pulls, none pushes */
    bool folding_dirty;                  /* the dirty list is being folded: pushes wait for it */
    struct ff_push *push;                /* erasure pushes waiting for the dirty fold; owned */
    size_t n_push, cap_push;             /* used and allocated */
    bool erasing;                        /* this transaction redacted personal values: purge the
                                            FTS index before commit, the WAL after */
    ff_store_redact_fn on_redact;        /* told of each redacted event (the server); or NULL */
    void *on_redact_ctx;                 /* its argument */
    int sys_errno;                       /* errno of the last failed step, for FF_EFULL */
    enum ff_err last;                    /* class of the last error recorded in err */
    char err[512];                       /* last error text */
};

/* Records a formatted error on s and returns e. */
enum ff_err ff_store__fail(struct ff_store *s, enum ff_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The class of the last recorded error (FF_EDB if none was): what a caller returns after a
 * helper that records its error and returns NULL failed. */
enum ff_err ff_store__err(const struct ff_store *s);
/* Maps a SQLite result code to enum ff_err, recording sqlite's message with `what`. */
enum ff_err ff_store__db_fail(struct ff_store *s, int rc, const char *what);
/* The statement `id`, reset and with bindings cleared; NULL (error recorded) on failure. */
struct sqlite3_stmt *ff_store__stmt(struct ff_store *s, enum stmt id);
/* Binds args by fmt (s: const char * or NULL, i: int64_t, j: const cJSON * value or NULL,
 * d: double) and steps once to completion. */
enum ff_err ff_store__exec(struct ff_store *s, enum stmt id, const char *fmt, ...);
/* Binds args like ff_store__exec and returns the ready statement (for SELECTs). */
struct sqlite3_stmt *ff_store__query(struct ff_store *s, enum stmt id, const char *fmt, ...);

/* Projection writes through the backend (store_backend.c), values bound like ff_store__exec's
 * s, i and j: ff_store__put writes one row of `table` (every column), ff_store__clear removes or
 * blanks the row set `what` of the given key. */
enum ff_err ff_store__put(struct ff_store *s, enum ff_proj table, const char *fmt, ...);
enum ff_err ff_store__clear(struct ff_store *s, enum ff_clear what, const char *fmt, ...);
/* The backend's document `what` (*out, ff_free), arguments bound the same way; FF_ESTATE if the
 * backend has no reads. */
enum ff_err ff_store__read(struct ff_store *s, enum ff_read what, char **out, const char *fmt, ...);

/* ff_store_open, but stops at schema version `target`; below the latest the store keeps the
 * log only and does not fold (tests make old files with it to test the migrations). */
enum ff_err ff_store__open_at(const struct ff_store_opts *o, int target, struct ff_store **out);

/* Write transaction around local writes; nested inside a batch they are no-ops. */
enum ff_err ff_store__write_begin(struct ff_store *s);
enum ff_err ff_store__write_end(struct ff_store *s, enum ff_err e);

/* Fold (store_fold*.c). mark_dirty notes a known event just inserted, taking ownership of p
 * (its parsed payload; NULL = parse ev->payload), also on failure. */
enum ff_err ff_store__mark_dirty(struct ff_store *s, const struct ff_event *ev, struct cJSON *p);
enum ff_err ff_store__fold_dirty(struct ff_store *s); /* folds and empties the list */
void ff_store__dirty_clear(struct ff_store *s);       /* empties it without folding */
enum ff_err ff_store__fold_all(struct ff_store *s);
enum ff_err ff_store__load_erasures(struct ff_store *s); /* s->erasures from meta */
enum ff_err ff_store__run_pushes(struct ff_store *s);    /* refolds what erasures reach */

/* A redacted event keeps 16 bits of the digest of what was received, marked by bit 16: enough
 * to know a late copy of the original for a duplicate (and most forgeries for what they
 * are), too few to find an erased value by trying candidates against it. */
#define FF_STORE_REDACTED_MASK 0xFFFFu
#define FF_STORE_REDACTED_DIGEST(d) (((d)&FF_STORE_REDACTED_MASK) | 0x10000u)

/* Encodes a stored event (a sync or export row) as one JSON line (*line: ff_free). */
enum ff_err ff_store__row_line(struct ff_store *s, const struct ff_log_row *r, char **line);
/* Tells s->on_redact, if set, of the event (device, seq) just redacted (store_server.c). */
enum ff_err ff_store__tell_redacted(struct ff_store *s, const char *device, int64_t seq);

/* Text (store_text.c): folds case and diacritics (en/da/es) to ASCII lower case into out;
 * digits_only keeps digits alone. Always NUL-terminates; truncates at cap. */
void ff_store__normalize(const char *in, bool digits_only, char *out, size_t cap);

#endif

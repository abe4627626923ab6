/* store_backend.h - the storage seam: what the fold needs from the log and the projections.
 *
 * The merge rules (which events count, versions and heads, erasure, what a row holds) live
 * above this line in store_fold*.c and are written once; a backend only stores and lists. The
 * device's backend is SQLite (store_backend_sqlite.c); the server's global log on PostgreSQL
 * implements the same table of operations, and tests/unit/test_store_backend.c runs the fold
 * on an in-memory one to show that no rule leaked below the seam (both give the same dump).
 * Every operation takes the store handle, records its error on it (ff_store__fail) and returns
 * the class; the backend's own state is reached through the handle (s->db, s->be_ctx).
 * Strings passed in are borrowed for the call; strings passed to callbacks are valid only
 * during the callback.
 */
#ifndef FF_STORE_BACKEND_H
#define FF_STORE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"

struct ff_event;
struct ff_store;

/* One column value of a projection row; JSON values are turned into these above the seam
 * (store_fold.c), so every backend stores the same scalar. */
enum ff_cell_kind { FF_CELL_NULL, FF_CELL_INT, FF_CELL_REAL, FF_CELL_TEXT };
struct ff_cell {
    enum ff_cell_kind kind; /* which of the fields below holds the value */
    int64_t i;              /* FF_CELL_INT */
    double r;               /* FF_CELL_REAL (only ever read back, the fold writes none) */
    const char *text;       /* FF_CELL_TEXT, NUL-terminated, borrowed */
};

/* Projection rows the fold writes; each replaces the row with the same key (the first
 * FF_PROJ_KEYS columns), columns in the table's order (store_sql.c has the schema). */
enum ff_proj {
    FF_PROJ_CUSTOMER,     /* customers: id, name, phone, email, address, site, merged_into,
                             erased, created_hlc, search_key */
    FF_PROJ_CUSTOMER_FTS, /* customer_fts: rowid, id, key */
    FF_PROJ_CASE,         /* cases: 19 columns, id first */
    FF_PROJ_NOTE,         /* notes: event_id, case_id, hlc, author, text */
    FF_PROJ_ESCALATION,   /* escalations: event_id, case_id, hlc, level, reason, eta */
    FF_PROJ_VISIT,        /* visits: 9 columns, id first */
    FF_PROJ_REPORT,       /* reports: 9 columns, id first */
    FF_PROJ_PART,         /* report_parts: report_id, idx, part, qty */
    FF_PROJ_SLOT,         /* slots: engineer_id, start, end (all key) */
    FF_PROJ_KB,           /* kb_articles: id, lang, title, body, tags, hlc */
    FF_PROJ_KB_FTS,       /* kb_fts: rowid, id, lang, title, body, tags, folded */
    FF_PROJ_FLOWCHART,    /* flowcharts: chart_id, version, title, chart, hlc */
    FF_PROJ_RUN,          /* runs: id, chart_id, chart_version, steps, last_node, first_hlc,
                             last_hlc */
    FF_PROJ_STEP,         /* run_steps: event_id, run_id, hlc, node, answer, step */
    FF_PROJ_FEEDBACK,     /* feedback: 8 columns, id first */
    FF_PROJ_CONFLICT,     /* conflicts: entity, entity_id, field, heads */
    FF_PROJ__COUNT
};

/* Row sets the fold removes or blanks before it writes them again. */
enum ff_clear {
    FF_CLEAR_CUSTOMER_FTS, /* the customer_fts row with rowid key[0] */
    FF_CLEAR_KB_FTS,       /* the kb_fts row with rowid key[0] */
    FF_CLEAR_PARTS,        /* report_parts of report key[0] */
    FF_CLEAR_SLOTS,        /* slots of engineer key[0] */
    FF_CLEAR_CONFLICTS,    /* conflicts of entity key[0], id key[1] */
    FF_CLEAR_CASE_TEXTS,   /* NULL the text of case key[0]'s notes and escalations' reasons */
    FF_CLEAR__COUNT,
    FF_CLEAR_NONE = FF_CLEAR__COUNT
};

/* The device's reads (store_query.c), each one JSON document. */
enum ff_read {
    FF_READ_VISITS_OF_DAY, /* engineer_id, from ms, to ms: [visit + customer...] by start */
    FF_READ_CASE_DETAIL,   /* case_id: {case, customer, notes, escalations, visits, reports,
                              history, conflicts}; FF_ENOTFOUND if there is no such case */
    FF_READ_CUSTOMERS,     /* normalized query, limit: customers whose key contains it (3+
                              bytes) or starts with it (shorter), by key */
    FF_READ_KB,            /* normalized query, lang or NULL, limit: articles with every word,
                              the last as a prefix, best first */
    FF_READ_CONFLICTS,     /* every conflict */
    FF_READ_FORGERIES,     /* every kept forged copy */
    FF_READ_STATS,         /* device, sent seq: counts */
    FF_READ_VISIT,         /* visit id: {id, case_id, engineer_id, start, end, status} */
    FF_READ_SLOTS,         /* engineer id: [{start, end}] */
    FF_READ_BOOKED,        /* engineer id, from ms, to ms: visits overlapping, by start */
    FF_READ_TIME_LIMITS,   /* now ms, limit: cases due, never breached, not resolved/closed */
    FF_READ__COUNT
};

/* One stored event as the fold reads it. */
struct ff_log_row {
    const char *device;     /* its key: device... */
    int64_t seq;            /* ...and seq */
    uint64_t hlc;           /* its stamp */
    const char *entity;     /* its entity kind */
    const char *entity_id;  /* and id */
    const char *type;       /* its type */
    const char *payload;    /* JSON text (redacted if an erasure reached it) */
    size_t payload_len;     /* its length in bytes */
    const char *author;     /* NULL if none */
    bool known;             /* this build folds its type and schema */
    int schema;             /* payload schema (export and sync rows only) */
    uint64_t redacted_from; /* 0, or the digest kept after a redaction (export and sync rows) */
};

typedef enum ff_err (*ff_row_fn)(struct ff_store *s, const struct ff_log_row *r, void *arg);
typedef enum ff_err (*ff_key_fn)(struct ff_store *s, const char *device, int64_t seq, void *arg);
typedef enum ff_err (*ff_target_fn)(struct ff_store *s, const char *entity, const char *id,
                                    void *arg);
typedef enum ff_err (*ff_dump_fn)(void *arg, const char *table, const struct ff_cell *row,
                                  size_t n);

struct ff_store_backend {
    const char *name; /* "sqlite", "memory"... */

    /* Releases what the backend holds for s (called by ff_store_close, after any rollback). */
    void (*close)(struct ff_store *s);

    /* Transactions: begin takes the write lock (other writers wait or fail); commit makes the
     * transaction durable, and with purge (it erased personal values) leaves no copy of the
     * old values in the backend's files (SQLite: merges the FTS index, truncates the WAL);
     * rollback undoes everything since begin and cannot fail. */
    enum ff_err (*begin)(struct ff_store *s);
    enum ff_err (*commit)(struct ff_store *s, bool purge);
    void (*rollback)(struct ff_store *s);
    /* Bookkeeping values by key ("hlc", "sent", "erasures"): meta_get copies the value as
     * text into buf (cap bytes; "" and *found false if there is none). */
    enum ff_err (*meta_get)(struct ff_store *s, const char *key, char *buf, size_t cap,
                            bool *found);
    enum ff_err (*meta_set)(struct ff_store *s, const char *key, const struct ff_cell *value);

    /* The log, as store_log.c writes it. Inserts ev unless its key (device, seq) is stored
     * (*added says which), with its redacted_from if it has one. Nothing else: what is a
     * duplicate, a forgery or a refusal is decided above. */
    enum ff_err (*insert)(struct ff_store *s, const struct ff_event *ev, bool *added);
    /* Keeps a refused copy of stored event `id` for the back office (line: its first 4 KiB,
     * NULL for the copy of a redacted event), at most 10000 of them, each (id, digest) once. */
    enum ff_err (*forgery)(struct ff_store *s, const char *id, uint64_t digest, uint64_t stored,
                           uint64_t hlc, const char *line);
    /* The highest seq of `device` (0 if none) and, if count is not NULL, how many it has. */
    enum ff_err (*device_seq)(struct ff_store *s, const char *device, int64_t *max, int64_t *count);
    /* At most limit events of `device` after seq `after`, in seq order (sync). */
    enum ff_err (*events_after)(struct ff_store *s, const char *device, int64_t after,
                                int64_t limit, ff_row_fn fn, void *arg);
    /* Every event, known or not, in (hlc, device) order (export). */
    enum ff_err (*export)(struct ff_store *s, ff_row_fn fn, void *arg);

    /* The log, as the fold reads it. Keys of every event of (entity, id), known or not, in
     * (hlc, device, seq) order. */
    enum ff_err (*entity_keys)(struct ff_store *s, const char *entity, const char *id, ff_key_fn fn,
                               void *arg);
    /* The stored event (device, seq), given to fn once; FF_ECORRUPT if there is none. */
    enum ff_err (*event)(struct ff_store *s, const char *device, int64_t seq, ff_row_fn fn,
                         void *arg);
    /* The known events of (entity, id) in (hlc, device) order. */
    enum ff_err (*entity_events)(struct ff_store *s, const char *entity, const char *id,
                                 ff_row_fn fn, void *arg);
    /* Every known event in (entity, entity_id, hlc, device) order (a rebuild). */
    enum ff_err (*all_events)(struct ff_store *s, ff_row_fn fn, void *arg);
    /* The digest of what was received for (device, seq): ff_event_digest of the stored row,
     * or (*redacted) the digest kept when an erasure redacted it; *found false if absent. */
    enum ff_err (*stored_digest)(struct ff_store *s, const char *device, int64_t seq, bool *found,
                                 uint64_t *digest, bool *redacted);
    /* Replaces the payload of (device, seq), keeping `digest` as what was received, and drops
     * the text of forged copies of the same id. */
    enum ff_err (*redact)(struct ff_store *s, const char *device, int64_t seq, const char *payload,
                          uint64_t digest);
    /* The known events of kind `entity` whose payload's top-level `key` is the string
     * `value`, in no particular order (erasure follows links between entities with it; a full
     * scan of that kind is fine: erasures are rare). */
    enum ff_err (*events_where)(struct ff_store *s, const char *entity, const char *key,
                                const char *value, ff_row_fn fn, void *arg);

    /* Projections. Writes the row (FF_PROJ_COLUMNS[table] cells). */
    enum ff_err (*put)(struct ff_store *s, enum ff_proj table, const struct ff_cell *row);
    /* Removes or blanks the row set `what` of key. */
    enum ff_err (*clear)(struct ff_store *s, enum ff_clear what, const struct ff_cell *key);
    /* Empties every projection and derived index (a rebuild). */
    enum ff_err (*empty)(struct ff_store *s);
    /* The device's screens and maintenance, which the server's backend need not have (NULL:
     * the call fails with FF_ESTATE). read: the document `what` for args (cells as listed in
     * enum ff_read), owned by the caller (ff_free). verify: the backend's own consistency
     * check. copy: a consistent copy of the whole store in a new file at path, which
     * ff_store_open opens (for a check to rebuild and compare). */
    enum ff_err (*read)(struct ff_store *s, enum ff_read what, const struct ff_cell *args,
                        char **out);
    enum ff_err (*verify)(struct ff_store *s);
    enum ff_err (*copy)(struct ff_store *s, const char *path);
    /* Visits every row of the dumped projections (ff_store__projections' tables and
     * order; the full-text indexes are not dumped), columns in table order. */
    enum ff_err (*dump)(struct ff_store *s, ff_dump_fn fn, void *arg);
};

/* Column count and key width of each projection. */
extern const unsigned char ff_store__proj_columns[FF_PROJ__COUNT];
extern const unsigned char ff_store__proj_keys[FF_PROJ__COUNT];
/* Table name of each projection. */
extern const char *const ff_store__proj_tables[FF_PROJ__COUNT];

/* The device's backend. */
extern const struct ff_store_backend ff_store__sqlite_backend;

#endif

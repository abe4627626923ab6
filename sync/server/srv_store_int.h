/* srv_store_int.h - what srv_store.c (the rules: push, decide, enrol, pull scope) asks of a
 * backend (srv_store_sqlite.c, srv_store_pg.c). The backends only store and list; every
 * decision about gseq, acked_seq, forgery and scope is taken once, in srv_store*.c, so both
 * backends behave the same by construction.
 *
 * Hashes are stored as 64 lowercase hex characters, digests as their int64 bit pattern, so
 * every value is text or a 64-bit integer in both databases.
 */
#ifndef FF_SRV_STORE_INT_H
#define FF_SRV_STORE_INT_H

#include "srv_store.h"

#define SRV_HEX_LEN 64                        /* a SHA-256 hash in hex */
#define SRV_ID_LEN (2 * FF_EVENT_ID_MAX + 24) /* "device:seq" and its NUL */

/* One stored event with its entity's scope keys (empty strings when unknown). */
struct srv_row {
    int64_t gseq;
    const char *type;
    const char *entity_id;
    const char *site;        /* the entity's site (kiosk pushes; inherited from its case) */
    const char *case_id;     /* the case it belongs to (a case's own id) */
    const char *customer_id; /* the customer of a case */
    const char *device;      /* the device whose event it is */
    const char *creator;     /* the device whose event was the entity's first */
    const char *line;
    size_t len;
};
/* Returns non-zero to stop the scan (not an error). */
typedef int (*srv_row_fn)(void *ctx, const struct srv_row *r);

/* An entity's scope row. */
struct srv_entity {
    char site[SRV_NAME_MAX + 1];
    char case_id[FF_EVENT_ID_MAX + 1];
    char customer_id[FF_EVENT_ID_MAX + 1];
    char creator[FF_EVENT_ID_MAX + 1]; /* the device of the entity's first event */
};

/* A consumed or open enrolment code. */
struct srv_code {
    enum srv_kind kind;
    char site[SRV_NAME_MAX + 1];
    char engineer[SRV_NAME_MAX + 1];
    int64_t expires_ms;
    bool used;
    char device[FF_EVENT_ID_MAX + 1]; /* a code that enrols this known device again; "" = new */
};

enum srv_dev_field { SRV_DEV_REVOKED, SRV_DEV_FLAGGED, SRV_DEV_ACKED };

/* Every op returns FF_OK or an error with st->err filled in by the backend. */
struct srv_ops {
    void (*close)(struct srv_store *st);
    /* locked: a write transaction under the one commit lock; else a plain one. */
    enum ff_err (*begin)(struct srv_store *st, bool locked);
    enum ff_err (*commit)(struct srv_store *st);
    void (*rollback)(struct srv_store *st); /* best effort, also after a failed statement */
    enum ff_err (*meta_get)(struct srv_store *st, const char *key, int64_t *v, bool *found);
    /* Inserts key unless present (first writer wins), or replaces it when force. */
    enum ff_err (*meta_put)(struct srv_store *st, const char *key, int64_t v, bool force);
    enum ff_err (*code_add)(struct srv_store *st, const char *hex, const struct srv_code *c);
    enum ff_err (*code_get)(struct srv_store *st, const char *hex, struct srv_code *out,
                            bool *found);
    enum ff_err (*code_use)(struct srv_store *st, const char *hex);
    enum ff_err (*device_get)(struct srv_store *st, const char *id, struct srv_device *out,
                              bool *found);
    enum ff_err (*device_add)(struct srv_store *st, const struct srv_device *d, const char *name);
    /* Sets one field; *found = false when no such device. */
    enum ff_err (*device_set)(struct srv_store *st, const char *id, enum srv_dev_field f, int64_t v,
                              bool *found);
    enum ff_err (*token_add)(struct srv_store *st, const char *hex, bool refresh,
                             const char *device, int64_t expires_ms);
    /* device: FF_EVENT_ID_MAX + 1 bytes. */
    enum ff_err (*token_get)(struct srv_store *st, const char *hex, bool refresh, char *device,
                             int64_t *expires_ms, bool *found);
    enum ff_err (*token_cut)(struct srv_store *st, const char *hex, int64_t expires_ms,
                             bool *found);
    /* Ends every token of the device (a new enrolment replaces them). */
    enum ff_err (*tokens_end)(struct srv_store *st, const char *device);
    /* For each of n ids ("device:seq"): whether it is stored, and its digest. */
    enum ff_err (*log_find)(struct srv_store *st, const char *const *ids, size_t n,
                            uint64_t *digest, bool *found);
    /* Stores evs[i] with id ids[i] at gseq[i], i < n. */
    enum ff_err (*log_add)(struct srv_store *st, const char *const *ids, const int64_t *gseq,
                           struct srv_push_event *const *evs, size_t n);
    enum ff_err (*log_replace)(struct srv_store *st, const char *id, const char *line, size_t len,
                               bool *found);
    enum ff_err (*head)(struct srv_store *st, int64_t *out);
    /* The scope rows of n entities (found[i] false: none yet). */
    enum ff_err (*entity_get)(struct srv_store *st, const char *const *ids, size_t n,
                              struct srv_entity *out, bool *found);
    /* Creates or replaces the scope rows of n entities. */
    enum ff_err (*entity_put)(struct srv_store *st, const char *const *ids,
                              const struct srv_entity *ents, size_t n);
    enum ff_err (*assign_add)(struct srv_store *st, const char *engineer, const char *case_id,
                              int64_t gseq);
    /* Each case assigned to engineer by gseq <= upto or created by device (its first event,
     * at gseq <= upto; device "": none), once, with the first of those gseqs and its customer
     * ("" if none). fn returns non-zero to stop. */
    enum ff_err (*assigned)(struct srv_store *st, const char *engineer, const char *device,
                            int64_t upto,
                            int (*fn)(void *ctx, const char *case_id, const char *customer_id,
                                      int64_t first),
                            void *ctx);
    enum ff_err (*decision_add)(struct srv_store *st, const char *key, bool *added);
    /* Rows with after < gseq <= upto in gseq order, at most limit. */
    enum ff_err (*scan)(struct srv_store *st, int64_t after, int64_t upto, int limit, srv_row_fn fn,
                        void *ctx);
    /* Rows of case case_id (its own and those with that case_id) and of entity customer_id
     * (when not ""), gseq <= upto, in gseq order. */
    enum ff_err (*scan_case)(struct srv_store *st, const char *case_id, const char *customer_id,
                             int64_t upto, srv_row_fn fn, void *ctx);
    enum ff_err (*stats)(struct srv_store *st, struct srv_stats *out);
    enum ff_err (*backup)(struct srv_store *st, const char *to_path);    /* NULL: FF_ESTATE */
    enum ff_err (*restore)(struct srv_store *st, const char *from_path); /* NULL: FF_ESTATE */
};

struct srv_store {
    const struct srv_ops *ops; /* the backend */
    void *be;                  /* the backend's connection and statements */
    bool sqlite;               /* which backend (srv_store_is_sqlite) */
    char err[512];             /* the last error text */
};

/* Sets st->err from fmt and returns e. */
enum ff_err srv_store__fail(struct srv_store *st, enum ff_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void srv_store__hex(const uint8_t hash[32], char out[SRV_HEX_LEN + 1]);
/* A fresh random epoch in 1..2^53 (fits a JSON number everywhere). */
enum ff_err srv_store__new_epoch(struct srv_store *st, int64_t *out);

enum ff_err srv_store__open_sqlite(const char *path, struct srv_store *st);
enum ff_err srv_store__open_pg(const char *url, struct srv_store *st);

/* srv_store_push.c: the rules of srv_store_push inside the caller's locked transaction. */
enum ff_err srv_store__push_in_tx(struct srv_store *st, const char *device,
                                  struct srv_push_event *evs, size_t n, int64_t *acked_seq,
                                  int64_t *checkpoint);

/* srv_store_pull.c */
enum ff_err srv_store__pull(struct srv_store *st, const struct srv_scope *sc, int64_t after,
                            int limit, srv_line_fn fn, void *ctx, int64_t *next, bool *more);

#endif

/* store_fold.h - what the fold's files share (store_fold*.c only). */
#ifndef FF_STORE_FOLD_H
#define FF_STORE_FOLD_H

#include <cJSON.h>

#include "store_int.h"

/* The known events of one entity, in (hlc, device) order. */
struct fold {
    char entity[FF_EVENT_TYPE_MAX + 1]; /* "case"... */
    char id[FF_EVENT_ID_MAX + 1];       /* the entity id */
    struct fev *ev;                     /* the events; owned */
    size_t n, cap;                      /* used and allocated */
    bool fresh; /* no event of the entity was folded before, so it has no rows to replace */
};

/* Loads every known event of (entity, id) into f (cleared first). */
enum ff_err ff_fold_load(struct ff_store *s, const char *entity, const char *id, struct fold *f);
void ff_fold_clear(struct fold *f); /* frees the events' contents, keeps the array */
void ff_fold_free(struct fold *f);

/* The rowid of an entity's row in customer_fts or kb_fts. */
int64_t ff_fold_fts_rowid(const char *id);

/* Replaces the rows of f's entity by the fold of f's events. */
enum ff_err ff_fold_entity(struct ff_store *s, struct fold *f);

/* The shown value of an editable field (NULL if never set; points into f); with
 * record_conflict, a field with more than one head gets a row in conflicts. */
enum ff_err ff_fold_field(struct ff_store *s, const struct fold *f, const char *field,
                          bool record_conflict, const cJSON **out);
/* The ids of the current heads of a field, as a new JSON array (cJSON_Delete). */
enum ff_err ff_fold_heads(struct ff_store *s, const struct fold *f, const char *field, cJSON **out);

/* Erasure (store_fold_erase.c). Whether the customer id (case_of: any customer the case id
 * ever named) is erased, read from the log. */
enum ff_err ff_fold_erased(struct ff_store *s, bool case_of, const char *id, bool *out);
/* Redacts the personal values in the log rows of f's events (and, for a case, in rows of its
 * older notes and escalations); f's parsed payloads are redacted in place. */
enum ff_err ff_fold_redact(struct ff_store *s, struct fold *f);
/* After an erased customer or case was folded: refolds what the erasure reaches. */
enum ff_err ff_fold_push_erasure(struct ff_store *s, const struct fold *f);

#endif

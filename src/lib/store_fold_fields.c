/* store_fold_fields.c - editable fields: versions, heads and conflicts (DESIGN.md).
 *
 * A version of field F is an event that sets F: the entity's *.created event if its payload
 * has F, an edit event naming F, or for a case's status a case.status_changed. An edit's
 * `prev` names the versions it replaced; it can replace only versions older than itself in
 * (hlc, device) order, so an edit naming a future id (not stored yet, or stored with a higher
 * hlc) replaces nothing: the id, when it comes, is a head like any other and the conflict is
 * listed. Heads are the versions no later version names; the shown value
 * is the last head in (hlc, device) order; more than one head is a conflict, listed with every
 * head, highest first. An edit whose prev names all heads resolves it. All of this is a
 * function of the event set, so every replica computes the same answer.
 * Workload: a handful of versions per field; O(versions^2) is fine and simple.
 */
#include <string.h>

#include "fieldflow/mem.h"
#include "store_fold.h"

/* True if e sets `field`; *value and *prev (NULL for a creation) say to what and over what. */
static bool version_of(const struct fev *e, const char *field, const cJSON **value,
                       const cJSON **prev)
{
    size_t tl = strlen(e->type);
    if (tl > 8 && !strcmp(e->type + tl - 8, ".created")) {
        *value = cJSON_GetObjectItemCaseSensitive(e->p, field);
        *prev = NULL;
        return *value != NULL;
    }
    if (!strcmp(e->type, "case.status_changed")) {
        *value = cJSON_GetObjectItemCaseSensitive(e->p, "status");
        *prev = cJSON_GetObjectItemCaseSensitive(e->p, "prev");
        return !strcmp(field, "status");
    }
    if (strcmp(e->type, "customer.edited") && strcmp(e->type, "case.field_edited"))
        return false;
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(e->p, "field");
    *value = cJSON_GetObjectItemCaseSensitive(e->p, "value");
    *prev = cJSON_GetObjectItemCaseSensitive(e->p, "prev");
    return cJSON_IsString(f) && !strcmp(f->valuestring, field);
}

static bool names(const cJSON *prev, const char *id)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, prev)
    {
        if (cJSON_IsString(x) && !strcmp(x->valuestring, id))
            return true;
    }
    return false;
}

/* Fills heads[] (room for f->n) with indexes into f->ev, in hlc order; returns how many.
 * prevs is scratch for f->n pointers. Each event is classified once, then versions are
 * compared pairwise. */
static size_t find_heads(const struct fold *f, const char *field, size_t *heads,
                         const cJSON **prevs)
{
    size_t nv = 0, nh = 0;
    const cJSON *v;
    for (size_t i = 0; i < f->n; i++) /* heads[] lists every version first */
        if (version_of(&f->ev[i], field, &v, &prevs[nv]))
            heads[nv++] = i;
    for (size_t a = 0; a < nv; a++) {
        bool replaced = false;
        for (size_t b = a + 1; b < nv && !replaced; b++) /* only a later version replaces */
            replaced = names(prevs[b], f->ev[heads[a]].id);
        if (!replaced)
            heads[nh++] = heads[a]; /* nh <= a: compacts in place */
    }
    return nh;
}

static enum ff_err record_conflict(struct ff_store *s, const struct fold *f, const char *field,
                                   const size_t *heads, size_t nh)
{
    cJSON *arr = cJSON_CreateArray();
    const cJSON *v = NULL, *prev = NULL;
    char hex[17];
    for (size_t k = nh; arr && k-- > 0;) {
        const struct fev *e = &f->ev[heads[k]];
        cJSON *o = cJSON_CreateObject();
        version_of(e, field, &v, &prev);
        ff_hlc_format(e->hlc, hex);
        if (!o || !cJSON_AddItemToArray(arr, o) || !cJSON_AddStringToObject(o, "version", e->id) ||
            !cJSON_AddItemToObject(o, "value", cJSON_Duplicate(v, true)) ||
            !cJSON_AddStringToObject(o, "hlc", hex)) {
            cJSON_Delete(arr);
            arr = NULL;
        }
    }
    char *txt = arr ? cJSON_PrintUnformatted(arr) : NULL;
    cJSON_Delete(arr);
    if (!txt)
        return ff_store__fail(s, FF_ENOMEM, "out of memory listing a conflict");
    enum ff_err e = ff_store__put(s, FF_PROJ_CONFLICT, "ssss", f->entity, f->id, field, txt);
    cJSON_free(txt);
    return e;
}

enum ff_err ff_fold_field(struct ff_store *s, const struct fold *f, const char *field, bool record,
                          const cJSON **out)
{
    const cJSON *prev;
    *out = NULL;
    /* one block: f->n head indexes, then f->n prev pointers for find_heads */
    size_t *heads = ff_malloc((f->n ? f->n : 1) * (sizeof *heads + sizeof(cJSON *)));
    if (!heads)
        return ff_store__fail(s, FF_ENOMEM, "out of memory folding %s", f->id);
    size_t nh = find_heads(f, field, heads, (const cJSON **)(heads + (f->n ? f->n : 1)));
    enum ff_err e = FF_OK;
    if (nh)
        version_of(&f->ev[heads[nh - 1]], field, out, &prev);
    if (nh > 1 && record)
        e = record_conflict(s, f, field, heads, nh);
    ff_free(heads);
    return e;
}

enum ff_err ff_fold_heads(struct ff_store *s, const struct fold *f, const char *field, cJSON **out)
{
    *out = NULL;
    size_t *heads = ff_malloc((f->n ? f->n : 1) * (sizeof *heads + sizeof(cJSON *)));
    cJSON *arr = cJSON_CreateArray();
    if (!heads || !arr)
        goto out_nomem;
    size_t nh = find_heads(f, field, heads, (const cJSON **)(heads + (f->n ? f->n : 1)));
    for (size_t k = 0; k < nh; k++)
        if (!cJSON_AddItemToArray(arr, cJSON_CreateString(f->ev[heads[k]].id)))
            goto out_nomem;
    ff_free(heads);
    *out = arr;
    return FF_OK;
out_nomem:
    ff_free(heads);
    cJSON_Delete(arr);
    return ff_store__fail(s, FF_ENOMEM, "out of memory reading the heads of %s", field);
}

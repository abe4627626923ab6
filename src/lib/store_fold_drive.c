/* store_fold_drive.c - when the fold runs: the dirty set, loading an entity's events, rebuild.
 *
 * Appends and imports note each new event, parsed, in a list on the handle; at commit every
 * dirty entity is folded once, so a batch of a thousand events over a hundred cases folds each
 * case once. The fold of an entity still sees all its events: the log's entity index (which
 * covers the key) lists them in (hlc, device) order, the ones this transaction added come from
 * the list and only older ones are read and parsed from the log. A rebuild empties every
 * projection and streams the whole log in (entity, id, hlc, device) order through the same
 * per-entity fold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "store_fold.h"

void ff_fold_clear(struct fold *f)
{
    for (size_t i = 0; i < f->n; i++) {
        cJSON_Delete(f->ev[i].p);
        ff_free(f->ev[i].author);
    }
    f->n = 0;
}

void ff_fold_free(struct fold *f)
{
    ff_fold_clear(f);
    ff_free(f->ev);
    f->ev = NULL;
    f->cap = 0;
}

/* Room for one more event in f. */
static enum ff_err grow(struct ff_store *s, struct fold *f)
{
    if (f->n < f->cap)
        return FF_OK;
    size_t cap = f->cap ? f->cap * 2 : 16;
    struct fev *ev = ff_realloc(f->ev, cap * sizeof *ev);
    if (!ev)
        return ff_store__fail(s, FF_ENOMEM, "out of memory folding %s", f->id);
    f->ev = ev;
    f->cap = cap;
    return FF_OK;
}

/* Copies text of at most cap-1 bytes (ids and types, capped by validation). */
static void copy_text(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    n = n < cap ? n : cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Appends the stored event r; fresh: it was never folded. */
static enum ff_err add_row(struct ff_store *s, struct fold *f, const struct ff_log_row *r,
                           bool fresh)
{
    enum ff_err err = grow(s, f);
    if (err)
        return err;
    struct fev *e = &f->ev[f->n];
    snprintf(e->id, sizeof e->id, "%s:%lld", r->device, (long long)r->seq);
    e->hlc = r->hlc;
    copy_text(e->type, sizeof e->type, r->type);
    e->p = cJSON_ParseWithLength(r->payload, r->payload_len);
    e->author = r->author ? ff_strdup(r->author) : NULL;
    e->fresh = fresh;
    if (!cJSON_IsObject(e->p) || (r->author && !e->author)) {
        cJSON_Delete(e->p);
        ff_free(e->author);
        return e->p ? ff_store__fail(s, FF_ENOMEM, "out of memory folding %s", e->id)
                    : ff_store__fail(s, FF_ECORRUPT, "event %s: stored payload unreadable", e->id);
    }
    f->n++;
    return FF_OK;
}

/* ff_row_fn: appends an event of an earlier transaction to the fold (arg). */
static enum ff_err add_old(struct ff_store *s, const struct ff_log_row *r, void *arg)
{
    return r->known ? add_row(s, arg, r, false) : FF_OK;
}

static void set_key(struct fold *f, const char *entity, const char *id)
{
    copy_text(f->entity, sizeof f->entity, entity);
    copy_text(f->id, sizeof f->id, id);
}

enum ff_err ff_fold_load(struct ff_store *s, const char *entity, const char *id, struct fold *f)
{
    ff_fold_clear(f);
    set_key(f, entity, id);
    f->fresh = false;
    return s->be->entity_events(s, entity, id, add_old, f);
}

enum ff_err ff_store__mark_dirty(struct ff_store *s, const struct ff_event *ev, cJSON *p)
{
    if (!p)
        p = cJSON_Parse(ev->payload);
    char *author = ev->author ? ff_strdup(ev->author) : NULL;
    if (s->n_dirty == s->cap_dirty) {
        size_t cap = s->cap_dirty ? s->cap_dirty * 2 : 64;
        struct ff_dirty *d = ff_realloc(s->dirty, cap * sizeof *d);
        if (d) {
            s->dirty = d;
            s->cap_dirty = cap;
        }
    }
    if (!p || (ev->author && !author) || s->n_dirty == s->cap_dirty) {
        cJSON_Delete(p);
        ff_free(author);
        return ff_store__fail(s, FF_ENOMEM, "out of memory noting event %s:%lld", ev->device,
                              (long long)ev->seq);
    }
    struct ff_dirty *d = &s->dirty[s->n_dirty++];
    copy_text(d->entity, sizeof d->entity, ev->entity);
    copy_text(d->id, sizeof d->id, ev->entity_id);
    copy_text(d->device, sizeof d->device, ev->device);
    d->seq = ev->seq;
    d->fts_rowid = !strcmp(ev->entity, "customer") || !strcmp(ev->entity, "kb")
                       ? ff_fold_fts_rowid(ev->entity_id)
                       : 0;
    snprintf(d->ev.id, sizeof d->ev.id, "%s:%lld", ev->device, (long long)ev->seq);
    d->ev.hlc = ev->hlc;
    copy_text(d->ev.type, sizeof d->ev.type, ev->type);
    d->ev.p = p;
    d->ev.author = author;
    d->ev.fresh = true;
    return FF_OK;
}

void ff_store__dirty_clear(struct ff_store *s)
{
    for (size_t i = 0; i < s->n_dirty; i++) {
        cJSON_Delete(s->dirty[i].ev.p);
        ff_free(s->dirty[i].ev.author);
    }
    s->n_dirty = 0;
}

/* Entities with a full-text entry go in rowid order: FTS5 flushes its pending terms to a new
 * segment whenever a rowid is lower than the last one written, so hash-ordered rowids in id
 * order would write (and later merge) a segment for every other entity. */
static int entity_cmp(const struct ff_dirty *x, const struct ff_dirty *y)
{
    int c = strcmp(x->entity, y->entity);
    if (!c)
        c = (x->fts_rowid > y->fts_rowid) - (x->fts_rowid < y->fts_rowid);
    return c ? c : strcmp(x->id, y->id);
}

/* Entities as above; within one, the entity index's order: hlc, device, seq. */
static int dirty_cmp(const void *a, const void *b)
{
    const struct ff_dirty *x = a, *y = b;
    int c = entity_cmp(x, y);
    if (!c)
        c = x->ev.hlc < y->ev.hlc ? -1 : x->ev.hlc > y->ev.hlc;
    if (!c)
        c = strcmp(x->device, y->device);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* The entity being folded at commit: its dirty events d[0..n) in index order, j taken. */
struct group {
    struct fold *f;     /* the events, in (hlc, device) order */
    struct ff_dirty *d; /* the new ones */
    size_t n, j;        /* how many, how many moved to f */
};

/* ff_key_fn: the next event of the entity, new (from the dirty list) or older (from the log). */
static enum ff_err group_key(struct ff_store *s, const char *device, int64_t seq, void *arg)
{
    struct group *g = arg;
    struct ff_dirty *d = &g->d[g->j];
    if (g->j < g->n && d->seq == seq && !strcmp(d->device, device)) {
        enum ff_err e = grow(s, g->f);
        if (!e) { /* the new event: ownership moves to f */
            g->f->ev[g->f->n++] = d->ev;
            d->ev.p = NULL;
            d->ev.author = NULL;
            g->j++;
        }
        return e;
    }
    g->f->fresh = false; /* an event of an earlier transaction: the entity has rows */
    return s->be->event(s, device, seq, add_old, g->f);
}

/* Folds the entity of the dirty events d[0..n), sorted in index order: every event of the
 * entity in (hlc, device) order, taking the new ones from d and the others from the log. */
static enum ff_err fold_group(struct ff_store *s, struct ff_dirty *d, size_t n, struct fold *f)
{
    ff_fold_clear(f);
    set_key(f, d->entity, d->id);
    f->fresh = true;
    struct group g = {.f = f, .d = d, .n = n, .j = 0};
    enum ff_err e = s->be->entity_keys(s, d->entity, d->id, group_key, &g);
    if (!e && g.j != n)
        e = ff_store__fail(s, FF_ECORRUPT, "event %s: added but not in the entity index",
                           d[g.j].ev.id);
    return e ? e : ff_fold_entity(s, f);
}

enum ff_err ff_store__fold_dirty(struct ff_store *s)
{
    struct fold f = {0};
    enum ff_err e = FF_OK;
    if (s->n_dirty > 1)
        qsort(s->dirty, s->n_dirty, sizeof *s->dirty, dirty_cmp);
    s->folding_dirty = true;
    for (size_t i = 0, j; i < s->n_dirty && !e; i = j) {
        for (j = i + 1; j < s->n_dirty && !entity_cmp(&s->dirty[i], &s->dirty[j]); j++)
            ;
        e = fold_group(s, &s->dirty[i], j - i, &f);
    }
    s->folding_dirty = false;
    ff_fold_free(&f);
    ff_store__dirty_clear(s);
    if (!e)
        e = ff_store__run_pushes(s); /* every dirty entity has its rows now */
    s->n_push = 0;
    return e;
}

/* ff_row_fn of a rebuild: folds the entity in f (arg) when r belongs to another. */
static enum ff_err stream_row(struct ff_store *s, const struct ff_log_row *r, void *arg)
{
    struct fold *f = arg;
    enum ff_err e = FF_OK;
    if (f->n && (strcmp(f->entity, r->entity) || strcmp(f->id, r->entity_id))) {
        e = ff_fold_entity(s, f);
        ff_fold_clear(f);
    }
    if (!e && !f->n) {
        set_key(f, r->entity, r->entity_id);
        f->fresh = true; /* the projections were emptied */
    }
    return e ? e : add_row(s, f, r, true); /* the projections were emptied */
}

/* Streams the log; folds each entity when the next row belongs to another. */
static enum ff_err fold_stream(struct ff_store *s, struct fold *f)
{
    enum ff_err e = s->be->all_events(s, stream_row, f);
    if (!e && f->n)
        e = ff_fold_entity(s, f);
    return e;
}

enum ff_err ff_store__fold_all(struct ff_store *s)
{
    struct fold f = {0};
    enum ff_err e = s->be->empty(s);
    ff_store__dirty_clear(s);
    if (!e)
        e = ff_store__load_erasures(s);
    s->rebuilding = true; /* every entity is folded: each pulls its erasure, none pushes */
    if (!e)
        e = fold_stream(s, &f);
    s->rebuilding = false;
    ff_fold_free(&f);
    return e;
}

/* store_fold_drive.c - when the fold runs: the dirty set, loading an entity's events, rebuild.
 *
 * Appends and imports only note (entity, id) in a list on the handle; at commit every dirty
 * entity is folded once from the log, so a batch of a thousand events over a hundred cases
 * folds each case once. A rebuild empties every projection and streams the whole log in
 * (entity, id, hlc, device) order through the same per-entity fold.
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

/* Appends the event in the current row of st (device, seq, hlc, type, payload, author). */
static enum ff_err add_row(struct ff_store *s, struct fold *f, sqlite3_stmt *st)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        struct fev *ev = ff_realloc(f->ev, cap * sizeof *ev);
        if (!ev)
            return ff_store__fail(s, FF_ENOMEM, "out of memory folding %s", f->id);
        f->ev = ev;
        f->cap = cap;
    }
    struct fev *e = &f->ev[f->n];
    const char *author = (const char *)sqlite3_column_text(st, 5);
    snprintf(e->id, sizeof e->id, "%s:%lld", (const char *)sqlite3_column_text(st, 0),
             (long long)sqlite3_column_int64(st, 1));
    e->hlc = (uint64_t)sqlite3_column_int64(st, 2);
    snprintf(e->type, sizeof e->type, "%s", (const char *)sqlite3_column_text(st, 3));
    e->p = cJSON_ParseWithLength((const char *)sqlite3_column_text(st, 4),
                                 (size_t)sqlite3_column_bytes(st, 4));
    e->author = author ? ff_strdup(author) : NULL;
    if (!cJSON_IsObject(e->p) || (author && !e->author)) {
        cJSON_Delete(e->p);
        ff_free(e->author);
        return e->p ? ff_store__fail(s, FF_ENOMEM, "out of memory folding %s", e->id)
                    : ff_store__fail(s, FF_ECORRUPT, "event %s: stored payload unreadable", e->id);
    }
    f->n++;
    return FF_OK;
}

static void set_dirty_key(struct ff_dirty *d, const char *entity, const char *id)
{
    snprintf(d->entity, sizeof d->entity, "%s", entity);
    snprintf(d->id, sizeof d->id, "%s", id);
}

static void set_key(struct fold *f, const char *entity, const char *id)
{
    snprintf(f->entity, sizeof f->entity, "%s", entity);
    snprintf(f->id, sizeof f->id, "%s", id);
}

enum ff_err ff_fold_load(struct ff_store *s, const char *entity, const char *id, struct fold *f)
{
    ff_fold_clear(f);
    set_key(f, entity, id);
    sqlite3_stmt *st = ff_store__query(s, S_ENTITY_EVENTS, "ss", entity, id);
    if (!st)
        return FF_EDB;
    int rc;
    enum ff_err e = FF_OK;
    while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW)
        e = add_row(s, f, st);
    if (!e && rc != SQLITE_DONE)
        e = ff_store__db_fail(s, rc, "reading events");
    sqlite3_reset(st);
    return e;
}

enum ff_err ff_store__mark_dirty(struct ff_store *s, const char *entity, const char *id)
{
    if (s->n_dirty == s->cap_dirty) {
        size_t cap = s->cap_dirty ? s->cap_dirty * 2 : 64;
        struct ff_dirty *d = ff_realloc(s->dirty, cap * sizeof *d);
        if (!d)
            return ff_store__fail(s, FF_ENOMEM, "out of memory noting %s %s", entity, id);
        s->dirty = d;
        s->cap_dirty = cap;
    }
    set_dirty_key(&s->dirty[s->n_dirty++], entity, id);
    return FF_OK;
}

static int dirty_cmp(const void *a, const void *b)
{
    const struct ff_dirty *x = a, *y = b;
    int c = strcmp(x->entity, y->entity);
    return c ? c : strcmp(x->id, y->id);
}

enum ff_err ff_store__fold_dirty(struct ff_store *s)
{
    struct fold f = {0};
    enum ff_err e = FF_OK;
    if (s->n_dirty > 1)
        qsort(s->dirty, s->n_dirty, sizeof *s->dirty, dirty_cmp);
    for (size_t i = 0; i < s->n_dirty && !e; i++) {
        if (i && !dirty_cmp(&s->dirty[i - 1], &s->dirty[i]))
            continue; /* folded already */
        e = ff_fold_load(s, s->dirty[i].entity, s->dirty[i].id, &f);
        if (!e)
            e = ff_fold_entity(s, &f);
    }
    ff_fold_free(&f);
    s->n_dirty = 0;
    return e;
}

static enum ff_err empty_projections(struct ff_store *s)
{
    char sql[128];
    const char *const *lists[2] = {ff_store__projections, ff_store__derived};
    for (int l = 0; l < 2; l++) {
        for (const char *const *t = lists[l]; *t; t++) {
            int len = (int)strcspn(*t, " ");
            snprintf(sql, sizeof sql, "DELETE FROM %.*s", len, *t);
            int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
            if (rc != SQLITE_OK)
                return ff_store__db_fail(s, rc, "emptying the projections");
        }
    }
    s->n_dirty = 0;
    return FF_OK;
}

/* Streams the log; folds each entity when the next row belongs to another. */
static enum ff_err fold_stream(struct ff_store *s, struct fold *f)
{
    sqlite3_stmt *st = ff_store__stmt(s, S_ALL_EVENTS);
    if (!st)
        return FF_EDB;
    int rc;
    enum ff_err e = FF_OK;
    while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *entity = (const char *)sqlite3_column_text(st, 6);
        const char *id = (const char *)sqlite3_column_text(st, 7);
        if (f->n && (strcmp(f->entity, entity) || strcmp(f->id, id))) {
            e = ff_fold_entity(s, f);
            ff_fold_clear(f);
        }
        if (!e && !f->n)
            set_key(f, entity, id);
        if (!e)
            e = add_row(s, f, st);
    }
    if (!e && rc != SQLITE_DONE)
        e = ff_store__db_fail(s, rc, "reading the log");
    sqlite3_reset(st);
    if (!e && f->n)
        e = ff_fold_entity(s, f);
    return e;
}

enum ff_err ff_store__fold_all(struct ff_store *s)
{
    struct fold f = {0};
    enum ff_err e = empty_projections(s);
    if (!e)
        e = fold_stream(s, &f);
    ff_fold_free(&f);
    return e;
}

/* srv_store_push.c - the rules of a push (srv_store.h, srv_store_push), run inside the caller's
 * transaction under the commit lock: duplicate / forgery / seq_gap / applied per event, the
 * device's acked_seq, gseq = head + 1 for each applied event, the entities' scope rows and the
 * assignments.
 *
 * Workload: batches of up to 1000 events, and the commit lock is held for all of it, so the
 * work under the lock is what limits several instances over one PostgreSQL. The backend is
 * therefore asked in batches: one lookup of all ids, one insert of all applied events, one
 * read and one write of the entities' scope rows; only assignments go one by one (rare).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "srv_store_int.h"

/* The scope rows this push reads or writes, sorted by id for bsearch. */
struct slot {
    char id[FF_EVENT_ID_MAX + 1];
    struct srv_entity e;
    bool found; /* stored, or made by this push */
    bool dirty; /* to be written */
};

struct work {
    size_t n;
    char (*ids)[SRV_ID_LEN]; /* "device:seq" of each event */
    const char **idp;        /* 2n pointers: into ids, later into slots */
    uint64_t *digest;        /* stored digests (log_find) */
    bool *found;
    int64_t *gseq;                 /* of the applied events, in order */
    struct srv_push_event **added; /* the applied events */
    size_t nadded;
    struct slot *slots;
    size_t nslots;
};

static void work_free(struct work *w)
{
    ff_free(w->ids);
    ff_free(w->idp);
    ff_free(w->digest);
    ff_free(w->found);
    ff_free(w->gseq);
    ff_free(w->added);
    ff_free(w->slots);
}

static enum ff_err work_alloc(struct srv_store *st, struct work *w, size_t n)
{
    size_t m = n ? n : 1;
    w->n = n;
    w->ids = ff_calloc(m, sizeof *w->ids);
    w->idp = ff_calloc(2 * m, sizeof *w->idp); /* ids, later the slots' ids */
    w->digest = ff_calloc(m, sizeof *w->digest);
    w->found = ff_calloc(m, sizeof *w->found);
    w->gseq = ff_calloc(m, sizeof *w->gseq);
    w->added = ff_calloc(m, sizeof(struct srv_push_event *));
    w->slots = ff_calloc(2 * m, sizeof *w->slots); /* each event's entity and case */
    if (!w->ids || !w->idp || !w->digest || !w->found || !w->gseq || !w->added || !w->slots)
        return srv_store__fail(st, FF_ENOMEM, "push: out of memory");
    return FF_OK;
}

static int cmp_slot(const void *a, const void *b)
{
    return strcmp(((const struct slot *)a)->id, ((const struct slot *)b)->id);
}

static struct slot *slot_of(struct work *w, const char *id)
{
    struct slot key;
    snprintf(key.id, sizeof key.id, "%s", id);
    return bsearch(&key, w->slots, w->nslots, sizeof *w->slots, cmp_slot);
}

static void slot_add(struct work *w, const char *id)
{
    if (id && *id)
        snprintf(w->slots[w->nslots++].id, sizeof w->slots[0].id, "%s", id);
}

/* Reads the scope rows of the applied events' entities and of their cases in one go. */
static enum ff_err load_slots(struct srv_store *st, struct work *w)
{
    for (size_t i = 0; i < w->nadded; i++) {
        slot_add(w, w->added[i]->ev->entity_id);
        slot_add(w, w->added[i]->case_id);
    }
    if (!w->nslots)
        return FF_OK;
    qsort(w->slots, w->nslots, sizeof *w->slots, cmp_slot);
    size_t k = 1; /* drop repeats */
    for (size_t i = 1; i < w->nslots; i++)
        if (strcmp(w->slots[i].id, w->slots[k - 1].id))
            w->slots[k++] = w->slots[i];
    w->nslots = k;
    struct srv_entity *ents = ff_calloc(k, sizeof *ents);
    bool *found = ff_calloc(k, sizeof *found);
    if (!ents || !found) {
        ff_free(ents);
        ff_free(found);
        return srv_store__fail(st, FF_ENOMEM, "push: out of memory");
    }
    for (size_t i = 0; i < k; i++)
        w->idp[i] = w->slots[i].id; /* the id lookup is done: idp is free again */
    enum ff_err e = st->ops->entity_get(st, w->idp, k, ents, found);
    for (size_t i = 0; !e && i < k; i++) {
        w->slots[i].e = ents[i];
        w->slots[i].found = found[i];
    }
    ff_free(ents);
    ff_free(found);
    return e;
}

/* Makes or completes the scope row of p's entity (sync/PROTOCOL.md section 4). */
static void scope_row(const struct srv_device *dev, const struct srv_push_event *p, struct work *w)
{
    const struct ff_event *ev = p->ev;
    struct slot *s = ev ? slot_of(w, ev->entity_id) : NULL;
    if (!s) /* cannot be: load_slots read every applied event's entity */
        return;
    if (s->found) { /* only a case's customer may be filled in or change later */
        if (p->customer_id && *p->customer_id && strcmp(p->customer_id, s->e.customer_id)) {
            snprintf(s->e.customer_id, sizeof s->e.customer_id, "%s", p->customer_id);
            s->dirty = true;
        }
        return;
    }
    struct srv_entity *e = &s->e;
    memset(e, 0, sizeof *e);
    if (!strcmp(ev->entity, "case"))
        snprintf(e->case_id, sizeof e->case_id, "%s", ev->entity_id);
    else if (p->case_id)
        snprintf(e->case_id, sizeof e->case_id, "%s", p->case_id);
    if (p->customer_id)
        snprintf(e->customer_id, sizeof e->customer_id, "%s", p->customer_id);
    if (dev->kind == SRV_KIND_KIOSK) {
        snprintf(e->site, sizeof e->site, "%s", dev->site);
    } else if (*e->case_id && strcmp(e->case_id, ev->entity_id)) {
        /* a visit or note of a site's case belongs to that site too */
        const struct slot *c = slot_of(w, e->case_id);
        if (c && c->found)
            snprintf(e->site, sizeof e->site, "%s", c->e.site);
    }
    s->found = s->dirty = true;
}

static enum ff_err save_scope(struct srv_store *st, const struct srv_device *dev, struct work *w)
{
    enum ff_err e = load_slots(st, w);
    for (size_t i = 0; !e && i < w->nadded; i++) {
        const struct srv_push_event *p = w->added[i];
        scope_row(dev, p, w);
        if (p->assignee && *p->assignee) { /* the case enters the engineer's scope here */
            const struct slot *s = slot_of(w, p->ev->entity_id);
            e = st->ops->assign_add(st, p->assignee,
                                    *s->e.case_id ? s->e.case_id : p->ev->entity_id, w->gseq[i]);
        }
    }
    if (e)
        return e;
    size_t k = 0;
    struct srv_entity *ents = ff_calloc(w->nslots ? w->nslots : 1, sizeof *ents);
    if (!ents)
        return srv_store__fail(st, FF_ENOMEM, "push: out of memory");
    for (size_t i = 0; i < w->nslots; i++)
        if (w->slots[i].dirty) {
            w->idp[k] = w->slots[i].id;
            ents[k++] = w->slots[i].e;
        }
    if (k)
        e = st->ops->entity_put(st, w->idp, ents, k);
    ff_free(ents);
    return e;
}

/* Checks the batch's shape and looks all its ids up at once. */
static enum ff_err lookup(struct srv_store *st, const char *device, struct srv_push_event *evs,
                          struct work *w)
{
    for (size_t i = 0; i < w->n; i++) {
        const struct ff_event *ev = evs[i].ev;
        if (strcmp(ev->device, device))
            return srv_store__fail(st, FF_EINVAL, "push: event %s:%lld is not of device %s",
                                   ev->device, (long long)ev->seq, device);
        if (i && ev->seq < evs[i - 1].ev->seq)
            return srv_store__fail(st, FF_EINVAL, "push: event %s:%lld: seq not ascending",
                                   ev->device, (long long)ev->seq);
        snprintf(w->ids[i], sizeof w->ids[i], "%s:%lld", ev->device, (long long)ev->seq);
        w->idp[i] = w->ids[i];
    }
    return w->n ? st->ops->log_find(st, w->idp, w->n, w->digest, w->found) : FF_OK;
}

/* The per-event verdicts; fills w->added/gseq. Returns the new acked seq. */
static int64_t judge(struct srv_push_event *evs, struct work *w, int64_t acked, int64_t *head)
{
    bool gap = false;
    for (size_t i = 0; i < w->n; i++) {
        struct srv_push_event *p = &evs[i];
        int64_t seq = p->ev->seq;
        if (gap || seq > acked + 1) {
            gap = true;
            p->status = 'r';
            p->code = "seq_gap";
            continue;
        }
        if (p->status != 'r') {
            bool again = i && seq == evs[i - 1].ev->seq; /* twice in this batch */
            bool found = again || w->found[i];
            uint64_t digest = again ? evs[i - 1].digest : w->digest[i];
            if (found) {
                p->status = digest == p->digest ? 'd' : 'r';
                p->code = digest == p->digest ? NULL : "forgery";
            } else {
                p->status = 'a';
                p->code = NULL;
                w->gseq[w->nadded] = ++*head;
                w->added[w->nadded++] = p;
            }
        }
        if (seq == acked + 1)
            acked = seq;
    }
    return acked;
}

enum ff_err srv_store__push_in_tx(struct srv_store *st, const char *device,
                                  struct srv_push_event *evs, size_t n, int64_t *acked_seq,
                                  int64_t *checkpoint)
{
    struct srv_device dev;
    struct work w = {0};
    int64_t head;
    enum ff_err e = srv_store_device_get(st, device, &dev);
    if (e || (e = st->ops->head(st, &head)) || (e = work_alloc(st, &w, n)) ||
        (e = lookup(st, device, evs, &w)))
        goto out_free;
    int64_t acked = judge(evs, &w, dev.acked_seq, &head);
    if (w.nadded) {
        for (size_t i = 0; i < w.nadded; i++)
            w.idp[i] = w.ids[w.added[i] - evs];
        if ((e = st->ops->log_add(st, w.idp, w.gseq, w.added, w.nadded)) ||
            (e = save_scope(st, &dev, &w)))
            goto out_free;
    }
    if (acked != dev.acked_seq) {
        bool found;
        e = st->ops->device_set(st, device, SRV_DEV_ACKED, acked, &found);
    }
    *acked_seq = acked;
    *checkpoint = head;
out_free:
    work_free(&w);
    return e;
}

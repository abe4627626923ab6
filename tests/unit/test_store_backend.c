/* test_store_backend.c - the storage seam is real: the store runs on a second backend.
 *
 * An in-memory backend (arrays and linear scans for a few thousand events; a transaction
 * keeps a deep copy to roll back to) implements store_backend.h from its documentation alone.
 * A random history (store_testlib.h's gen_union) is delivered through the public API
 * (ff_store_begin/import/commit, with single imports, duplicates, forged copies, duplicate
 * keys and NUL ids mixed in) to a SQLite replica and to a store on the memory backend, each in
 * its own order and batch splits. The import rules, the fold and the erasure rules run above
 * the seam on both; their dumps (ff_store_dump, through the backend's row visitor) and their
 * exports must be byte-identical, also after a rebuild on the memory backend. A merge rule
 * that had leaked into the SQLite backend's statements would make them differ.
 */
#include <sqlite3.h>

#define STORE_TESTLIB_HISTORY /* gen_union */
#include "store_int.h"
#include "store_testlib.h"

#include <cJSON.h>

/* ---- the memory backend ---- */

struct mev {            /* one stored event */
    struct ff_event ev; /* as received (payload and author owned) */
    bool redacted;      /* an erasure rewrote its payload */
    uint64_t kept;      /* then: the digest kept of what was received */
};

struct mtable {            /* one projection */
    struct ff_cell **rows; /* each row: the table's columns, texts owned */
    size_t n, cap;         /* used and allocated */
};

struct meta {       /* one bookkeeping value */
    char key[16];   /* "hlc"... */
    char value[32]; /* as text */
};

struct mem {
    struct mev *ev;                  /* the log, in arrival order */
    size_t n, cap;                   /* used and allocated */
    struct mtable t[FF_PROJ__COUNT]; /* the projections */
    struct meta meta[8];             /* bookkeeping */
    size_t n_meta;                   /* used */
    struct ff_cell *forged;          /* kept forged copies: (id, digest) as text and int */
    size_t n_forged, cap_forged;     /* used and allocated (2 cells each) */
    struct mem *saved;               /* the state at begin, restored by rollback; owned */
};

static struct mem *M(struct ff_store *s)
{
    return s->be_ctx;
}

static struct mev *find(struct mem *m, const char *device, int64_t seq)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->ev[i].ev.seq == seq && !strcmp(m->ev[i].ev.device, device))
            return &m->ev[i];
    return NULL;
}

static void row_of(const struct mev *e, struct ff_log_row *r)
{
    *r = (struct ff_log_row){.device = e->ev.device,
                             .seq = e->ev.seq,
                             .hlc = e->ev.hlc,
                             .entity = e->ev.entity,
                             .entity_id = e->ev.entity_id,
                             .type = e->ev.type,
                             .payload = e->ev.payload,
                             .payload_len = strlen(e->ev.payload),
                             .author = e->ev.author,
                             .known = e->ev.known};
}

/* Sort keys of the listing in progress (qsort has no context argument). */
static const struct mem *sorting;
static bool by_entity;

static int ev_cmp(const void *a, const void *b)
{
    const struct ff_event *x = &sorting->ev[*(const size_t *)a].ev;
    const struct ff_event *y = &sorting->ev[*(const size_t *)b].ev;
    int c = by_entity ? strcmp(x->entity, y->entity) : 0;
    if (!c && by_entity)
        c = strcmp(x->entity_id, y->entity_id);
    if (!c)
        c = (x->hlc > y->hlc) - (x->hlc < y->hlc);
    if (!c)
        c = strcmp(x->device, y->device);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Indexes of the events of (entity, id) (every event if entity is NULL), known_only or all,
 * sorted; *n how many (free()). */
static size_t *listing(struct mem *m, const char *entity, const char *id, bool known_only,
                       size_t *n)
{
    size_t *ix = malloc((m->n ? m->n : 1) * sizeof *ix);
    *n = 0;
    for (size_t i = 0; i < m->n; i++) {
        const struct ff_event *e = &m->ev[i].ev;
        if ((!known_only || e->known) &&
            (!entity || (!strcmp(e->entity, entity) && !strcmp(e->entity_id, id))))
            ix[(*n)++] = i;
    }
    sorting = m;
    by_entity = entity == NULL;
    qsort(ix, *n, sizeof *ix, ev_cmp);
    return ix;
}

static enum ff_err mem_entity_keys(struct ff_store *s, const char *entity, const char *id,
                                   ff_key_fn fn, void *arg)
{
    size_t n;
    size_t *ix = listing(M(s), entity, id, false, &n);
    enum ff_err e = FF_OK;
    for (size_t i = 0; i < n && !e; i++)
        e = fn(s, M(s)->ev[ix[i]].ev.device, M(s)->ev[ix[i]].ev.seq, arg);
    free(ix);
    return e;
}

static enum ff_err mem_event(struct ff_store *s, const char *device, int64_t seq, ff_row_fn fn,
                             void *arg)
{
    struct mev *e = find(M(s), device, seq);
    struct ff_log_row r;
    if (!e)
        return ff_store__fail(s, FF_ECORRUPT, "event %s:%lld: not stored", device, (long long)seq);
    row_of(e, &r);
    return fn(s, &r, arg);
}

static enum ff_err each(struct ff_store *s, const char *entity, const char *id, ff_row_fn fn,
                        void *arg)
{
    size_t n;
    size_t *ix = listing(M(s), entity, id, true, &n);
    enum ff_err e = FF_OK;
    struct ff_log_row r;
    for (size_t i = 0; i < n && !e; i++) {
        row_of(&M(s)->ev[ix[i]], &r);
        e = fn(s, &r, arg);
    }
    free(ix);
    return e;
}

static enum ff_err mem_entity_events(struct ff_store *s, const char *entity, const char *id,
                                     ff_row_fn fn, void *arg)
{
    return each(s, entity, id, fn, arg);
}

static enum ff_err mem_all_events(struct ff_store *s, ff_row_fn fn, void *arg)
{
    return each(s, NULL, NULL, fn, arg);
}

static enum ff_err mem_stored_digest(struct ff_store *s, const char *device, int64_t seq,
                                     bool *found, uint64_t *digest, bool *redacted)
{
    struct mev *e = find(M(s), device, seq);
    *found = e != NULL;
    *redacted = e && e->redacted;
    if (e)
        *digest = e->redacted ? e->kept : ff_event_digest(&e->ev);
    return FF_OK;
}

static enum ff_err mem_redact(struct ff_store *s, const char *device, int64_t seq,
                              const char *payload, uint64_t digest)
{
    struct mev *e = find(M(s), device, seq);
    if (!e)
        return FF_OK;
    ff_free(e->ev.payload);
    e->ev.payload = ff_strdup(payload);
    e->redacted = true;
    e->kept = digest;
    return e->ev.payload ? FF_OK : ff_store__fail(s, FF_ENOMEM, "redacting");
}

/* The string at payload.key, or NULL (free()). */
static char *payload_str(const struct ff_event *e, const char *key)
{
    cJSON *p = cJSON_Parse(e->payload);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, key);
    char *out = cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
    cJSON_Delete(p);
    return out;
}

static enum ff_err mem_events_where(struct ff_store *s, const char *entity, const char *key,
                                    const char *value, ff_row_fn fn, void *arg)
{
    struct mem *m = M(s);
    enum ff_err e = FF_OK;
    struct ff_log_row r;
    for (size_t i = 0; i < m->n && !e; i++) {
        const struct ff_event *ev = &m->ev[i].ev;
        if (!ev->known || strcmp(ev->entity, entity))
            continue;
        char *v = payload_str(ev, key);
        if (v && !strcmp(v, value)) {
            row_of(&m->ev[i], &r);
            e = fn(s, &r, arg);
        }
        free(v);
    }
    return e;
}

/* SQLite's order: NULL < numbers < text, text by bytes. */
static int cell_cmp(const struct ff_cell *a, const struct ff_cell *b)
{
    int ra = a->kind == FF_CELL_NULL ? 0 : a->kind == FF_CELL_TEXT ? 2 : 1;
    int rb = b->kind == FF_CELL_NULL ? 0 : b->kind == FF_CELL_TEXT ? 2 : 1;
    if (ra != rb || ra == 0)
        return ra - rb;
    if (ra == 2)
        return strcmp(a->text, b->text);
    double x = a->kind == FF_CELL_INT ? (double)a->i : a->r;
    double y = b->kind == FF_CELL_INT ? (double)b->i : b->r;
    return (x > y) - (x < y);
}

static int key_cmp(const struct ff_cell *a, const struct ff_cell *b, size_t keys)
{
    int c = 0;
    for (size_t k = 0; k < keys && !c; k++)
        c = cell_cmp(&a[k], &b[k]);
    return c;
}

static void free_row(struct ff_cell *row, size_t n)
{
    for (size_t c = 0; row && c < n; c++)
        free((char *)row[c].text);
    free(row);
}

static void drop_row(struct mtable *t, size_t i, size_t cols)
{
    free_row(t->rows[i], cols);
    t->rows[i] = t->rows[--t->n];
}

static struct ff_cell *copy_row(const struct ff_cell *row, size_t cols);

static enum ff_err mem_put(struct ff_store *s, enum ff_proj table, const struct ff_cell *row)
{
    struct mtable *t = &M(s)->t[table];
    size_t cols = ff_store__proj_columns[table], keys = ff_store__proj_keys[table];
    struct ff_cell *copy = copy_row(row, cols);
    for (size_t i = 0; i < t->n; i++)
        if (!key_cmp(t->rows[i], row, keys)) { /* replace */
            free_row(t->rows[i], cols);
            t->rows[i] = copy;
            return FF_OK;
        }
    if (t->n == t->cap)
        t->rows = realloc(t->rows, (t->cap = t->cap ? t->cap * 2 : 64) * sizeof *t->rows);
    t->rows[t->n++] = copy;
    return FF_OK;
}

/* Removes the rows of `table` whose first `keys` columns equal key. */
static void drop_where(struct mem *m, enum ff_proj table, const struct ff_cell *key, size_t keys)
{
    struct mtable *t = &m->t[table];
    for (size_t i = t->n; i-- > 0;)
        if (!key_cmp(t->rows[i], key, keys))
            drop_row(t, i, ff_store__proj_columns[table]);
}

/* NULLs column col of the rows of `table` whose column 1 (the case) is key[0]. */
static void blank_where(struct mem *m, enum ff_proj table, const struct ff_cell *key, size_t col)
{
    struct mtable *t = &m->t[table];
    for (size_t i = 0; i < t->n; i++)
        if (!cell_cmp(&t->rows[i][1], key)) {
            free((char *)t->rows[i][col].text);
            t->rows[i][col] = (struct ff_cell){.kind = FF_CELL_NULL};
        }
}

static enum ff_err mem_clear(struct ff_store *s, enum ff_clear what, const struct ff_cell *key)
{
    struct mem *m = M(s);
    switch (what) {
    case FF_CLEAR_CUSTOMER_FTS:
        drop_where(m, FF_PROJ_CUSTOMER_FTS, key, 1);
        break;
    case FF_CLEAR_KB_FTS:
        drop_where(m, FF_PROJ_KB_FTS, key, 1);
        break;
    case FF_CLEAR_PARTS:
        drop_where(m, FF_PROJ_PART, key, 1);
        break;
    case FF_CLEAR_SLOTS:
        drop_where(m, FF_PROJ_SLOT, key, 1);
        break;
    case FF_CLEAR_CONFLICTS:
        drop_where(m, FF_PROJ_CONFLICT, key, 2);
        break;
    case FF_CLEAR_CASE_TEXTS:
        blank_where(m, FF_PROJ_NOTE, key, 4);
        blank_where(m, FF_PROJ_ESCALATION, key, 4);
        break;
    default:
        break;
    }
    return FF_OK;
}

static enum ff_err mem_empty(struct ff_store *s)
{
    for (int p = 0; p < FF_PROJ__COUNT; p++)
        while (M(s)->t[p].n)
            drop_row(&M(s)->t[p], M(s)->t[p].n - 1, ff_store__proj_columns[p]);
    return FF_OK;
}

static size_t sort_keys;
static int row_cmp(const void *a, const void *b)
{
    return key_cmp(*(struct ff_cell *const *)a, *(struct ff_cell *const *)b, sort_keys);
}

static enum ff_err mem_dump(struct ff_store *s, ff_dump_fn fn, void *arg)
{
    static const enum ff_proj order[] = {
        /* ff_store__projections' order */
        FF_PROJ_CUSTOMER, FF_PROJ_CASE, FF_PROJ_NOTE,     FF_PROJ_ESCALATION, FF_PROJ_VISIT,
        FF_PROJ_REPORT,   FF_PROJ_PART, FF_PROJ_SLOT,     FF_PROJ_KB,         FF_PROJ_FLOWCHART,
        FF_PROJ_RUN,      FF_PROJ_STEP, FF_PROJ_FEEDBACK, FF_PROJ_CONFLICT};
    enum ff_err e = FF_OK;
    for (size_t k = 0; k < sizeof order / sizeof order[0] && !e; k++) {
        struct mtable *t = &M(s)->t[order[k]];
        sort_keys = ff_store__proj_keys[order[k]];
        if (t->n > 1)
            qsort(t->rows, t->n, sizeof *t->rows, row_cmp);
        for (size_t i = 0; i < t->n && !e; i++)
            e = fn(arg, ff_store__proj_tables[order[k]], t->rows[i],
                   ff_store__proj_columns[order[k]]);
    }
    return e;
}

/* ---- writing the log, transactions ---- */

static struct ff_cell *copy_row(const struct ff_cell *row, size_t cols)
{
    struct ff_cell *copy = calloc(cols, sizeof *copy);
    for (size_t c = 0; copy && c < cols; c++) {
        copy[c] = row[c];
        if (row[c].kind == FF_CELL_TEXT)
            copy[c].text = strdup(row[c].text);
    }
    return copy;
}

static void copy_event(struct mev *to, const struct mev *from)
{
    *to = *from;
    to->ev.payload = ff_strdup(from->ev.payload);
    to->ev.author = from->ev.author ? ff_strdup(from->ev.author) : NULL;
}

/* Frees what m holds (not m itself, nor its snapshot). */
static void mem_free(struct mem *m)
{
    for (size_t i = 0; i < m->n; i++)
        ff_event_clear(&m->ev[i].ev);
    free(m->ev);
    for (int p = 0; p < FF_PROJ__COUNT; p++) {
        for (size_t i = 0; i < m->t[p].n; i++)
            free_row(m->t[p].rows[i], ff_store__proj_columns[p]);
        free(m->t[p].rows);
    }
    for (size_t i = 0; i < m->n_forged; i++)
        free((char *)m->forged[2 * i].text);
    free(m->forged);
}

/* A deep copy of m's state. */
static struct mem *mem_copy(const struct mem *m)
{
    struct mem *c = calloc(1, sizeof *c);
    *c = *m;
    c->saved = NULL;
    c->ev = malloc((m->cap ? m->cap : 1) * sizeof *c->ev);
    for (size_t i = 0; i < m->n; i++)
        copy_event(&c->ev[i], &m->ev[i]);
    for (int p = 0; p < FF_PROJ__COUNT; p++) {
        c->t[p].rows = malloc((m->t[p].cap ? m->t[p].cap : 1) * sizeof *c->t[p].rows);
        for (size_t i = 0; i < m->t[p].n; i++)
            c->t[p].rows[i] = copy_row(m->t[p].rows[i], ff_store__proj_columns[p]);
    }
    c->forged = malloc((m->cap_forged ? m->cap_forged : 1) * 2 * sizeof *c->forged);
    for (size_t i = 0; i < m->n_forged; i++) {
        c->forged[2 * i] =
            (struct ff_cell){.kind = FF_CELL_TEXT, .text = strdup(m->forged[2 * i].text)};
        c->forged[2 * i + 1] = m->forged[2 * i + 1];
    }
    return c;
}

static void mem_close(struct ff_store *s)
{
    (void)s; /* the test owns the memory */
}

static enum ff_err mem_begin(struct ff_store *s)
{
    M(s)->saved = mem_copy(M(s));
    return FF_OK;
}

static enum ff_err mem_commit(struct ff_store *s, bool purge)
{
    (void)purge; /* nothing keeps old copies here */
    struct mem *saved = M(s)->saved;
    M(s)->saved = NULL;
    if (saved) {
        mem_free(saved);
        free(saved);
    }
    return FF_OK;
}

static void mem_rollback(struct ff_store *s)
{
    struct mem *m = M(s), *saved = m->saved;
    if (!saved)
        return;
    mem_free(m);
    *m = *saved;
    free(saved);
}

static enum ff_err mem_meta_get(struct ff_store *s, const char *key, char *buf, size_t cap,
                                bool *found)
{
    *found = false;
    snprintf(buf, cap, "%s", "");
    for (size_t i = 0; i < M(s)->n_meta && !*found; i++)
        if ((*found = !strcmp(M(s)->meta[i].key, key)))
            snprintf(buf, cap, "%s", M(s)->meta[i].value);
    return FF_OK;
}

static enum ff_err mem_meta_set(struct ff_store *s, const char *key, const struct ff_cell *value)
{
    struct mem *m = M(s);
    size_t i = 0;
    while (i < m->n_meta && strcmp(m->meta[i].key, key))
        i++;
    if (i == m->n_meta && m->n_meta < 8)
        snprintf(m->meta[m->n_meta++].key, sizeof m->meta[0].key, "%s", key);
    if (value->kind == FF_CELL_INT)
        snprintf(m->meta[i].value, sizeof m->meta[0].value, "%lld", (long long)value->i);
    else
        snprintf(m->meta[i].value, sizeof m->meta[0].value, "%s",
                 value->kind == FF_CELL_TEXT ? value->text : "");
    return FF_OK;
}

static enum ff_err mem_insert(struct ff_store *s, const struct ff_event *ev, bool *added)
{
    struct mem *m = M(s);
    *added = find(m, ev->device, ev->seq) == NULL;
    if (!*added)
        return FF_OK;
    if (m->n == m->cap)
        m->ev = realloc(m->ev, (m->cap = m->cap ? m->cap * 2 : 256) * sizeof *m->ev);
    struct mev in = {.ev = *ev, .redacted = ev->redacted_from != 0, .kept = ev->redacted_from};
    copy_event(&m->ev[m->n++], &in);
    return FF_OK;
}

static enum ff_err mem_forgery(struct ff_store *s, const char *id, uint64_t digest, uint64_t stored,
                               uint64_t hlc, const char *line)
{
    struct mem *m = M(s);
    (void)stored, (void)hlc, (void)line;
    for (size_t i = 0; i < m->n_forged; i++)
        if (!strcmp(m->forged[2 * i].text, id) && m->forged[2 * i + 1].i == (int64_t)digest)
            return FF_OK;
    if (m->n_forged == 10000)
        return FF_OK;
    if (m->n_forged == m->cap_forged)
        m->forged = realloc(m->forged, (m->cap_forged = m->cap_forged ? m->cap_forged * 2 : 16) *
                                           2 * sizeof *m->forged);
    m->forged[2 * m->n_forged] = (struct ff_cell){.kind = FF_CELL_TEXT, .text = strdup(id)};
    m->forged[2 * m->n_forged + 1] = (struct ff_cell){.kind = FF_CELL_INT, .i = (int64_t)digest};
    m->n_forged++;
    return FF_OK;
}

static enum ff_err mem_device_seq(struct ff_store *s, const char *device, int64_t *max,
                                  int64_t *count)
{
    *max = 0;
    if (count)
        *count = 0;
    for (size_t i = 0; i < M(s)->n; i++) {
        const struct ff_event *e = &M(s)->ev[i].ev;
        if (strcmp(e->device, device))
            continue;
        *max = e->seq > *max ? e->seq : *max;
        if (count)
            ++*count;
    }
    return FF_OK;
}

static void full_row(const struct mev *e, struct ff_log_row *r)
{
    row_of(e, r);
    r->schema = e->ev.schema;
    r->redacted_from = e->redacted ? e->kept : 0;
}

static int seq_cmp(const void *a, const void *b)
{
    const struct ff_event *x = &sorting->ev[*(const size_t *)a].ev;
    const struct ff_event *y = &sorting->ev[*(const size_t *)b].ev;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static enum ff_err mem_events_after(struct ff_store *s, const char *device, int64_t after,
                                    int64_t limit, ff_row_fn fn, void *arg)
{
    struct mem *m = M(s);
    size_t *ix = malloc((m->n ? m->n : 1) * sizeof *ix), n = 0;
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->ev[i].ev.device, device) && m->ev[i].ev.seq > after)
            ix[n++] = i;
    sorting = m;
    qsort(ix, n, sizeof *ix, seq_cmp);
    enum ff_err e = FF_OK;
    struct ff_log_row r;
    for (size_t i = 0; i < n && (int64_t)i < limit && !e; i++) {
        full_row(&m->ev[ix[i]], &r);
        e = fn(s, &r, arg);
    }
    free(ix);
    return e;
}

static int export_cmp(const void *a, const void *b)
{
    const struct ff_event *x = &sorting->ev[*(const size_t *)a].ev;
    const struct ff_event *y = &sorting->ev[*(const size_t *)b].ev;
    int c = (x->hlc > y->hlc) - (x->hlc < y->hlc);
    return c ? c : strcmp(x->device, y->device);
}

static enum ff_err mem_export(struct ff_store *s, ff_row_fn fn, void *arg)
{
    struct mem *m = M(s);
    size_t *ix = malloc((m->n ? m->n : 1) * sizeof *ix);
    for (size_t i = 0; i < m->n; i++)
        ix[i] = i;
    sorting = m;
    qsort(ix, m->n, sizeof *ix, export_cmp);
    enum ff_err e = FF_OK;
    struct ff_log_row r;
    for (size_t i = 0; i < m->n && !e; i++) {
        full_row(&m->ev[ix[i]], &r);
        e = fn(s, &r, arg);
    }
    free(ix);
    return e;
}

static const struct ff_store_backend mem_backend = {
    .name = "memory",
    .close = mem_close,
    .begin = mem_begin,
    .commit = mem_commit,
    .rollback = mem_rollback,
    .meta_get = mem_meta_get,
    .meta_set = mem_meta_set,
    .insert = mem_insert,
    .forgery = mem_forgery,
    .device_seq = mem_device_seq,
    .events_after = mem_events_after,
    .export = mem_export,
    .entity_keys = mem_entity_keys,
    .event = mem_event,
    .entity_events = mem_entity_events,
    .all_events = mem_all_events,
    .stored_digest = mem_stored_digest,
    .redact = mem_redact,
    .events_where = mem_events_where,
    .put = mem_put,
    .clear = mem_clear,
    .empty = mem_empty,
    .dump = mem_dump,
};

/* ---- the property ---- */

static uint64_t fixed_now(void *ctx)
{
    (void)ctx;
    return 1764547200000ull; /* 2025-12-01: after every generated event */
}

/* A store handle on the memory backend, as ff_store_open makes one on SQLite. */
static struct ff_store *mem_store(struct mem *m, const char *device)
{
    struct ff_store *s = ff_calloc(1, sizeof *s);
    s->be = &mem_backend;
    s->be_ctx = m;
    s->now_ms = fixed_now;
    snprintf(s->device, sizeof s->device, "%s", device);
    return s;
}

static int64_t erasures_seen, forgeries_seen; /* over every round: those rules ran */

static void same_on_both(const char *dir, int round, int actions)
{
    char *all = gen_union(dir, round, actions), name[64];
    static char *lines[100000];
    char *copy = strdup(all);
    size_t n = split(copy, lines, 100000);
    snprintf(name, sizeof name, "b%d-sqlite.db", round);
    struct ff_store *sql = open_fast(dir, name, "replica-sql");
    deliver(sql, lines, n);
    char *want = dump_of(sql), *want_log = export_all(sql);

    struct mem m = {0};
    struct ff_store *s = mem_store(&m, "replica-mem");
    deliver(s, lines, n);
    CHECK_INT((int)m.n, (int)n); /* every line is another event */
    erasures_seen += s->erasures;
    forgeries_seen += (int64_t)m.n_forged;
    char *got = dump_of(s), *got_log = export_all(s);
    CHECK_MSG(want && got && !strcmp(want, got), "memory backend's projections differ");
    CHECK_MSG(want_log && got_log && !strcmp(want_log, got_log), "memory backend's log differs");
    free(got);
    CHECK_MSG(ff_store_rebuild(s) == FF_OK, ff_store_errmsg(s));
    got = dump_of(s);
    CHECK_MSG(want && got && !strcmp(want, got), "memory backend's rebuild differs");
    CHECK(want && strstr(want, "cases|") && strstr(want, "conflicts|"));
    free(got);
    free(got_log);
    free(want);
    free(want_log);
    ff_store_close(s);
    ff_store_close(sql);
    mem_free(&m);
    free(copy);
    free(all);
}

/* The comparison can fail: a projection row written shows in the dump; a rolled back batch
 * leaves nothing. */
static void dump_sees_a_difference(void)
{
    struct mem m = {0};
    struct ff_store *s = mem_store(&m, "replica-mem");
    char *before = dump_of(s);
    CHECK_INT(ff_store_begin(s), FF_OK);
    CHECK_INT(ff_store__put(s, FF_PROJ_SLOT, "sii", "eng-9", (int64_t)10, (int64_t)20), FF_OK);
    char *during = dump_of(s);
    ff_store_rollback(s);
    char *after = dump_of(s);
    CHECK(before && during && strcmp(before, during) && strstr(during, "slots|\"eng-9\"|10|20"));
    CHECK(before && after && !strcmp(before, after));
    free(before);
    free(during);
    free(after);
    ff_store_close(s);
    mem_free(&m);
}

int main(void)
{
    const char *dir = ff_test_tmpdir();
    dump_sees_a_difference();
    for (int round = 0; round < 6; round++)
        same_on_both(dir, round, 300);
    CHECK(erasures_seen > 0);
    CHECK(forgeries_seen > 0);
    return ff_test_finish();
}

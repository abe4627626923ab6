/* test_store_backend.c - the storage seam is real: the fold runs on a second backend.
 *
 * An in-memory backend (arrays, linear scans: a few thousand events) implements
 * store_backend.h from its documentation alone. A random history (store_testlib.h's
 * gen_union) is delivered to a SQLite replica through ff_store_import and to a store on the
 * memory backend, each in its own order, batch splits and duplicates; the memory side plays
 * the log's part of an import (dedupe by key, count erasures, note the event) and calls the
 * same fold. Both dumps go through ff_store_dump (the backend's row visitor) and must be
 * byte-identical, and so must the memory store's rebuild. A merge rule that had leaked into
 * the SQLite backend's statements would make them differ.
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

struct mem {
    struct mev *ev;                  /* the log, in arrival order */
    size_t n, cap;                   /* used and allocated */
    struct mtable t[FF_PROJ__COUNT]; /* the projections */
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

/* The string at payload.key (and, if sub, only when payload.field is sub), or NULL. */
static char *payload_str(const struct ff_event *e, const char *key, const char *field_is)
{
    cJSON *p = cJSON_Parse(e->payload);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, key);
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(p, "field");
    char *out = NULL;
    if (cJSON_IsString(v) &&
        (!field_is || (cJSON_IsString(f) && !strcmp(f->valuestring, field_is))))
        out = strdup(v->valuestring);
    cJSON_Delete(p);
    return out;
}

/* A small set of ids. */
struct ids {
    char id[64][FF_EVENT_ID_MAX + 1];
    size_t n;
};

static bool ids_has(const struct ids *x, const char *id)
{
    for (size_t i = 0; i < x->n; i++)
        if (!strcmp(x->id[i], id))
            return true;
    return false;
}

static void ids_add(struct ids *x, const char *id)
{
    if (id && !ids_has(x, id) && x->n < 64)
        snprintf(x->id[x->n++], sizeof x->id[0], "%s", id);
}

static bool is_ev(const struct ff_event *e, const char *entity, const char *type)
{
    return e->known && !strcmp(e->entity, entity) && (!type || !strcmp(e->type, type));
}

/* Customers reachable from x through merges (up: into what they were merged; down: what was
 * merged into them), 8 hops. */
static void merges(struct mem *m, struct ids *x, bool up)
{
    for (int hop = 0; hop < 8; hop++) {
        size_t before = x->n;
        for (size_t i = 0; i < m->n; i++) {
            const struct ff_event *e = &m->ev[i].ev;
            if (!is_ev(e, "customer", "customer.merged"))
                continue;
            char *into = payload_str(e, "into", NULL);
            if (into && up && ids_has(x, e->entity_id))
                ids_add(x, into);
            if (into && !up && ids_has(x, into))
                ids_add(x, e->entity_id);
            free(into);
        }
        if (x->n == before)
            break;
    }
}

/* Every customer_id case `id` ever named. */
static void case_customers(struct mem *m, const char *id, struct ids *x)
{
    for (size_t i = 0; i < m->n; i++) {
        const struct ff_event *e = &m->ev[i].ev;
        if (!is_ev(e, "case", NULL) || strcmp(e->entity_id, id))
            continue;
        char *c = !strcmp(e->type, "case.created")        ? payload_str(e, "customer_id", NULL)
                  : !strcmp(e->type, "case.field_edited") ? payload_str(e, "value", "customer_id")
                                                          : NULL;
        ids_add(x, c);
        free(c);
    }
}

static enum ff_err mem_erased(struct ff_store *s, bool case_of, const char *id, bool *out)
{
    struct mem *m = M(s);
    struct ids x = {.n = 0};
    if (case_of)
        case_customers(m, id, &x);
    else
        ids_add(&x, id);
    merges(m, &x, true);
    *out = false;
    for (size_t i = 0; i < m->n && !*out; i++)
        *out = is_ev(&m->ev[i].ev, "customer", "customer.erased") &&
               ids_has(&x, m->ev[i].ev.entity_id);
    return FF_OK;
}

static enum ff_err mem_erasures(struct ff_store *s, int64_t *out)
{
    *out = 0;
    for (size_t i = 0; i < M(s)->n; i++)
        *out += is_ev(&M(s)->ev[i].ev, "customer", "customer.erased");
    return FF_OK;
}

static enum ff_err mem_dependents(struct ff_store *s, bool of_case, const char *id, ff_target_fn fn,
                                  void *arg)
{
    struct mem *m = M(s);
    struct ids down = {.n = 0}, seen = {.n = 0};
    enum ff_err e = FF_OK;
    ids_add(&down, id);
    if (!of_case)
        merges(m, &down, false);
    for (size_t i = 1; i < down.n && !e; i++)
        e = fn(s, "customer", down.id[i], arg);
    for (size_t i = 0; i < m->n && !e; i++) {
        const struct ff_event *ev = &m->ev[i].ev;
        char *named = NULL;
        if (of_case && (is_ev(ev, "report", NULL) || is_ev(ev, "feedback", NULL)))
            named = payload_str(ev, "case_id", NULL);
        else if (!of_case && is_ev(ev, "case", "case.created"))
            named = payload_str(ev, "customer_id", NULL);
        else if (!of_case && is_ev(ev, "case", "case.field_edited"))
            named = payload_str(ev, "value", "customer_id");
        bool hit = named && (of_case ? !strcmp(named, id) : ids_has(&down, named));
        char key[2 * FF_EVENT_ID_MAX + 4];
        snprintf(key, sizeof key, "%s/%s", ev->entity, ev->entity_id);
        if (hit && !ids_has(&seen, key)) {
            ids_add(&seen, key);
            e = fn(s, ev->entity, ev->entity_id, arg);
        }
        free(named);
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

static enum ff_err mem_put(struct ff_store *s, enum ff_proj table, const struct ff_cell *row)
{
    struct mtable *t = &M(s)->t[table];
    size_t cols = ff_store__proj_columns[table], keys = ff_store__proj_keys[table];
    struct ff_cell *copy = calloc(cols, sizeof *copy);
    for (size_t c = 0; copy && c < cols; c++) {
        copy[c] = row[c];
        if (row[c].kind == FF_CELL_TEXT)
            copy[c].text = strdup(row[c].text);
    }
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
        qsort(t->rows, t->n, sizeof *t->rows, row_cmp);
        for (size_t i = 0; i < t->n && !e; i++)
            e = fn(arg, ff_store__proj_tables[order[k]], t->rows[i],
                   ff_store__proj_columns[order[k]]);
    }
    return e;
}

static const struct ff_store_backend mem_backend = {
    .name = "memory",
    .entity_keys = mem_entity_keys,
    .event = mem_event,
    .entity_events = mem_entity_events,
    .all_events = mem_all_events,
    .stored_digest = mem_stored_digest,
    .redact = mem_redact,
    .erased = mem_erased,
    .erasures = mem_erasures,
    .dependents = mem_dependents,
    .put = mem_put,
    .clear = mem_clear,
    .empty = mem_empty,
    .dump = mem_dump,
};

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
}

/* ---- the store on it: what store_log.c's import does, above the seam ---- */

static struct ff_store *mem_store(struct mem *m)
{
    struct ff_store *s = calloc(1, sizeof *s);
    s->be = &mem_backend;
    s->be_ctx = m;
    snprintf(s->device, sizeof s->device, "memory");
    return s;
}

static void mem_store_free(struct ff_store *s)
{
    ff_store__dirty_clear(s);
    ff_free(s->dirty);
    ff_free(s->push);
    free(s);
}

/* Adds one event line unless its key is stored (the history has no forged copies). */
static void mem_import(struct ff_store *s, struct mem *m, const char *line)
{
    char why[384];
    struct ff_event ev = {0};
    CHECK_MSG(ff_event_decode(line, strlen(line), &ev, why, sizeof why) == FF_OK, why);
    if (find(m, ev.device, ev.seq)) {
        ff_event_clear(&ev);
        return;
    }
    if (m->n == m->cap)
        m->ev = realloc(m->ev, (m->cap = m->cap ? m->cap * 2 : 256) * sizeof *m->ev);
    struct mev *e = &m->ev[m->n++];
    *e = (struct mev){.ev = ev, .redacted = ev.redacted_from != 0, .kept = ev.redacted_from};
    if (ev.known && !strcmp(ev.type, "customer.erased"))
        s->erasures++;
    if (ev.known)
        CHECK_MSG(ff_store__mark_dirty(s, &e->ev, NULL) == FF_OK, s->err);
}

static void shuffle(char **lines, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = rnd((unsigned)i);
        char *t = lines[i - 1];
        lines[i - 1] = lines[j];
        lines[j] = t;
    }
}

static void mem_deliver(struct ff_store *s, struct mem *m, char **lines, size_t n)
{
    shuffle(lines, n);
    for (size_t i = 0; i < n;) {
        size_t batch = 1 + rnd(40);
        for (size_t k = 0; k < batch && i < n; k++, i++) {
            mem_import(s, m, lines[i]);
            if (!rnd(10)) /* a duplicate delivery */
                mem_import(s, m, lines[rnd((unsigned)i + 1)]);
        }
        CHECK_MSG(ff_store__fold_dirty(s) == FF_OK, s->err); /* the batch's commit */
    }
}

static void sql_deliver(struct ff_store *r, char **lines, size_t n)
{
    shuffle(lines, n);
    for (size_t i = 0; i < n;) {
        size_t batch = 1 + rnd(40);
        CHECK_INT(ff_store_begin(r), FF_OK);
        for (size_t k = 0; k < batch && i < n; k++, i++) {
            CHECK_MSG(ff_store_import(r, lines[i], strlen(lines[i]), NULL) == FF_OK,
                      ff_store_errmsg(r));
            if (!rnd(10))
                ff_store_import(r, lines[rnd((unsigned)i + 1)], strlen(lines[rnd((unsigned)i + 1)]),
                                NULL);
        }
        CHECK_INT(ff_store_commit(r), FF_OK);
    }
}

static int64_t erasures_seen; /* over every round: the erasure rules were exercised */

static void same_on_both(const char *dir, int round, int actions)
{
    char *all = gen_union(dir, round, actions), name[64];
    static char *lines[100000];
    char *copy = strdup(all);
    size_t n = split(copy, lines, 100000);
    snprintf(name, sizeof name, "b%d-sqlite.db", round);
    struct ff_store *sql = open_fast(dir, name, "replica-sql");
    sql_deliver(sql, lines, n);
    char *want = dump_of(sql);
    ff_store_close(sql);

    struct mem m = {0};
    struct ff_store *s = mem_store(&m);
    mem_deliver(s, &m, lines, n);
    CHECK_INT((int)m.n, (int)n); /* every line is another event */
    erasures_seen += s->erasures;
    char *got = dump_of(s);
    CHECK_MSG(want && got && !strcmp(want, got), "memory backend's fold differs from SQLite's");
    if (want && got && strcmp(want, got)) {
        FILE *f = fopen("/tmp/test_store_backend.want", "w"), *g;
        g = fopen("/tmp/test_store_backend.got", "w");
        if (f && g) {
            fputs(want, f);
            fputs(got, g);
        }
        if (f)
            fclose(f);
        if (g)
            fclose(g);
    }
    free(got);
    CHECK_INT(ff_store__fold_all(s), FF_OK); /* a rebuild on the memory backend */
    got = dump_of(s);
    CHECK_MSG(want && got && !strcmp(want, got), "memory backend's rebuild differs");
    CHECK(want && strstr(want, "cases|") && strstr(want, "conflicts|"));
    free(got);
    free(want);
    mem_store_free(s);
    mem_free(&m);
    free(copy);
    free(all);
}

/* The comparison can fail: a projection row the memory backend lost shows in the dump. */
static void dump_sees_a_difference(void)
{
    struct mem m = {0};
    struct ff_store *s = mem_store(&m);
    char *before = dump_of(s);
    CHECK_INT(ff_store__put(s, FF_PROJ_SLOT, "sii", "eng-9", (int64_t)10, (int64_t)20), FF_OK);
    char *after = dump_of(s);
    CHECK(before && after && strcmp(before, after) && strstr(after, "slots|\"eng-9\"|10|20"));
    free(before);
    free(after);
    mem_store_free(s);
    mem_free(&m);
}

int main(void)
{
    const char *dir = ff_test_tmpdir();
    dump_sees_a_difference();
    for (int round = 0; round < 6; round++)
        same_on_both(dir, round, 300);
    CHECK(erasures_seen > 0);
    return ff_test_finish();
}

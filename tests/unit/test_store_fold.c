/* test_store_fold.c - the fold is a function of the event set (property test).
 *
 * Several origin devices make random events on a small pool of entities (so that edits race,
 * customers merge, ids collide), syncing with each other now and then so that some edits see
 * others and some do not. The union of their logs is then delivered to fresh replicas, each
 * in its own random order, random batch splits and with duplicates, with edits from a peer
 * naming versions from its future (prev of higher hlc), and with lies mixed in (forged copies
 * of stored events, duplicate keys, NUL in ids), each refused. Every replica's dump must
 * be byte-identical, equal to a full rebuild, and pass ff_store_check.
 */
#include <sqlite3.h>

#define STORE_TESTLIB_HISTORY /* gen_union */

#include "store_int.h"
#include "store_testlib.h"

#define REPLICAS 3

/* A hostile variant of the genuine event `line`, which the replica already has: a forged copy
 * (same id, other content), a duplicate key or a NUL in an id. Each must be refused and
 * change nothing. */
static void hostile(struct ff_store *r, const char *line)
{
    static const char *const kinds[3][2] = {
        {"\"payload\":{", "\"payload\":{\"forged\":1,"},
        {"\"payload\":{", "\"payload\":{\"dup\":1,\"dup\":2,"},
        {"\"entity_id\":\"", "\"entity_id\":\"x\\u0000"},
    };
    unsigned k = rnd(3);
    const char *at = strstr(line, kinds[k][0]);
    if (!at)
        return;
    size_t head = (size_t)(at - line), from = strlen(kinds[k][0]), to = strlen(kinds[k][1]);
    char *bad = malloc(strlen(line) + to + 1);
    memcpy(bad, line, head);
    memcpy(bad + head, kinds[k][1], to);
    memcpy(bad + head + to, line + head + from, strlen(line + head + from) + 1);
    bool added = true;
    enum ff_err e = ff_store_import(r, bad, strlen(bad), &added);
    /* a copy of a redacted event is known by the digest it claims: a duplicate, still nothing */
    bool claims = k == 0 && strstr(line, "\"redacted\":") != NULL;
    bool refused = e == FF_EINVALID || e == FF_EPARSE; /* "{...,}" where the payload was {} */
    CHECK_MSG((refused || (claims && e == FF_OK)) && !added, bad);
    free(bad);
}

static void deliver(struct ff_store *r, char **lines, size_t n)
{
    for (size_t i = n; i > 1; i--) { /* shuffle */
        size_t j = rnd((unsigned)i);
        char *t = lines[i - 1];
        lines[i - 1] = lines[j];
        lines[j] = t;
    }
    size_t i = 0;
    while (i < n) {
        size_t batch = 1 + rnd(40);
        bool use_batch = rnd(4) != 0; /* single imports are durable commits: fewer */
        if (use_batch)
            CHECK_INT(ff_store_begin(r), FF_OK);
        for (size_t k = 0; k < batch && i < n; k++, i++) {
            enum ff_err e = ff_store_import(r, lines[i], strlen(lines[i]), NULL);
            CHECK_MSG(e == FF_OK, ff_store_errmsg(r));
            if (!rnd(10)) /* a duplicate delivery */
                ff_store_import(r, lines[rnd((unsigned)i + 1)], strlen(lines[rnd((unsigned)i + 1)]),
                                NULL);
            if (!rnd(8)) /* a lie about something already here */
                hostile(r, lines[rnd((unsigned)i + 1)]);
        }
        if (use_batch)
            CHECK_INT(ff_store_commit(r), FF_OK);
    }
}

static void round_trip(const char *dir, int round, int actions)
{
    char name[64], dev[32];
    char *all = gen_union(dir, round, actions);
    static char *lines[100000];
    char *first = NULL;
    for (int r = 0; r < REPLICAS; r++) {
        char *copy = strdup(all);
        size_t n = split(copy, lines, 100000);
        snprintf(name, sizeof name, "r%d-replica%d.db", round, r);
        snprintf(dev, sizeof dev, "replica-%d", r);
        struct ff_store *rep = open_fast(dir, name, dev);
        deliver(rep, lines, n);
        char *d = dump_of(rep);
        if (!first)
            first = d;
        else {
            CHECK_MSG(!strcmp(first, d), "replicas differ");
            free(d);
        }
        CHECK_INT(ff_store_rebuild(rep), FF_OK);
        d = dump_of(rep);
        CHECK_MSG(!strcmp(first, d), "rebuild differs from incremental fold");
        free(d);
        CHECK_INT(ff_store_check(rep), FF_OK);
        ff_store_close(rep);
        free(copy);
    }
    CHECK(first && strstr(first, "cases|") && strstr(first, "conflicts|"));
    free(first);
    free(all);
}

int main(void)
{
    const char *dir = ff_test_tmpdir();
    for (int round = 0; round < 6; round++)
        round_trip(dir, round, 250);
    return ff_test_finish();
}

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

/* store_check.c - ff_store_check: is this file sound and is its fold what the log says?
 *
 * Three checks, cheapest first: the backend's own (SQLite's integrity_check), the local seq
 * being gapless, and fold equality (the backend copies the store, on SQLite with VACUUM INTO;
 * the copy is rebuilt from its log and the two dumps are compared byte for byte). Workload: an
 * admin command; the copy costs one file's size in $TMPDIR.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fieldflow/mem.h"
#include "store_int.h"

static enum ff_err gapless(struct ff_store *s)
{
    int64_t n = 0, max = 0;
    enum ff_err e = s->be->device_seq(s, s->device, &max, &n);
    if (!e && n != max)
        e = ff_store__fail(s, FF_ECORRUPT, "device %s: %lld events but last seq %lld", s->device,
                           (long long)n, (long long)max);
    return e;
}

static enum ff_err dump_to(struct ff_store *s, char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);
    if (!f)
        return ff_store__fail(s, FF_ENOMEM, "out of memory");
    enum ff_err e = ff_store_dump(s, f);
    fclose(f);
    return e;
}

static void first_difference(struct ff_store *s, const char *a, const char *b)
{
    size_t i = 0, line_start = 0;
    while (a[i] && a[i] == b[i])
        if (a[i++] == '\n')
            line_start = i;
    ff_store__fail(s, FF_ECORRUPT, "projections differ from a rebuild at: %.200s (rebuild: %.200s)",
                   a + line_start, b + line_start);
}

static void remove_copy(const char *path)
{
    char side[4200];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

/* Rebuilds a copy of s and dumps it into *buf. */
static enum ff_err rebuilt_dump(struct ff_store *s, const char *path, char **buf, size_t *len)
{
    enum ff_err e = s->be->copy(s, path);
    if (e)
        return e;
    struct ff_store *copy;
    struct ff_store_opts o = {.path = path, .device = s->device};
    if ((e = ff_store_open(&o, &copy)))
        return ff_store__fail(s, e, "opening the copy %s", path);
    e = ff_store_rebuild(copy);
    if (!e)
        e = dump_to(copy, buf, len);
    if (e)
        ff_store__fail(s, e, "rebuilding the copy: %s", ff_store_errmsg(copy));
    ff_store_close(copy);
    return e;
}

static enum ff_err fold_equal(struct ff_store *s)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/ffcheck-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return ff_store__fail(s, FF_EIO, "cannot make a temporary copy in %s", path);
    close(fd);
    char *mine = NULL, *theirs = NULL;
    size_t ml = 0, tl = 0;
    enum ff_err e = dump_to(s, &mine, &ml);
    if (!e)
        e = rebuilt_dump(s, path, &theirs, &tl);
    if (!e && (!mine || !theirs))
        ff_store__fail(s, FF_ENOMEM, "out of memory"), e = FF_ENOMEM;
    if (!e && (ml != tl || memcmp(mine, theirs, ml)))
        first_difference(s, mine, theirs), e = FF_ECORRUPT;
    free(mine); /* open_memstream buffers come from malloc */
    free(theirs);
    remove_copy(path);
    return e;
}

enum ff_err ff_store_check(struct ff_store *s)
{
    if (!s->be->verify || !s->be->copy)
        return ff_store__fail(s, FF_ESTATE, "the %s backend cannot be checked", s->be->name);
    enum ff_err e = s->be->verify(s);
    if (!e)
        e = gapless(s);
    if (!e)
        e = fold_equal(s);
    return e;
}

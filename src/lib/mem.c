/* mem.c - the allocation seam, with per-thread fault injection for tests.
 *
 * The fault counter is thread-local and touched only by tests (docs/decisions.md explains
 * this one exception to "no global mutable state").
 */
#include "fieldflow/mem.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local long fail_after = -1;
static _Thread_local long made;

static bool should_fail(void)
{
    made++;
    if (fail_after < 0)
        return false;
    if (fail_after == 0)
        return true;
    fail_after--;
    return false;
}

long ff_mem_fail_after(long n)
{
    long m = made;
    made = 0;
    fail_after = n;
    return m;
}

void *ff_malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n ? n : 1);
}

void *ff_calloc(size_t count, size_t n)
{
    return should_fail() ? NULL : calloc(count ? count : 1, n ? n : 1);
}

void *ff_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n ? n : 1);
}

void ff_free(void *p)
{
    free(p);
}

char *ff_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = ff_malloc(len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *ff_strdup(const char *s)
{
    return ff_strndup(s, strlen(s));
}

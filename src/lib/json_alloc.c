/* json_alloc.c - cJSON's allocation hooks, set once, with a per-thread route to ff_malloc.
 *
 * Workload: every cJSON allocation of the process passes through json_malloc, so it is two
 * thread-local reads and a call. The only writes to cJSON's global hooks happen in
 * install(), run once by pthread_once; the per-thread state is _Thread_local, like the fault
 * counter in mem.c (docs/decisions.md: "cJSON's hooks are set once").
 */
#include "json_alloc.h"

#include <cJSON.h>
#include <pthread.h>
#include <stdlib.h>

#include "fieldflow/mem.h"

static _Thread_local unsigned seam_depth; /* open seams on this thread */
static _Thread_local bool seam_failed;    /* an allocation failed inside the current seam */

static void *json_malloc(size_t n)
{
    if (!seam_depth)
        return malloc(n);
    void *p = ff_malloc(n);
    if (!p)
        seam_failed = true;
    return p;
}

static pthread_once_t installed = PTHREAD_ONCE_INIT;

static void install(void)
{
    /* ff_free is free(): one deallocator for trees made inside and outside a seam. */
    cJSON_Hooks hooks = {json_malloc, free};
    cJSON_InitHooks(&hooks);
}

void ff_json_alloc_init(void)
{
    pthread_once(&installed, install);
}

/* Before main, so that no thread can be parsing yet when the hooks change. */
__attribute__((constructor)) static void install_early(void)
{
    ff_json_alloc_init();
}

void ff_json_seam_enter(void)
{
    ff_json_alloc_init();
    if (seam_depth++ == 0)
        seam_failed = false;
}

bool ff_json_seam_leave(void)
{
    if (seam_depth)
        seam_depth--;
    return seam_failed;
}

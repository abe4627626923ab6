/* mem.h - the one allocation seam of libfieldflow.
 *
 * All library allocations go through these calls so that tests can fail the Nth allocation
 * and check that every caller returns FF_ENOMEM and leaves nothing half-changed. Callers
 * of the library never need these.
 */
#ifndef FIELDFLOW_MEM_H
#define FIELDFLOW_MEM_H

#include <stddef.h>

void *ff_malloc(size_t n);
void *ff_calloc(size_t count, size_t n);
void *ff_realloc(void *p, size_t n);
void ff_free(void *p); /* NULL is fine */
char *ff_strdup(const char *s);
char *ff_strndup(const char *s, size_t n);

/* Fault injection for tests: after `n` more successful allocations, every allocation on this
 * thread fails. n < 0 switches it off (the default). Returns the count of allocations made
 * since the last call, so a test can learn how many a call needs. */
long ff_mem_fail_after(long n);

#endif

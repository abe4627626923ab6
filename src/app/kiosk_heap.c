/* kiosk_heap.c - free() and realloc() that wipe before releasing (see kiosk_heap.h).
 *
 * glibc exports its allocator under __libc_* names, so the replacements forward to them;
 * malloc, calloc and memalign stay glibc's own. realloc never lets glibc move a block
 * (which would free the old one unwiped): it allocates, copies, wipes and frees itself.
 * Cost: one memset per free, negligible next to a kiosk's frame time.
 */
#include "kiosk_heap.h"

#include <malloc.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define FF_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define FF_SANITIZER 1
#endif

#ifndef FF_SANITIZER
/* glibc's own entry points, which the replacements forward to. */
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp): glibc's name */
extern void *__libc_malloc(size_t n);
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp): glibc's name */
extern void __libc_free(void *p);

void free(void *p);
void *realloc(void *p, size_t n);

static atomic_int paused; /* > 0: frees are not wiped */

void ff_kiosk_heap_pause(void)
{
    atomic_fetch_add(&paused, 1);
}

void ff_kiosk_heap_resume(void)
{
    atomic_fetch_sub(&paused, 1);
}

void free(void *p)
{
    if (p && atomic_load_explicit(&paused, memory_order_relaxed) > 0) {
        __libc_free(p);
    } else if (p) {
        explicit_bzero(p, malloc_usable_size(p));
        __libc_free(p);
    }
}

void *realloc(void *p, size_t n)
{
    if (!p)
        return __libc_malloc(n);
    if (n == 0) {
        free(p);
        return NULL;
    }
    size_t have = malloc_usable_size(p);
    if (n <= have)
        return p;
    void *q = __libc_malloc(n);
    if (!q)
        return NULL;
    memcpy(q, p, have);
    free(p);
    return q;
}

bool ff_kiosk_heap_wipes(void)
{
    return true;
}
#else
bool ff_kiosk_heap_wipes(void)
{
    return false;
}

void ff_kiosk_heap_pause(void)
{
}

void ff_kiosk_heap_resume(void)
{
}
#endif

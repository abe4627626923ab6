/* json_alloc.h - cJSON's allocator for the whole library, installed once per process.
 *
 * cJSON keeps its allocation hooks in process-wide variables that every parse and print
 * reads. Changing them while another thread parses is a data race, so they are set exactly
 * once, before main (a constructor) or on the first ff_json_seam_enter (pthread_once), and
 * never again; a program linking libfieldflow must not call cJSON_InitHooks itself.
 *
 * The installed hooks read a per-thread switch. Inside a seam (between ff_json_seam_enter and
 * ff_json_seam_leave on the same thread) cJSON allocates through ff_malloc, so the fault
 * injection of mem.h reaches it and a failed allocation is noted; outside a seam it uses
 * malloc, as cJSON does by default. Both kinds are freed with free(), so a tree may be made
 * inside a seam and deleted outside it.
 */
#ifndef FIELDFLOW_JSON_ALLOC_H
#define FIELDFLOW_JSON_ALLOC_H

#include <stdbool.h>

/* Installs the hooks if nobody has yet; safe from any thread, any number of times. */
void ff_json_alloc_init(void);

/* Routes this thread's cJSON allocations through ff_malloc and clears the failure note.
 * Seams nest; the outermost leave ends it. */
void ff_json_seam_enter(void);

/* Ends a seam; true if a cJSON allocation failed on this thread since the matching enter
 * (so a NULL from cJSON means out of memory, not malformed input). */
bool ff_json_seam_leave(void);

#endif

/* kiosk_heap.h - freed memory is wiped, so a finished session leaves no answers behind.
 *
 * A kiosk session's answers pass through libraries we do not control (the runner's
 * copies, cJSON trees, SQLite's page cache), which free them without clearing. Linking
 * this module (ff_kiosk_new refers to it, so every program with a session has it) replaces the
 * process's free() and realloc() with versions that zero each block (malloc_usable_size bytes)
 * before handing it back to glibc. It is process-wide by nature; docs/decisions.md records why.
 * Under AddressSanitizer (which owns malloc) the replacement is left out and ASan's free_fill does
 * the same job.
 */
#ifndef FF_KIOSK_HEAP_H
#define FF_KIOSK_HEAP_H

#include <stdbool.h>

/* True when freed blocks are wiped in this build (the replacement, or a sanitizer's
 * free_fill the caller set up). Calling it also makes the linker keep this module. */
bool ff_kiosk_heap_wipes(void);

#endif

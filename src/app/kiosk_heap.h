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

/* While a pause is held (a count, any thread), frees are left to glibc unwiped. The read-aloud
 * worker holds one around each synthesis: libespeak-ng (1.51) reads blocks after they are
 * freed, harmless with glibc's free but a crash once they are zeroed (test_kiosk_speech
 * crashed 1 run in 20). The price, documented in docs/internals/kiosk.md: what is freed
 * while the kiosk speaks is not wiped. */
void ff_kiosk_heap_pause(void);
void ff_kiosk_heap_resume(void);

#endif

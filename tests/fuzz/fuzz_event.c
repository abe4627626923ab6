/* fuzz_event.c - libFuzzer target for the event decoder (JSON event -> validated struct).
 *
 * Anything may come in; the decoder must refuse or accept without crashing, leaking or
 * reading out of bounds, always with a reason on refusal, and an accepted event must
 * encode and decode again to the same text (the codec is a fixed point on its own output)
 * and the same digest (two copies of one event are never taken for a forgery). The scanner
 * that runs before cJSON must agree with it: an input it accepts that cJSON refuses would be
 * reported as out of memory, which (no allocation fails here) aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/event.h"
#include "fieldflow/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ff_event ev, again;
    char why[384] = "";
    enum ff_err e = ff_event_decode((const char *)data, size, &ev, why, sizeof why);
    if (e) {
        if (!why[0] || e == FF_ENOMEM)
            abort(); /* a refusal always says why; nothing here runs out of memory */
        return 0;
    }
    char *one = NULL, *two = NULL;
    if (ff_event_encode(&ev, &one) == FF_OK) {
        if (ff_event_decode(one, strlen(one), &again, why, sizeof why) != FF_OK)
            abort(); /* our own output must decode */
        if (ff_event_encode(&again, &two) != FF_OK || strcmp(one, two))
            abort();
        if (ff_event_digest(&ev) != ff_event_digest(&again) ||
            ev.redacted_from != again.redacted_from)
            abort();
        ff_event_clear(&again);
    }
    ff_free(one);
    ff_free(two);
    ff_event_clear(&ev);
    return 0;
}

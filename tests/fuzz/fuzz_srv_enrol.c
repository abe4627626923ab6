/* fuzz_srv_enrol.c - libFuzzer target for the enrolment and token body decoders.
 *
 * The first byte picks the decoder. Property: a refusal names a protocol code; an accepted
 * enrolment has a valid device id, a code and a name without control characters, all
 * NUL-terminated within their fields; an accepted token request has a non-empty token.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/event.h"
#include "srv_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *body = (const char *)data + 1;
    struct srv_derr err;
    if (data[0] & 1) {
        struct srv_token_req t;
        if (srv_decode_token(body, size - 1, &t, &err) != FF_OK) {
            if (!err.code || t.refresh_token[0])
                abort();
            return 0;
        }
        if (!t.refresh_token[0] ||
            strnlen(t.refresh_token, sizeof t.refresh_token) == sizeof t.refresh_token)
            abort();
        return 0;
    }
    struct srv_enrol_req r;
    if (srv_decode_enrol(body, size - 1, &r, &err) != FF_OK) {
        if (!err.code || r.device_id[0])
            abort();
        return 0;
    }
    if (!ff_event_id_valid(r.device_id) || !r.code[0])
        abort();
    for (const char *p = r.name; *p; p++)
        if ((unsigned char)*p < 0x20)
            abort();
    return 0;
}

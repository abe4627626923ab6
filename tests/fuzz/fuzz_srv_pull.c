/* fuzz_srv_pull.c - libFuzzer target for the pull parameters and the attachment headers
 * (srv_decode_pull, srv_decode_content_range, srv_decode_sha256_hex).
 *
 * The input is split at newlines into after, limit, wait and a Content-Range value.
 * Property: accepted parameters are in range and the cursor survives a round trip
 * (formatted and parsed again); an accepted range has from <= to < total; a refusal names its
 * field.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "srv_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[512];
    if (size >= sizeof buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *part[4] = {NULL, NULL, NULL, NULL};
    char *p = buf;
    for (int i = 0; i < 4 && p; i++) {
        part[i] = p;
        p = strchr(p, '\n');
        if (p)
            *p++ = '\0';
    }
    struct srv_pull_req r;
    struct srv_derr err;
    if (srv_decode_pull(part[0], part[1], part[2], &r, &err) == FF_OK) {
        if (r.limit < 1 || r.limit > SW_PULL_LIMIT_MAX || r.wait_s < 0 || r.wait_s > SW_WAIT_MAX_S)
            abort();
        char again[64];
        int64_t epoch, after;
        sw_cursor_format(r.epoch, r.after, again, sizeof again);
        if (sw_cursor_parse(again, &epoch, &after) != FF_OK || epoch != r.epoch || after != r.after)
            abort();
    } else if (!err.code || !err.field[0]) {
        abort();
    }
    int64_t from, to, total;
    if (srv_decode_content_range(part[3], &from, &to, &total, &err) == FF_OK &&
        !(from >= 0 && from <= to && to < total))
        abort();
    if (srv_decode_sha256_hex(buf) && strlen(buf) != 64)
        abort();
    return 0;
}

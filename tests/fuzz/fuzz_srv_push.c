/* fuzz_srv_push.c - libFuzzer target for the push body decoder (srv_decode_push).
 *
 * Property: a refusal has a protocol code and a field or message; an accepted body has as
 * many items as its head's count, each the event of its own line (decoding that line alone
 * gives the same digest), seqs ascending per device, and scope keys that are valid ids.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/event.h"
#include "srv_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_key(const char *k)
{
    if (k[0] && !ff_event_id_valid(k))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct srv_push_req req;
    struct srv_derr err;
    enum ff_err e = srv_decode_push((const char *)data, size, &req, &err);
    if (e) {
        if (!err.code || (!err.field[0] && !err.message[0]))
            abort();
        srv_push_req_free(&req);
        return 0;
    }
    if (req.n != req.lines.n || !ff_event_id_valid(req.device))
        abort();
    for (size_t i = 0; i < req.n; i++) {
        const struct srv_push_item *it = &req.items[i];
        struct ff_event again = {0};
        char why[256];
        if (ff_event_decode(it->line, it->len, &again, why, sizeof why) != FF_OK ||
            ff_event_digest(&again) != it->digest)
            abort();
        ff_event_clear(&again);
        for (size_t k = 0; k < i; k++)
            if (!strcmp(req.items[k].ev.device, it->ev.device) && req.items[k].ev.seq >= it->ev.seq)
                abort();
        check_key(it->case_id);
        check_key(it->customer_id);
        check_key(it->assignee);
    }
    srv_push_req_free(&req);
    return 0;
}

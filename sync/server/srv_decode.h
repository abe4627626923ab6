/* srv_decode.h - the server's request decoders (sync/PROTOCOL.md sections 1-4): bytes from
 * the network -> a checked struct, or a refusal with a stable protocol code and the field.
 *
 * Pure functions: no store, no clock, no HTTP. Every input is hostile until decoded; unknown
 * fields are ignored. Each decoder has a fuzz target (tests/fuzz/fuzz_srv_<name>.c).
 */
#ifndef FF_SRV_DECODE_H
#define FF_SRV_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"
#include "fieldflow/event.h"
#include "srv_store.h"
#include "sync_wire.h"

#define SRV_CODE_MAX 32  /* an enrolment code as typed, dashes and spaces included */
#define SRV_TOKEN_MAX 64 /* a token as sent (ours are 43 base64url characters) */

/* A refusal: code is a static protocol code ("bad_json", "too_large", "bad_request");
 * field says where ("code", "line 3", "limit"); message is for people. */
struct srv_derr {
    const char *code;
    char field[48];
    char message[320];
};

/* The HTTP status of a refusal's code (400, 413 too_large, 503 unavailable). */
unsigned srv_derr_status(const struct srv_derr *err);

struct srv_enrol_req {
    char code[SRV_CODE_MAX + 1];
    char device_id[FF_EVENT_ID_MAX + 1];
    char name[SRV_NAME_MAX + 1]; /* "" when absent */
};
enum ff_err srv_decode_enrol(const char *body, size_t len, struct srv_enrol_req *out,
                             struct srv_derr *err);

struct srv_token_req {
    char refresh_token[SRV_TOKEN_MAX + 1];
};
enum ff_err srv_decode_token(const char *body, size_t len, struct srv_token_req *out,
                             struct srv_derr *err);

/* Query parameters of GET /v1/pull, each NULL when absent. */
struct srv_pull_req {
    int64_t epoch, after; /* the cursor; 0, 0 for "" */
    int limit;            /* 1..SW_PULL_LIMIT_MAX */
    int wait_s;           /* 0..SW_WAIT_MAX_S */
};
enum ff_err srv_decode_pull(const char *after, const char *limit, const char *wait,
                            struct srv_pull_req *out, struct srv_derr *err);

/* One event line of a push with the scope keys read from its payload ("" when absent). */
struct srv_push_item {
    struct ff_event ev;
    const char *line; /* into the body */
    size_t len;
    uint64_t digest;
    char case_id[FF_EVENT_ID_MAX + 1];
    char customer_id[FF_EVENT_ID_MAX + 1];
    char assignee[FF_EVENT_ID_MAX + 1];
};
struct srv_push_req {
    char device[FF_EVENT_ID_MAX + 1]; /* the head's "device" */
    size_t n;
    struct srv_push_item *items;
    struct sw_lines lines; /* points into the body, which must outlive the request */
};
/* Splits and decodes a whole push body (already inflated). Any line that is not one valid
 * event refuses the whole body (bad_json, field "line N", N counting the head as line 1);
 * so does a head whose count differs from the lines, or seqs of one device that do not
 * ascend. FF_ELIMIT (too_large) past FF_STORE_BATCH_MAX_EVENTS lines. Free with
 * srv_push_req_free (also after a failure). */
enum ff_err srv_decode_push(const char *body, size_t len, struct srv_push_req *out,
                            struct srv_derr *err);
void srv_push_req_free(struct srv_push_req *r);

/* An attachment path's name: exactly 64 lowercase hex digits. */
bool srv_decode_sha256_hex(const char *s);
/* "bytes FROM-TO/TOTAL" with FROM <= TO < TOTAL. */
enum ff_err srv_decode_content_range(const char *s, int64_t *from, int64_t *to, int64_t *total,
                                     struct srv_derr *err);

#endif

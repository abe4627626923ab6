/* sc_reply.c - reading the server's push and pull replies (PROTOCOL.md sections 3 and 4).
 *
 * Pure functions: body in, struct or refusal out; no store, no network, so the fuzz target
 * (tests/fuzz/fuzz_sync_client.c) reaches everything a hostile or broken server can send.
 * Invariants: a reply is taken only whole (a push reply with acked_seq and a status of a/d/r
 * letters; a pull page whose head has a well-formed cursor and whose count matches its
 * lines); numbers beyond 2^53 or below 0 are refused, not rounded.
 */
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "sc_int.h"

#define MAX_EXACT 9007199254740991.0 /* 2^53 - 1 */

static bool exact_count(const cJSON *n, int64_t *out)
{
    if (!cJSON_IsNumber(n) || n->valuedouble < 0 || n->valuedouble > MAX_EXACT ||
        n->valuedouble != (double)(int64_t)n->valuedouble)
        return false;
    *out = (int64_t)n->valuedouble;
    return true;
}

static bool good_cursor(const char *s)
{
    int64_t epoch, gseq;
    return s && strlen(s) < SC_CURSOR_MAX && !sw_cursor_parse(s, &epoch, &gseq);
}

enum ff_sync_err sc_push_reply_parse(const char *body, size_t len, struct sc_push_reply *out,
                                     char *why, size_t why_len)
{
    memset(out, 0, sizeof *out);
    cJSON *j = body ? cJSON_ParseWithLength(body, len) : NULL;
    const char *status = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "status"));
    const char *cp = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "checkpoint"));
    cJSON *rejected = cJSON_GetObjectItemCaseSensitive(j, "rejected");
    enum ff_sync_err e = FF_SYNC_PROTOCOL;
    if (!cJSON_IsObject(j))
        snprintf(why, why_len, "/v1/push: the reply is not a JSON object");
    else if (!exact_count(cJSON_GetObjectItemCaseSensitive(j, "acked_seq"), &out->acked))
        snprintf(why, why_len, "/v1/push: acked_seq: must be an integer 0..2^53");
    else if (!status || strspn(status, "adr") != strlen(status))
        snprintf(why, why_len, "/v1/push: status: must be letters a, d, r");
    else if (cp && !good_cursor(cp))
        snprintf(why, why_len, "/v1/push: checkpoint: not a cursor");
    else if (rejected && !cJSON_IsArray(rejected))
        snprintf(why, why_len, "/v1/push: rejected: must be an array");
    else
        e = FF_SYNC_OK;
    if (!e) {
        for (const char *p = status; *p; p++)
            out->settled += *p != 'r';
        snprintf(out->checkpoint, sizeof out->checkpoint, "%s", cp ? cp : "");
        out->rejected = rejected ? cJSON_DetachItemViaPointer(j, rejected) : NULL;
    }
    cJSON_Delete(j);
    return e;
}

void sc_push_reply_free(struct sc_push_reply *r)
{
    cJSON_Delete(r->rejected);
    memset(r, 0, sizeof *r);
}

enum ff_sync_err sc_pull_page_parse(const char *body, size_t len, struct sc_pull_page *out,
                                    char *why, size_t why_len)
{
    memset(out, 0, sizeof *out);
    char lw[96];
    if (sw_lines_split(body ? body : "", body ? len : 0, SW_PULL_LIMIT_MAX, &out->lines, lw,
                       sizeof lw)) {
        snprintf(why, why_len, "/v1/pull: %s", lw);
        return FF_SYNC_PROTOCOL;
    }
    cJSON *head = cJSON_ParseWithLength(out->lines.head, out->lines.head_len);
    const char *cursor = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(head, "cursor"));
    const cJSON *more = cJSON_GetObjectItemCaseSensitive(head, "more");
    int64_t count = 0;
    enum ff_sync_err e = FF_SYNC_PROTOCOL;
    if (!cJSON_IsObject(head))
        snprintf(why, why_len, "/v1/pull: line 1: not a JSON object");
    else if (!good_cursor(cursor))
        snprintf(why, why_len, "/v1/pull: line 1: cursor: not a cursor");
    else if (more && !cJSON_IsBool(more))
        snprintf(why, why_len, "/v1/pull: line 1: more: must be true or false");
    else if (!exact_count(cJSON_GetObjectItemCaseSensitive(head, "count"), &count) ||
             (uint64_t)count != out->lines.n)
        snprintf(why, why_len, "/v1/pull: line 1: count: must be the %zu event lines",
                 out->lines.n);
    else
        e = FF_SYNC_OK;
    if (!e) {
        snprintf(out->cursor, sizeof out->cursor, "%s", cursor);
        out->more = cJSON_IsTrue(more);
    }
    cJSON_Delete(head);
    if (e)
        sc_pull_page_free(out);
    return e;
}

void sc_pull_page_free(struct sc_pull_page *p)
{
    sw_lines_free(&p->lines);
    memset(p, 0, sizeof *p);
}

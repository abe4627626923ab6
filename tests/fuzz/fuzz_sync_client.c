/* fuzz_sync_client.c - libFuzzer target for what a server sends the client: the push reply and
 * the pull page (sync/client/sc_reply.c). The first byte picks the parser, the rest is the
 * body. Anything may come in; a parser refuses with a reason or accepts without crashing,
 * leaking or reading out of bounds. An accepted pull page has a cursor sw_cursor_parse takes
 * and exactly its count of lines, and the page rebuilt from what was read (head, then the
 * lines) reads back the same; an accepted push reply has acked_seq >= 0, settled events <=
 * the status letters, and a checkpoint that is "" or a cursor.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "sc_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void pull(const char *body, size_t len)
{
    struct sc_pull_page p, q;
    char why[200] = "";
    if (sc_pull_page_parse(body, len, &p, why, sizeof why)) {
        if (!why[0])
            abort();
        return;
    }
    int64_t epoch, gseq;
    if (sw_cursor_parse(p.cursor, &epoch, &gseq))
        abort();
    size_t cap = len + 128, n = 0;
    char *again = malloc(cap);
    n += (size_t)snprintf(again, cap, "{\"cursor\":\"%s\",\"more\":%s,\"count\":%zu}\n", p.cursor,
                          p.more ? "true" : "false", p.lines.n);
    for (size_t i = 0; i < p.lines.n; i++) {
        memcpy(again + n, p.lines.line[i], p.lines.len[i]);
        n += p.lines.len[i];
        again[n++] = '\n';
    }
    if (sc_pull_page_parse(again, n, &q, why, sizeof why))
        abort(); /* what was read, written back, must read */
    if (strcmp(p.cursor, q.cursor) || p.more != q.more || p.lines.n != q.lines.n)
        abort();
    for (size_t i = 0; i < p.lines.n; i++)
        if (p.lines.len[i] != q.lines.len[i] ||
            memcmp(p.lines.line[i], q.lines.line[i], p.lines.len[i]))
            abort();
    sc_pull_page_free(&q);
    sc_pull_page_free(&p);
    free(again);
}

static void push(const char *body, size_t len)
{
    struct sc_push_reply r;
    char why[200] = "";
    if (sc_push_reply_parse(body, len, &r, why, sizeof why)) {
        if (!why[0])
            abort();
        return;
    }
    int64_t epoch, gseq;
    if (r.acked < 0 || r.settled < 0 || (size_t)r.settled > len ||
        (r.checkpoint[0] && sw_cursor_parse(r.checkpoint, &epoch, &gseq)))
        abort();
    sc_push_reply_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* the body as the client holds it: NUL-terminated copy of exactly size - 1 bytes */
    char *body = malloc(size);
    memcpy(body, data + 1, size - 1);
    body[size - 1] = '\0';
    if (data[0] & 1)
        pull(body, size - 1);
    else
        push(body, size - 1);
    free(body);
    return 0;
}

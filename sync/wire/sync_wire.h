/* sync_wire.h - what client and server both need of sync/PROTOCOL.md's bytes: gzip with a
 * cap on what inflates, JSON-lines bodies split into their head and event lines, and cursors.
 * Everything read here may come from outside: caps are checked while reading and a refusal
 * says where ("line 3", "byte 120"). Nothing here knows HTTP.
 */
#ifndef FF_SYNC_WIRE_H
#define FF_SYNC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"

#define SW_PROTOCOL 1
#define SW_BODY_MAX (8u * 1024u * 1024u)      /* a request body on the wire */
#define SW_INFLATED_MAX (16u * 1024u * 1024u) /* a request body after gunzip */
#define SW_PULL_LIMIT_DEFAULT 1000
#define SW_PULL_LIMIT_MAX 5000
#define SW_WAIT_MAX_S 30

/* gzip of len bytes; *out is the caller's (ff_free). */
enum ff_err sw_gzip(const void *in, size_t len, char **out, size_t *out_len);
/* Inflates a gzip stream. FF_ELIMIT once more than cap bytes would come out (it stops
 * there), FF_EPARSE for a broken or truncated stream or bytes after it; why says at which
 * byte. *out is NUL-terminated and the caller's (ff_free). */
enum ff_err sw_gunzip(const void *in, size_t len, size_t cap, char **out, size_t *out_len,
                      char *why, size_t why_len);

/* A JSON-lines body: the first line (the request's own fields) and the lines after it.
 * The pointers point into the body, which must outlive this. */
struct sw_lines {
    const char *head;
    size_t head_len;
    size_t n;          /* event lines */
    const char **line; /* n pointers, each line without its "\n" */
    size_t *len;
};
/* Splits body into lines. A final line may lack its "\n"; an empty line anywhere, a NUL
 * byte, more than max_lines lines after the head, or no head is FF_EPARSE/FF_ELIMIT with
 * "line N" in why. Free with sw_lines_free. */
enum ff_err sw_lines_split(const char *body, size_t len, size_t max_lines, struct sw_lines *out,
                           char *why, size_t why_len);
void sw_lines_free(struct sw_lines *l);

/* Cursors "e<epoch>.<gseq>"; "" is the start (epoch 0, gseq 0). parse: FF_EPARSE if malformed. */
void sw_cursor_format(int64_t epoch, int64_t gseq, char *buf, size_t len);
enum ff_err sw_cursor_parse(const char *s, int64_t *epoch, int64_t *gseq);

#endif

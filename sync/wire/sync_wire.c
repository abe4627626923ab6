/* sync_wire.c - gzip, JSON-lines splitting and cursors for sync/PROTOCOL.md. */
#include "sync_wire.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fieldflow/mem.h"

#define GZIP_WINDOW (15 + 16) /* zlib: a gzip header and trailer, not a zlib one */

enum ff_err sw_gzip(const void *in, size_t len, char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (len > UINT32_MAX)
        return FF_ELIMIT;
    z_stream z = {0};
    if (deflateInit2(&z, 6, Z_DEFLATED, GZIP_WINDOW, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return FF_ENOMEM;
    uLong cap = deflateBound(&z, (uLong)len);
    char *buf = ff_malloc(cap);
    if (!buf) {
        deflateEnd(&z);
        return FF_ENOMEM;
    }
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        ff_free(buf);
        return FF_ENOMEM;
    }
    *out = buf;
    *out_len = (size_t)z.total_out;
    return FF_OK;
}

enum ff_err sw_gunzip(const void *in, size_t len, size_t cap, char **out, size_t *out_len,
                      char *why, size_t why_len)
{
    *out = NULL;
    *out_len = 0;
    if (len > UINT32_MAX) {
        snprintf(why, why_len, "gzip body of %zu bytes is too large", len);
        return FF_ELIMIT;
    }
    z_stream z = {0};
    if (inflateInit2(&z, GZIP_WINDOW) != Z_OK)
        return FF_ENOMEM;
    size_t size = len * 4 + 64 < cap ? len * 4 + 64 : cap;
    char *buf = ff_malloc(size + 1);
    enum ff_err e = buf ? FF_OK : FF_ENOMEM;
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    size_t got = 0;
    while (e == FF_OK) {
        if (got == size) {
            if (size >= cap) {
                snprintf(why, why_len, "gzip body inflates to more than %zu bytes", cap);
                e = FF_ELIMIT;
                break;
            }
            size_t bigger = size * 2 < cap ? size * 2 : cap;
            char *nb = ff_realloc(buf, bigger + 1);
            if (!nb) {
                e = FF_ENOMEM;
                break;
            }
            buf = nb;
            size = bigger;
        }
        z.next_out = (Bytef *)buf + got;
        z.avail_out = (uInt)(size - got);
        int rc = inflate(&z, Z_NO_FLUSH);
        got = size - z.avail_out;
        if (rc == Z_STREAM_END) {
            if (z.avail_in) {
                snprintf(why, why_len, "byte %lu: data after the gzip stream", z.total_in);
                e = FF_EPARSE;
            }
            break;
        }
        if (rc == Z_OK && z.avail_out == 0)
            continue; /* the output was full: grow and go on */
        if (rc == Z_OK || rc == Z_BUF_ERROR) {
            snprintf(why, why_len, "byte %lu: the gzip stream is cut short", z.total_in);
            e = FF_EPARSE;
        } else if (rc == Z_MEM_ERROR) {
            e = FF_ENOMEM;
        } else {
            snprintf(why, why_len, "byte %lu: not a gzip stream (%s)", z.total_in,
                     z.msg ? z.msg : "bad data");
            e = FF_EPARSE;
        }
    }
    inflateEnd(&z);
    if (e != FF_OK) {
        ff_free(buf);
        return e;
    }
    buf[got] = '\0';
    *out = buf;
    *out_len = got;
    return FF_OK;
}

void sw_lines_free(struct sw_lines *l)
{
    ff_free(l->line);
    ff_free(l->len);
    memset(l, 0, sizeof *l);
}

enum ff_err sw_lines_split(const char *body, size_t len, size_t max_lines, struct sw_lines *out,
                           char *why, size_t why_len)
{
    memset(out, 0, sizeof *out);
    if (memchr(body, '\0', len)) {
        snprintf(why, why_len, "byte %zu: NUL in the body",
                 (size_t)((const char *)memchr(body, '\0', len) - body));
        return FF_EPARSE;
    }
    size_t lines = 0; /* event lines: newlines after the head, plus an unterminated last one */
    for (size_t i = 0; i < len; i++)
        lines += body[i] == '\n';
    if (len && body[len - 1] != '\n')
        lines++;
    if (lines == 0) {
        snprintf(why, why_len, "line 1: the body is empty");
        return FF_EPARSE;
    }
    lines--; /* the head */
    if (lines > max_lines) {
        snprintf(why, why_len, "line %zu: more than %zu event lines", max_lines + 2, max_lines);
        return FF_ELIMIT;
    }
    out->line = ff_calloc(lines ? lines : 1, sizeof *out->line);
    out->len = ff_calloc(lines ? lines : 1, sizeof *out->len);
    if (!out->line || !out->len) {
        sw_lines_free(out);
        return FF_ENOMEM;
    }
    const char *p = body, *end = body + len;
    for (size_t k = 0; p < end; k++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n == 0) {
            snprintf(why, why_len, "line %zu: empty line", k + 1);
            sw_lines_free(out);
            return FF_EPARSE;
        }
        if (k == 0) {
            out->head = p;
            out->head_len = n;
        } else {
            out->line[out->n] = p;
            out->len[out->n++] = n;
        }
        p += n + (nl != NULL);
    }
    return FF_OK;
}

void sw_cursor_format(int64_t epoch, int64_t gseq, char *buf, size_t len)
{
    if (epoch == 0 && gseq == 0)
        snprintf(buf, len, "%s", "");
    else
        snprintf(buf, len, "e%" PRId64 ".%" PRId64, epoch, gseq);
}

static bool digits(const char *s, size_t n, int64_t *out)
{
    if (n == 0 || n > 18)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

enum ff_err sw_cursor_parse(const char *s, int64_t *epoch, int64_t *gseq)
{
    *epoch = 0;
    *gseq = 0;
    if (*s == '\0')
        return FF_OK;
    const char *dot = strchr(s, '.');
    if (s[0] != 'e' || !dot || !digits(s + 1, (size_t)(dot - s - 1), epoch) ||
        !digits(dot + 1, strlen(dot + 1), gseq))
        return FF_EPARSE;
    return FF_OK;
}

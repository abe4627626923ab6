/* srv_log.c - JSON log lines (srv_log.h). One fprintf per line so lines of several threads
 * never interleave (stdio locks the stream per call). */
#include "srv_log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const char *srv_strerror(int err, char buf[128])
{
    if (strerror_r(err, buf, 128) != 0)
        snprintf(buf, 128, "error %d", err);
    return buf;
}

static void escape(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; *s && o + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
}

void srv_log(const char *level, const char *msg, const char *extra)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[32], text[512];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    escape(msg, text, sizeof text);
    fprintf(stderr, "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"msg\":\"%s\"%s%s}\n", when,
            ts.tv_nsec / 1000000, level, text, extra && extra[0] ? "," : "", extra ? extra : "");
    fflush(stderr);
}

/* hlc.c - hybrid logical clock arithmetic (see hlc.h).
 *
 * Workload: one tick per local event, one observe per imported event; pure arithmetic.
 * Invariant: c->last never decreases, and every value returned by tick is > c->last before.
 */
#include "fieldflow/hlc.h"

#include <stdbool.h>
#include <string.h>

enum ff_err ff_hlc_tick(struct ff_hlc *c, uint64_t wall_ms, uint64_t *out)
{
    uint64_t lw = ff_hlc_wall(c->last);
    uint64_t next;
    if (wall_ms > lw)
        next = ff_hlc_make(wall_ms, 0);
    else if (ff_hlc_counter(c->last) < 0xFFFFu)
        next = c->last + 1;
    else
        next = ff_hlc_make(lw + 1, 0); /* counter overflow: bump the logical wall */
    if (ff_hlc_wall(next) > FF_HLC_MAX_WALL)
        return FF_ELIMIT;
    c->last = next;
    *out = next;
    return FF_OK;
}

enum ff_err ff_hlc_observe(struct ff_hlc *c, uint64_t wall_ms, uint64_t remote,
                           uint64_t max_skew_ms)
{
    if (ff_hlc_wall(remote) > wall_ms + max_skew_ms || ff_hlc_wall(remote) > FF_HLC_MAX_WALL)
        return FF_EINVALID;
    if (remote > c->last)
        c->last = remote;
    return FF_OK;
}

void ff_hlc_format(uint64_t hlc, char out[17])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        out[i] = hex[hlc & 0xF];
        hlc >>= 4;
    }
    out[16] = '\0';
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

_Bool ff_hlc_parse(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!s || strlen(s) != 16)
        return false;
    for (int i = 0; i < 16; i++) {
        int h = hexval(s[i]);
        if (h < 0)
            return false;
        v = (v << 4) | (uint64_t)h;
    }
    if (v >> 63)
        return false;
    *out = v;
    return true;
}

/* srv_b64.c - base64 and base64url encoding (srv_b64.h). Encoding only: the server never
 * needs to decode what it hands out, it hashes what comes back. */
#include "srv_b64.h"

bool srv_b64_encode(const uint8_t *in, size_t len, bool url, char *out, size_t cap)
{
    static const char std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static const char web[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *a = url ? web : std;
    size_t need = url ? (len * 4 + 2) / 3 : (len + 2) / 3 * 4;
    if (cap == 0)
        return false;
    out[0] = '\0';
    if (need + 1 > cap)
        return false;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        size_t left = len - i;
        if (left > 1)
            v |= (uint32_t)in[i + 1] << 8;
        if (left > 2)
            v |= in[i + 2];
        out[o++] = a[(v >> 18) & 63];
        out[o++] = a[(v >> 12) & 63];
        if (left > 1)
            out[o++] = a[(v >> 6) & 63];
        else if (!url)
            out[o++] = '=';
        if (left > 2)
            out[o++] = a[v & 63];
        else if (!url)
            out[o++] = '=';
    }
    out[o] = '\0';
    return true;
}

/* fuzz_sync_wire.c - libFuzzer target for the sync wire decoders (sync/wire).
 *
 * The first byte picks the decoder: gunzip (then: what it accepts gzips back to the same
 * bytes), JSON lines (then: head and lines lie inside the body, no line empty or with a
 * newline) or a cursor (then: it formats back to the same text).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "sync_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    char why[200] = "";
    if (data[0] % 3 == 0) {
        char *out = NULL;
        size_t out_len = 0;
        if (sw_gunzip(in, n, 1u << 20, &out, &out_len, why, sizeof why) == FF_OK) {
            char *gz = NULL, *back = NULL;
            size_t gz_len = 0, back_len = 0;
            if (sw_gzip(out, out_len, &gz, &gz_len) != FF_OK ||
                sw_gunzip(gz, gz_len, 1u << 20, &back, &back_len, why, sizeof why) != FF_OK ||
                back_len != out_len || memcmp(back, out, out_len) != 0)
                abort();
            ff_free(gz);
            ff_free(back);
        } else if (out != NULL || why[0] == '\0') {
            abort();
        }
        ff_free(out);
    } else if (data[0] % 3 == 1) {
        struct sw_lines l;
        if (sw_lines_split(in, n, 64, &l, why, sizeof why) == FF_OK) {
            if (!l.head || l.head < in || l.head + l.head_len > in + n || l.n > 64)
                abort();
            for (size_t i = 0; i < l.n; i++)
                if (l.len[i] == 0 || l.line[i] < in || l.line[i] + l.len[i] > in + n ||
                    memchr(l.line[i], '\n', l.len[i]))
                    abort();
            sw_lines_free(&l);
        } else if (why[0] == '\0') {
            abort();
        }
    } else {
        char text[64], back[64];
        if (n >= sizeof text)
            return 0;
        memcpy(text, in, n);
        text[n] = '\0';
        int64_t e, g;
        if (sw_cursor_parse(text, &e, &g) == FF_OK) {
            sw_cursor_format(e, g, back, sizeof back);
            /* leading zeros are accepted and not written back: compare values instead */
            int64_t e2, g2;
            if (sw_cursor_parse(back, &e2, &g2) != FF_OK || e2 != e || g2 != g)
                abort();
        }
    }
    return 0;
}

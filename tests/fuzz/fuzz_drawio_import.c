/* fuzz_drawio_import.c - libFuzzer target: arbitrary bytes through ff_import() as draw.io.
 *
 * The importer must return an error or a chart, never crash, hang, leak or inflate past
 * its cap; libxml2 never loads a DTD or the network. Properties: FF_OK exactly when JSON
 * came out, and that JSON loads as a valid chart. The first byte, when it is '!', asks for
 * the rest to be wrapped as a compressed page (base64 of raw deflate), so the fuzzer also
 * reaches the inflated XML.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "fieldflow/chart.h"
#include "fieldflow/import.h"
#include "fieldflow/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* <mxfile><diagram>BASE64(DEFLATE(data))</diagram></mxfile>, malloc'd; NULL on failure. */
static char *wrap(const uint8_t *data, size_t size, size_t *len)
{
    uLong cap = compressBound((uLong)size) + 64;
    unsigned char *z = malloc(cap);
    char *out = malloc(cap * 2 + 64);
    z_stream s = {0};
    if (!z || !out || deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(z);
        free(out);
        return NULL;
    }
    s.next_in = (unsigned char *)data;
    s.avail_in = (uInt)size;
    s.next_out = z;
    s.avail_out = (uInt)cap;
    deflate(&s, Z_FINISH);
    size_t n = s.total_out, k = 0;
    deflateEnd(&s);
    memcpy(out, "<mxfile><diagram>", 17);
    k = 17;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)z[i] << 16 | (i + 1 < n ? (unsigned)z[i + 1] << 8 : 0) |
                     (i + 2 < n ? z[i + 2] : 0);
        out[k++] = b64[v >> 18 & 63];
        out[k++] = b64[v >> 12 & 63];
        out[k++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        out[k++] = i + 2 < n ? b64[v & 63] : '=';
    }
    memcpy(out + k, "</diagram></mxfile>", 19);
    *len = k + 19;
    free(z);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *wrapped = NULL;
    const char *text = (const char *)data;
    if (size > 0 && data[0] == '!') {
        wrapped = wrap(data + 1, size - 1, &size);
        if (!wrapped)
            return 0;
        text = wrapped;
    }
    struct ff_diags diags;
    char *json = NULL;
    ff_diags_init(&diags);
    enum ff_err err = ff_import(FF_IMPORT_DRAWIO, text, size, "fuzz.drawio", "en", &diags, &json);
    if ((err == FF_OK) != (json != NULL))
        abort();
    if (json) {
        struct ff_diags again;
        struct ff_chart *chart = NULL;
        ff_diags_init(&again);
        if (ff_chart_parse(json, strlen(json), "fuzz.json", &again, &chart) != FF_OK)
            abort();
        ff_chart_free(chart);
        ff_diags_free(&again);
    }
    ff_free(json);
    ff_diags_free(&diags);
    free(wrapped);
    return 0;
}

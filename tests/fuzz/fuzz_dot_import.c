/* fuzz_dot_import.c - libFuzzer target: arbitrary bytes through ff_import() as DOT.
 *
 * The importer must return an error or a chart, never crash, hang or leak; the scanner
 * bounds what reaches libcgraph's parser. Property: FF_OK exactly when JSON came out, and
 * that JSON loads as a valid chart. Findings and JSON are freed every run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/chart.h"
#include "fieldflow/import.h"
#include "fieldflow/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ff_diags diags;
    char *json = NULL;
    ff_diags_init(&diags);
    enum ff_err err =
        ff_import(FF_IMPORT_DOT, (const char *)data, size, "fuzz.dot", "en", &diags, &json);
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
    for (size_t i = 0; i < diags.n; i++) /* every finding names a place in the DOT text */
        if (!diags.v[i].path || !*diags.v[i].path)
            abort();
    ff_free(json);
    ff_diags_free(&diags);
    return 0;
}

/* fuzz_mermaid_import.c - libFuzzer target: arbitrary bytes through ff_import() as Mermaid.
 *
 * The importer must return an error or a chart, never crash, hang or leak. Properties:
 * FF_OK exactly when JSON came out; that JSON loads as a valid chart; and that chart,
 * written as Mermaid by our export, imports again (the export and the reader agree on
 * every text the reader produced: quotes, entity codes, line breaks).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/chart.h"
#include "fieldflow/graph.h"
#include "fieldflow/import.h"
#include "fieldflow/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *import(const char *text, size_t len)
{
    struct ff_diags diags;
    char *json = NULL;
    ff_diags_init(&diags);
    enum ff_err err = ff_import(FF_IMPORT_MERMAID, text, len, "fuzz.mmd", "en", &diags, &json);
    if ((err == FF_OK) != (json != NULL))
        abort();
    ff_diags_free(&diags);
    return json;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *json = import((const char *)data, size);
    if (!json)
        return 0;
    struct ff_diags again;
    struct ff_chart *chart = NULL;
    ff_diags_init(&again);
    if (ff_chart_parse(json, strlen(json), "fuzz.json", &again, &chart) != FF_OK)
        abort();
    char *mmd = NULL;
    size_t len = 0;
    if (ff_chart_to_mermaid(chart, NULL, &mmd, &len) != FF_OK)
        abort();
    char *json2 = import(mmd, len);
    if (!json2)
        abort();
    ff_free(json2);
    ff_free(mmd);
    ff_chart_free(chart);
    ff_diags_free(&again);
    ff_free(json);
    return 0;
}

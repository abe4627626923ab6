/* fuzz_dot_import.c - libFuzzer target: arbitrary bytes through ff_dot_import().
 *
 * The importer must return an error or a chart, never crash, hang or leak; the pre-scan
 * bounds what reaches libcgraph's parser. Findings and JSON are freed every run.
 */
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/chart.h"
#include "fieldflow/graph.h"
#include "fieldflow/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ff_diags diags;
    char *json = NULL;
    ff_diags_init(&diags);
    ff_dot_import((const char *)data, size, "fuzz.dot", "en", &diags, &json);
    ff_free(json);
    ff_diags_free(&diags);
    return 0;
}

/* fuzz_chart.c - libFuzzer target: bytes -> ff_chart_parse, and on success the library
 * checks and the model lookups the runner relies on.
 *
 * Every allocation is checked by ASan; the property is "never crash, never leak, and
 * FF_OK exactly when no error finding was reported".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fieldflow/chart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ff_diags d;
    struct ff_chart *c = NULL;
    struct ff_library *lib = NULL;
    char line[1024];
    ff_diags_init(&d);
    enum ff_err err = ff_chart_parse((const char *)data, size, "fuzz.json", &d, &c);
    if ((err == FF_OK) != (d.nerrors == 0) || (err == FF_OK) != (c != NULL))
        abort();
    for (size_t i = 0; i < d.n; i++)
        ff_diag_format(&d.v[i], line, sizeof line);
    if (c) {
        size_t longest, to_end;
        if (ff_chart_depth(c, &longest, &to_end) != FF_OK || longest > c->nnodes)
            abort();
        for (size_t i = 0; i < c->nnodes; i++) {
            if (ff_chart_find_node(c, c->nodes[i].id) < 0)
                abort();
            ff_text_get(c, &c->nodes[i].title, "da");
        }
        if (ff_library_new(&lib) == FF_OK && ff_library_add(lib, c, &d) == FF_OK)
            ff_library_check(lib, &d);
        else if (!lib)
            ff_chart_free(c);
        ff_library_free(lib);
    }
    ff_diags_free(&d);
    return 0;
}

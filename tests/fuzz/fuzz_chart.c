/* fuzz_chart.c - libFuzzer target: bytes -> ff_chart_parse, and on success the model lookups
 * the runner relies on and the library checks.
 *
 * The input may hold up to four charts separated by a line "#" (not valid JSON, so it
 * never hides inside one), which lets the fuzzer build subchart calls between charts. The
 * properties: never crash or leak, FF_OK exactly when no error was reported, a chart
 * exactly on FF_OK, every node findable by its id, and a depth no larger than the chart.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/chart.h"

#define SEPARATOR "\n#\n"
#define MAX_CHARTS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ff_chart *parse_one(const char *buf, size_t len, struct ff_diags *d)
{
    struct ff_chart *c = NULL;
    size_t before = d->nerrors;
    char line[1024];
    enum ff_err err = ff_chart_parse(buf, len, "fuzz.json", d, &c);
    if ((err == FF_OK) != (d->nerrors == before) || (err == FF_OK) != (c != NULL))
        abort();
    for (size_t i = 0; i < d->n; i++)
        ff_diag_format(&d->v[i], line, sizeof line);
    if (!c)
        return NULL;
    size_t longest, to_end;
    if (ff_chart_depth(c, &longest, &to_end) != FF_OK || longest > c->nnodes || to_end > longest)
        abort();
    for (size_t i = 0; i < c->nnodes; i++) {
        int at = ff_chart_find_node(c, c->nodes[i].id);
        if (at < 0 || strcmp(c->nodes[at].id, c->nodes[i].id))
            abort();
        ff_text_get(c, &c->nodes[i].title, "da");
    }
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    struct ff_diags d;
    struct ff_library *lib = NULL;
    ff_diags_init(&d);
    if (ff_library_new(&lib) != FF_OK)
        abort();
    for (int n = 0; n < MAX_CHARTS && p <= end; n++) {
        const char *sep = NULL;
        for (const char *q = p; n < MAX_CHARTS - 1 && q + 3 <= end && !sep; q++)
            if (!memcmp(q, SEPARATOR, 3))
                sep = q;
        size_t len = (size_t)((sep ? sep : end) - p);
        struct ff_chart *c = parse_one(p, len, &d);
        if (c)
            ff_library_add(lib, c, &d);
        if (!sep)
            break;
        p = sep + 3;
    }
    ff_library_check(lib, &d);
    ff_library_free(lib);
    ff_diags_free(&d);
    return 0;
}

/* fuzz_snapshot.c - libFuzzer target: arbitrary bytes into ff_run_restore().
 *
 * The library is two small embedded charts (a caller with a time limit, a decision, an
 * input and a subchart, and the called chart). A snapshot that restores must behave like a
 * run: snapshot again to the same text, and survive every operation. Seeds are snapshots
 * of real runs over these charts (tests/fuzz/seeds/snapshot/).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/chart.h"
#include "fieldflow/mem.h"
#include "fieldflow/runner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* clang-format off */
#define T(s) "{\"en\":\"" s "\"}"

static const char main_chart[] =
    "{\"format\":1,\"id\":\"fz-main\",\"version\":2,\"title\":" T("Main") ","
    "\"category\":\"triage\",\"audience\":\"any\",\"touchpoints\":[\"kiosk\"],"
    "\"locales\":[\"en\"],"
    "\"time_limits\":[{\"id\":\"answer\",\"label\":" T("Answer") ",\"from\":\"start\","
    "\"to\":\"ask\",\"seconds\":5},{\"id\":\"all\",\"label\":" T("All") ",\"from\":\"start\","
    "\"seconds\":60}],"
    "\"nodes\":["
    "{\"id\":\"start\",\"kind\":\"start\",\"title\":" T("Start") ",\"next\":\"ask\"},"
    "{\"id\":\"ask\",\"kind\":\"decision\",\"title\":" T("Ask") ",\"options\":["
    "{\"id\":\"form\",\"label\":" T("Form") ",\"target\":\"form\"},"
    "{\"id\":\"sub\",\"label\":" T("Sub") ",\"target\":\"call\"},"
    "{\"id\":\"kb\",\"label\":" T("KB") ",\"target\":\"kb\"}]},"
    "{\"id\":\"form\",\"kind\":\"input\",\"title\":" T("Form") ",\"fields\":["
    "{\"name\":\"n\",\"type\":\"number\",\"required\":true,\"min\":1,\"max\":9,"
    "\"label\":" T("N") "},"
    "{\"name\":\"d\",\"type\":\"date\",\"label\":" T("D") "}],\"next\":\"act\"},"
    "{\"id\":\"act\",\"kind\":\"action\",\"title\":" T("Act") ",\"actions\":["
    "{\"type\":\"create_case\"}],\"next\":\"done\"},"
    "{\"id\":\"kb\",\"kind\":\"kb\",\"title\":" T("KB") ",\"article\":\"a1\",\"next\":\"done\"},"
    "{\"id\":\"call\",\"kind\":\"subchart\",\"title\":" T("Call") ",\"chart\":\"fz-sub\","
    "\"next\":\"done\"},"
    "{\"id\":\"done\",\"kind\":\"end\",\"title\":" T("Done") ",\"outcome\":\"resolved\","
    "\"success\":true}]}";

static const char sub_chart[] =
    "{\"format\":1,\"id\":\"fz-sub\",\"version\":1,\"title\":" T("Sub") ","
    "\"category\":\"service\",\"audience\":\"any\",\"touchpoints\":[\"kiosk\"],"
    "\"locales\":[\"en\"],"
    "\"time_limits\":[{\"id\":\"fix\",\"label\":" T("Fix") ",\"from\":\"s2\",\"seconds\":3}],"
    "\"nodes\":["
    "{\"id\":\"s1\",\"kind\":\"start\",\"title\":" T("S1") ",\"next\":\"s2\"},"
    "{\"id\":\"s2\",\"kind\":\"step\",\"title\":" T("S2") ",\"next\":\"s3\"},"
    "{\"id\":\"s3\",\"kind\":\"decision\",\"title\":" T("S3") ",\"options\":["
    "{\"id\":\"ok\",\"label\":" T("OK") ",\"target\":\"e1\"},"
    "{\"id\":\"no\",\"label\":" T("No") ",\"target\":\"e2\"}]},"
    "{\"id\":\"e1\",\"kind\":\"end\",\"title\":" T("E1") ",\"outcome\":\"resolved\","
    "\"success\":true},"
    "{\"id\":\"e2\",\"kind\":\"end\",\"title\":" T("E2") ",\"outcome\":\"abandoned\","
    "\"success\":false}]}";

/* clang-format on */

static struct ff_library *library(void)
{
    static struct ff_library *lib;
    const char *texts[] = {main_chart, sub_chart};
    if (lib)
        return lib;
    struct ff_diags d;
    ff_diags_init(&d);
    if (ff_library_new(&lib))
        abort();
    for (size_t i = 0; i < 2; i++) {
        struct ff_chart *c = NULL;
        if (ff_chart_parse(texts[i], strlen(texts[i]), "fuzz.json", &d, &c) ||
            ff_library_add(lib, c, &d)) {
            for (size_t k = 0; k < d.n; k++)
                fprintf(stderr, "%s: %s\n", d.v[k].path, d.v[k].message);
            abort();
        }
    }
    if (ff_library_check(lib, &d))
        abort();
    ff_diags_free(&d);
    return lib;
}

/* Every operation on a restored run: none may crash, and the state stays consistent. */
static void exercise(struct ff_run *run)
{
    struct ff_run_limit lim[FF_RUN_MAX_LIMITS];
    struct ff_run_entry e;
    struct ff_run_value v[] = {{"n", "3"}, {"d", "2024-02-29"}};
    char *json = NULL;
    ff_run_limits_state(run, 1000000, lim, FF_RUN_MAX_LIMITS);
    for (size_t i = 0; ff_run_transcript_at(run, i, &e); i++)
        if (!e.node_id || !e.chart_id)
            abort();
    if (ff_run_transcript_json(run, &json) == FF_OK)
        ff_free(json);
    ff_run_answer(run, "n");
    ff_run_tick(run, 1000000);
    ff_run_next(run, 1000001);
    ff_run_choose(run, "sub", 1000002);
    ff_run_submit(run, v, 2, 1000003);
    ff_run_back(run, 1000004);
    ff_run_back(run, 1000005);
    ff_run_restart(run, 1000006);
    ff_run_next(run, 1000007);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct ff_library *lib = library();
    struct ff_run *run = NULL, *again = NULL;
    char *err = NULL, *snap = NULL, *snap2 = NULL;
    if (ff_run_restore(lib, (const char *)data, size, &run, &err) != FF_OK) {
        if (run)
            abort(); /* failure must leave *out NULL */
        ff_free(err);
        return 0;
    }
    if (ff_run_snapshot(run, &snap) != FF_OK)
        abort();
    if (ff_run_restore(lib, snap, strlen(snap), &again, NULL) != FF_OK)
        abort(); /* what we wrote we must read */
    if (ff_run_snapshot(again, &snap2) != FF_OK || strcmp(snap, snap2))
        abort();
    exercise(run);
    ff_free(snap);
    ff_free(snap2);
    ff_run_free(again);
    ff_run_free(run);
    return 0;
}

/* kiosk_testlib.h - shared set-up for the kiosk tests: the shipped charts in a library, a
 * fresh store seeded with the knowledge base and the demo availability, a fake clock and
 * a fixed entropy source, and reading events back out of the store.
 * Header-only (static functions) so each test executable stays one file plus this.
 */
#ifndef FF_KIOSK_TESTLIB_H
#define FF_KIOSK_TESTLIB_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/chart.h"
#include "fieldflow/kb.h"
#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "harness.h"
#include "kiosk_log.h"
#include "kiosk_seed.h"
#include "kiosk_session.h"

#define T0 1796115600000LL /* 2026-12-01 09:00 UTC: the demo availability starts next day */

static uint64_t kt_random(void *ctx)
{
    uint64_t *x = ctx; /* xorshift64: fixed, so runs are reproducible */
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static struct ff_library *kt_library(void)
{
    struct ff_library *lib = NULL;
    if (ff_library_new(&lib))
        return NULL;
    const char *dir = ff_test_src("assets/flowcharts");
    char path[4096];
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (!strstr(de->d_name, ".json"))
            continue;
        snprintf(path, sizeof path, "%s/%s", ff_test_src("assets/flowcharts"), de->d_name);
        struct ff_diags diags;
        ff_diags_init(&diags);
        struct ff_chart *c = NULL;
        if (ff_chart_load(path, &diags, &c) == FF_OK)
            ff_library_add(lib, c, &diags);
        ff_diags_free(&diags);
    }
    if (d)
        closedir(d);
    return lib;
}

/* A fresh store under dir with the kb and the demo availability; returns its path. */
static const char *kt_store(const char *dir, const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct ff_store_opts so = {.path = path};
    struct ff_store *s = NULL;
    char why[512] = "";
    CHECK(ff_store_open(&so, &s) == FF_OK);
    struct ff_kb *kb = NULL;
    CHECK(ff_kb_new(&kb) == FF_OK);
    CHECK(ff_kb_load_dir(kb, ff_test_src("assets/kb")) == FF_OK);
    CHECK_MSG(ff_kiosk_seed_kb(s, kb, why, sizeof why) == FF_OK, why);
    char demo[4096];
    snprintf(demo, sizeof demo, "%s", ff_test_src("assets/demo/availability.jsonl"));
    CHECK_MSG(ff_kiosk_seed_events(s, demo, why, sizeof why) == FF_OK, why);
    ff_kb_free(kb);
    ff_store_close(s);
    return path;
}

/* Counts events of `type` whose payload contains `needle` (NULL = any). */
struct kt_count {
    const char *type, *needle, *needle2;
    int n;
};

static bool kt_count_fn(const struct ff_event *ev, void *ctx)
{
    struct kt_count *c = ctx;
    if (!strcmp(ev->type, c->type) && (!c->needle || strstr(ev->payload, c->needle)) &&
        (!c->needle2 || strstr(ev->payload, c->needle2)))
        c->n++;
    return true;
}

/* ... whose payload contains both needles (NULL = any). */
static int kt_events2(const char *store_path, const char *type, const char *needle,
                      const char *needle2)
{
    struct ff_store_opts so = {.path = store_path, .readonly = true};
    struct ff_store *s = NULL;
    if (ff_store_open(&so, &s))
        return -1;
    struct kt_count c = {type, needle, needle2, 0};
    ff_kiosk_log_scan(s, kt_count_fn, &c);
    ff_store_close(s);
    return c.n;
}

static int kt_events(const char *store_path, const char *type, const char *needle)
{
    return kt_events2(store_path, type, needle, NULL);
}

#endif

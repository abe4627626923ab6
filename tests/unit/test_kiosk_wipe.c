/* test_kiosk_wipe.c - idle: "still there?" with a countdown, then the session ends, its
 * language and theme are reset and no personal value typed in it is left anywhere in the
 * process's private memory (heap and anonymous mappings, read through /proc/self/mem). The
 * same scan before the wipe must find the values, so the test can fail. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kiosk_heap.h"
#include "kiosk_testlib.h"

/* Under AddressSanitizer, which owns malloc, freed blocks are filled by ASan itself. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "max_free_fill_size=4194304:free_fill_byte=0";
}

#define CHUNK (1u << 20)

/* How many of the needles occur in private writable memory (not the stack). */
static int scan(char needles[][64], int n, bool *found)
{
    char *buf = mmap(NULL, CHUNK + 64, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    FILE *maps = fopen("/proc/self/maps", "r");
    int mem = open("/proc/self/mem", O_RDONLY);
    memset(found, 0, (size_t)n * sizeof *found);
    char line[512];
    while (buf != MAP_FAILED && maps && mem >= 0 && fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        char perms[8], path[256] = "";
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &lo, &hi, perms, path) < 3)
            continue;
        if (strcmp(perms, "rw-p") != 0 || (path[0] && strcmp(path, "[heap]") != 0))
            continue;
        if (lo == (unsigned long)buf || hi - lo > 512ul * 1024 * 1024)
            continue;
        for (unsigned long at = lo; at < hi; at += CHUNK) {
            size_t len = hi - at > CHUNK + 63 ? CHUNK + 63 : hi - at;
            ssize_t got = pread(mem, buf, len, (off_t)at);
            if (got <= 0)
                continue;
            for (int i = 0; i < n; i++)
                if (memmem(buf, (size_t)got, needles[i], strlen(needles[i])))
                    found[i] = true;
        }
    }
    if (maps)
        fclose(maps);
    if (mem >= 0)
        close(mem);
    if (buf != MAP_FAILED)
        munmap(buf, CHUNK + 64);
    int c = 0;
    for (int i = 0; i < n; i++)
        c += found[i];
    return c;
}

int main(void)
{
    printf("free() wipes in this build: %s\n", ff_kiosk_heap_wipes() ? "yes" : "no (sanitizer)");
    struct ff_library *lib = kt_library();
    const char *dir = ff_test_tmpdir();
    char store[4096], snap[4200];
    snprintf(store, sizeof store, "%s", kt_store(dir, "wipe.db"));
    snprintf(snap, sizeof snap, "%s/kiosk-run.json", dir);
    uint64_t seed = 42;
    struct ff_kiosk_opts o = {.store_path = store,
                              .lib = lib,
                              .snapshot_path = snap,
                              .idle_ms = 90000,
                              .countdown_ms = 20000,
                              .random = kt_random,
                              .random_ctx = &seed};
    int64_t now = T0;
    struct ff_kiosk *k = NULL;
    CHECK(ff_kiosk_new(&o, now, &k) == FF_OK);
    if (!k)
        return ff_test_finish();

    /* Personal values, made at run time on the stack so no copy sits in the binary. */
    char v[5][64];
    snprintf(v[0], 64, "Qwertz%s Asdfgh%s", "uiop", "jkl");
    snprintf(v[1], 64, "Xylophone%s %d", "strasse", 4242);
    snprintf(v[2], 64, "zzqx%d@example.dk", 9731);
    snprintf(v[3], 64, "+45 87 65 %d", 4321);
    snprintf(v[4], 64, "Frobnicated %s hums loudly", "boilerplate");
    char needles[5][64];
    memcpy(needles[0], v[0], 64);
    memcpy(needles[1], v[1], 64);
    memcpy(needles[2], v[2], 64);
    snprintf(needles[3], 64, "+4587654321"); /* the recorded normal form */
    memcpy(needles[4], v[4], 64);

    CHECK(ff_kiosk_set_locale(k, "da", now) == FF_OK);
    ff_kiosk_set_theme(k, FF_THEME_HIGH_CONTRAST, now);
    CHECK(ff_kiosk_begin(k, now) == FF_OK);
    CHECK(ff_kiosk_next(k, now += 1000) == FF_OK);
    CHECK(ff_kiosk_choose(k, "service", now += 1000) == FF_OK);
    CHECK(ff_kiosk_choose(k, "none", now += 1000) == FF_OK);
    struct ff_run_value id[] = {
        {"phone", v[3]}, {"name", v[0]}, {"address", v[1]}, {"email", v[2]}};
    CHECK(ff_kiosk_submit(k, id, 4, now += 1000) == FF_OK);
    CHECK(ff_kiosk_choose(k, "new-fault", now += 1000) == FF_OK);
    struct ff_run_value det[] = {{"appliance", "gas_boiler"}, {"description", v[4]}};
    CHECK(ff_kiosk_submit(k, det, 2, now += 1000) == FF_OK);
    CHECK_STR(ff_kiosk_view(k)->node_id, "urgency");
    explicit_bzero(v, sizeof v);

    bool found[5];
    int before = scan(needles, 5, found);
    printf("before the wipe: %d of 5 values found in memory\n", before);
    CHECK_MSG(before == 5, "the scan must see the session's values while it runs");

    /* idle: nothing at 89 s, "still there?" at 90 s, a touch keeps the session */
    CHECK(ff_kiosk_tick(k, now + 89999) == FF_OK);
    CHECK(ff_kiosk_view(k)->state == FF_KIOSK_STEP);
    CHECK(ff_kiosk_tick(k, now + 95000) == FF_OK);
    CHECK(ff_kiosk_view(k)->state == FF_KIOSK_STILL_THERE);
    CHECK_INT(ff_kiosk_view(k)->countdown_left_ms, 15000);
    CHECK(ff_kiosk_next(k, now + 95000) == FF_ESTATE); /* the countdown covers the screen */
    ff_kiosk_touch(k, now += 95000);
    CHECK(ff_kiosk_view(k)->state == FF_KIOSK_STEP);
    CHECK_STR(ff_kiosk_view(k)->node_id, "urgency");
    /* then nobody: the countdown runs out and the session ends */
    CHECK(ff_kiosk_tick(k, now + 100000) == FF_OK);
    CHECK(ff_kiosk_view(k)->state == FF_KIOSK_STILL_THERE);
    CHECK(ff_kiosk_tick(k, now + 110000) == FF_OK);
    const struct ff_kiosk_view *view = ff_kiosk_view(k);
    CHECK(view->state == FF_KIOSK_ATTRACT);
    CHECK_STR(view->locale, "en");
    CHECK(view->theme == FF_THEME_NORMAL);
    CHECK_STR(ff_kiosk_run_id(k), "");
    CHECK(access(snap, F_OK) != 0); /* the snapshot file is gone */

    int after = scan(needles, 5, found);
    for (int i = 0; i < 5; i++)
        CHECK_MSG(!found[i], needles[i]);
    printf("after the wipe: %d of 5 values found in memory\n", after);

    /* the events were recorded before the wipe: the store keeps the case */
    ff_kiosk_free(k);
    CHECK_INT(kt_events(store, "case.created", NULL), 0); /* no case yet at "urgency" */
    CHECK(kt_events(store, "run.step_recorded", "identify") >= 2);
    ff_library_free(lib);
    return ff_test_finish();
}

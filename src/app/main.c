/* main.c - the program `fieldflow`: loads the shipped charts and knowledge base, opens the
 * store, the window and the widget layer, and runs the kiosk interactively or from a
 * --script on a fake clock. Exit codes: 0 ok, 1 a script step failed, 2 usage, 3 failure.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app_args.h"
#include "app_host.h"
#include "app_kiosk.h"
#include "app_script.h"
#include "fieldflow/chart.h"
#include "fieldflow/field.h"
#include "fieldflow/kb.h"
#include "fieldflow/store.h"
#include "kiosk_pin.h"
#include "kiosk_seed.h"
#include "kiosk_speech.h"
#include "kiosk_sync.h"

/* Every *.json chart of dir, as one library (subcharts refer to each other by id). A chart
 * that fails to load is reported and stops start-up: a kiosk with a broken chart is worse
 * than no kiosk. */
static int load_charts(const char *dir, struct ff_library **out)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "fieldflow: %s: cannot open the charts folder\n", dir);
        return 3;
    }
    struct ff_library *lib = NULL;
    struct ff_diags diags;
    ff_diags_init(&diags);
    int rc = ff_library_new(&lib) == FF_OK ? 0 : 3;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json"))
            continue;
        char path[4096];
        struct ff_chart *c = NULL;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (ff_chart_load(path, &diags, &c) != FF_OK || ff_library_add(lib, c, &diags) != FF_OK)
            rc = 3;
    }
    closedir(d);
    if (!rc && ff_library_check(lib, &diags) != FF_OK)
        rc = 3;
    for (size_t i = 0; rc && i < diags.n; i++) {
        char buf[1024];
        ff_diag_format(&diags.v[i], buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
    ff_diags_free(&diags);
    if (rc)
        ff_library_free(lib);
    else
        *out = lib;
    return rc;
}

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The script's clock starts at a fixed instant, so its screens are the same on every run. */
static uint64_t fake_epoch(void)
{
    return (uint64_t)ff_days_from_civil(2026, 12, 1) * 86400000u + 9u * 3600000u;
}

/* A store that does not exist yet is filled with what a kiosk reads: the knowledge base
 * and the demo data (engineer availability until sync brings the real one). */
static int seed_if_new(const char *path, const char *kbdir)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return 0;
    char why[512] = "";
    struct ff_store *store = NULL;
    struct ff_kb *kb = NULL;
    struct ff_store_opts so = {.path = path, .why = why, .why_len = sizeof why};
    int rc = 3;
    if (ff_store_open(&so, &store) != FF_OK)
        fprintf(stderr, "fieldflow: store %s: %s\n", path, why);
    else if (ff_kb_new(&kb) != FF_OK || ff_kb_load_dir(kb, kbdir) != FF_OK)
        fprintf(stderr, "fieldflow: knowledge base %s: %s\n", kbdir, kb ? ff_kb_errmsg(kb) : "");
    else if (ff_kiosk_seed_kb(store, kb, why, sizeof why) != FF_OK ||
             ff_kiosk_seed_events(store, FF_ASSETS_DIR "/demo/availability.jsonl", why,
                                  sizeof why) != FF_OK)
        fprintf(stderr, "fieldflow: seeding %s: %s\n", path, why);
    else
        rc = 0;
    ff_kb_free(kb);
    ff_store_close(store);
    return rc;
}

static void silence(void *sdl)
{
    ui_sdl_audio_clear(sdl);
}

/* The host's background hook: input may have recorded events (push them); a pass that
 * brought something wakes a frame (a visit confirmed, the staff screen's state). */
static bool sync_background(void *sync, bool input)
{
    if (input)
        ff_kiosk_sync_poke(sync);
    return ff_kiosk_sync_changed(sync);
}

static int run(const struct app_opts *o, struct ff_library *lib, const char *store_path)
{
    char err[512] = "", snap[4200];
    const struct ff_app_config *c = &o->cfg;
    struct app_host h = {.shots = o->screenshots, .next_timer = UI_NO_TIMER};
    struct ui_sdl_opts so = {
        c->width, c->height, c->fullscreen, o->software, false, "fieldflow", NULL, NULL, 0};
    if (ui_sdl_create(&so, &h.sdl, err, sizeof err) != FF_OK) {
        fprintf(stderr, "fieldflow: display: %s\n", err);
        return 3;
    }
    int w, hgt;
    double scale;
    ui_sdl_size(h.sdl, &w, &hgt, &scale);
    struct ui_config cfg = {.width = w,
                            .height = hgt,
                            .scale = scale,
                            .theme = (enum ui_theme_id)c->theme,
                            .measure = ui_sdl_measure,
                            .measure_user = h.sdl};
    snprintf(snap, sizeof snap, "%s.run", store_path);
    /* read aloud: espeak-ng on its worker thread into SDL audio; silent without either */
    struct ff_speech *speech = NULL;
    if (ff_speech_new(ui_sdl_audio_sink, h.sdl, NULL, &speech) == FF_OK &&
        ff_speech_available(speech))
        ui_sdl_audio_open(h.sdl, ff_speech_rate(speech));
    struct app_kiosk_opts ko = {lib,
                                store_path,
                                snap,
                                c->locale,
                                cfg.theme,
                                c->idle_s,
                                c->admin_pin_hash[0] ? c->admin_pin_hash : NULL,
                                speech,
                                silence,
                                h.sdl,
                                NULL};
    /* a store enrolled with a server syncs on its own thread; without one, offline as before */
    struct ff_kiosk_sync *sync = NULL;
    if (ff_kiosk_sync_open(store_path, &sync, err, sizeof err) != FF_OK)
        fprintf(stderr, "fieldflow: sync: %s (working offline)\n", err);
    ko.sync = sync;
    h.background = sync ? sync_background : NULL;
    h.bg_ctx = sync;
    h.now = o->script ? fake_epoch() + (uint64_t)o->clock_start_s * 1000u : wall_ms();
    int rc = 3;
    if (ui_create(&cfg, &h.ui) != FF_OK)
        fprintf(stderr, "fieldflow: the widget layer could not start\n");
    else if (app_kiosk_create(&ko, h.now, &h.kiosk, err, sizeof err) != FF_OK)
        fprintf(stderr, "fieldflow: kiosk: %s\n", err);
    else if (o->script)
        rc = app_script_run(&h, o->script);
    else
        rc = app_host_loop(&h);
    if (o->script && speech && getenv("FF_APP_SPEECH_LOG")) /* tests: did speech reach SDL? */
        printf("speech: %d samples queued\n",
               ff_speech_wait_idle(speech, 5000) ? (int)ui_sdl_audio_total(h.sdl) : -1);
    ff_speech_free(speech); /* before the backend: its sink queues into SDL audio */
    app_kiosk_destroy(h.kiosk);
    ff_kiosk_sync_close(sync); /* one last pass: what the last session recorded */
    ui_destroy(h.ui);
    ui_sdl_destroy(h.sdl);
    return rc;
}

int main(int argc, char **argv)
{
    struct app_opts o;
    int rc = app_args_parse(argc, argv, &o);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (o.hash_pin) {
        char hash[256];
        if (ff_pin_hash(o.hash_pin, hash, sizeof hash) != FF_OK) {
            fprintf(stderr, "fieldflow: --hash-pin: the PIN must not be empty\n");
            return 2;
        }
        printf("%s\n", hash);
        return 0;
    }
    if (o.script && !getenv("SDL_VIDEODRIVER") && !getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY"))
        /* NOLINTNEXTLINE(concurrency-mt-unsafe): no other thread has started yet */
        setenv("SDL_VIDEODRIVER", "offscreen", 1);
    char store_path[4096];
    if (o.cfg.store[0])
        snprintf(store_path, sizeof store_path, "%s", o.cfg.store);
    else if (ff_store_default_path(store_path, sizeof store_path) != FF_OK) {
        fprintf(stderr, "fieldflow: no default store path (set --store)\n");
        return 3;
    }
    struct ff_library *lib = NULL;
    rc = load_charts(o.charts ? o.charts : FF_ASSETS_DIR "/flowcharts", &lib);
    if (!rc)
        rc = seed_if_new(store_path, o.kb ? o.kb : FF_ASSETS_DIR "/kb");
    if (!rc)
        rc = run(&o, lib, store_path);
    ff_library_free(lib);
    return rc;
}

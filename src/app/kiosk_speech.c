/* kiosk_speech.c - the read-aloud worker (see kiosk_speech.h).
 *
 * One mutex guards the queue, the busy flag and the cancel generation; the worker holds it
 * only to take an item, never while synthesizing. Cancel bumps the generation: the
 * synthesis callback compares it with the generation its item was queued under and
 * returns 1 (abort) when they differ. espeak-ng's globals are touched only by the worker
 * thread after ff_speech_new has initialized them.
 */
#include "kiosk_speech.h"

#include <errno.h>
#include <espeak-ng/espeak_ng.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fieldflow/mem.h"
#include "kiosk_heap.h"

struct item {
    char lang[4]; /* espeak voice name */
    char *text;   /* owned */
    unsigned gen; /* the cancel generation it was queued in */
};

struct ff_speech {
    ff_speech_sink sink; /* where samples go (on the worker thread) */
    void *ctx;           /* the sink's context */
    bool available;      /* espeak-ng initialized */
    int rate;            /* samples per second */
    char errmsg[256];    /* why not available */
    pthread_t worker;    /* the synthesis thread (when available) */
    pthread_mutex_t mu;  /* guards everything below */
    pthread_cond_t cv;   /* queue changed, or idle reached */
    struct item q[FF_SPEECH_QUEUE];
    size_t head, n;  /* ring buffer */
    bool busy;       /* an item is being synthesized */
    bool stop;       /* the worker should exit */
    atomic_uint gen; /* cancel generation */
};

static atomic_flag instance = ATOMIC_FLAG_INIT; /* espeak-ng is one per process */

/* The callback's user_data: the handle and the item's generation. */
struct job {
    struct ff_speech *sp;
    unsigned gen;
};

static int on_samples_job(short *wav, int n, espeak_EVENT *events)
{
    struct job *j = NULL;
    for (espeak_EVENT *e = events; e && !j; e++) {
        j = e->user_data;
        if (e->type == espeakEVENT_LIST_TERMINATED)
            break;
    }
    if (!j)
        return 0;
    if (atomic_load(&j->sp->gen) != j->gen)
        return 1; /* cancelled */
    if (wav && n > 0)
        j->sp->sink((const int16_t *)wav, (size_t)n, j->sp->rate, j->sp->ctx);
    return 0;
}

static void *work(void *arg)
{
    struct ff_speech *sp = arg;
    pthread_mutex_lock(&sp->mu);
    for (;;) {
        while (!sp->stop && sp->n == 0)
            pthread_cond_wait(&sp->cv, &sp->mu);
        if (sp->stop)
            break;
        struct item it = sp->q[sp->head];
        sp->head = (sp->head + 1) % FF_SPEECH_QUEUE;
        sp->n--;
        sp->busy = true;
        pthread_mutex_unlock(&sp->mu);
        struct job j = {sp, it.gen};
        ff_kiosk_heap_pause(); /* espeak-ng reads freed blocks: see kiosk_heap.h */
        if (atomic_load(&sp->gen) == it.gen && espeak_ng_SetVoiceByName(it.lang) == ENS_OK)
            (void)espeak_ng_Synthesize(it.text, strlen(it.text) + 1, 0, POS_CHARACTER, 0,
                                       espeakCHARS_UTF8, NULL, &j);
        ff_kiosk_heap_resume();
        ff_free(it.text);
        pthread_mutex_lock(&sp->mu);
        sp->busy = false;
        pthread_cond_broadcast(&sp->cv);
    }
    pthread_mutex_unlock(&sp->mu);
    return NULL;
}

/* espeak-ng falls back to its built-in path when the given one lacks data, so a folder
 * the caller names is checked here: it must hold espeak-ng-data/phontab. */
static bool data_present(const char *data_dir)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/espeak-ng-data/phontab", data_dir);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool init_espeak(struct ff_speech *sp, const char *data_dir)
{
    if (data_dir && !data_present(data_dir)) {
        snprintf(sp->errmsg, sizeof sp->errmsg,
                 "read aloud is off: no espeak-ng data in %s (install espeak-ng-data)", data_dir);
        return false;
    }
    espeak_ng_ERROR_CONTEXT ctx = NULL;
    espeak_ng_InitializePath(data_dir);
    espeak_ng_STATUS st = espeak_ng_Initialize(&ctx);
    if (st == ENS_OK)
        st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
    if (st != ENS_OK) {
        char why[160];
        espeak_ng_GetStatusCodeMessage(st, why, sizeof why);
        snprintf(sp->errmsg, sizeof sp->errmsg,
                 "read aloud is off: espeak-ng could not start (%s); install espeak-ng-data", why);
        espeak_ng_ClearErrorContext(&ctx);
        return false;
    }
    espeak_SetSynthCallback(on_samples_job);
    sp->rate = espeak_ng_GetSampleRate();
    return true;
}

enum ff_err ff_speech_new(ff_speech_sink sink, void *ctx, const char *data_dir,
                          struct ff_speech **out)
{
    *out = NULL;
    if (!sink)
        return FF_EINVAL;
    if (atomic_flag_test_and_set(&instance))
        return FF_ESTATE;
    struct ff_speech *sp = ff_calloc(1, sizeof *sp);
    if (!sp) {
        atomic_flag_clear(&instance);
        return FF_ENOMEM;
    }
    sp->sink = sink;
    sp->ctx = ctx;
    pthread_mutex_init(&sp->mu, NULL);
    pthread_cond_init(&sp->cv, NULL);
    ff_kiosk_heap_pause();
    sp->available = init_espeak(sp, data_dir);
    ff_kiosk_heap_resume();
    if (sp->available && pthread_create(&sp->worker, NULL, work, sp) != 0) {
        espeak_ng_Terminate();
        sp->available = false;
        snprintf(sp->errmsg, sizeof sp->errmsg, "read aloud is off: no thread could be started");
    }
    *out = sp;
    return FF_OK;
}

void ff_speech_free(struct ff_speech *sp)
{
    if (!sp)
        return;
    if (sp->available) {
        ff_speech_cancel(sp);
        pthread_mutex_lock(&sp->mu);
        sp->stop = true;
        pthread_cond_broadcast(&sp->cv);
        pthread_mutex_unlock(&sp->mu);
        pthread_join(sp->worker, NULL);
        ff_kiosk_heap_pause();
        espeak_ng_Terminate();
        ff_kiosk_heap_resume();
    }
    for (size_t i = 0; i < sp->n; i++)
        ff_free(sp->q[(sp->head + i) % FF_SPEECH_QUEUE].text);
    pthread_cond_destroy(&sp->cv);
    pthread_mutex_destroy(&sp->mu);
    ff_free(sp);
    atomic_flag_clear(&instance);
}

bool ff_speech_available(const struct ff_speech *sp)
{
    return sp->available;
}

const char *ff_speech_errmsg(const struct ff_speech *sp)
{
    return sp->errmsg;
}

int ff_speech_rate(const struct ff_speech *sp)
{
    return sp->available ? sp->rate : 0;
}

enum ff_err ff_speech_say(struct ff_speech *sp, const char *lang, const char *text)
{
    if (!text || strlen(text) > FF_SPEECH_MAX_TEXT)
        return text ? FF_ELIMIT : FF_EINVAL;
    if (!sp->available)
        return FF_OK; /* silently: the errmsg said why once */
    char *copy = ff_strdup(text);
    if (!copy)
        return FF_ENOMEM;
    const char *voice = "en";
    if (lang && !strncmp(lang, "da", 2))
        voice = "da";
    else if (lang && !strncmp(lang, "es", 2))
        voice = "es";
    pthread_mutex_lock(&sp->mu);
    if (sp->n == FF_SPEECH_QUEUE) { /* drop the oldest: the newest screen matters */
        ff_free(sp->q[sp->head].text);
        sp->head = (sp->head + 1) % FF_SPEECH_QUEUE;
        sp->n--;
    }
    struct item *it = &sp->q[(sp->head + sp->n) % FF_SPEECH_QUEUE];
    snprintf(it->lang, sizeof it->lang, "%s", voice);
    it->text = copy;
    it->gen = atomic_load(&sp->gen);
    sp->n++;
    pthread_cond_broadcast(&sp->cv);
    pthread_mutex_unlock(&sp->mu);
    return FF_OK;
}

void ff_speech_cancel(struct ff_speech *sp)
{
    if (!sp->available)
        return;
    pthread_mutex_lock(&sp->mu);
    atomic_fetch_add(&sp->gen, 1);
    for (size_t i = 0; i < sp->n; i++)
        ff_free(sp->q[(sp->head + i) % FF_SPEECH_QUEUE].text);
    sp->n = 0;
    pthread_mutex_unlock(&sp->mu);
}

bool ff_speech_wait_idle(struct ff_speech *sp, int timeout_ms)
{
    if (!sp->available)
        return true;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&sp->mu);
    int rc = 0;
    while ((sp->n > 0 || sp->busy) && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&sp->cv, &sp->mu, &until);
    bool idle = sp->n == 0 && !sp->busy;
    pthread_mutex_unlock(&sp->mu);
    return idle;
}

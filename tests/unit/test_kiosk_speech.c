/* test_kiosk_speech.c - read aloud: samples reach the sink in en, da and es; say() does
 * not wait for synthesis; cancel stops the current item; missing espeak-ng data is
 * reported in a sentence and speech goes silent. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "kiosk_speech.h"

struct buffer_sink {
    atomic_size_t samples; /* total received */
    atomic_size_t calls;
    atomic_long peak; /* largest |sample|: real audio, not silence */
};

static void sink(const int16_t *s, size_t n, int rate, void *ctx)
{
    struct buffer_sink *b = ctx;
    (void)rate;
    long peak = atomic_load(&b->peak);
    for (size_t i = 0; i < n; i++) {
        long v = s[i] < 0 ? -(long)s[i] : s[i];
        if (v > peak)
            peak = v;
    }
    atomic_store(&b->peak, peak);
    atomic_fetch_add(&b->samples, n);
    atomic_fetch_add(&b->calls, 1);
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static const char *const texts[][2] = {
    {"en", "How can we help you today? Choose one of the buttons."},
    {"da", "Hvordan kan vi hjælpe dig i dag? Vælg en af knapperne."},
    {"es", "¿En qué podemos ayudarle hoy? Elija uno de los botones."},
};

static const char long_text[] =
    "This is a long text that keeps the synthesizer busy for many seconds of audio. "
    "It goes on and on, sentence after sentence, so that cancelling it in the middle "
    "leaves far fewer samples than speaking all of it would. One, two, three, four, five, "
    "six, seven, eight, nine, ten, eleven, twelve, thirteen, fourteen, fifteen, sixteen.";

int main(void)
{
    struct buffer_sink b;
    memset(&b, 0, sizeof b);
    struct ff_speech *sp = NULL;
    CHECK(ff_speech_new(sink, &b, NULL, &sp) == FF_OK);
    if (!sp || !ff_speech_available(sp)) {
        CHECK_MSG(false, sp ? ff_speech_errmsg(sp) : "no handle");
        ff_speech_free(sp);
        return ff_test_finish();
    }
    struct ff_speech *second = NULL;
    CHECK(ff_speech_new(sink, &b, NULL, &second) == FF_ESTATE); /* one per process */
    CHECK(ff_speech_rate(sp) > 8000);

    for (size_t i = 0; i < 3; i++) {
        atomic_store(&b.samples, 0);
        atomic_store(&b.peak, 0);
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        CHECK(ff_speech_say(sp, texts[i][0], texts[i][1]) == FF_OK);
        double took = ms_since(&t0);
        CHECK_MSG(took < 50.0, "say() blocked"); /* synthesis is far slower than this */
        CHECK(ff_speech_wait_idle(sp, 20000));
        size_t n = atomic_load(&b.samples);
        printf("%s: %zu samples (%.1f s of audio), say() took %.3f ms\n", texts[i][0], n,
               (double)n / ff_speech_rate(sp), took);
        CHECK_MSG(n > (size_t)ff_speech_rate(sp), texts[i][0]); /* more than a second */
        CHECK(atomic_load(&b.peak) > 1000);
    }

    /* the whole long text, then the same cancelled after its first chunk */
    atomic_store(&b.samples, 0);
    CHECK(ff_speech_say(sp, "en", long_text) == FF_OK);
    CHECK(ff_speech_wait_idle(sp, 60000));
    size_t full = atomic_load(&b.samples);
    atomic_store(&b.samples, 0);
    atomic_store(&b.calls, 0);
    CHECK(ff_speech_say(sp, "en", long_text) == FF_OK);
    CHECK(ff_speech_say(sp, "en", long_text) == FF_OK); /* queued, dropped by cancel */
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (atomic_load(&b.calls) == 0 && ms_since(&t0) < 20000)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    ff_speech_cancel(sp);
    CHECK(ff_speech_wait_idle(sp, 20000));
    size_t cut = atomic_load(&b.samples);
    printf("long text: %zu samples whole, %zu when cancelled\n", full, cut);
    CHECK(cut > 0);
    CHECK(cut * 3 < full);

    static char too_long[FF_SPEECH_MAX_TEXT + 2];
    memset(too_long, 'a', sizeof too_long - 1);
    CHECK(ff_speech_say(sp, "en", too_long) == FF_ELIMIT);
    ff_speech_free(sp);

    /* no data: a clear sentence, and silence */
    memset(&b, 0, sizeof b);
    CHECK(ff_speech_new(sink, &b, "/nonexistent/espeak", &sp) == FF_OK);
    if (sp) {
        CHECK(!ff_speech_available(sp));
        printf("without data: %s\n", ff_speech_errmsg(sp));
        CHECK(strstr(ff_speech_errmsg(sp), "read aloud is off") != NULL);
        CHECK(ff_speech_say(sp, "da", "Hej") == FF_OK);
        CHECK(ff_speech_wait_idle(sp, 100));
        CHECK_INT(atomic_load(&b.samples), 0);
        ff_speech_free(sp);
    }
    return ff_test_finish();
}

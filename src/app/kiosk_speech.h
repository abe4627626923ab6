/* kiosk_speech.h - read aloud: text to PCM through libespeak-ng, on a worker thread.
 *
 * ff_speech_say() copies the text into a bounded queue and returns at once; the worker
 * synthesizes one item after another and hands the samples (16-bit mono at
 * ff_speech_rate()) to the sink, a callback the SDL layer provides (it queues them to SDL
 * audio; tests collect them in a buffer). The sink runs on the worker thread.
 * ff_speech_cancel() drops the queue and stops the current item within one chunk (a new
 * screen cancels the old question). Voices: en, da, es.
 *
 * espeak-ng keeps its state in globals, so at most one ff_speech exists per process
 * (a second ff_speech_new is FF_ESTATE). If espeak-ng or its data is missing, the handle
 * is still made, ff_speech_available() is false, ff_speech_errmsg() says why in one
 * sentence, and say() does nothing: the kiosk goes on silently.
 */
#ifndef FF_KIOSK_SPEECH_H
#define FF_KIOSK_SPEECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"

#define FF_SPEECH_QUEUE 8       /* items waiting; a full queue drops the oldest */
#define FF_SPEECH_MAX_TEXT 4096 /* bytes of one item */

struct ff_speech;

typedef void (*ff_speech_sink)(const int16_t *samples, size_t n, int rate, void *ctx);

/* data_dir: the folder that holds espeak-ng-data, NULL = espeak-ng's default. */
enum ff_err ff_speech_new(ff_speech_sink sink, void *ctx, const char *data_dir,
                          struct ff_speech **out);
void ff_speech_free(struct ff_speech *sp); /* cancels, joins the worker; NULL is fine */

bool ff_speech_available(const struct ff_speech *sp);
const char *ff_speech_errmsg(const struct ff_speech *sp); /* "" when available */
int ff_speech_rate(const struct ff_speech *sp);           /* samples per second, 0 if none */

/* Queues text in lang ("en", "da", "es"; others: en). FF_ELIMIT for a text over
 * FF_SPEECH_MAX_TEXT, FF_ENOMEM. Never blocks on synthesis. */
enum ff_err ff_speech_say(struct ff_speech *sp, const char *lang, const char *text);
void ff_speech_cancel(struct ff_speech *sp);
/* Waits until the queue is empty and nothing is being spoken, or timeout_ms passed;
 * true when idle. For tests and orderly shutdown. */
bool ff_speech_wait_idle(struct ff_speech *sp, int timeout_ms);

#endif

/* kiosk_pin.h - the admin PIN that leaves kiosk mode: an argon2id hash and a lockout.
 *
 * The config holds only the encoded argon2id hash ("$argon2id$v=19$m=...,t=...,p=...$salt$
 * hash"), never the PIN. After FF_PIN_FREE_TRIES failures in a row each further failure
 * locks the gate for a delay that doubles (30 s, 60 s, 120 s ... at most one hour); a try
 * while locked is refused without hashing and does not count. Time is passed in (ms), never
 * read, so tests move a fake clock. A success clears the count.
 */
#ifndef FF_KIOSK_PIN_H
#define FF_KIOSK_PIN_H

#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"

#define FF_PIN_FREE_TRIES 3
#define FF_PIN_BASE_DELAY_MS 30000
#define FF_PIN_MAX_DELAY_MS 3600000
#define FF_PIN_HASH_MAX 160 /* bytes of an encoded hash, NUL included */

struct ff_pin_gate {
    const char *hash;     /* borrowed encoded argon2id hash */
    int failures;         /* failures in a row */
    int64_t locked_until; /* ms; tries before this are refused */
};

enum ff_pin_result {
    FF_PIN_OK,      /* right PIN: leave kiosk mode */
    FF_PIN_WRONG,   /* wrong PIN; see locked_until for the next allowed try */
    FF_PIN_LOCKED,  /* not tried: still locked */
    FF_PIN_NO_HASH, /* the config has no usable argon2id hash: the gate never opens */
};

void ff_pin_gate_init(struct ff_pin_gate *g, const char *hash);
/* Checks pin at now_ms. The PIN is not kept. */
enum ff_pin_result ff_pin_try(struct ff_pin_gate *g, const char *pin, int64_t now_ms);
/* Milliseconds left of a lockout at now_ms, 0 when open. */
int64_t ff_pin_wait_ms(const struct ff_pin_gate *g, int64_t now_ms);

/* Encodes an argon2id hash of pin with a random salt (m = 64 MiB, t = 3, p = 1) into out,
 * for writing a config. FF_EINVAL for an empty pin or a short buffer, FF_EIO when no
 * random bytes can be had. */
enum ff_err ff_pin_hash(const char *pin, char *out, size_t out_size);

#endif

/* kiosk_pin.c - admin PIN check with argon2id and a growing lockout (see kiosk_pin.h).
 *
 * Workload: a handful of tries a day; each verify costs one argon2id hash (about 0.1-0.3 s
 * at the parameters ff_pin_hash writes), which is itself a brake on guessing. Only
 * argon2id hashes are accepted: an argon2i/argon2d hash in the config is treated as none.
 */
#include "kiosk_pin.h"

#include <argon2.h>
#include <string.h>
#include <sys/random.h>

#define HASH_T 3
#define HASH_M (64u * 1024u)
#define HASH_P 1
#define SALT_LEN 16
#define HASH_LEN 32

void ff_pin_gate_init(struct ff_pin_gate *g, const char *hash)
{
    g->hash = hash;
    g->failures = 0;
    g->locked_until = 0;
}

int64_t ff_pin_wait_ms(const struct ff_pin_gate *g, int64_t now_ms)
{
    return g->locked_until > now_ms ? g->locked_until - now_ms : 0;
}

static int64_t delay_for(int failures)
{
    int64_t d = FF_PIN_BASE_DELAY_MS;
    for (int i = FF_PIN_FREE_TRIES; i < failures && d < FF_PIN_MAX_DELAY_MS; i++)
        d *= 2;
    return d < FF_PIN_MAX_DELAY_MS ? d : FF_PIN_MAX_DELAY_MS;
}

enum ff_pin_result ff_pin_try(struct ff_pin_gate *g, const char *pin, int64_t now_ms)
{
    if (!g->hash || strncmp(g->hash, "$argon2id$", 10) != 0)
        return FF_PIN_NO_HASH;
    if (ff_pin_wait_ms(g, now_ms) > 0)
        return FF_PIN_LOCKED;
    if (argon2id_verify(g->hash, pin, strlen(pin)) == ARGON2_OK) {
        g->failures = 0;
        g->locked_until = 0;
        return FF_PIN_OK;
    }
    g->failures++;
    if (g->failures >= FF_PIN_FREE_TRIES)
        g->locked_until = now_ms + delay_for(g->failures);
    return FF_PIN_WRONG;
}

enum ff_err ff_pin_hash(const char *pin, char *out, size_t out_size)
{
    unsigned char salt[SALT_LEN];
    if (!pin || !*pin || out_size < FF_PIN_HASH_MAX)
        return FF_EINVAL;
    if (getrandom(salt, sizeof salt, 0) != (ssize_t)sizeof salt)
        return FF_EIO;
    int rc = argon2id_hash_encoded(HASH_T, HASH_M, HASH_P, pin, strlen(pin), salt, sizeof salt,
                                   HASH_LEN, out, out_size);
    return rc == ARGON2_OK ? FF_OK : FF_EINVAL;
}

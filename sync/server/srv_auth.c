/* srv_auth.c - codes, tokens and rate limits (srv_auth.h).
 *
 * Randomness comes from getrandom (the kernel's CSPRNG); hashes from GnuTLS. The rate table
 * is fixed-size (SLOTS addresses): an address that finds no slot evicts the one whose window
 * is oldest, so memory stays bounded whatever the number of clients.
 */
#include "srv_auth.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "fieldflow/mem.h"
#include "srv_b64.h"

#define SLOTS 1024
#define WINDOW_MS 60000
#define ADDR_MAX 64

static const char ALPHABET[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"; /* no 0 O 1 I L */

static enum ff_err random_bytes(void *buf, size_t n)
{
    return getrandom(buf, n, 0) == (ssize_t)n ? FF_OK : FF_EIO;
}

static void sha256(const void *data, size_t len, uint8_t out[32])
{
    gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, out);
}

void srv_auth_code_hash(const char *typed, uint8_t hash[32])
{
    char norm[64];
    size_t n = 0;
    for (const char *p = typed; *p && n < sizeof norm - 1; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        char c = *p;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        norm[n++] = c;
    }
    sha256(norm, n, hash);
}

enum ff_err srv_auth_code_new(char code[12], uint8_t hash[32])
{
    uint8_t r[9];
    if (random_bytes(r, sizeof r))
        return FF_EIO;
    size_t o = 0;
    for (int i = 0; i < 9; i++) {
        if (i && i % 3 == 0)
            code[o++] = '-';
        /* 31 letters: r % 31 is biased by under 1 part in 8, acceptable for a one-time code
         * that also expires and is rate-limited. */
        code[o++] = ALPHABET[r[i] % (sizeof ALPHABET - 1)];
    }
    code[o] = '\0';
    srv_auth_code_hash(code, hash);
    return FF_OK;
}

void srv_auth_token_hash(const char *token, uint8_t hash[32])
{
    sha256(token, strlen(token), hash);
}

static enum ff_err token_new(char text[SRV_TOKEN_TEXT], uint8_t hash[32])
{
    uint8_t r[32];
    if (random_bytes(r, sizeof r))
        return FF_EIO;
    srv_b64_encode(r, sizeof r, true, text, SRV_TOKEN_TEXT);
    gnutls_memset(r, 0, sizeof r);
    srv_auth_token_hash(text, hash);
    return FF_OK;
}

enum ff_err srv_auth_issue(struct srv_store *st, const char *device, int64_t now_ms,
                           int64_t access_ms, struct srv_tokens *out)
{
    memset(out, 0, sizeof *out);
    uint8_t ah[32], rh[32];
    enum ff_err e = token_new(out->access, ah);
    if (!e)
        e = token_new(out->refresh, rh);
    out->access_expires = now_ms + access_ms;
    out->refresh_expires = now_ms + SRV_REFRESH_MS;
    if (!e)
        e = srv_store_token_add(st, rh, true, device, out->refresh_expires);
    if (!e)
        e = srv_store_token_add(st, ah, false, device, out->access_expires);
    if (e)
        memset(out, 0, sizeof *out);
    return e;
}

enum ff_err srv_auth_check(struct srv_store *st, const char *token, bool refresh, int64_t now_ms,
                           struct srv_device *dev, const char **code)
{
    memset(dev, 0, sizeof *dev);
    *code = NULL;
    if (!token || !token[0]) {
        *code = "token_missing";
        return FF_ENOTFOUND;
    }
    uint8_t h[32];
    srv_auth_token_hash(token, h);
    int64_t expires = 0;
    enum ff_err e = srv_store_token_get(st, h, refresh, dev, &expires);
    if (e == FF_ENOTFOUND)
        *code = "token_invalid";
    else if (!e && dev->revoked)
        *code = "device_revoked";
    else if (!e && expires <= now_ms)
        *code = "token_expired";
    if (*code && !e)
        e = FF_ENOTFOUND;
    return e;
}

struct slot {
    char addr[ADDR_MAX]; /* "" = free */
    int64_t start;       /* when its window began */
    int count;           /* events in that window */
};

struct srv_rate {
    pthread_mutex_t lock; /* guards slots */
    int per_minute;
    struct slot slots[SLOTS];
};

enum ff_err srv_rate_new(int per_minute, struct srv_rate **out)
{
    struct srv_rate *r = ff_calloc(1, sizeof *r);
    if (!r)
        return FF_ENOMEM;
    pthread_mutex_init(&r->lock, NULL);
    r->per_minute = per_minute;
    *out = r;
    return FF_OK;
}

void srv_rate_free(struct srv_rate *r)
{
    if (!r)
        return;
    pthread_mutex_destroy(&r->lock);
    ff_free(r);
}

static uint32_t hash_addr(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

/* The slot of addr, with its window renewed when it ran out; made if absent, in a free or
 * stale slot of its probe run, else evicting the run's oldest window. */
static struct slot *slot_of(struct srv_rate *r, const char *addr, int64_t now_ms)
{
    uint32_t h = hash_addr(addr);
    struct slot *take = NULL;
    for (int i = 0; i < 8; i++) {
        struct slot *s = &r->slots[(h + (uint32_t)i) % SLOTS];
        if (!strcmp(s->addr, addr)) {
            if (now_ms - s->start >= WINDOW_MS) {
                s->start = now_ms;
                s->count = 0;
            }
            return s;
        }
        bool stale = !s->addr[0] || now_ms - s->start >= WINDOW_MS;
        bool take_stale = take && (!take->addr[0] || now_ms - take->start >= WINDOW_MS);
        if (!take || (stale && !take_stale) || (!take_stale && s->start < take->start))
            take = s;
    }
    snprintf(take->addr, sizeof take->addr, "%s", addr);
    take->start = now_ms;
    take->count = 0;
    return take;
}

bool srv_rate_allowed(struct srv_rate *r, const char *addr, int64_t now_ms, int *retry_s)
{
    pthread_mutex_lock(&r->lock);
    struct slot *s = slot_of(r, addr, now_ms);
    bool ok = s->count < r->per_minute;
    *retry_s = ok ? 0 : (int)((s->start + WINDOW_MS - now_ms + 999) / 1000);
    pthread_mutex_unlock(&r->lock);
    return ok;
}

void srv_rate_count(struct srv_rate *r, const char *addr, int64_t now_ms)
{
    pthread_mutex_lock(&r->lock);
    slot_of(r, addr, now_ms)->count++;
    pthread_mutex_unlock(&r->lock);
}

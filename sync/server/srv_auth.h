/* srv_auth.h - enrolment codes, device tokens and the in-memory rate limits (sync/PROTOCOL.md
 * sections 1, 2 and 6).
 *
 * Codes and tokens leave the server once, in a reply or on the administrator's terminal; the
 * store keeps only their SHA-256. Access tokens live SRV_ACCESS_MS, refresh tokens
 * SRV_REFRESH_MS; a renewed refresh token stays valid SRV_REFRESH_GRACE_MS more.
 */
#ifndef FF_SRV_AUTH_H
#define FF_SRV_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"
#include "srv_store.h"

#define SRV_ACCESS_MS (3600 * INT64_C(1000))
#define SRV_REFRESH_MS (90 * 24 * 3600 * INT64_C(1000))
#define SRV_REFRESH_GRACE_MS (5 * 60 * INT64_C(1000))
#define SRV_CODE_TTL_S (15 * 60)
#define SRV_TOKEN_TEXT 44 /* 43 base64url characters + NUL */

/* A new one-time code "XXX-XXX-XXX" (9 characters without look-alikes) and its hash. */
enum ff_err srv_auth_code_new(char code[12], uint8_t hash[32]);
/* The hash of a code as typed: dashes and spaces dropped, letters upper-cased. */
void srv_auth_code_hash(const char *typed, uint8_t hash[32]);
void srv_auth_token_hash(const char *token, uint8_t hash[32]);

/* A fresh access (living access_ms) and refresh token pair stored for device; the texts go
 * to the device. */
struct srv_tokens {
    char access[SRV_TOKEN_TEXT], refresh[SRV_TOKEN_TEXT];
    int64_t access_expires, refresh_expires;
};
enum ff_err srv_auth_issue(struct srv_store *st, const char *device, int64_t now_ms,
                           int64_t access_ms, struct srv_tokens *out);

/* Checks a token (access, or refresh when refresh is true). FF_OK with *dev filled; else
 * *code is the protocol's 401 code (token_missing, token_invalid, token_expired,
 * device_revoked) and the return FF_ENOTFOUND, or a store error (code NULL). */
enum ff_err srv_auth_check(struct srv_store *st, const char *token, bool refresh, int64_t now_ms,
                           struct srv_device *dev, const char **code);

/* A per-address counter over one-minute windows, safe from any thread. */
struct srv_rate;
enum ff_err srv_rate_new(int per_minute, struct srv_rate **out);
void srv_rate_free(struct srv_rate *r); /* NULL is fine */
/* Whether addr is under its limit now; *retry_s: seconds until it is again (when not). */
bool srv_rate_allowed(struct srv_rate *r, const char *addr, int64_t now_ms, int *retry_s);
/* Counts one event for addr. */
void srv_rate_count(struct srv_rate *r, const char *addr, int64_t now_ms);

#endif

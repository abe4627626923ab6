/* srv_b64.h - base64 (RFC 4648 section 4, padded: key pins) and base64url (section 5,
 * unpadded: tokens) encoding of short binary values. */
#ifndef FF_SRV_B64_H
#define FF_SRV_B64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes the text and a NUL into out; false (out = "") if cap is too small. */
bool srv_b64_encode(const uint8_t *in, size_t len, bool url, char *out, size_t cap);

#endif

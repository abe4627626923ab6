/* kiosk_qr.h - the QR code of a ticket's follow-up URL as a bitmap the screen draws.
 *
 * The bitmap is size x size modules, one byte per module (1 = dark), row-major, with no
 * quiet zone (the screen leaves 4 modules of light margin). Error correction level M.
 */
#ifndef FF_KIOSK_QR_H
#define FF_KIOSK_QR_H

#include <stddef.h>

#include "fieldflow/err.h"

#define FF_QR_MAX_TEXT 512 /* bytes encoded */

struct ff_qr {
    int size;               /* modules per side */
    unsigned char *modules; /* size * size bytes, 1 = dark; the caller's (ff_qr_clear) */
};

/* Encodes text (UTF-8, at most FF_QR_MAX_TEXT bytes) into *out. FF_EINVAL for an empty or
 * too long text, FF_ENOMEM. On failure *out is zeroed. */
enum ff_err ff_qr_encode(const char *text, struct ff_qr *out);
void ff_qr_clear(struct ff_qr *qr); /* frees and zeroes; a zeroed struct is fine */

#endif

/* kiosk_qr.c - QR matrix through libqrencode (see kiosk_qr.h).
 *
 * libqrencode returns a byte per module whose bit 0 is "dark" and whose other bits are
 * its own bookkeeping; we copy out bit 0 so the screen layer never sees libqrencode types.
 */
#include "kiosk_qr.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

#include "fieldflow/mem.h"

enum ff_err ff_qr_encode(const char *text, struct ff_qr *out)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text || strlen(text) > FF_QR_MAX_TEXT)
        return FF_EINVAL;
    QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (!qr)
        return errno == ERANGE || errno == EINVAL ? FF_EINVAL : FF_ENOMEM;
    size_t n = (size_t)qr->width * (size_t)qr->width;
    unsigned char *m = ff_malloc(n);
    if (!m) {
        QRcode_free(qr);
        return FF_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        m[i] = qr->data[i] & 1u;
    out->size = qr->width;
    out->modules = m;
    QRcode_free(qr);
    return FF_OK;
}

void ff_qr_clear(struct ff_qr *qr)
{
    if (!qr)
        return;
    ff_free(qr->modules);
    qr->modules = NULL;
    qr->size = 0;
}

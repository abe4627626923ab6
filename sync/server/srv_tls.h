/* srv_tls.h - the server's certificate and key: loaded from files, or made on first start
 * (a self-signed ECDSA P-256 certificate for localhost and 127.0.0.1, kept 0600 in the data
 * directory), and the key pin clients check (sync/PROTOCOL.md section 0). */
#ifndef FF_SRV_TLS_H
#define FF_SRV_TLS_H

#include <stddef.h>

#include "fieldflow/err.h"

#define SRV_PIN_MAX 64 /* "sha256//" + 44 base64 characters + NUL */

/* Reads cert_path and key_path (PEM). *cert and *key are the caller's (ff_free). */
enum ff_err srv_tls_load(const char *cert_path, const char *key_path, char **cert, char **key,
                         char *why, size_t why_len);
/* DIR/cert.pem and DIR/key.pem: loaded when both exist, else made and written (0600, key
 * first, each through a temporary file and a rename, so a crash leaves no half pair that a
 * later start would take). */
enum ff_err srv_tls_ensure(const char *dir, char **cert, char **key, char *why, size_t why_len);
/* "sha256//<base64 of SHA-256 of the DER SubjectPublicKeyInfo>" of a PEM certificate. */
enum ff_err srv_tls_pin(const char *cert_pem, char pin[SRV_PIN_MAX], char *why, size_t why_len);

#endif

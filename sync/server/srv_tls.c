/* srv_tls.c - certificate files, the self-signed pair of a first start, and key pins
 * (srv_tls.h), with GnuTLS. Runs once at start (and for `fieldflow-server pin`). */
#include "srv_tls.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fieldflow/mem.h"
#include "srv_b64.h"
#include "srv_log.h"

#define PEM_MAX (64 * 1024)
#define CERT_DAYS 3650

static enum ff_err slurp(const char *path, char **out, char *why, size_t why_len)
{
    *out = NULL;
    char ebuf[128];
    FILE *f = fopen(path, "rb");
    if (!f) {
        int err = errno;
        snprintf(why, why_len, "%s: %s", path, srv_strerror(err, ebuf));
        return err == ENOENT ? FF_ENOTFOUND : FF_EIO;
    }
    char *buf = ff_malloc(PEM_MAX + 1);
    if (!buf) {
        fclose(f);
        return FF_ENOMEM;
    }
    size_t n = fread(buf, 1, PEM_MAX + 1, f);
    bool err = ferror(f);
    fclose(f);
    if (err || n > PEM_MAX || n == 0) {
        snprintf(why, why_len, "%s: %s", path, err ? "read failed" : "empty or over 64 KiB");
        ff_free(buf);
        return FF_EIO;
    }
    buf[n] = '\0';
    *out = buf;
    return FF_OK;
}

enum ff_err srv_tls_load(const char *cert_path, const char *key_path, char **cert, char **key,
                         char *why, size_t why_len)
{
    *key = NULL;
    enum ff_err e = slurp(cert_path, cert, why, why_len);
    if (e)
        return e;
    if (key_path && (e = slurp(key_path, key, why, why_len)) != FF_OK) {
        ff_free(*cert);
        *cert = NULL;
    }
    return e;
}

/* Writes text to path through path.tmp, mode 0600, fsynced, then renamed. */
static enum ff_err write_private(const char *path, const void *data, size_t len, char *why,
                                 size_t why_len)
{
    char tmp[4096], ebuf[128];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(why, why_len, "%s: %s", tmp, srv_strerror(errno, ebuf));
        return FF_EIO;
    }
    bool ok = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(why, why_len, "%s: %s", path, srv_strerror(errno, ebuf));
        unlink(tmp);
        return FF_EIO;
    }
    return FF_OK;
}

static enum ff_err make_pair(gnutls_datum_t *cert, gnutls_datum_t *key, char *why, size_t why_len)
{
    gnutls_x509_privkey_t xk = NULL;
    gnutls_privkey_t pk = NULL;
    gnutls_x509_crt_t crt = NULL;
    unsigned char serial[16];
    const unsigned char loopback[4] = {127, 0, 0, 1};
    time_t now = time(NULL);
    int rc = gnutls_x509_privkey_init(&xk);
    if (!rc)
        rc = gnutls_x509_privkey_generate(xk, GNUTLS_PK_ECDSA,
                                          GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
    if (!rc)
        rc = gnutls_privkey_init(&pk);
    if (!rc)
        rc = gnutls_privkey_import_x509(pk, xk, 0);
    if (!rc)
        rc = gnutls_x509_crt_init(&crt);
    if (!rc)
        rc = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial);
    if (!rc)
        serial[0] &= 0x7f; /* a positive serial number */
    if (!rc)
        rc = gnutls_x509_crt_set_version(crt, 3);
    if (!rc)
        rc = gnutls_x509_crt_set_serial(crt, serial, sizeof serial);
    if (!rc)
        rc = gnutls_x509_crt_set_activation_time(crt, now - 24 * 3600);
    if (!rc)
        rc = gnutls_x509_crt_set_expiration_time(crt, now + (time_t)CERT_DAYS * 24 * 3600);
    if (!rc)
        rc = gnutls_x509_crt_set_dn(crt, "CN=localhost,O=fieldflow-server", NULL);
    if (!rc)
        rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
                                                  GNUTLS_FSAN_APPEND);
    if (!rc)
        rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, loopback,
                                                  sizeof loopback, GNUTLS_FSAN_APPEND);
    if (!rc)
        rc = gnutls_x509_crt_set_basic_constraints(crt, 0, -1);
    if (!rc)
        rc = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
    if (!rc)
        rc = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
    if (!rc)
        rc = gnutls_x509_crt_set_key(crt, xk);
    if (!rc)
        rc = gnutls_x509_crt_privkey_sign(crt, crt, pk, GNUTLS_DIG_SHA256, 0);
    if (!rc)
        rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, cert);
    if (!rc)
        rc = gnutls_x509_privkey_export2(xk, GNUTLS_X509_FMT_PEM, key);
    gnutls_x509_crt_deinit(crt);
    gnutls_privkey_deinit(pk);
    gnutls_x509_privkey_deinit(xk);
    if (rc) {
        snprintf(why, why_len, "making the self-signed certificate: %s", gnutls_strerror(rc));
        return FF_EIO;
    }
    return FF_OK;
}

enum ff_err srv_tls_ensure(const char *dir, char **cert, char **key, char *why, size_t why_len)
{
    char cpath[4096], kpath[4096];
    snprintf(cpath, sizeof cpath, "%s/cert.pem", dir);
    snprintf(kpath, sizeof kpath, "%s/key.pem", dir);
    if (access(cpath, F_OK) == 0 && access(kpath, F_OK) == 0)
        return srv_tls_load(cpath, kpath, cert, key, why, why_len);
    *cert = *key = NULL;
    gnutls_datum_t c = {0}, k = {0};
    enum ff_err e = make_pair(&c, &k, why, why_len);
    if (!e)
        e = write_private(kpath, k.data, k.size, why, why_len);
    if (!e)
        e = write_private(cpath, c.data, c.size, why, why_len);
    if (!e) {
        *cert = ff_strndup((const char *)c.data, c.size);
        *key = ff_strndup((const char *)k.data, k.size);
        if (!*cert || !*key) {
            ff_free(*cert);
            ff_free(*key);
            *cert = *key = NULL;
            e = FF_ENOMEM;
        }
    }
    if (k.data)
        gnutls_memset(k.data, 0, k.size);
    gnutls_free(c.data);
    gnutls_free(k.data);
    return e;
}

enum ff_err srv_tls_pin(const char *cert_pem, char pin[SRV_PIN_MAX], char *why, size_t why_len)
{
    pin[0] = '\0';
    gnutls_x509_crt_t crt = NULL;
    gnutls_pubkey_t pub = NULL;
    gnutls_datum_t in = {(unsigned char *)(uintptr_t)cert_pem, (unsigned)strlen(cert_pem)};
    gnutls_datum_t spki = {0};
    unsigned char digest[32];
    int rc = gnutls_x509_crt_init(&crt);
    if (!rc)
        rc = gnutls_x509_crt_import(crt, &in, GNUTLS_X509_FMT_PEM);
    if (!rc)
        rc = gnutls_pubkey_init(&pub);
    if (!rc)
        rc = gnutls_pubkey_import_x509(pub, crt, 0);
    if (!rc)
        rc = gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &spki);
    if (!rc)
        rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, spki.data, spki.size, digest);
    gnutls_free(spki.data);
    gnutls_pubkey_deinit(pub);
    gnutls_x509_crt_deinit(crt);
    if (rc) {
        snprintf(why, why_len, "reading the certificate: %s", gnutls_strerror(rc));
        return FF_EPARSE;
    }
    memcpy(pin, "sha256//", 8);
    srv_b64_encode(digest, sizeof digest, false, pin + 8, SRV_PIN_MAX - 8);
    return FF_OK;
}

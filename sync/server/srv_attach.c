/* srv_attach.c - attachments (sync/PROTOCOL.md section 5): signatures and photos stored by
 * their SHA-256 under DATA/attachments/. A partial upload is HASH.part; its last piece is
 * checked against the hash and only then renamed to HASH, so a stored attachment is always
 * whole and right. Writes hold the server's attachment lock: two uploads of one hash never
 * interleave. */
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "srv_decode.h"
#include "srv_int.h"

#define ATTACH_MAX (64 * INT64_C(1024) * 1024) /* one attachment, all pieces together */

static void paths(const struct srv_server *s, const char *hex, char *done, char *part, size_t cap)
{
    snprintf(done, cap, "%s/%s", s->attach_dir, hex);
    snprintf(part, cap, "%s/%s.part", s->attach_dir, hex);
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* The lowercase hex SHA-256 of a file's bytes matches hex. */
static bool hash_matches(const char *path, const char *hex)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    gnutls_hash_hd_t h;
    if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
        close(fd);
        return false;
    }
    char buf[64 * 1024];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        gnutls_hash(h, buf, (size_t)n);
    close(fd);
    unsigned char d[32];
    gnutls_hash_deinit(h, d);
    char got[65];
    for (int i = 0; i < 32; i++)
        snprintf(got + 2 * i, 3, "%02x", d[i]);
    return n == 0 && !strcmp(got, hex);
}

static void reply_progress(struct srv_reply *r, unsigned status, int64_t received, bool done)
{
    char text[128];
    int n = snprintf(text, sizeof text,
                     "{\"received\":%" PRId64 ",\"complete\":%s,\"server_time\":%" PRId64 "}",
                     received, done ? "true" : "false", srv_now_ms());
    srv_reply_text(r, status, "application/json", text, (size_t)n);
}

static bool append_piece(const char *part, const char *data, size_t len)
{
    int fd = open(part, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    bool ok = write(fd, data, len) == (ssize_t)len && fdatasync(fd) == 0;
    return close(fd) == 0 && ok;
}

static void put_piece(struct srv_server *s, struct srv_call *c, struct srv_reply *r,
                      const char *hex, const char *done, const char *part)
{
    struct srv_derr derr;
    int64_t from, to, total;
    if (srv_decode_content_range(srv_call_header(c, "Content-Range"), &from, &to, &total, &derr)) {
        srv_reply_error(r, 400, derr.code, derr.field, derr.message);
        return;
    }
    if (total > ATTACH_MAX) {
        srv_reply_error(r, 413, "too_large", "Content-Range", "an attachment is at most 64 MiB");
        return;
    }
    if ((int64_t)c->len != to - from + 1) {
        srv_reply_error(r, 400, "bad_request", "Content-Range", "the body's length differs");
        return;
    }
    int64_t have = file_size(done);
    if (have >= 0) { /* already whole: an upload repeated after a lost reply */
        reply_progress(r, 200, have, true);
        return;
    }
    int64_t received = file_size(part);
    received = received < 0 ? 0 : received;
    if (from != received) {
        srv_reply_error(r, 409, "range", "Content-Range", "resume from FF-Received");
        r->received = received;
        return;
    }
    if (!append_piece(part, c->body, c->len)) {
        srv_reply_error(r, 503, "unavailable", "", "cannot write the attachment");
        return;
    }
    if (to + 1 < total) {
        reply_progress(r, 200, to + 1, false);
        return;
    }
    if (!hash_matches(part, hex)) {
        unlink(part);
        srv_reply_error(r, 400, "hash_mismatch", "", "the bytes do not have this SHA-256");
        return;
    }
    if (rename(part, done) != 0) {
        srv_reply_error(r, 503, "unavailable", "", "cannot store the attachment");
        return;
    }
    int dfd = open(s->attach_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    reply_progress(r, 201, total, true);
}

void srv_attach(struct srv_server *s, struct srv_call *c, struct srv_reply *r)
{
    if (!srv_decode_sha256_hex(c->tail)) {
        srv_reply_error(r, 404, "not_found", "path", "want /v1/attachments/<sha256 hex>");
        return;
    }
    char done[SRV_PATH_MAX + 96], part[SRV_PATH_MAX + 96];
    paths(s, c->tail, done, part, sizeof done);
    pthread_mutex_lock(&s->attach_lock);
    if (!strcmp(c->method, "PUT")) {
        put_piece(s, c, r, c->tail, done, part);
    } else {
        int fd = open(done, O_RDONLY | O_CLOEXEC);
        int64_t partial = file_size(part);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0) {
            r->status = 200;
            r->fd = fd;
            r->fd_size = (int64_t)st.st_size;
            r->ctype = "application/octet-stream";
        } else if (!strcmp(c->method, "HEAD") && partial >= 0) {
            r->status = 206;
            r->received = partial;
        } else {
            srv_reply_error(r, 404, "not_found", "", "no such attachment");
        }
        if (fd >= 0 && r->fd != fd)
            close(fd);
    }
    pthread_mutex_unlock(&s->attach_lock);
}

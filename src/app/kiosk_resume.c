/* kiosk_resume.c - the kiosk's snapshot file and outbox (see kiosk_resume.h).
 *
 * The snapshot holds answers (personal data): every buffer that held it is wiped before
 * it is freed, and the file is overwritten with zeros before it is removed. The file is
 * outside input on read (a crash can leave anything): its size is capped before reading
 * and every member is type-checked; the runner snapshot inside is checked by the runner.
 */
#include "kiosk_resume.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fieldflow/mem.h"

static void wipe_free(char *p)
{
    if (p) {
        explicit_bzero(p, strlen(p));
        ff_free(p);
    }
}

/* cJSON's printed/parsed strings come from malloc (outside the library's seam). */
static void wipe_free_c(char *p)
{
    if (p) {
        explicit_bzero(p, strlen(p));
        free(p);
    }
}

void ff_kiosk_saved_clear(struct ff_kiosk_saved *s)
{
    for (size_t i = 0; i < s->noutbox; i++)
        wipe_free(s->outbox[i].payload);
    wipe_free(s->run_json);
    explicit_bzero(s, sizeof *s);
}

enum ff_err ff_kiosk_outbox_add(struct ff_kiosk_saved *s, const char *type, const char *entity_id,
                                const char *payload_json)
{
    if (s->noutbox == FF_KIOSK_MAX_OUTBOX)
        return FF_ELIMIT;
    cJSON *p = cJSON_Parse(payload_json);
    char key[64];
    snprintf(key, sizeof key, "%s#%ld", s->run_id, s->next_key);
    if (!cJSON_IsObject(p) || !cJSON_AddStringToObject(p, "kiosk_key", key)) {
        cJSON_Delete(p);
        return cJSON_IsObject(p) ? FF_ENOMEM : FF_EINVAL;
    }
    char *text = cJSON_PrintUnformatted(p);
    cJSON_Delete(p);
    char *copy = text ? ff_strdup(text) : NULL;
    wipe_free_c(text);
    if (!copy)
        return FF_ENOMEM;
    struct ff_kiosk_pending *e = &s->outbox[s->noutbox++];
    snprintf(e->type, sizeof e->type, "%s", type);
    snprintf(e->entity_id, sizeof e->entity_id, "%s", entity_id);
    e->payload = copy;
    s->next_key++;
    return FF_OK;
}

static void outbox_drop(struct ff_kiosk_saved *s, size_t i)
{
    wipe_free(s->outbox[i].payload);
    memmove(&s->outbox[i], &s->outbox[i + 1], (s->noutbox - i - 1) * sizeof s->outbox[0]);
    s->noutbox--;
    memset(&s->outbox[s->noutbox], 0, sizeof s->outbox[0]);
}

/* One transaction (one fsync) for all of an operation's events, instead of one each: a step
 * records several (its transcript entries, a case, an escalation). All or none: the outbox
 * is emptied only once the commit is durable, so a refusal or a failed commit leaves every
 * event queued. */
enum ff_err ff_kiosk_outbox_flush(struct ff_kiosk_saved *s, struct ff_store *store)
{
    if (s->noutbox == 0)
        return FF_OK;
    enum ff_err err = ff_store_begin(store);
    for (size_t i = 0; !err && i < s->noutbox; i++) {
        const struct ff_kiosk_pending *e = &s->outbox[i];
        err = ff_store_append(store, e->type, e->entity_id, e->payload, NULL);
    }
    if (err) {
        ff_store_rollback(store);
        return err;
    }
    if ((err = ff_store_commit(store))) /* a failed commit has rolled the batch back */
        return err;
    while (s->noutbox > 0)
        outbox_drop(s, s->noutbox - 1);
    return FF_OK;
}

static const char *key_of(const char *payload, char *buf, size_t size)
{
    cJSON *p = cJSON_Parse(payload);
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(p, "kiosk_key");
    snprintf(buf, size, "%s", cJSON_IsString(k) ? k->valuestring : "");
    cJSON_Delete(p);
    return buf;
}

static bool dedupe_fn(const struct ff_event *ev, void *ctx)
{
    struct ff_kiosk_saved *s = ctx;
    if (!strstr(ev->payload, s->run_id))
        return true;
    char have[64], want[64];
    key_of(ev->payload, have, sizeof have);
    for (size_t i = 0; i < s->noutbox; i++)
        if (!strcmp(key_of(s->outbox[i].payload, want, sizeof want), have)) {
            outbox_drop(s, i);
            break;
        }
    return s->noutbox > 0;
}

enum ff_err ff_kiosk_outbox_dedupe(struct ff_kiosk_saved *s, struct ff_store *store)
{
    if (s->noutbox == 0)
        return FF_OK;
    return ff_kiosk_log_scan(store, dedupe_fn, s);
}

static cJSON *to_json(const struct ff_kiosk_saved *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *outbox = cJSON_AddArrayToObject(o, "outbox");
    cJSON *perf = cJSON_AddArrayToObject(o, "performed");
    cJSON *run = s->run_json ? cJSON_Parse(s->run_json) : cJSON_CreateNull();
    bool ok = outbox && perf && run && cJSON_AddItemToObject(o, "run", run);
    if (!ok)
        cJSON_Delete(run);
    ok = ok && cJSON_AddStringToObject(o, "format", "fieldflow-kiosk") &&
         cJSON_AddNumberToObject(o, "format_version", FF_KIOSK_SNAPSHOT_FORMAT) &&
         cJSON_AddStringToObject(o, "run_id", s->run_id) &&
         cJSON_AddNumberToObject(o, "last_ms", (double)s->last_ms) &&
         cJSON_AddStringToObject(o, "locale", s->locale) &&
         cJSON_AddNumberToObject(o, "theme", s->theme) &&
         cJSON_AddBoolToObject(o, "read_aloud", s->read_aloud) &&
         cJSON_AddNumberToObject(o, "next_key", (double)s->next_key) &&
         cJSON_AddStringToObject(o, "case_id", s->case_id) &&
         cJSON_AddStringToObject(o, "ticket", s->ticket) &&
         cJSON_AddStringToObject(o, "request_type", s->request_type) &&
         cJSON_AddNumberToObject(o, "esc_level", s->esc_level) &&
         cJSON_AddNumberToObject(o, "esc_eta", s->esc_eta) &&
         cJSON_AddBoolToObject(o, "has_visit", s->has_visit) &&
         cJSON_AddStringToObject(o, "visit_engineer", s->visit.engineer_id) &&
         cJSON_AddNumberToObject(o, "visit_start", (double)s->visit.start_ms) &&
         cJSON_AddNumberToObject(o, "visit_end", (double)s->visit.end_ms);
    for (size_t i = 0; ok && i < s->nperformed; i++)
        ok = cJSON_AddItemToArray(perf, cJSON_CreateString(s->performed[i]));
    for (size_t i = 0; ok && i < s->noutbox; i++) {
        cJSON *e = cJSON_CreateObject();
        ok = e && cJSON_AddItemToArray(outbox, e) &&
             cJSON_AddStringToObject(e, "type", s->outbox[i].type) &&
             cJSON_AddStringToObject(e, "entity_id", s->outbox[i].entity_id) &&
             cJSON_AddStringToObject(e, "payload", s->outbox[i].payload);
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static enum ff_err write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return FF_EIO;
        p += w;
        n -= (size_t)w;
    }
    return FF_OK;
}

/* Makes a rename in path's folder durable: without it a power cut may bring the previous
 * snapshot back, and the step after it would be redone. */
static enum ff_err sync_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, sizeof dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return FF_EIO;
    enum ff_err e = fsync(fd) == 0 ? FF_OK : FF_EIO;
    close(fd);
    return e;
}

enum ff_err ff_kiosk_snapshot_write(const struct ff_kiosk_saved *s, const char *path)
{
    cJSON *o = to_json(s);
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (!text)
        return FF_ENOMEM;
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        wipe_free_c(text);
        return FF_ELIMIT;
    }
    enum ff_err e = FF_EIO;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
        e = write_all(fd, text, strlen(text));
        if (!e && fsync(fd) != 0)
            e = FF_EIO;
        if (close(fd) != 0 && !e)
            e = FF_EIO;
        if (!e && rename(tmp, path) != 0)
            e = FF_EIO;
        if (e)
            unlink(tmp);
        else
            e = sync_dir(path);
    }
    wipe_free_c(text);
    return e;
}

static bool get_str(const cJSON *o, const char *key, char *to, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= size)
        return false;
    memcpy(to, v->valuestring, strlen(v->valuestring) + 1);
    return true;
}

static bool get_num(const cJSON *o, const char *key, double lo, double hi, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi)
        return false;
    *out = v->valuedouble;
    return true;
}

static bool from_json(const cJSON *o, struct ff_kiosk_saved *s)
{
    double fv, last, theme, key, lvl, eta, vs, ve;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(o, "format");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "fieldflow-kiosk") != 0 ||
        !get_num(o, "format_version", 1, 1, &fv) || !get_str(o, "run_id", s->run_id, 37) ||
        !get_num(o, "last_ms", 0, 9007199254740991.0, &last) ||
        !get_str(o, "locale", s->locale, sizeof s->locale) || !get_num(o, "theme", 0, 2, &theme) ||
        !get_num(o, "next_key", 0, 1e9, &key) || !get_str(o, "case_id", s->case_id, 37) ||
        !get_str(o, "ticket", s->ticket, sizeof s->ticket) ||
        !get_str(o, "request_type", s->request_type, sizeof s->request_type) ||
        !get_num(o, "esc_level", 0, 4, &lvl) || !get_num(o, "esc_eta", 0, 1e7, &eta) ||
        !get_str(o, "visit_engineer", s->visit.engineer_id, sizeof s->visit.engineer_id) ||
        !get_num(o, "visit_start", 0, 9007199254740991.0, &vs) ||
        !get_num(o, "visit_end", 0, 9007199254740991.0, &ve))
        return false;
    s->last_ms = (int64_t)last;
    s->theme = (int)theme;
    s->next_key = (long)key;
    s->esc_level = (int)lvl;
    s->esc_eta = (int)eta;
    s->visit.start_ms = (int64_t)vs;
    s->visit.end_ms = (int64_t)ve;
    s->read_aloud = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "read_aloud"));
    s->has_visit = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "has_visit"));
    const cJSON *perf = cJSON_GetObjectItemCaseSensitive(o, "performed");
    const cJSON *outbox = cJSON_GetObjectItemCaseSensitive(o, "outbox");
    if (!cJSON_IsArray(perf) || cJSON_GetArraySize(perf) > FF_KIOSK_MAX_PERFORMED ||
        !cJSON_IsArray(outbox) || cJSON_GetArraySize(outbox) > FF_KIOSK_MAX_OUTBOX)
        return false;
    const cJSON *it;
    cJSON_ArrayForEach(it, perf)
    {
        if (!cJSON_IsString(it) || strlen(it->valuestring) >= FF_KIOSK_KEY_MAX)
            return false;
        memcpy(s->performed[s->nperformed++], it->valuestring, strlen(it->valuestring) + 1);
    }
    cJSON_ArrayForEach(it, outbox)
    {
        struct ff_kiosk_pending *e = &s->outbox[s->noutbox];
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "payload");
        if (!get_str(it, "type", e->type, sizeof e->type) ||
            !get_str(it, "entity_id", e->entity_id, sizeof e->entity_id) || !cJSON_IsString(p) ||
            !(e->payload = ff_strdup(p->valuestring)))
            return false;
        s->noutbox++;
    }
    const cJSON *run = cJSON_GetObjectItemCaseSensitive(o, "run");
    if (cJSON_IsObject(run)) {
        char *text = cJSON_PrintUnformatted(run);
        s->run_json = text ? ff_strdup(text) : NULL;
        wipe_free_c(text);
        if (!s->run_json)
            return false;
    }
    return true;
}

enum ff_err ff_kiosk_snapshot_read(const char *path, struct ff_kiosk_saved *s, char *why,
                                   size_t why_len)
{
    memset(s, 0, sizeof *s);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, why_len, "%s: %s", path, errno == ENOENT ? "no snapshot" : "cannot read");
        return errno == ENOENT ? FF_ENOTFOUND : FF_EIO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size > (off_t)FF_KIOSK_MAX_SNAPSHOT_FILE) {
        close(fd);
        snprintf(why, why_len, "%s: larger than %u bytes", path, FF_KIOSK_MAX_SNAPSHOT_FILE);
        return FF_ELIMIT;
    }
    size_t n = (size_t)st.st_size;
    char *buf = ff_malloc(n + 1);
    ssize_t got = buf ? read(fd, buf, n) : -1;
    close(fd);
    if (!buf || got != (ssize_t)n) {
        ff_free(buf);
        snprintf(why, why_len, "%s: cannot read", path);
        return buf ? FF_EIO : FF_ENOMEM;
    }
    buf[n] = '\0';
    cJSON *o = cJSON_ParseWithLength(buf, n);
    explicit_bzero(buf, n);
    ff_free(buf);
    bool ok = o && from_json(o, s);
    cJSON_Delete(o);
    if (!ok) {
        ff_kiosk_saved_clear(s);
        snprintf(why, why_len, "%s: not a kiosk snapshot of format %d", path,
                 FF_KIOSK_SNAPSHOT_FORMAT);
        return FF_EPARSE;
    }
    return FF_OK;
}

void ff_kiosk_snapshot_remove(const char *path)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        struct stat st;
        if (fstat(fd, &st) == 0 && st.st_size > 0) {
            static const char zeros[4096];
            for (off_t left = st.st_size; left > 0;) {
                size_t chunk = left > 4096 ? 4096 : (size_t)left;
                if (write_all(fd, zeros, chunk))
                    break;
                left -= (off_t)chunk;
            }
            if (fsync(fd) != 0)
                (void)0; /* the file is removed next either way */
        }
        close(fd);
    }
    unlink(path);
}

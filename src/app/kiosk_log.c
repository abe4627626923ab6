/* kiosk_log.c - scans of the store's event log for the kiosk (see kiosk_log.h).
 *
 * The export is written into a memory stream, then split into lines and decoded one by
 * one. The buffer holds every personal value of the log, so it is wiped before it is
 * freed. Decoding failures cannot happen for a log the store wrote; such a line is skipped.
 */
#include "kiosk_log.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ff_err ff_kiosk_log_scan(struct ff_store *s, ff_kiosk_log_fn fn, void *ctx)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return FF_ENOMEM;
    enum ff_err e = ff_store_export(s, f);
    if (fclose(f) != 0 && !e)
        e = FF_ENOMEM;
    if (e)
        goto out_wipe;
    char why[256];
    bool go = true;
    for (char *line = buf; go && line < buf + len;) {
        char *nl = memchr(line, '\n', (size_t)(buf + len - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(buf + len - line);
        struct ff_event ev;
        memset(&ev, 0, sizeof ev);
        if (n > 0 && ff_event_decode(line, n, &ev, why, sizeof why) == FF_OK) {
            go = fn(&ev, ctx);
            if (ev.payload)
                explicit_bzero(ev.payload, strlen(ev.payload));
            ff_event_clear(&ev);
        }
        line += n + 1;
    }
out_wipe:
    if (buf) {
        explicit_bzero(buf, len);
        free(buf);
    }
    return e;
}

struct article_scan {
    const char *id, *lang;
    char *title, *body;
    size_t title_size, body_size;
    bool exact; /* found in the wanted language (an English one may be replaced) */
};

static void copy_str(const cJSON *o, const char *key, char *to, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    snprintf(to, size, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

static bool article_fn(const struct ff_event *ev, void *ctx)
{
    struct article_scan *a = ctx;
    if (strcmp(ev->type, "kb.published") != 0 || strcmp(ev->entity_id, a->id) != 0)
        return true;
    cJSON *p = cJSON_Parse(ev->payload);
    const cJSON *lang = cJSON_GetObjectItemCaseSensitive(p, "lang");
    if (cJSON_IsString(lang)) {
        bool exact = strcmp(lang->valuestring, a->lang) == 0;
        if (exact || (!a->exact && strcmp(lang->valuestring, "en") == 0)) {
            copy_str(p, "title", a->title, a->title_size);
            copy_str(p, "body", a->body, a->body_size);
            a->exact = exact;
        }
    }
    cJSON_Delete(p);
    return true;
}

enum ff_err ff_kiosk_log_article(struct ff_store *s, const char *id, const char *lang, char *title,
                                 size_t title_size, char *body, size_t body_size)
{
    struct article_scan a = {id, lang, title, body, title_size, body_size, false};
    title[0] = body[0] = '\0';
    return ff_kiosk_log_scan(s, article_fn, &a);
}

#define MAX_ENGINEERS 256 /* engineers whose availability one kiosk considers */

struct slot_scan {
    char *id[MAX_ENGINEERS];      /* engineer ids, owned */
    char *payload[MAX_ENGINEERS]; /* each one's latest availability payload, owned */
    size_t n;
    bool nomem;
};

static bool slot_fn(const struct ff_event *ev, void *ctx)
{
    struct slot_scan *sc = ctx;
    if (strcmp(ev->type, "engineer.availability_published") != 0)
        return true;
    size_t i = 0;
    while (i < sc->n && strcmp(sc->id[i], ev->entity_id) != 0)
        i++;
    if (i == MAX_ENGINEERS)
        return true;
    char *copy = strdup(ev->payload);
    if (!copy || (i == sc->n && !(sc->id[i] = strdup(ev->entity_id)))) {
        free(copy);
        sc->nomem = true;
        return false;
    }
    if (i == sc->n)
        sc->n++;
    free(sc->payload[i]); /* a later publication replaces the earlier one */
    sc->payload[i] = copy;
    return true;
}

static bool in_window(int64_t start, int64_t from_ms, int wh0, int wh1)
{
    if (start < from_ms)
        return false;
    if (wh0 >= wh1)
        return true;
    int h = (int)((start / 3600000) % 24);
    return h >= wh0 && h < wh1;
}

/* The engineer's slots after best's start in the window, earliest first, as alternatives. */
static void alternatives_of(const char *payload, int64_t from_ms, int wh0, int wh1,
                            struct ff_kiosk_slot *best)
{
    cJSON *p = cJSON_Parse(payload);
    const cJSON *slot;
    best->nalt = 0;
    cJSON_ArrayForEach(slot, cJSON_GetObjectItemCaseSensitive(p, "slots"))
    {
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(slot, "start");
        const cJSON *en = cJSON_GetObjectItemCaseSensitive(slot, "end");
        if (!cJSON_IsNumber(st) || !cJSON_IsNumber(en))
            continue;
        int64_t start = (int64_t)st->valuedouble, end = (int64_t)en->valuedouble;
        if (!in_window(start, from_ms, wh0, wh1) || start <= best->start_ms)
            continue;
        int i = best->nalt; /* insertion into the sorted few */
        while (i > 0 && best->alt_start[i - 1] > start)
            i--;
        if (i >= FF_KIOSK_ALTERNATIVES)
            continue;
        int last = best->nalt < FF_KIOSK_ALTERNATIVES ? best->nalt : FF_KIOSK_ALTERNATIVES - 1;
        for (int j = last; j > i; j--) {
            best->alt_start[j] = best->alt_start[j - 1];
            best->alt_end[j] = best->alt_end[j - 1];
        }
        best->alt_start[i] = start;
        best->alt_end[i] = end;
        best->nalt = last + 1;
    }
    cJSON_Delete(p);
}

static void best_of(const char *engineer, const char *payload, int64_t from_ms, int wh0, int wh1,
                    struct ff_kiosk_slot *best, bool *found)
{
    cJSON *p = cJSON_Parse(payload);
    const cJSON *slot;
    cJSON_ArrayForEach(slot, cJSON_GetObjectItemCaseSensitive(p, "slots"))
    {
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(slot, "start");
        const cJSON *en = cJSON_GetObjectItemCaseSensitive(slot, "end");
        if (!cJSON_IsNumber(st) || !cJSON_IsNumber(en))
            continue;
        int64_t start = (int64_t)st->valuedouble, end = (int64_t)en->valuedouble;
        if (!in_window(start, from_ms, wh0, wh1) || (*found && start >= best->start_ms))
            continue;
        snprintf(best->engineer_id, sizeof best->engineer_id, "%s", engineer);
        best->start_ms = start;
        best->end_ms = end;
        *found = true;
    }
    cJSON_Delete(p);
}

enum ff_err ff_kiosk_log_slot(struct ff_store *s, int64_t from_ms, int window_start_h,
                              int window_end_h, struct ff_kiosk_slot *out, bool *found)
{
    memset(out, 0, sizeof *out);
    *found = false;
    struct slot_scan sc;
    memset(&sc, 0, sizeof sc);
    enum ff_err e = ff_kiosk_log_scan(s, slot_fn, &sc);
    if (!e && sc.nomem)
        e = FF_ENOMEM;
    for (size_t i = 0; i < sc.n && !e; i++)
        best_of(sc.id[i], sc.payload[i], from_ms, window_start_h, window_end_h, out, found);
    for (size_t i = 0; i < sc.n && !e && *found; i++)
        if (!strcmp(sc.id[i], out->engineer_id))
            alternatives_of(sc.payload[i], from_ms, window_start_h, window_end_h, out);
    for (size_t i = 0; i < sc.n; i++) {
        free(sc.id[i]);
        free(sc.payload[i]);
    }
    return e;
}

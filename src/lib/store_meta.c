/* store_meta.c - small named values kept in the store for the layers above it (sync state:
 * server URL, pin, tokens, cursor; the server's rules: their own bookmarks).
 *
 * Workload: a few reads and writes per sync pass, values of at most a few KiB. Keys are
 * namespaced "area.name" ("sync.cursor"); the store's own bookkeeping keys (device, hlc,
 * sent, erasures) have no dot and are never reachable from here, so no caller can move the
 * clock or the push mark behind the store's back. A write is one transaction, or joins the
 * open batch (a sync page: imported events and its cursor commit together).
 */
#include <string.h>

#include "fieldflow/mem.h"
#include "store_int.h"

static enum ff_err check_key(struct ff_store *s, const char *key)
{
    size_t n = key ? strlen(key) : 0;
    const char *dot = key ? strchr(key, '.') : NULL;
    if (n == 0 || n > FF_STORE_META_KEY_MAX || !dot || dot == key || !dot[1])
        return ff_store__fail(s, FF_EINVAL, "meta key '%s': must be 'area.name', at most %d bytes",
                              key ? key : "(null)", FF_STORE_META_KEY_MAX);
    return FF_OK;
}

enum ff_err ff_store_meta_get(struct ff_store *s, const char *key, char **out)
{
    *out = NULL;
    enum ff_err e = check_key(s, key);
    if (e)
        return e;
    char *buf = ff_malloc(FF_STORE_META_VALUE_MAX + 1);
    if (!buf)
        return ff_store__fail(s, FF_ENOMEM, "meta %s: out of memory", key);
    bool found = false;
    e = s->be->meta_get(s, key, buf, FF_STORE_META_VALUE_MAX + 1, &found);
    if (e || !found) {
        ff_free(buf);
        return e;
    }
    *out = buf;
    return FF_OK;
}

enum ff_err ff_store_meta_set(struct ff_store *s, const char *key, const char *value)
{
    enum ff_err e = check_key(s, key);
    if (e)
        return e;
    if (value && strlen(value) > FF_STORE_META_VALUE_MAX)
        return ff_store__fail(s, FF_ELIMIT, "meta %s: value of %zu bytes, at most %d", key,
                              strlen(value), FF_STORE_META_VALUE_MAX);
    if ((e = ff_store__write_begin(s)))
        return e;
    struct ff_cell c = {.kind = value ? FF_CELL_TEXT : FF_CELL_NULL, .text = value};
    return ff_store__write_end(s, s->be->meta_set(s, key, &c));
}

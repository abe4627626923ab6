/* kiosk_sync.c - see kiosk_sync.h. A thin owner of one ff_sync handle and a "changed" flag
 * the sync thread sets and the frame loop takes. */
#include "kiosk_sync.h"

#include <stdatomic.h>
#include <stdio.h>

#include "fieldflow/mem.h"

struct ff_kiosk_sync {
    struct ff_sync *sync; /* the engine; owned */
    atomic_bool changed;  /* set by the sync thread, taken by ff_kiosk_sync_changed */
};

static void on_change(void *arg)
{
    struct ff_kiosk_sync *s = arg;
    atomic_store(&s->changed, true);
}

enum ff_err ff_kiosk_sync_open(const char *path, struct ff_kiosk_sync **out, char *why,
                               size_t why_len)
{
    *out = NULL;
    struct ff_sync_config cfg = {.db_path = path, .retries = -1, .connect_timeout_ms = 5000};
    struct ff_sync *c = NULL;
    if (ff_sync_open(&cfg, &c, why, why_len))
        return FF_EIO;
    if (!ff_sync_enrolled(c)) {
        ff_sync_close(c);
        return FF_OK;
    }
    struct ff_kiosk_sync *s = ff_calloc(1, sizeof *s);
    if (!s) {
        ff_sync_close(c);
        snprintf(why, why_len, "out of memory");
        return FF_ENOMEM;
    }
    s->sync = c;
    atomic_init(&s->changed, false);
    if (ff_sync_start(c, on_change, s)) {
        snprintf(why, why_len, "%s", ff_sync_errmsg(c));
        ff_kiosk_sync_close(s);
        return FF_EIO;
    }
    *out = s;
    return FF_OK;
}

void ff_kiosk_sync_close(struct ff_kiosk_sync *s)
{
    if (!s)
        return;
    ff_sync_stop(s->sync);
    struct ff_sync_state st;
    ff_sync_snapshot(s->sync, &st);
    if (!st.refused)
        ff_sync_once(s->sync, 0, NULL);
    ff_sync_close(s->sync);
    ff_free(s);
}

void ff_kiosk_sync_poke(struct ff_kiosk_sync *s)
{
    if (s)
        ff_sync_poke(s->sync);
}

bool ff_kiosk_sync_changed(struct ff_kiosk_sync *s)
{
    return s && atomic_exchange(&s->changed, false);
}

void ff_kiosk_sync_state(struct ff_kiosk_sync *s, struct ff_sync_state *out)
{
    ff_sync_snapshot(s->sync, out);
}

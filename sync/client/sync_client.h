/* sync_client.h - the device's side of sync/PROTOCOL.md: enrol, push what is pending, pull
 * what is new, on demand (ffctl sync) or on a background thread of the app.
 *
 * A handle owns its own connection to the device store (the file at cfg.db_path; the app's
 * own handle on the same file goes on writing, WAL) and its own libcurl easy handle. Sync
 * state (server URL, pin, tokens, cursor, rejected events) lives in the store under "sync.*"
 * (ff_store_meta_*), so a pass interrupted anywhere resumes from what was committed: the push
 * mark moves only to what the server acknowledged after its commit, the pull cursor only with
 * the page it belongs to, in one transaction.
 *
 * Trust: the pin (sha256//BASE64 of the server key) is required and checked on every
 * connection. At enrolment the client first tries the system's CAs; if the chain verifies the
 * device keeps verifying it ("ca" mode), else (a self-signed server) the pin alone is the
 * trust ("pin" mode: chain and host name checks off, the key must match the pin). A mismatch
 * is never downgraded.
 *
 * Ownership: arguments are borrowed; const char * results belong to the handle. One thread
 * uses a handle at a time, except ff_sync_snapshot and ff_sync_poke, which any thread may call
 * while the background thread runs.
 */
#ifndef FF_SYNC_CLIENT_H
#define FF_SYNC_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a sync call came to; the handle's errmsg says why. */
enum ff_sync_err {
    FF_SYNC_OK = 0,
    FF_SYNC_REFUSED,     /* the server or the pin refuses this device: pin mismatch, revoked,
                            enrol again, enrolment code invalid. Retrying will not help. */
    FF_SYNC_UNREACHABLE, /* network, TLS handshake, timeout, 5xx, 429: retry later, nothing
                            lost */
    FF_SYNC_PROTOCOL,    /* the server's reply broke the protocol (bad JSON, no progress) */
    FF_SYNC_LOCAL,       /* the device store or memory failed */
    FF_SYNC_NOT_ENROLLED /* the store has no server: enrol first */
};
const char *ff_sync_strerror(enum ff_sync_err e);

struct ff_sync_config {
    const char *db_path;    /* the device store (required) */
    int connect_timeout_ms; /* TCP + TLS handshake; 0 = 10000 */
    int timeout_ms;         /* one request, on top of a long-poll's wait; 0 = 30000 */
    int retries;            /* ff_sync_once: more attempts after an UNREACHABLE; < 0 = none,
                               0 = 3 */
    int backoff_base_ms;    /* first retry delay; 0 = 500 */
    int backoff_max_ms;     /* cap on a retry delay; 0 = 60000 */
    int pull_limit;         /* events per pull page; 0 = 1000 */
    int wait_s;             /* background thread: long-poll seconds when idle; 0 = 25 */
};

struct ff_sync;

/* Opens the store at cfg->db_path (creating it if new) and prepares libcurl. why gets the
 * reason of a failure. */
enum ff_sync_err ff_sync_open(const struct ff_sync_config *cfg, struct ff_sync **out, char *why,
                              size_t why_len);
void ff_sync_close(struct ff_sync *c); /* stops the thread first; NULL is fine */
const char *ff_sync_errmsg(const struct ff_sync *c);

/* Enrols the device with a one-time code: checks the pin, sends the store's device id, and
 * saves server URL, pin, TLS mode, tokens, scope and an empty cursor in the store. name
 * (may be NULL) is shown on the server. REFUSED for a bad code or pin. */
enum ff_sync_err ff_sync_enrol(struct ff_sync *c, const char *url, const char *pin,
                               const char *code, const char *name);
/* The store has a server configured (enrolled). */
bool ff_sync_enrolled(struct ff_sync *c);

/* What one pass did. */
struct ff_sync_counts {
    int64_t pushed;   /* own events the server settled this pass (applied or duplicate) */
    int64_t pulled;   /* events new to this store */
    int64_t pending;  /* own events still waiting after it */
    int64_t rejected; /* own events the server refused, in total (kept, shown) */
};

/* One pass: pushes everything pending, then pulls until caught up. wait_s > 0: once caught
 * up, one more long-poll of at most wait_s seconds for what comes next (a server answer).
 * Retries an UNREACHABLE cfg.retries times with backoff. *counts (may be NULL) is filled
 * in also on failure (what got through). */
enum ff_sync_err ff_sync_once(struct ff_sync *c, int wait_s, struct ff_sync_counts *counts);

/* Sync state, for a status line or a staff screen. */
struct ff_sync_state {
    bool enrolled;        /* a server is configured */
    bool online;          /* the last exchange reached the server */
    bool running;         /* a pass is under way */
    int64_t last_sync_ms; /* end of the last successful pass (0: never) */
    int64_t pending;      /* own events waiting to be pushed */
    int64_t rejected;     /* own events the server refused */
    int64_t pushed;       /* progress of the running pass: pushed so far... */
    int64_t push_total;   /* ...of this many */
    int64_t pulled;       /* events pulled so far in this pass */
    bool refused;         /* the last error was REFUSED: it will not heal by waiting */
    char last_error[256]; /* "" or why the last pass failed */
};
/* Any thread: the latest state (the thread's, else what the store says). */
void ff_sync_snapshot(struct ff_sync *c, struct ff_sync_state *out);

/* The state as JSON {server, device, pending, rejected, cursor, last_sync, online}
 * (ffctl sync --status). *out is the caller's (free with ff_free). */
enum ff_sync_err ff_sync_status_json(struct ff_sync *c, char **out);

/* Background thread: syncs now, then whenever poked or something arrives (long-poll), with
 * backoff after failures; never blocks the caller. start on a running handle is a no-op;
 * stop aborts a transfer in flight and joins. on_change (may be NULL) is called from the
 * sync thread after a pass that pulled something or changed the state. */
enum ff_sync_err ff_sync_start(struct ff_sync *c, void (*on_change)(void *arg), void *arg);
void ff_sync_poke(struct ff_sync *c); /* something to push: wake the thread now */
void ff_sync_stop(struct ff_sync *c);

/* Retry delay before attempt `attempt` (0 = first retry): base * 2^attempt, capped at max,
 * with "equal jitter" (a uniform half of it random) so devices that failed together do not
 * retry together. *seed is the caller's PRNG state (any value). */
int64_t ff_sync_backoff_ms(int attempt, int64_t base_ms, int64_t max_ms, uint64_t *seed);

#endif

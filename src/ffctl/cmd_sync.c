/* cmd_sync.c - `ffctl sync`: enrol the device store with a server, sync once, or show the
 * sync state (sync/PROTOCOL.md; the engine is sync/client).
 *
 * Exit codes: 0 done; 1 refused (pin mismatch, revoked, "enrol again", code refused, not
 * enrolled: the message says which); 2 usage; 3 the server stayed unreachable after the
 * retries (nothing is lost: the events stay queued) or the store failed. A usage error is
 * found before the store is opened and creates nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ffctl.h"
#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "sync_client.h"

struct sync_args {
    const char *db;     /* --db PATH, NULL for the default */
    const char *server; /* --server URL (enrolment) */
    const char *pin;    /* --pin sha256//... (enrolment) */
    const char *code;   /* --enrol CODE */
    const char *name;   /* --name NAME shown on the server (enrolment) */
    int wait_s;         /* --wait SECONDS: one long-poll once caught up */
    int retries;        /* --retries N: more attempts while unreachable */
    bool status;        /* --status */
};

static void usage(FILE *to)
{
    fprintf(to, "usage: ffctl sync --db DEVICE.db --server https://HOST:PORT --pin sha256//... "
                "--enrol CODE [--name NAME]\n"
                "       ffctl sync --db DEVICE.db [--wait SECONDS] [--retries N]\n"
                "       ffctl sync --db DEVICE.db --status\n"
                "The first form enrols the device store with a one-time code (the pin is the one\n"
                "fieldflow-server prints), saves server, pin and tokens in the store, then syncs.\n"
                "The second pushes every pending event and pulls until caught up; --wait then\n"
                "waits up to SECONDS for what comes next (a server answer). It prints\n"
                "  sync: pushed N, pulled M, pending K, rejected R\n"
                "--status prints {server, device, pending, rejected, cursor, last_sync, online}.\n"
                "exit: 0 done, 1 refused (pin mismatch, revoked, enrol again), 2 usage,\n"
                "      3 server unreachable after retries (nothing lost) or store failure\n");
}

static bool int_arg(const char *s, int max, int *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!s[0] || *end || v < 0 || v > max)
        return false;
    *out = (int)v;
    return true;
}

static int parse(int argc, char **argv, struct sync_args *a)
{
    static const char *const valued[] = {"--db",   "--server", "--pin",    "--enrol",
                                         "--name", "--wait",   "--retries"};
    a->retries = -1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage(stdout);
            return -1;
        }
        if (!strcmp(s, "--status")) {
            a->status = true;
            continue;
        }
        size_t k = 0;
        while (k < sizeof valued / sizeof valued[0] && strcmp(s, valued[k]))
            k++;
        if (k == sizeof valued / sizeof valued[0])
            return ffctl_bad_arg("sync", s, false);
        if (i + 1 >= argc || !argv[i + 1][0])
            return ffctl_bad_arg("sync", s, true);
        const char *v = argv[++i];
        const char **slot[] = {&a->db, &a->server, &a->pin, &a->code, &a->name};
        if (k < 5) {
            *slot[k] = v;
        } else if (!int_arg(v, k == 5 ? 30 : 100, k == 5 ? &a->wait_s : &a->retries)) {
            fprintf(stderr, "ffctl sync: %s '%s': must be an integer 0..%d\n", s, v,
                    k == 5 ? 30 : 100);
            return FFCTL_USAGE;
        }
    }
    bool enrol = a->server || a->pin || a->code || a->name;
    if (enrol && (!a->server || !a->pin || !a->code)) {
        fprintf(stderr, "ffctl sync: enrolling needs --server, --pin and --enrol together\n");
        return FFCTL_USAGE;
    }
    if (a->status && (enrol || a->wait_s)) {
        fprintf(stderr, "ffctl sync: --status takes only --db\n");
        return FFCTL_USAGE;
    }
    return FFCTL_OK;
}

static int exit_code(enum ff_sync_err e)
{
    switch (e) {
    case FF_SYNC_OK:
        return FFCTL_OK;
    case FF_SYNC_REFUSED:
    case FF_SYNC_NOT_ENROLLED:
        return FFCTL_REFUSED;
    default:
        return FFCTL_FAILURE;
    }
}

static int report(struct ff_sync *c, enum ff_sync_err e, const struct ff_sync_counts *n)
{
    if (e == FF_SYNC_NOT_ENROLLED) {
        fprintf(stderr, "ffctl sync: %s\n", ff_sync_errmsg(c));
        return FFCTL_REFUSED;
    }
    printf("sync: pushed %lld, pulled %lld, pending %lld, rejected %lld\n", (long long)n->pushed,
           (long long)n->pulled, (long long)n->pending, (long long)n->rejected);
    if (e)
        fprintf(stderr, "ffctl sync: %s: %s\n", ff_sync_strerror(e), ff_sync_errmsg(c));
    return exit_code(e);
}

int ffctl_sync(int argc, char **argv)
{
    struct sync_args a = {0};
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc < 0 ? FFCTL_OK : rc;
    char path[1024];
    if (!a.db && ff_store_default_path(path, sizeof path)) {
        fprintf(stderr, "ffctl sync: no default store path; give --db\n");
        return FFCTL_FAILURE;
    }
    struct ff_sync_config cfg = {.db_path = a.db ? a.db : path, .retries = a.retries};
    struct ff_sync *c = NULL;
    char why[512] = "";
    enum ff_sync_err e = ff_sync_open(&cfg, &c, why, sizeof why);
    if (e) {
        fprintf(stderr, "ffctl sync: %s: %s\n", cfg.db_path, why);
        return FFCTL_FAILURE;
    }
    struct ff_sync_counts n = {0};
    if (a.status) {
        char *json = NULL;
        if (!(e = ff_sync_status_json(c, &json)))
            printf("%s\n", json);
        else
            fprintf(stderr, "ffctl sync: %s\n", ff_sync_errmsg(c));
        ff_free(json);
        rc = e ? FFCTL_FAILURE : FFCTL_OK;
    } else if (a.code && (e = ff_sync_enrol(c, a.server, a.pin, a.code, a.name))) {
        fprintf(stderr, "ffctl sync: %s: %s\n", ff_sync_strerror(e), ff_sync_errmsg(c));
        rc = exit_code(e);
    } else {
        if (a.code)
            printf("enrolled %s with %s\n", cfg.db_path, a.server);
        rc = report(c, ff_sync_once(c, a.wait_s, &n), &n);
    }
    ff_sync_close(c);
    return rc;
}

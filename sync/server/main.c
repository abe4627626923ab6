/* main.c - the fieldflow-server program: `serve` (the default) and the administrator's
 * commands enrol-code, revoke, backup, restore and pin. Exit codes: 0 done, 1 failed (the
 * message says why), 2 usage. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "srv_auth.h"
#include "srv_config.h"
#include "srv_log.h"
#include "srv_server.h"
#include "srv_store.h"
#include "srv_tls.h"

#include "fieldflow/mem.h"

static const char USAGE[] =
    "usage: fieldflow-server [serve] [--config FILE] [--listen HOST:PORT] [--db URL]\n"
    "                        [--data DIR] [--cert FILE --key FILE] [--instance NAME]\n"
    "                        [--threads N] [--access-ttl SECONDS]\n"
    "       fieldflow-server enrol-code [--db URL] --kind kiosk|engineer|desk [--site S]\n"
    "                        [--engineer E] [--ttl SECONDS]\n"
    "       fieldflow-server enrol-code [--db URL] --device ID [--ttl SECONDS]\n"
    "                        (enrols a known device again: revoked, or offline too long)\n"
    "       fieldflow-server revoke [--db URL] DEVICE\n"
    "       fieldflow-server backup --db sqlite:PATH OUT.db    (online, while serving)\n"
    "       fieldflow-server restore --db sqlite:PATH IN.db    (server stopped; new epoch)\n"
    "       fieldflow-server pin --data DIR | --cert FILE\n"
    "\n"
    "  --listen    default 127.0.0.1:8443 (port 0: a free port)\n"
    "  --data      default $XDG_STATE_HOME/fieldflow-server: the self-signed cert.pem/key.pem\n"
    "              made on first start without --cert/--key, attachments/, fold-NAME.db\n"
    "  --db        default sqlite:DATA/server.db, or postgresql://...\n"
    "  --instance  default main (its decisions are events of device server-NAME)\n"
    "  --config    a file of `key = value` lines with the same keys; flags override it\n"
    "serve prints `listening https://HOST:PORT` and `pin sha256//...`, then JSON logs on\n"
    "stderr; SIGTERM or SIGINT stop it gracefully.\n";

/* What one command line says beyond the config. */
struct args {
    const char *cmd;
    const char *kind, *site, *engineer, *ttl, *device;
    const char *operand; /* DEVICE, OUT.db, IN.db */
    int operands;
};

/* Says "fieldflow-server: WHAT DETAIL" and the usage; returns the usage exit code. */
static int usage_error(const char *what, const char *detail)
{
    fprintf(stderr, "fieldflow-server: %s%s%s\n%s", what, detail ? " " : "", detail ? detail : "",
            USAGE);
    return 2;
}

static int parse(int argc, char **argv, struct srv_config *cfg, struct args *a)
{
    memset(a, 0, sizeof *a);
    a->cmd = "serve";
    int i = 1;
    if (argc > 1 && argv[1][0] != '-')
        a->cmd = argv[i++];
    char why[1200];
    for (int k = i; k + 1 < argc; k++)
        if (!strcmp(argv[k], "--config") && srv_config_file(cfg, argv[k + 1], why, sizeof why)) {
            fprintf(stderr, "fieldflow-server: %s\n", why);
            return 1;
        }
    for (; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            fputs(USAGE, stdout);
            return -1;
        }
        if (strncmp(o, "--", 2)) {
            a->operand = o;
            a->operands++;
            continue;
        }
        if (i + 1 >= argc)
            return usage_error(o, "needs a value");
        const char *v = argv[++i];
        const char **slot = !strcmp(o, "--kind")       ? &a->kind
                            : !strcmp(o, "--site")     ? &a->site
                            : !strcmp(o, "--engineer") ? &a->engineer
                            : !strcmp(o, "--ttl")      ? &a->ttl
                            : !strcmp(o, "--device")   ? &a->device
                                                       : NULL;
        if (slot) {
            *slot = v;
            continue;
        }
        if (!strcmp(o, "--config"))
            continue;
        enum ff_err e = srv_config_set(cfg, o + 2, v, why, sizeof why);
        if (e == FF_ENOTFOUND)
            return usage_error("unknown option", o);
        if (e) {
            fprintf(stderr, "fieldflow-server: %s\n", why);
            return 2;
        }
    }
    if (srv_config_finish(cfg, why, sizeof why)) {
        fprintf(stderr, "fieldflow-server: %s\n", why);
        return 2;
    }
    return 0;
}

static int serve(const struct srv_config *cfg, const struct args *a)
{
    if (a->operands)
        return usage_error("serve takes no operand:", a->operand);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* every thread started below inherits it */
    signal(SIGPIPE, SIG_IGN);
    struct srv_server *s;
    int port;
    char why[1200];
    enum ff_err e = srv_server_start(cfg, &s, &port, why, sizeof why);
    if (e) {
        fprintf(stderr, "fieldflow-server: %s\n", why);
        return 1;
    }
    bool v6 = strchr(cfg->host, ':') != NULL;
    printf("listening https://%s%s%s:%d\npin %s\n", v6 ? "[" : "", cfg->host, v6 ? "]" : "", port,
           srv_server_pin(s));
    fflush(stdout);
    srv_log("info", "started", NULL);
    int sig = 0;
    sigwait(&stop, &sig);
    srv_log("info", "stopping", NULL);
    srv_server_stop(s);
    srv_log("info", "stopped", NULL);
    return 0;
}

static int fail_store(struct srv_store *st, const char *what, enum ff_err e)
{
    fprintf(stderr, "fieldflow-server: %s: %s\n", what,
            st && srv_store_errmsg(st)[0] ? srv_store_errmsg(st) : ff_strerror(e));
    srv_store_close(st);
    return 1;
}

static int open_store(const struct srv_config *cfg, struct srv_store **st)
{
    char why[512];
    if (srv_store_open(cfg->db, st, why, sizeof why)) {
        fprintf(stderr, "fieldflow-server: %s\n", why);
        return 1;
    }
    return 0;
}

static int64_t now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static int enrol_code(const struct srv_config *cfg, const struct args *a)
{
    enum srv_kind kind = SRV_KIND_DESK;
    if (a->device && (a->kind || a->site || a->engineer))
        return usage_error("--device keeps the device's kind, site and engineer: drop", "--kind");
    if (a->device && !ff_event_id_valid(a->device))
        return usage_error("--device: not a device id:", a->device);
    if (!a->kind && !a->device)
        return usage_error("enrol-code needs --kind (or --device ID)", NULL);
    if (a->device) /* the code keeps the device's own kind, site and engineer */
        kind = SRV_KIND_DESK;
    else if (!strcmp(a->kind, "kiosk"))
        kind = SRV_KIND_KIOSK;
    else if (!strcmp(a->kind, "engineer"))
        kind = SRV_KIND_ENGINEER;
    else if (strcmp(a->kind, "desk"))
        return usage_error("--kind: want kiosk, engineer or desk, got", a->kind);
    if (kind == SRV_KIND_KIOSK && (!a->site || !ff_event_id_valid(a->site)))
        return usage_error("--kind kiosk needs --site S ([A-Za-z0-9._-]{1,64})", NULL);
    if (kind == SRV_KIND_ENGINEER && (!a->engineer || !ff_event_id_valid(a->engineer)))
        return usage_error("--kind engineer needs --engineer E ([A-Za-z0-9._-]{1,64})", NULL);
    char *end = NULL;
    long ttl = a->ttl ? strtol(a->ttl, &end, 10) : SRV_CODE_TTL_S;
    if (a->ttl && (*end || ttl < 1 || ttl > 30L * 24 * 3600))
        return usage_error("--ttl: want 1 to 2592000 seconds, got", a->ttl);
    if (a->operands)
        return usage_error("enrol-code takes no operand:", a->operand);
    struct srv_store *st;
    if (open_store(cfg, &st))
        return 1;
    char code[12];
    uint8_t hash[32];
    enum ff_err e = srv_auth_code_new(code, hash);
    if (!e && a->device)
        e = srv_store_code_add_again(st, hash, a->device, now_ms() + ttl * 1000);
    else if (!e)
        e = srv_store_code_add(st, hash, kind, kind == SRV_KIND_KIOSK ? a->site : "",
                               kind == SRV_KIND_ENGINEER ? a->engineer : "", now_ms() + ttl * 1000);
    if (e)
        return fail_store(st, "enrol-code", e);
    srv_store_close(st);
    printf("%s\n", code);
    return 0;
}

static int one_operand(const struct args *a, const char *what)
{
    if (a->operands != 1)
        return usage_error("needs exactly one operand:", what);
    return 0;
}

static int store_command(const struct srv_config *cfg, const struct args *a)
{
    static const char *const names[] = {"DEVICE", "OUT.db", "IN.db"};
    int which = !strcmp(a->cmd, "revoke") ? 0 : !strcmp(a->cmd, "backup") ? 1 : 2;
    if (one_operand(a, names[which]))
        return 2;
    struct srv_store *st;
    if (open_store(cfg, &st))
        return 1;
    enum ff_err e = which == 0   ? srv_store_revoke(st, a->operand)
                    : which == 1 ? srv_store_backup(st, a->operand)
                                 : srv_store_restore(st, a->operand);
    if (e == FF_ENOTFOUND && which == 0) {
        fprintf(stderr, "fieldflow-server: revoke: no device '%s'\n", a->operand);
        srv_store_close(st);
        return 1;
    }
    if (e)
        return fail_store(st, a->cmd, e);
    srv_store_close(st);
    printf("%s: done\n", a->cmd);
    return 0;
}

static int pin(const struct srv_config *cfg)
{
    char *cert = NULL, *key = NULL, path[SRV_PATH_MAX + 16], why[1200], out[SRV_PIN_MAX];
    if (cfg->cert[0])
        snprintf(path, sizeof path, "%s", cfg->cert);
    else
        snprintf(path, sizeof path, "%s/cert.pem", cfg->data);
    enum ff_err e = srv_tls_load(path, NULL, &cert, &key, why, sizeof why);
    if (!e)
        e = srv_tls_pin(cert, out, why, sizeof why);
    ff_free(cert);
    if (e) {
        fprintf(stderr, "fieldflow-server: pin: %s\n", why);
        return 1;
    }
    printf("pin %s\n", out);
    return 0;
}

int main(int argc, char **argv)
{
    struct srv_config cfg;
    struct args a;
    srv_config_defaults(&cfg);
    int rc = parse(argc, argv, &cfg, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!strcmp(a.cmd, "serve"))
        return serve(&cfg, &a);
    if (!strcmp(a.cmd, "enrol-code"))
        return enrol_code(&cfg, &a);
    if (!strcmp(a.cmd, "revoke") || !strcmp(a.cmd, "backup") || !strcmp(a.cmd, "restore"))
        return store_command(&cfg, &a);
    if (!strcmp(a.cmd, "pin"))
        return pin(&cfg);
    return usage_error("unknown command", a.cmd);
}

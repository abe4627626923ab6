/* srv_config.h - fieldflow-server's settings: defaults, a config file of `key = value`
 * lines (# comments), and flags that override the file (the same keys as --key VALUE). */
#ifndef FF_SRV_CONFIG_H
#define FF_SRV_CONFIG_H

#include <stddef.h>

#include "fieldflow/err.h"
#include "srv_store.h"

#define SRV_PATH_MAX 1024

struct srv_config {
    char host[64];           /* listen address (numeric IPv4 or IPv6) */
    int port;                /* 0: a free port */
    char db[SRV_PATH_MAX];   /* store URL; "" until srv_config_finish */
    char data[SRV_PATH_MAX]; /* data directory */
    char cert[SRV_PATH_MAX]; /* PEM files; both "" = the data directory's pair */
    char key[SRV_PATH_MAX];
    char instance[SRV_NAME_MAX + 1]; /* this instance's name */
    int threads;                     /* worker threads and store connections */
    int access_ttl;                  /* seconds an access token lives (tests shorten it) */
};

/* Defaults: 127.0.0.1:8443, data $XDG_STATE_HOME/fieldflow-server (or
 * ~/.local/state/fieldflow-server), instance "main", 8 threads. */
void srv_config_defaults(struct srv_config *c);
/* One setting by its key (listen, db, data, cert, key, instance, threads, access-ttl).
 * FF_ENOTFOUND for an unknown key, FF_EINVALID for a bad value; why says which. */
enum ff_err srv_config_set(struct srv_config *c, const char *key, const char *value, char *why,
                           size_t why_len);
/* Reads a config file; a refusal says FILE:LINE:COLUMN and what. */
enum ff_err srv_config_file(struct srv_config *c, const char *path, char *why, size_t why_len);
/* Fills what depends on other settings (db = sqlite:DATA/server.db when unset); checks that
 * cert and key come together. */
enum ff_err srv_config_finish(struct srv_config *c, char *why, size_t why_len);

#endif

/* srv_server.h - one running fieldflow-server: its data directory, certificate and pin, store
 * pool, HTTP daemon and rules thread, started and stopped as a whole. */
#ifndef FF_SRV_SERVER_H
#define FF_SRV_SERVER_H

#include <stddef.h>

#include "fieldflow/err.h"
#include "srv_config.h"

struct srv_server;

/* Starts everything cfg describes (cfg is copied). On failure nothing is left running and
 * why says what. *port: the port it listens on (the free one when cfg->port is 0). */
enum ff_err srv_server_start(const struct srv_config *cfg, struct srv_server **out, int *port,
                             char *why, size_t why_len);
const char *srv_server_pin(const struct srv_server *s);
/* Graceful: stops accepting, lets in-flight requests finish, stops the rules thread, closes
 * the stores. NULL is fine. */
void srv_server_stop(struct srv_server *s);

#endif

/* srv_rules.h - the server's own rules: an instance folds the global log into a store of its
 * own with the library's fold (the same code as the devices) and decides what only the server
 * may decide: visit requests confirmed or rejected in arrival order, time limits that passed,
 * and erasure carried into the global log. Its decisions are events of the device
 * "server-NAME", stored through srv_store_decide, so each is taken exactly once even with
 * several instances over one database (instance names must differ).
 *
 * One handle is used by one thread (the server runs srv_rules_step in a loop on its own
 * thread). On failure nothing is half-done: what a step folded or decided is committed or
 * redone by the next step, and srv_rules_errmsg() says what and where.
 */
#ifndef FF_SRV_RULES_H
#define FF_SRV_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"

struct srv_rules;
struct ff_store;

/* url: the global log (srv_store_open); fold_path: this instance's device-format store (ff_store)
 * that folds the global log with the library's fold; instance: NAME (its decisions are events of
 * device "server-NAME"). */
enum ff_err srv_rules_open(const char *url, const char *fold_path, const char *instance,
                           struct srv_rules **out, char *why, size_t why_len);
void srv_rules_close(struct srv_rules *r); /* NULL is fine */
/* Folds what is new in the global log (in gseq order) into the fold store, then decides what is
 * due: visit requests confirmed/rejected in arrival order (once per visit: srv_store_decide key
 * "visit:<id>"; a request may rank alternatives, the next free one is taken), passed time limits
 * (case.time_limit_breached + case.escalated, key "breach:<case>:<due>"), erasure
 * (srv_store_replace_line with the redacted lines). *progress: it did something (call again at
 * once). now_ms: the clock (tests pass a fake one). */
enum ff_err srv_rules_step(struct srv_rules *r, int64_t now_ms, bool *progress);
const char *srv_rules_errmsg(const struct srv_rules *r);
struct ff_store *srv_rules_store(struct srv_rules *r); /* the fold store, read-only use */

#endif

/* srv_log.h - structured logs: one JSON object per line on stderr ({ts, level, msg, ...}).
 * Callers pass only operational facts (endpoints, statuses, counts, durations, error codes);
 * never payloads, tokens, codes, names or addresses. */
#ifndef FF_SRV_LOG_H
#define FF_SRV_LOG_H

/* The text of errno value err in buf (strerror is not thread-safe); returns buf. */
const char *srv_strerror(int err, char buf[128]);

/* extra: further members as JSON text ("\"status\":200"), or NULL. Text in msg is escaped. */
void srv_log(const char *level, const char *msg, const char *extra);

#endif

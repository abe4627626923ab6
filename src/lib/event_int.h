/* event_int.h - the event codec's call for the store, kept out of the public event.h so that
 * no public header names a cJSON type (the library links cJSON privately).
 */
#ifndef FIELDFLOW_EVENT_INT_H
#define FIELDFLOW_EVENT_INT_H

#include <stddef.h>

#include "fieldflow/event.h"

struct cJSON;
/* ff_event_check that also hands back the parsed payload, the tree ev->payload was printed
 * from (*out_payload is the caller's, cJSON_Delete; NULL on failure). It saves the store
 * parsing the payload again to fold it. */
enum ff_err ff_event_check_parsed(struct ff_event *ev, char *why, size_t why_len,
                                  struct cJSON **out_payload);

#endif

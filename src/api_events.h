/* api_events.h: GET {base}/api-keys/{id}/events, the handler of api_events.c. */
#ifndef APIKEYS_API_EVENTS_H
#define APIKEYS_API_EVENTS_H

#include "handler.h"

/* GET {base}/api-keys/{id}/events: the audit trail of the caller's key. */
route_handler events_handle;

#endif

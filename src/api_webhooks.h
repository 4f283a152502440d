/* api_webhooks.h: the webhook routes of 9.2 (create, list, delete, deliveries, test) and the event types a webhook may ask for. */
#ifndef APIKEYS_WEBHOOKS_H
#define APIKEYS_WEBHOOKS_H

#include "handler.h"

#define WEBHOOK_SECRET_PREFIX	"whsec_"
#define WEBHOOK_SECRET_RANDOM	32
#define WEBHOOK_SECRET_LEN	(sizeof(WEBHOOK_SECRET_PREFIX) - 1 + WEBHOOK_SECRET_RANDOM)
#define WEBHOOK_EVENTS_MAX	16

/* 1 if name (len bytes) is one of 9.2's event types.  Pure. */
int webhook_event_type_known(const char *name, size_t len);

/* POST {base}/webhooks: 201 with the secret (shown once), 400, 422, 409. */
route_handler webhooks_create;

/* GET {base}/webhooks: the caller's webhooks, newest first, never a secret. */
route_handler webhooks_list;

/* DELETE {base}/webhooks/{id}: the webhook and its pending deliveries. */
route_handler webhooks_delete;

/* GET {base}/webhooks/{id}/deliveries: its 100 newest deliveries. */
route_handler webhooks_deliveries;

/* POST {base}/webhooks/{id}/test: queues a webhook.test event (202). */
route_handler webhooks_test;

#endif

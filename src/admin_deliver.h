/* admin_deliver.h: apikeys-admin deliver (admin_deliver.c). */
#ifndef APIKEYS_ADMIN_DELIVER_H
#define APIKEYS_ADMIN_DELIVER_H

#include "config.h"
#include "db.h"

/* deliver [--all-pending]: one pass of the webhook deliveries (9.2); 0, or
 * 1 after a database error. */
int admin_deliver(struct db *, const struct config *, int all);

/* prune's part for webhooks: the deliveries done (delivered or failed) more
 * than days ago and their events; says so when there were some.  0, or 1
 * after a database error. */
int admin_deliver_prune(struct db *, unsigned days);

#endif

/* admin_events.h: apikeys-admin events: a user's audit trail, deleted keys included. */
#ifndef APIKEYS_ADMIN_EVENTS_H
#define APIKEYS_ADMIN_EVENTS_H

#include "db.h"

/*
 * Prints every event of the keys of user (an e-mail address or an id), one
 * line each, newest first: created_at, key id, action, actor and address
 * ("-" for none), separated by tabs.  Returns the exit status: 0, or 1
 * after a one-line message on stderr (no such user, database error).
 */
int admin_events(struct db *, const char *user);

#endif

/* db_events.h: the audit trail's writer (db_events.c), for the query files whose transactions record events; its reader is db.h's db_key_events. */
#ifndef APIKEYS_DB_EVENTS_H
#define APIKEYS_DB_EVENTS_H

#include "db.h"

/*
 * Records one event of the audit trail (actions: generated, created,
 * rotated, updated, revoked, deleted) for key_id of user_id; details is a
 * JSON object's text or NULL.  For the body of a transaction (db_tx_run):
 * the event commits, or rolls back, with the change it records.
 */
enum db_status db_event_record(struct db *, uint64_t key_id, uint64_t user_id,
    const char *action, const struct db_actor *, const char *details, int *retry);

#endif

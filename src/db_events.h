/* db_events.h: the audit trail (db_events.c): its writer, for the query files whose transactions record events, and its reader for the events route. */
#ifndef APIKEYS_DB_EVENTS_H
#define APIKEYS_DB_EVENTS_H

#include "db.h"

#define DB_ACTION_MAX	17		/* "generated", NUL */
#define DB_ACTOR_MAX	65
#define DB_IP_MAX	46		/* an IPv6 address in text, NUL */
#define DB_DETAILS_MAX	1024		/* a JSON object's text, NUL */

/* One event of a key's audit trail, as db_key_events reads it. */
struct db_event {
	uint64_t	id;
	uint64_t	key_id;
	char		action[DB_ACTION_MAX];
	char		actor[DB_ACTOR_MAX];
	char		ip[DB_IP_MAX];
	int		ip_null;
	char		details[DB_DETAILS_MAX];
	int		details_null;
	int64_t		created_at;
};

/* Called once per event; a non-zero return stops the listing. */
typedef int db_event_cb(void *ctx, const struct db_event *);

/* Calls cb for the newest events of the user's key key_id (created_at,
 * then id, descending), at most limit.  No events is DB_OK. */
enum db_status db_key_events(struct db *, uint64_t key_id, uint64_t user_id,
    unsigned limit, db_event_cb *cb, void *ctx);

/*
 * Records one event of the audit trail (actions: generated, created,
 * rotated, updated, revoked, deleted) for key_id of user_id; details is a
 * JSON object's text or NULL.  For the body of a transaction (db_tx_run):
 * the event commits, or rolls back, with the change it records.
 */
enum db_status db_event_record(struct db *, uint64_t key_id, uint64_t user_id,
    const char *action, const struct db_actor *, const char *details, int *retry);

#endif

/* db_events.c: the audit trail's writer, called inside the transaction of each change it records. */
#include "ac-config.h"

#include <string.h>

#include "db_driver.h"

enum db_status
db_event_record(struct db *db, uint64_t key_id, uint64_t user_id, const char *action,
    const struct db_actor *actor, const char *details, int *retry)
{
	MYSQL_BIND p[6];

	db_bind_u64(&p[0], &key_id);
	db_bind_u64(&p[1], &user_id);
	db_bind_in_str(&p[2], action, strlen(action));
	db_bind_in_str(&p[3], actor->name, strlen(actor->name));
	db_bind_in_str(&p[4], actor->ip != NULL ? actor->ip : "",
	    actor->ip != NULL ? strlen(actor->ip) : 0);
	if (actor->ip == NULL)
		p[4].buffer_type = MYSQL_TYPE_NULL;
	db_bind_in_str(&p[5], details != NULL ? details : "", details != NULL ? strlen(details) : 0);
	if (details == NULL)
		p[5].buffer_type = MYSQL_TYPE_NULL;
	return db_run_prepared(db, ST_EVENT_INSERT, p, NULL, NULL, retry, NULL, NULL);
}

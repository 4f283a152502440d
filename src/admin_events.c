/* admin_events.c: apikeys-admin events EMAIL: a user's audit trail, one tab-separated line per event, deleted keys included. */
#include "ac-config.h"

#include <stdio.h>

#include "admin_events.h"
#include "db_admin.h"
#include "timeutil.h"

static int
print_event(void *ctx, const struct db_event *e)
{
	char at[TIME_LARAVEL_LEN + 1] = "-";

	(void)ctx;
	if (e->created_at != DB_TIME_NULL)
		time_format_laravel_us(e->created_at, at);
	printf("%s\t%llu\t%s\t%s\t%s\n", at, (unsigned long long)e->key_id, e->action,
	    e->actor, e->ip_null ? "-" : e->ip);
	return ferror(stdout) ? 1 : 0;
}

int
admin_events(struct db *db, const char *user)
{
	uint64_t uid = 0;
	enum db_status rc = db_admin_user_find(db, user, &uid);

	if (rc == DB_NOT_FOUND) {
		fprintf(stderr, "apikeys-admin: no user %s\n", user);
		return 1;
	}
	if (rc != DB_OK || db_admin_events(db, uid, print_event, NULL) != DB_OK ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "apikeys-admin: cannot list the events of %s (see above)\n", user);
		return 1;
	}
	return 0;
}

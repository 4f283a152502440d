/* admin_shared.c: what the command files of apikeys-admin share: the one-line failure and the user lookup. */
#include "ac-config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "admin_shared.h"
#include "db_admin.h"

int
admin_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "apikeys-admin: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
admin_find_user(struct db *db, const char *arg, uint64_t *uid)
{
	enum db_status rc = db_admin_user_find(db, arg, uid);

	if (rc == DB_NOT_FOUND)
		return admin_fail("no user %s", arg);
	if (rc != DB_OK)
		return admin_fail("cannot look up user %s (see above)", arg);
	return 0;
}

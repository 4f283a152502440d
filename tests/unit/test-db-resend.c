/* test-db-resend.c: which statements the driver sends again after a lost connection: reads outside a transaction, never a write (it may have committed), never inside a transaction. */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "db_driver.h"
#include "tap.h"

#define ST_TEXT(id, sql) { #id, sql },
static const struct { const char *name, *sql; } catalogue[] = {
	DB_STATEMENTS(ST_TEXT)
};
#undef ST_TEXT

static int
starts(const char *s, const char *word)
{
	return strncmp(s, word, strlen(word)) == 0;
}

int
main(void)
{
	size_t i, n = sizeof(catalogue) / sizeof(catalogue[0]);
	char desc[160];
	int writes = 0, reads = 0, is_read;

	ok(!db_may_resend(SQL_KEY_SPEND, 0),
	    "verify's spending is never sent again: it may have committed (a second charge)");
	ok(db_may_resend(SQL_KEY_BY_VALUE, 0), "verify's lookup (a read) is sent again");
	ok(!db_may_resend(SQL_TOKEN_TOUCH, 0) && !db_may_resend(SQL_KEY_TOUCH, 0),
	    "the last-use writes are not sent again");
	ok(!db_may_resend(SQL_KEY_LOCK, 1), "inside a transaction, not even a read");
	for (i = 0; i < n; i++) {
		is_read = starts(catalogue[i].sql, "SELECT ");
		ok(is_read || starts(catalogue[i].sql, "UPDATE ") ||
		    starts(catalogue[i].sql, "INSERT ") || starts(catalogue[i].sql, "DELETE ") ||
		    starts(catalogue[i].sql, "CALL "),
		    catalogue[i].name);
		snprintf(desc, sizeof(desc), "%s: %s outside a transaction, never inside",
		    catalogue[i].name, is_read ? "sent again" : "a write, never sent again");
		ok(db_may_resend(catalogue[i].sql, 0) == is_read &&
		    !db_may_resend(catalogue[i].sql, 1), desc);
		/* A read that is sent again must not change anything itself. */
		snprintf(desc, sizeof(desc), "%s: a read with no side effect", catalogue[i].name);
		if (is_read)
			ok(strstr(catalogue[i].sql, "LAST_INSERT_ID(") == NULL &&
			    strstr(catalogue[i].sql, "GET_LOCK(") == NULL &&
			    strstr(catalogue[i].sql, "@") == NULL, desc);
		writes += !is_read;
		reads += is_read;
	}
	ok(writes >= 8 && reads >= 8, "the catalogue has both reads and writes");
	return tap_done();
}

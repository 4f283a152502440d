/* db_batch.c: several statements in one round trip (a text batch), for the transactions whose cost matters: generate. */
#include "ac-config.h"

#include <string.h>

#include "db_batch.h"
#include "db_driver.h"

#define BEGIN_TEXT	"START TRANSACTION;"
#define COMMIT_TEXT	"; COMMIT"

/* One sending of the batch; *done counts the statements that succeeded. */
static enum db_status
batch_once(struct db *db, const char *sql, size_t len, struct db_batch_result *res,
    unsigned n, unsigned *done, int *retry)
{
	struct db_batch_result one;
	MYSQL_RES *r;
	int more;

	*done = 0;
	if (mysql_real_query(db->conn, sql, (unsigned long)len) != 0)
		return db_fail(db, "batch", retry);
	for (;;) {
		memset(&one, 0, sizeof(one));
		if ((r = mysql_store_result(db->conn)) != NULL) {
			one.rows = mysql_num_rows(r);
			mysql_free_result(r);
		} else if (mysql_field_count(db->conn) != 0)
			return db_fail(db, "batch result", retry);
		else
			one.rows = mysql_affected_rows(db->conn);
		one.insert_id = mysql_insert_id(db->conn);
		if (*done < n)
			res[*done] = one;
		(*done)++;
		if ((more = mysql_next_result(db->conn)) < 0)
			return DB_OK;
		if (more > 0)
			return db_fail(db, "batch statement", retry);
	}
}

enum db_status
db_batch_run(struct db *db, const char *sql, struct db_batch_result *res, unsigned n,
    unsigned *done, int *retry)
{
	size_t len = strlen(sql), clen = sizeof(COMMIT_TEXT) - 1;
	int begins = strncmp(sql, BEGIN_TEXT, sizeof(BEGIN_TEXT) - 1) == 0;
	int commits = len > clen && strcmp(sql + len - clen, COMMIT_TEXT) == 0;
	enum db_status rc = DB_UNAVAILABLE;
	int attempt;

	if (retry != NULL)
		*retry = 0;
	for (attempt = 0; attempt < 2; attempt++) {
		if (db_connect(db) != DB_OK)
			return DB_UNAVAILABLE;
		if (begins)
			db->in_tx = 1;
		rc = batch_once(db, sql, len, res, n, done, retry);
		if (rc == DB_OK && commits)
			db->in_tx = 0;
		/* A connection found dead at the transaction's first statement
		 * ran nothing that survives it: send the batch once more on a
		 * new one.  Anywhere else, never redo part of a transaction. */
		if (rc != DB_UNAVAILABLE || !begins || *done > 0)
			return rc;
	}
	return rc;
}

/* db_tx.c: transactions over the driver's connection: begin, commit or roll back, and the bounded retry of a deadlock or a Galera certification conflict with a random back-off. */
#include "ac-config.h"

#include <errno.h>
#include <time.h>

#include "crypto.h"
#include "db_driver.h"
#include "db_tx.h"
#include "log.h"

#define TX_ATTEMPTS	16	/* tries of a transaction that hit a deadlock */
#define BACKOFF_MAX_MS	256	/* the widest wait between two tries */

static enum db_status
tx_begin(struct db *db)
{
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (db_connect(db) != DB_OK)
			return DB_UNAVAILABLE;
		if (mysql_real_query(db->conn, "START TRANSACTION", 17) == 0) {
			db->in_tx = 1;
			return DB_OK;
		}
		/* A lost connection is tried once more on a new one. */
		if (db_fail(db, "start transaction", NULL) != DB_UNAVAILABLE)
			return DB_ERROR;
	}
	return DB_UNAVAILABLE;
}

static enum db_status
tx_end(struct db *db, int commit, int *retry)
{
	enum db_status rc = DB_OK;

	if (db->conn == NULL)
		return DB_UNAVAILABLE;
	if (commit ? mysql_commit(db->conn) : mysql_rollback(db->conn))
		rc = db_fail(db, commit ? "commit" : "rollback", retry);
	db->in_tx = 0;
	return rc;
}

/* Sleeps a random 1..W milliseconds, W doubling on each attempt from 8 up
 * to BACKOFF_MAX_MS, so that transactions that deadlocked do not collide
 * again in step.  On a Galera cluster the writers of one user on another
 * node keep committing while this one waits: the widening window lets it
 * in between them.  All the waits of one transaction add up to under
 * 2.9 s. */
void
db_backoff(int attempt)
{
	unsigned char r[2] = { 0, 0 };
	unsigned window = 4u << (attempt < 6 ? attempt : 6);
	struct timespec ts;

	if (window > BACKOFF_MAX_MS)
		window = BACKOFF_MAX_MS;
	(void)crypto_random_bytes(r, sizeof(r));
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(1 + ((unsigned)r[0] << 8 | r[1]) % window) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* A deadlock or a Galera certification failure (InnoDB already rolled
 * back) is retried up to TX_ATTEMPTS times.  With own_begin, the body sends
 * START TRANSACTION itself (a CALL of a procedure that does). */
static enum db_status
tx_run(struct db *db, db_tx_body *body, void *ctx, const char *what, int own_begin)
{
	enum db_status rc = DB_ERROR;
	int attempt, retry;

	for (attempt = 0; attempt < TX_ATTEMPTS; attempt++) {
		if (attempt > 0)
			db_backoff(attempt);
		if (!own_begin && (rc = tx_begin(db)) != DB_OK)
			return rc;
		retry = 0;
		rc = body(db, ctx, &retry);
		if (rc == DB_OK) {
			if (own_begin && !db->in_tx)
				return DB_OK;	/* the body's last batch committed */
			if ((rc = tx_end(db, 1, &retry)) == DB_OK)
				return DB_OK;
		} else if (db->conn != NULL)
			(void)tx_end(db, 0, NULL);
		if (rc == DB_UNAVAILABLE || !retry)
			return rc;
	}
	log_error("database: %s gave up after %d deadlocks", what, TX_ATTEMPTS);
	return DB_ERROR;
}

enum db_status
db_tx_run(struct db *db, db_tx_body *body, void *ctx, const char *what)
{
	return tx_run(db, body, ctx, what, 0);
}

enum db_status
db_tx_run_batched(struct db *db, db_tx_body *body, void *ctx, const char *what)
{
	return tx_run(db, body, ctx, what, 1);
}

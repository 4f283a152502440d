/* db_driver.h: the connection driver (db_driver.c; its bind helpers: db_bind.h) under the query files of the database layer (the db_*.c files, which alone include it, with the unit test of its resend rule); the only header that includes <mysql.h>. */
#ifndef APIKEYS_DB_DRIVER_H
#define APIKEYS_DB_DRIVER_H

#include <string.h>

#include <mysql.h>

#include "db.h"
#include "db_sql.h"

#define ST_ENUM(id, sql) id,
/* The prepared statements of db_sql.h, by name. */
enum stmt_id {
	DB_STATEMENTS(ST_ENUM)
	ST__MAX
};
#undef ST_ENUM

struct db {
	const struct config	*cfg;
	MYSQL			*conn;		/* NULL while disconnected */
	MYSQL_STMT		*st[ST__MAX];	/* prepared on first use; NULL before */
	int			 flags;
	int			 in_tx;		/* never retry inside a transaction */
};

/* Called after each fetched row; non-zero stops the fetching. */
typedef int db_row_cb(void *ctx);

/*
 * Runs prepared statement id, connecting (and preparing) first if needed.
 * params/results may be NULL.  With results and no row callback, fetches
 * the first row (more are discarded) and returns DB_NOT_FOUND for an empty
 * result; with row, calls it for every row (an empty result is DB_OK).
 * *affected (may be NULL) gets the changed row count.  A lost connection
 * is dropped (the next call reconnects); only a read outside a transaction
 * is tried again at once on a new one (db_may_resend).  *retry (may be NULL) is set when the error was a deadlock that the
 * whole transaction may retry.
 */
enum db_status db_run_prepared(struct db *, enum stmt_id, MYSQL_BIND *params,
    MYSQL_BIND *results, unsigned long long *affected, int *retry,
    db_row_cb *row, void *ctx);

/* The two common shapes of db_run_prepared.  db_exec: a statement with
 * input binds only (a write; *affected, may be NULL, gets the changed row
 * count).  db_fetch_one: a read of one row into results (DB_NOT_FOUND for
 * none; further rows are discarded).  retry as db_run_prepared's. */
static inline enum db_status
db_exec(struct db *db, enum stmt_id id, MYSQL_BIND *params,
    unsigned long long *affected, int *retry)
{
	return db_run_prepared(db, id, params, NULL, affected, retry, NULL, NULL);
}

static inline enum db_status
db_fetch_one(struct db *db, enum stmt_id id, MYSQL_BIND *params, MYSQL_BIND *results,
    int *retry)
{
	return db_run_prepared(db, id, params, results, NULL, retry, NULL, NULL);
}

/* 1 if statement text sql, whose connection failed under it, may be sent
 * again on a new connection: only a read, outside a transaction.  A write
 * whose answer was lost may have committed (a verify's spending would
 * charge twice), and a transaction died with the connection (never redo
 * half of one). */
static inline int
db_may_resend(const char *sql, int in_tx)
{
	return !in_tx && strncmp(sql, "SELECT ", 7) == 0;
}

/* Prepares every statement of db_sql.h not yet prepared on the connection
 * (connecting if needed): checks them all against the schema at once (the
 * tests; a responder prepares each on its first use).  Returns DB_OK or
 * DB_UNAVAILABLE (logged; disconnected). */
enum db_status db_prepare_all(struct db *);

/* The AUTO_INCREMENT id the last run of statement id made. */
uint64_t db_insert_id(struct db *, enum stmt_id);

/*
 * Runs an ad hoc statement (from db_prepare) once, with no reconnect: as
 * db_run_prepared without the row callback.
 */
enum db_status db_run(MYSQL_STMT *, MYSQL_BIND *params,
    MYSQL_BIND *results, unsigned long long *affected);

/* db_run, and *retry (may be NULL) set when the error was a deadlock or a
 * Galera conflict (the statement's own error number: a failed run resets
 * the statement, so it cannot be asked afterwards). */
enum db_status db_run_retry(MYSQL_STMT *, MYSQL_BIND *params,
    MYSQL_BIND *results, unsigned long long *affected, int *retry);

/* Prepares an ad hoc statement on the current connection (connecting if
 * needed); the caller closes it.  Returns NULL after logging the error. */
MYSQL_STMT *db_prepare(struct db *, const char *sql);

/* db_prepare, and *retry (may be NULL) set when it failed on a deadlock or
 * a Galera conflict: a transaction aborted by another node's write between
 * two statements answers the next command, a prepare too, with error
 * 1213. */
MYSQL_STMT *db_prepare_retry(struct db *, const char *sql, int *retry);

/* Runs one text statement built from trusted values (never request bytes)
 * that returns no rows, once; *affected (may be NULL) gets its row count.
 * Sets *retry (may be NULL) for a deadlock; DB_UNAVAILABLE when the
 * connection is lost (not sent again). */
enum db_status db_text_exec(struct db *, const char *sql, unsigned long long *affected,
    int *retry);

/* After a failed call on the connection: logs the error, sets *retry (may
 * be NULL) for a deadlock, and returns DB_UNAVAILABLE (disconnected) for a
 * lost connection, else DB_ERROR. */
enum db_status db_fail(struct db *, const char *what, int *retry);

/* Logs the connection's last error (never values). */
void db_log_error(struct db *, const char *what);

#endif

/* db_internal.h: what the two database files (db.c, db_admin.c) share; no other file includes it. */
#ifndef APIKEYS_DB_INTERNAL_H
#define APIKEYS_DB_INTERNAL_H

#include <mysql.h>

#include "db.h"

/* Statements the responder prepares once per connection. */
enum stmt_id {
	ST_TOKEN_BY_ID = 0,
	ST_TOKEN_BY_HASH,
	ST_TOKEN_KEY_BY_ID,
	ST_TOKEN_KEY_BY_HASH,
	ST_TOKEN_TOUCH,
	ST_USER_LOCK,
	ST_KEYS_DELETE_USER,
	ST_KEY_INSERT,
	ST_KEY_COUNT_LIVE,
	ST_KEY_CREATE,
	ST_KEYS_LIST,
	ST_KEY_REVOKE,
	ST_KEY_REVOKED_AT,
	ST_KEY_BY_VALUE,
	ST_KEY_TOUCH,
	ST__MAX
};

struct db {
	const struct config	*cfg;
	MYSQL			*conn;		/* NULL while disconnected */
	MYSQL_STMT		*st[ST__MAX];	/* prepared on connect */
	int			 flags;
	int			 in_tx;		/* never retry inside a transaction */
	unsigned long		 round_trips;
};

/*
 * Runs a statement.  params/results may be NULL.  With results, fetches the
 * first row into them (more rows are discarded) and returns DB_NOT_FOUND for
 * an empty result.  *affected (may be NULL) gets the changed row count.
 * When the connection was lost outside a transaction, reconnects and tries
 * once more.  Returns DB_DEADLOCK-class errors as DB_ERROR with *retry set.
 */
enum db_status db_run(struct db *, MYSQL_STMT *, MYSQL_BIND *params,
    MYSQL_BIND *results, unsigned long long *affected, int *retry);

/* Called after each fetched row of db_run_rows; non-zero stops. */
typedef int db_row_cb(void *ctx);

/* Like db_run, but calls row for every row of the result.  An empty result
 * is DB_OK. */
enum db_status db_run_rows(struct db *, MYSQL_STMT *, MYSQL_BIND *params,
    MYSQL_BIND *results, db_row_cb *row, void *ctx);

/* Runs prepared statement id (see db.c) with the reconnect rules of the
 * responder; for callers outside db.c that reuse its statements. */
enum db_status db_run_prepared(struct db *, enum stmt_id, MYSQL_BIND *params,
    MYSQL_BIND *results, unsigned long long *affected, int *retry);

/* Prepares an ad hoc statement on the current connection (connecting if
 * needed).  Returns NULL after logging the error. */
MYSQL_STMT *db_prepare(struct db *, const char *sql);

/* Bind helpers: each clears b and points it at caller storage. */
void db_bind_u64(MYSQL_BIND *b, uint64_t *v);
void db_bind_in_str(MYSQL_BIND *b, const char *s, size_t len);
void db_bind_out_str(MYSQL_BIND *b, char *buf, size_t size, unsigned long *len, my_bool *null);
void db_bind_out_int(MYSQL_BIND *b, int *v, my_bool *null);
void db_bind_out_time(MYSQL_BIND *b, MYSQL_TIME *t, my_bool *null);
void db_bind_in_time(MYSQL_BIND *b, MYSQL_TIME *t, int64_t epoch);

/* A fetched time as epoch seconds, DB_TIME_NULL if null. */
int64_t db_time_epoch(const MYSQL_TIME *t, my_bool null);

/* Logs the connection's last error (never values). */
void db_log_error(struct db *, const char *what);

#endif

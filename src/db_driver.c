/* db_driver.c: one persistent MariaDB connection that heals itself: binds, statements, transactions, back-off. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef APIKEYS_PORTABLE
#include <arpa/inet.h>
#endif

#include <errmsg.h>
#include <mysqld_error.h>

#include "db_driver.h"
#include "log.h"


#define ST_TEXT(id, sql) [id] = sql,
static const char *const stmt_sql[ST__MAX] = {
	DB_STATEMENTS(ST_TEXT)
};
#undef ST_TEXT

/* Errors after which the connection (and its statements) cannot be used.
 * ER_UNKNOWN_COM_ERROR is what a Galera node outside the primary component
 * (leaving, joining, cut off) answers to every query: the service is
 * unavailable there, as with a server gone, until the node is ready. */
static int
is_connection_error(unsigned err)
{
	switch (err) {
	case ER_UNKNOWN_COM_ERROR:
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_LOST_EXTENDED:
	case ER_UNKNOWN_STMT_HANDLER:
	case ER_CONNECTION_KILLED:
	case ER_SERVER_SHUTDOWN:
	case ER_QUERY_INTERRUPTED:
	case 4031:	/* ER_CLIENT_INTERACTION_TIMEOUT */
		return 1;
	}
	return 0;
}

/* Errors that a whole transaction may retry: a deadlock (InnoDB, or a
 * Galera certification conflict, which reports the same code).  A lock wait
 * timeout is not retried: the lock is held by something slow, and waiting
 * again would hold the worker past the web server's timeout. */
static int
is_retryable(unsigned err)
{
	/* InnoDB reports a deadlock on a table's AUTO-INC lock (an INSERT ...
	 * SELECT's) as 1467; the transaction was rolled back the same way. */
	return err == ER_LOCK_DEADLOCK || err == ER_AUTOINC_READ_FAILED;
}

void
db_log_error(struct db *db, const char *what)
{
	if (db->conn == NULL) {
		log_error("database: %s: not connected", what);
		return;
	}
	/* A duplicate-entry message quotes the value: keep it out of the log. */
	if (mysql_errno(db->conn) == ER_DUP_ENTRY)
		log_error("database: %s: duplicate entry (error %u)", what,
		    mysql_errno(db->conn));
	else
		log_error("database: %s: %s (error %u)", what,
		    mysql_error(db->conn), mysql_errno(db->conn));
}

static void
db_disconnect(struct db *db)
{
	int i;

	for (i = 0; i < ST__MAX; i++) {
		if (db->st[i] != NULL)
			mysql_stmt_close(db->st[i]);
		db->st[i] = NULL;
	}
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_tx = 0;
}

/* Prepares statement id on the open connection (disconnects on failure). */
static enum db_status
stmt_prepare(struct db *db, enum stmt_id id)
{
	db->st[id] = mysql_stmt_init(db->conn);
	if (db->st[id] == NULL ||
	    mysql_stmt_prepare(db->st[id], stmt_sql[id], strlen(stmt_sql[id])) != 0) {
		log_error("database: prepare statement %d: %s", (int)id,
		    db->st[id] ? mysql_stmt_error(db->st[id]) : "out of memory");
		db_disconnect(db);
		return DB_UNAVAILABLE;
	}
	return DB_OK;
}

#ifdef APIKEYS_PORTABLE
/* The portable (static) build cannot look up host names: the C library
 * would load name-service modules of another version from the host.  Only
 * localhost (the unix socket) and numeric addresses are accepted. */
static int
host_needs_lookup(const char *host)
{
	unsigned char addr[16];

	return strcmp(host, "localhost") != 0 && inet_pton(AF_INET, host, addr) != 1 &&
	    inet_pton(AF_INET6, host, addr) != 1;
}
#endif

/*
 * TLS to the database, when a CA file or a client certificate is set: the
 * connection then fails rather than fall back to plain text
 * (MYSQL_OPT_SSL_ENFORCE), and unless APIKEYS_DB_SSL_VERIFY=0 the server's
 * certificate must chain to the CA and name the host connected to
 * (Connector/C 3.3 checks neither unless asked).
 */
static void
db_apply_tls(MYSQL *conn, const struct config *c)
{
	my_bool on = 1, verify = c->db_ssl_verify ? 1 : 0;

	if (c->db_ssl_ca[0] == '\0' && c->db_ssl_cert[0] == '\0')
		return;
	if (c->db_ssl_ca[0] != '\0')
		mysql_options(conn, MYSQL_OPT_SSL_CA, c->db_ssl_ca);
	if (c->db_ssl_cert[0] != '\0')
		mysql_options(conn, MYSQL_OPT_SSL_CERT, c->db_ssl_cert);
	if (c->db_ssl_key[0] != '\0')
		mysql_options(conn, MYSQL_OPT_SSL_KEY, c->db_ssl_key);
	mysql_options(conn, MYSQL_OPT_SSL_ENFORCE, &on);
	mysql_options(conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
}

enum db_status
db_connect(struct db *db)
{
	const struct config *c = db->cfg;
	unsigned timeout = c->db_timeout;
	/* The server's lock waits end first, with a clean error; the client's
	 * read timeout is the backstop for a server that stopped answering. */
	unsigned io_timeout = c->db_timeout + 2;
	my_bool off = 0;
	char init[256];
	unsigned long flags = 0;

	if (db->conn != NULL)
		return DB_OK;
#ifdef APIKEYS_PORTABLE
	if (c->db_socket[0] == '\0' && host_needs_lookup(c->db_host)) {
		log_error("database: APIKEYS_DB_HOST=%s is a host name, which the portable "
		    "build cannot look up: set an IP address, localhost or APIKEYS_DB_SOCKET",
		    c->db_host);
		return DB_UNAVAILABLE;
	}
#endif
	if ((db->conn = mysql_init(NULL)) == NULL) {
		log_error("database: out of memory");
		return DB_UNAVAILABLE;
	}
	/* Session settings applied on every (re)connect: UTC times, strict
	 * SQL, and lock waits bounded well below the web server's timeout. */
	snprintf(init, sizeof(init),
	    "SET time_zone = '+00:00', "
	    "sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
	    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', "
	    "innodb_lock_wait_timeout = %u, lock_wait_timeout = %u%s",
	    timeout, timeout, c->db_sync_wait ? ", wsrep_sync_wait = 1" : "");
	mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(db->conn, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
	mysql_options(db->conn, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
	mysql_options(db->conn, MYSQL_OPT_RECONNECT, &off);
	mysql_options(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db->conn, MYSQL_INIT_COMMAND, init);
	db_apply_tls(db->conn, c);
	/* Several statements per text query only for the admin tool's schema
	 * files: the responder's connection refuses them, so no text it sends
	 * can carry a second statement. */
	if (db->flags & DB_FLAG_ADMIN)
		flags |= CLIENT_MULTI_STATEMENTS;

	if (mysql_real_connect(db->conn, c->db_socket[0] ? NULL : c->db_host,
	    c->db_user, c->db_password, c->db_name, c->db_port,
	    c->db_socket[0] ? c->db_socket : NULL, flags) == NULL) {
		db_log_error(db, "connect");
		db_disconnect(db);
		return DB_UNAVAILABLE;
	}
	/* Statements are prepared on their first use in the connection
	 * (db_run_prepared), not all here: each costs the client about 9 KiB,
	 * and a responder that only verifies uses three of them. */
	return DB_OK;
}

struct db *
db_open(const struct config *cfg, int flags)
{
	struct db *db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	db->cfg = cfg;
	db->flags = flags;
	if (!(flags & DB_FLAG_LAZY))
		(void)db_connect(db);
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db);
}

MYSQL_STMT *
db_prepare_retry(struct db *db, const char *sql, int *retry)
{
	MYSQL_STMT *st;

	if (retry != NULL)
		*retry = 0;
	if (db_connect(db) != DB_OK)
		return NULL;
	if ((st = mysql_stmt_init(db->conn)) == NULL)
		return NULL;
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		log_error("database: prepare: %s (error %u)", mysql_stmt_error(st),
		    mysql_stmt_errno(st));
		if (retry != NULL)
			*retry = is_retryable(mysql_stmt_errno(st));
		mysql_stmt_close(st);
		return NULL;
	}
	return st;
}

MYSQL_STMT *
db_prepare(struct db *db, const char *sql)
{
	return db_prepare_retry(db, sql, NULL);
}

/*
 * One execution; no retry.  *err gets the server's error number.  Without
 * row, fetches one row (DB_NOT_FOUND if none); with row, calls it for each.
 */
static enum db_status
run_once(MYSQL_STMT *st, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected, unsigned *err, db_row_cb *row, void *ctx)
{
	enum db_status rc = DB_OK;
	int f;

	*err = 0;
	if ((params != NULL && mysql_stmt_bind_param(st, params) != 0) ||
	    mysql_stmt_execute(st) != 0)
		goto fail;
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(st);
	if (results == NULL) {
		/* A CALL without a result answers its status alone; were
		 * there more, the connection must read them too. */
		while (mysql_stmt_more_results(st))
			if (mysql_stmt_next_result(st) > 0)
				goto fail;
		return DB_OK;
	}
	if (mysql_stmt_bind_result(st, results) != 0)
		goto fail;
	for (;;) {
		f = mysql_stmt_fetch(st);
		if (f == MYSQL_NO_DATA) {
			if (row == NULL)
				rc = DB_NOT_FOUND;
			break;
		}
		if (f == MYSQL_DATA_TRUNCATED) {
			log_error("database: a column is larger than its buffer");
			rc = DB_ERROR;
			break;
		}
		if (f != 0)
			goto fail;
		if (row == NULL || row(ctx) != 0)
			break;
	}
	mysql_stmt_free_result(st);
	/* A CALL answers its result set, then its own status: read what is
	 * left so that the connection is ready for the next statement. */
	while (mysql_stmt_more_results(st))
		if (mysql_stmt_next_result(st) > 0)
			goto fail;
	return rc;
fail:
	*err = mysql_stmt_errno(st);
	if (*err == ER_DUP_ENTRY)
		log_error("database: duplicate entry (error %u)", *err);
	else
		log_error("database: %s (error %u)", mysql_stmt_error(st), *err);
	mysql_stmt_free_result(st);
	mysql_stmt_reset(st);
	return is_connection_error(*err) ? DB_UNAVAILABLE : DB_ERROR;
}

static enum db_status
run_checked(MYSQL_STMT *st, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected, int *retry, db_row_cb *row, void *ctx)
{
	enum db_status rc;
	unsigned err;

	if (retry != NULL)
		*retry = 0;
	rc = run_once(st, params, results, affected, &err, row, ctx);
	if (rc == DB_ERROR && retry != NULL)
		*retry = is_retryable(err);
	return rc;
}

enum db_status
db_run(MYSQL_STMT *st, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected)
{
	return run_checked(st, params, results, affected, NULL, NULL, NULL);
}

enum db_status
db_run_retry(MYSQL_STMT *st, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected, int *retry)
{
	return run_checked(st, params, results, affected, retry, NULL, NULL);
}

enum db_status
db_run_prepared(struct db *db, enum stmt_id id, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected, int *retry, db_row_cb *row, void *ctx)
{
	enum db_status rc;
	int attempt, in_tx;

	for (attempt = 0; attempt < 2; attempt++) {
		if (db_connect(db) != DB_OK)
			return DB_UNAVAILABLE;
		in_tx = db->in_tx;
		/* A statement is prepared on its first use in the connection: a
		 * connection that died since its last statement fails here, and
		 * the next attempt reconnects (a prepare applies nothing; in a
		 * transaction, which died with it, nothing is tried again). */
		if (db->st[id] == NULL && stmt_prepare(db, id) != DB_OK) {
			if (in_tx)
				break;
			continue;
		}
		rc = run_checked(db->st[id], params, results, affected, retry, row, ctx);
		if (rc != DB_UNAVAILABLE)
			return rc;
		/* Dropped either way (the next call reconnects); sent again
		 * only if that cannot apply anything twice. */
		in_tx = db->in_tx;
		db_disconnect(db);
		if (!db_may_resend(stmt_sql[id], in_tx))
			break;
	}
	return DB_UNAVAILABLE;
}

enum db_status
db_prepare_all(struct db *db)
{
	int i;

	if (db_connect(db) != DB_OK)
		return DB_UNAVAILABLE;
	for (i = 0; i < ST__MAX; i++)
		if (db->st[i] == NULL && stmt_prepare(db, (enum stmt_id)i) != DB_OK)
			return DB_UNAVAILABLE;
	return DB_OK;
}

uint64_t
db_insert_id(struct db *db, enum stmt_id id)
{
	return db->st[id] != NULL ? mysql_stmt_insert_id(db->st[id]) : 0;
}

enum db_status
db_text_exec(struct db *db, const char *sql, unsigned long long *affected, int *retry)
{
	if (retry != NULL)
		*retry = 0;
	if (db_connect(db) != DB_OK)
		return DB_UNAVAILABLE;
	/* One statement (the connection refuses more), sent once: a write
	 * lost with its connection may have been applied. */
	if (mysql_real_query(db->conn, sql, (unsigned long)strlen(sql)) != 0)
		return db_fail(db, "statement", retry);
	if (affected != NULL)
		*affected = mysql_affected_rows(db->conn);
	return DB_OK;
}

enum db_status
db_fail(struct db *db, const char *what, int *retry)
{
	unsigned err = db->conn != NULL ? mysql_errno(db->conn) : CR_SERVER_GONE_ERROR;

	db_log_error(db, what);
	if (retry != NULL)
		*retry = is_retryable(err);
	if (is_connection_error(err)) {
		db_disconnect(db);
		return DB_UNAVAILABLE;
	}
	return DB_ERROR;
}

const char *
db_strerror(enum db_status s)
{
	switch (s) {
	case DB_OK:		return "ok";
	case DB_NOT_FOUND:	return "not found";
	case DB_UNAVAILABLE:	return "database unavailable";
	case DB_ERROR:		return "database error";
	case DB_LIMIT:		return "key limit reached";
	}
	return "unknown";
}

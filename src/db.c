/* db.c: the responder's prepared statements over one persistent connection that heals itself. */
#include "ac-config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef APIKEYS_PORTABLE
#include <arpa/inet.h>
#endif

#include <errmsg.h>
#include <mysqld_error.h>

#include "crypto.h"
#include "db_internal.h"
#include "log.h"
#include "timeutil.h"

#define TX_ATTEMPTS	10	/* tries of a transaction that hit a deadlock */
#define BACKOFF_MAX_MS	256	/* the widest wait between two tries */

/* Sanctum's rules for a usable token: a user's, not expired, user present.
 * The type is compared byte for byte (BINARY), as PHP compares class names:
 * the column's collation would also match "app\\models\\user" or a trailing
 * blank. */
#define TOKEN_SELECT \
	"SELECT t.id, t.tokenable_id, t.token, " \
	"t.last_used_at IS NULL OR t.last_used_at < NOW() - INTERVAL 60 SECOND, " \
	"u.email_verified_at IS NOT NULL"
#define TOKEN_FROM \
	" FROM personal_access_tokens t JOIN users u ON u.id = t.tokenable_id "
#define TOKEN_WHERE \
	"WHERE BINARY t.tokenable_type = 'App\\\\Models\\\\User' " \
	"AND (t.expires_at IS NULL OR t.expires_at > NOW()) "

/* The token and the caller's key in one round trip (show): the key columns
 * are NULL when the key is missing or another user's. */
#define TOKEN_KEY_SELECT TOKEN_SELECT ", k.id, k.user_id, k.name, k.`key`, " \
	"k.secret_hint, k.permissions, k.expires_at, k.last_used_at, k.revoked_at, " \
	"k.created_at, k.updated_at" TOKEN_FROM \
	"LEFT JOIN api_keys k ON k.id = ? AND k.user_id = t.tokenable_id "

/* The columns of struct db_key, in the order key_bind() binds them. */
#define KEY_COLUMNS \
	"SELECT id, user_id, name, `key`, secret_hint, permissions, expires_at, " \
	"last_used_at, revoked_at, created_at, updated_at "

static const char *const stmt_sql[ST__MAX] = {
	[ST_TOKEN_BY_ID] = TOKEN_SELECT TOKEN_FROM TOKEN_WHERE "AND t.id = ?",
	[ST_TOKEN_BY_HASH] = TOKEN_SELECT TOKEN_FROM TOKEN_WHERE "AND t.token = ?",
	[ST_TOKEN_KEY_BY_ID] = TOKEN_KEY_SELECT TOKEN_WHERE "AND t.id = ?",
	[ST_TOKEN_KEY_BY_HASH] = TOKEN_KEY_SELECT TOKEN_WHERE "AND t.token = ?",
	[ST_TOKEN_TOUCH] =
	    "UPDATE personal_access_tokens SET last_used_at = NOW(), updated_at = NOW() "
	    "WHERE id = ? AND (last_used_at IS NULL "
	    "OR last_used_at < NOW() - INTERVAL 60 SECOND)",
	[ST_USER_LOCK] = "SELECT id FROM users WHERE id = ? FOR UPDATE",
	[ST_KEYS_DELETE_USER] = "DELETE FROM api_keys WHERE user_id = ?",
	[ST_KEY_INSERT] =
	    "INSERT INTO api_keys (user_id, `key`, secret_hash, secret_hint, "
	    "permissions, expires_at, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, '[]', NOW() + INTERVAL 1 YEAR, NOW(), NOW())",
	[ST_KEY_COUNT_LIVE] =
	    "SELECT COUNT(*) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL "
	    "AND (expires_at IS NULL OR expires_at > NOW())",
	[ST_KEY_CREATE] =
	    "INSERT INTO api_keys (user_id, name, `key`, secret_hash, secret_hint, "
	    "permissions, expires_at, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_KEYS_LIST] = KEY_COLUMNS "FROM api_keys WHERE user_id = ? "
	    "ORDER BY created_at DESC, id DESC LIMIT ?",
	[ST_KEY_REVOKE] =
	    "UPDATE api_keys SET revoked_at = NOW(), updated_at = NOW() "
	    "WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
	[ST_KEY_REVOKED_AT] = "SELECT revoked_at FROM api_keys WHERE id = ? AND user_id = ?",
	[ST_KEY_BY_VALUE] = KEY_COLUMNS ", secret_hash, "
	    "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > NOW()), "
	    "last_used_at IS NULL OR last_used_at < NOW() - INTERVAL 60 SECOND "
	    "FROM api_keys WHERE `key` = ?",
	[ST_KEY_TOUCH] =
	    "UPDATE api_keys SET last_used_at = NOW() WHERE id = ? "
	    "AND (last_used_at IS NULL OR last_used_at < NOW() - INTERVAL 60 SECOND)",
};

void
db_bind_u64(MYSQL_BIND *b, uint64_t *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
	b->is_unsigned = 1;
}

void
db_bind_in_str(MYSQL_BIND *b, const char *s, size_t len)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)(uintptr_t)s;
	b->buffer_length = (unsigned long)len;
}

void
db_bind_out_str(MYSQL_BIND *b, char *buf, size_t size, unsigned long *len, my_bool *null)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = buf;
	b->buffer_length = (unsigned long)size;
	b->length = len;
	b->is_null = null;
}

void
db_bind_out_int(MYSQL_BIND *b, int *v, my_bool *null)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONG;
	b->buffer = v;
	b->is_null = null;
}

void
db_bind_out_time(MYSQL_BIND *b, MYSQL_TIME *t, my_bool *null)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_TIMESTAMP;
	b->buffer = t;
	b->is_null = null;
}

void
db_bind_in_time(MYSQL_BIND *b, MYSQL_TIME *t, int64_t epoch)
{
	struct civil_time c;

	memset(b, 0, sizeof(*b));
	memset(t, 0, sizeof(*t));
	time_to_civil(epoch, &c);
	t->year = (unsigned)c.year;
	t->month = (unsigned)c.month;
	t->day = (unsigned)c.day;
	t->hour = (unsigned)c.hour;
	t->minute = (unsigned)c.minute;
	t->second = (unsigned)c.second;
	t->time_type = MYSQL_TIMESTAMP_DATETIME;
	b->buffer_type = MYSQL_TYPE_DATETIME;
	b->buffer = t;
}

int64_t
db_time_epoch(const MYSQL_TIME *t, my_bool null)
{
	struct civil_time c;

	if (null)
		return DB_TIME_NULL;
	c.year = (int)t->year;
	c.month = (int)t->month;
	c.day = (int)t->day;
	c.hour = (int)t->hour;
	c.minute = (int)t->minute;
	c.second = (int)t->second;
	return time_from_civil(&c);
}

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
	return err == ER_LOCK_DEADLOCK;
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
	db->round_trips++;
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
	int i;

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
	if (db->flags & DB_FLAG_MULTI_STATEMENTS)
		flags |= CLIENT_MULTI_STATEMENTS;

	db->round_trips++;
	if (mysql_real_connect(db->conn, c->db_socket[0] ? NULL : c->db_host,
	    c->db_user, c->db_password, c->db_name, c->db_port,
	    c->db_socket[0] ? c->db_socket : NULL, flags) == NULL) {
		db_log_error(db, "connect");
		db_disconnect(db);
		return DB_UNAVAILABLE;
	}
	/* The responder prepares everything once per connection; the admin
	 * tool, which may run before the tables exist, prepares on use. */
	if (db->flags & DB_FLAG_MULTI_STATEMENTS)
		return DB_OK;
	for (i = 0; i < ST__MAX; i++)
		if (stmt_prepare(db, (enum stmt_id)i) != DB_OK)
			return DB_UNAVAILABLE;
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

unsigned long
db_round_trips(const struct db *db)
{
	return db->round_trips;
}

MYSQL_STMT *
db_prepare(struct db *db, const char *sql)
{
	MYSQL_STMT *st;

	if (db_connect(db) != DB_OK)
		return NULL;
	if ((st = mysql_stmt_init(db->conn)) == NULL)
		return NULL;
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		log_error("database: prepare: %s (error %u)", mysql_stmt_error(st),
		    mysql_stmt_errno(st));
		mysql_stmt_close(st);
		return NULL;
	}
	return st;
}

/*
 * One execution; no retry.  *err gets the server's error number.  Without
 * row, fetches one row (DB_NOT_FOUND if none); with row, calls it for each.
 */
static enum db_status
run_once(struct db *db, MYSQL_STMT *st, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected, unsigned *err, db_row_cb *row, void *ctx)
{
	enum db_status rc = DB_OK;
	int f;

	*err = 0;
	db->round_trips++;
	if ((params != NULL && mysql_stmt_bind_param(st, params) != 0) ||
	    mysql_stmt_execute(st) != 0)
		goto fail;
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(st);
	if (results == NULL)
		return DB_OK;
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
run_checked(struct db *db, MYSQL_STMT *st, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected, int *retry, db_row_cb *row, void *ctx)
{
	enum db_status rc;
	unsigned err;

	if (retry != NULL)
		*retry = 0;
	rc = run_once(db, st, params, results, affected, &err, row, ctx);
	if (rc == DB_ERROR && retry != NULL)
		*retry = is_retryable(err);
	return rc;
}

enum db_status
db_run(struct db *db, MYSQL_STMT *st, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected, int *retry)
{
	return run_checked(db, st, params, results, affected, retry, NULL, NULL);
}

enum db_status
db_run_rows(struct db *db, MYSQL_STMT *st, MYSQL_BIND *params, MYSQL_BIND *results,
    db_row_cb *row, void *ctx)
{
	return run_checked(db, st, params, results, NULL, NULL, row, ctx);
}

/*
 * Runs one of the prepared statements, connecting first if needed.  Outside
 * a transaction, a lost connection (the server restarted, or dropped an idle
 * client) is healed by one reconnect and a second try, so the client sees
 * no error at all.
 */
static enum db_status
run_stmt(struct db *db, enum stmt_id id, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected, int *retry, db_row_cb *row, void *ctx)
{
	enum db_status rc;
	int attempt, in_tx;

	for (attempt = 0; attempt < 2; attempt++) {
		if (db_connect(db) != DB_OK ||
		    (db->st[id] == NULL && stmt_prepare(db, id) != DB_OK))
			return DB_UNAVAILABLE;
		rc = run_checked(db, db->st[id], params, results, affected, retry, row, ctx);
		if (rc != DB_UNAVAILABLE)
			return rc;
		/* The transaction died with the connection: never redo half
		 * of it on a new one. */
		in_tx = db->in_tx;
		db_disconnect(db);
		if (in_tx)
			break;
	}
	return DB_UNAVAILABLE;
}

enum db_status
db_run_prepared(struct db *db, enum stmt_id id, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected, int *retry)
{
	return run_stmt(db, id, params, results, affected, retry, NULL, NULL);
}

/* Fetches a token row; res holds at least its 5 columns (more may follow,
 * bound by the caller). */
static enum db_status
token_fetch(struct db *db, enum stmt_id id, MYSQL_BIND *param, MYSQL_BIND *res,
    struct db_token *t)
{
	unsigned long hashlen = 0;
	my_bool hnull = 0, snull = 0, vnull = 0;
	enum db_status rc;

	memset(t, 0, sizeof(*t));
	db_bind_u64(&res[0], &t->id);
	db_bind_u64(&res[1], &t->user_id);
	db_bind_out_str(&res[2], t->hash, sizeof(t->hash), &hashlen, &hnull);
	db_bind_out_int(&res[3], &t->stale, &snull);
	db_bind_out_int(&res[4], &t->email_verified, &vnull);
	rc = db_run_prepared(db, id, param, res, NULL, NULL);
	if (rc == DB_OK) {
		if (hnull || hashlen != DB_HASH_HEX)
			return DB_NOT_FOUND;	/* not a Sanctum hash: cannot match */
		t->hash[DB_HASH_HEX] = '\0';
	}
	return rc;
}

enum db_status
db_token_by_id(struct db *db, uint64_t id, struct db_token *t)
{
	MYSQL_BIND p[1], res[5];

	db_bind_u64(&p[0], &id);
	return token_fetch(db, ST_TOKEN_BY_ID, p, res, t);
}

enum db_status
db_token_by_hash(struct db *db, const char *hash, struct db_token *t)
{
	MYSQL_BIND p[1], res[5];

	db_bind_in_str(&p[0], hash, strlen(hash));
	return token_fetch(db, ST_TOKEN_BY_HASH, p, res, t);
}

enum db_status
db_token_touch(struct db *db, uint64_t id)
{
	MYSQL_BIND p[1];

	db_bind_u64(&p[0], &id);
	return db_run_prepared(db, ST_TOKEN_TOUCH, p, NULL, NULL, NULL);
}

/* ------------------------------------------------------------ keys */

/* Result buffers for KEY_COLUMNS (plus, with secret, the verify columns),
 * bound into res, which may follow other columns of the same row. */
struct key_binds {
	MYSQL_BIND	 own[14];
	MYSQL_BIND	*res;
	MYSQL_TIME	 t[5];
	my_bool		 null[14];
	unsigned long	 len[14];
	struct db_key	*k;
};

enum { KC_ID, KC_USER, KC_NAME, KC_KEY, KC_HINT, KC_PERMS, KC_EXPIRES, KC_USED,
	KC_REVOKED, KC_CREATED, KC_UPDATED, KC_HASH, KC_LIVE, KC_STALE };

static void
key_bind(struct key_binds *b, MYSQL_BIND *res, struct db_key *k, int with_secret)
{
	int i;

	memset(b, 0, sizeof(*b));
	memset(k, 0, sizeof(*k));
	b->k = k;
	b->res = res != NULL ? res : b->own;
	db_bind_u64(&b->res[KC_ID], &k->id);
	b->res[KC_ID].is_null = &b->null[KC_ID];	/* NULL: no such key (join) */
	db_bind_u64(&b->res[KC_USER], &k->user_id);
	db_bind_out_str(&b->res[KC_NAME], k->name, sizeof(k->name) - 1,
	    &b->len[KC_NAME], &b->null[KC_NAME]);
	db_bind_out_str(&b->res[KC_KEY], k->key, sizeof(k->key) - 1,
	    &b->len[KC_KEY], &b->null[KC_KEY]);
	db_bind_out_str(&b->res[KC_HINT], k->secret_hint, sizeof(k->secret_hint) - 1,
	    &b->len[KC_HINT], &b->null[KC_HINT]);
	db_bind_out_str(&b->res[KC_PERMS], k->permissions, sizeof(k->permissions) - 1,
	    &b->len[KC_PERMS], &b->null[KC_PERMS]);
	for (i = 0; i < 5; i++)
		db_bind_out_time(&b->res[KC_EXPIRES + i], &b->t[i], &b->null[KC_EXPIRES + i]);
	if (with_secret) {
		db_bind_out_str(&b->res[KC_HASH], k->secret_hash, sizeof(k->secret_hash),
		    &b->len[KC_HASH], &b->null[KC_HASH]);
		db_bind_out_int(&b->res[KC_LIVE], &k->live, &b->null[KC_LIVE]);
		db_bind_out_int(&b->res[KC_STALE], &k->stale, &b->null[KC_STALE]);
	}
}

/* Completes a fetched row: terminates strings, converts times. */
static void
key_finish(struct key_binds *b)
{
	struct db_key *k = b->k;

	k->name[b->null[KC_NAME] ? 0 : b->len[KC_NAME]] = '\0';
	k->name_null = b->null[KC_NAME];
	k->key[b->null[KC_KEY] ? 0 : b->len[KC_KEY]] = '\0';
	k->secret_hint[b->null[KC_HINT] ? 0 : b->len[KC_HINT]] = '\0';
	if (b->null[KC_PERMS])
		strcpy(k->permissions, "[]");
	else
		k->permissions[b->len[KC_PERMS]] = '\0';
	k->expires_at = db_time_epoch(&b->t[0], b->null[KC_EXPIRES]);
	k->last_used_at = db_time_epoch(&b->t[1], b->null[KC_USED]);
	k->revoked_at = db_time_epoch(&b->t[2], b->null[KC_REVOKED]);
	k->created_at = db_time_epoch(&b->t[3], b->null[KC_CREATED]);
	k->updated_at = db_time_epoch(&b->t[4], b->null[KC_UPDATED]);
	if (b->null[KC_HASH] || b->len[KC_HASH] != DB_HASH_HEX)
		k->secret_hash[0] = '\0';
	else
		k->secret_hash[DB_HASH_HEX] = '\0';
}

enum db_status
db_token_with_key(struct db *db, uint64_t token_id, const char *hash, uint64_t key_id,
    struct db_token *t, struct db_key *k, int *key_found)
{
	MYSQL_BIND p[2], res[5 + 11];
	struct key_binds b;
	enum db_status rc;

	key_bind(&b, res + 5, k, 0);
	db_bind_u64(&p[0], &key_id);
	if (token_id != 0)
		db_bind_u64(&p[1], &token_id);
	else
		db_bind_in_str(&p[1], hash, strlen(hash));
	rc = token_fetch(db, token_id != 0 ? ST_TOKEN_KEY_BY_ID : ST_TOKEN_KEY_BY_HASH,
	    p, res, t);
	*key_found = 0;
	if (rc == DB_OK && !b.null[KC_ID]) {
		key_finish(&b);
		*key_found = 1;
	}
	return rc;
}

enum db_status
db_key_by_value(struct db *db, const char *key, struct db_key *k)
{
	struct key_binds b;
	MYSQL_BIND p[1];
	enum db_status rc;

	key_bind(&b, NULL, k, 1);
	db_bind_in_str(&p[0], key, strlen(key));
	rc = db_run_prepared(db, ST_KEY_BY_VALUE, p, b.res, NULL, NULL);
	if (rc == DB_OK)
		key_finish(&b);
	return rc;
}

struct list_ctx {
	struct key_binds	 b;
	db_key_cb		*cb;
	void			*ctx;
};

static int
list_row(void *ctx)
{
	struct list_ctx *l = ctx;

	key_finish(&l->b);
	return l->cb(l->ctx, l->b.k);
}

enum db_status
db_keys_list(struct db *db, uint64_t user_id, unsigned limit, db_key_cb *cb, void *ctx)
{
	struct list_ctx l;
	struct db_key k;
	MYSQL_BIND p[2];
	uint64_t lim = limit;

	key_bind(&l.b, NULL, &k, 0);
	l.cb = cb;
	l.ctx = ctx;
	db_bind_u64(&p[0], &user_id);
	db_bind_u64(&p[1], &lim);
	return run_stmt(db, ST_KEYS_LIST, p, l.b.res, NULL, NULL, list_row, &l);
}

enum db_status
db_key_revoke(struct db *db, uint64_t id, uint64_t user_id, int64_t *revoked_at)
{
	MYSQL_BIND p[2], res[1];
	MYSQL_TIME t;
	my_bool null = 0;
	enum db_status rc;

	db_bind_u64(&p[0], &id);
	db_bind_u64(&p[1], &user_id);
	if ((rc = db_run_prepared(db, ST_KEY_REVOKE, p, NULL, NULL, NULL)) != DB_OK)
		return rc;
	db_bind_out_time(&res[0], &t, &null);
	rc = db_run_prepared(db, ST_KEY_REVOKED_AT, p, res, NULL, NULL);
	if (rc == DB_OK)
		*revoked_at = db_time_epoch(&t, null);
	return rc;
}

enum db_status
db_key_touch(struct db *db, uint64_t id)
{
	MYSQL_BIND p[1];

	db_bind_u64(&p[0], &id);
	return db_run_prepared(db, ST_KEY_TOUCH, p, NULL, NULL, NULL);
}

/* ------------------------------------------------------------ transactions */

static enum db_status
tx_begin(struct db *db)
{
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (db_connect(db) != DB_OK)
			return DB_UNAVAILABLE;
		db->round_trips++;
		if (mysql_real_query(db->conn, "START TRANSACTION", 17) == 0) {
			db->in_tx = 1;
			return DB_OK;
		}
		db_log_error(db, "start transaction");
		if (!is_connection_error(mysql_errno(db->conn)))
			return DB_ERROR;
		db_disconnect(db);
	}
	return DB_UNAVAILABLE;
}

static enum db_status
tx_end(struct db *db, int commit, int *retry)
{
	enum db_status rc = DB_OK;

	if (db->conn == NULL)
		return DB_UNAVAILABLE;
	db->round_trips++;
	if (commit ? mysql_commit(db->conn) : mysql_rollback(db->conn)) {
		unsigned err = mysql_errno(db->conn);

		db_log_error(db, commit ? "commit" : "rollback");
		if (retry != NULL)
			*retry = is_retryable(err);
		if (is_connection_error(err)) {
			db_disconnect(db);
			return DB_UNAVAILABLE;
		}
		rc = DB_ERROR;
	}
	db->in_tx = 0;
	return rc;
}

/* Sleeps a random 1..W milliseconds, W doubling on each attempt from 8 up
 * to BACKOFF_MAX_MS, so that transactions that deadlocked do not collide
 * again in step.  On a Galera cluster the writers of one user on another
 * node keep committing while this one waits: the widening window lets it
 * in between them.  All the waits of one transaction add up to under
 * 1.3 s. */
static void
backoff(int attempt)
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

/* The statements of one transaction; sets *retry for a deadlock. */
typedef enum db_status tx_body(struct db *, void *ctx, int *retry);

/*
 * Runs body inside START TRANSACTION ... COMMIT.  Any failure rolls back, so
 * nothing is half-written; a deadlock or a Galera certification failure
 * (InnoDB already rolled back) is retried up to TX_ATTEMPTS times.
 */
static enum db_status
tx_run(struct db *db, tx_body *body, void *ctx, const char *what)
{
	enum db_status rc = DB_ERROR;
	int attempt, retry;

	for (attempt = 0; attempt < TX_ATTEMPTS; attempt++) {
		if (attempt > 0)
			backoff(attempt);
		if ((rc = tx_begin(db)) != DB_OK)
			return rc;
		retry = 0;
		rc = body(db, ctx, &retry);
		if (rc == DB_OK) {
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

/* Locks the user's row: every key-changing transaction of one user queues
 * here, which is what keeps "exactly one key" true under concurrency. */
static enum db_status
lock_user(struct db *db, uint64_t *user_id, int *retry)
{
	MYSQL_BIND p[1], res[1];
	uint64_t locked = 0;

	db_bind_u64(&p[0], user_id);
	db_bind_u64(&res[0], &locked);
	return db_run_prepared(db, ST_USER_LOCK, p, res, NULL, retry);
}

struct replace_ctx {
	uint64_t	 user_id;
	const char	*key, *hash, *hint;
	uint64_t	 id;
};

static enum db_status
replace_body(struct db *db, void *ctx, int *retry)
{
	struct replace_ctx *c = ctx;
	MYSQL_BIND p[4];
	enum db_status rc;

	if ((rc = lock_user(db, &c->user_id, retry)) != DB_OK)
		return rc;
	db_bind_u64(&p[0], &c->user_id);
	if ((rc = db_run_prepared(db, ST_KEYS_DELETE_USER, p, NULL, NULL, retry)) != DB_OK)
		return rc;
	db_bind_in_str(&p[1], c->key, strlen(c->key));
	db_bind_in_str(&p[2], c->hash, strlen(c->hash));
	db_bind_in_str(&p[3], c->hint, strlen(c->hint));
	if ((rc = db_run_prepared(db, ST_KEY_INSERT, p, NULL, NULL, retry)) == DB_OK)
		c->id = mysql_stmt_insert_id(db->st[ST_KEY_INSERT]);
	return rc;
}

enum db_status
db_key_replace(struct db *db, uint64_t user_id, const char *key,
    const char *secret_hash, const char *secret_hint, uint64_t *new_id)
{
	struct replace_ctx c = { user_id, key, secret_hash, secret_hint, 0 };
	enum db_status rc;

	if ((rc = tx_run(db, replace_body, &c, "generate")) == DB_OK)
		*new_id = c.id;
	return rc;
}

struct create_ctx {
	const struct db_key_new	*k;
	unsigned		 max_live;
	uint64_t		 user_id, id;
};

static enum db_status
create_body(struct db *db, void *ctx, int *retry)
{
	struct create_ctx *c = ctx;
	const struct db_key_new *k = c->k;
	MYSQL_BIND p[9], res[1];
	MYSQL_TIME exp, cre;
	uint64_t live = 0;
	enum db_status rc;

	if ((rc = lock_user(db, &c->user_id, retry)) != DB_OK)
		return rc;
	db_bind_u64(&p[0], &c->user_id);
	db_bind_u64(&res[0], &live);
	if ((rc = db_run_prepared(db, ST_KEY_COUNT_LIVE, p, res, NULL, retry)) != DB_OK)
		return rc;
	if (live >= c->max_live)
		return DB_LIMIT;
	db_bind_in_str(&p[1], k->name, strlen(k->name));
	db_bind_in_str(&p[2], k->key, strlen(k->key));
	db_bind_in_str(&p[3], k->secret_hash, strlen(k->secret_hash));
	db_bind_in_str(&p[4], k->secret_hint, strlen(k->secret_hint));
	db_bind_in_str(&p[5], k->permissions, strlen(k->permissions));
	db_bind_in_time(&p[6], &exp, k->expires_at);
	db_bind_in_time(&p[7], &cre, k->created_at);
	p[8] = p[7];
	if ((rc = db_run_prepared(db, ST_KEY_CREATE, p, NULL, NULL, retry)) == DB_OK)
		c->id = mysql_stmt_insert_id(db->st[ST_KEY_CREATE]);
	return rc;
}

enum db_status
db_key_create(struct db *db, const struct db_key_new *k, unsigned max_live,
    uint64_t *new_id)
{
	struct create_ctx c = { k, max_live, k->user_id, 0 };
	enum db_status rc;

	if ((rc = tx_run(db, create_body, &c, "create")) == DB_OK)
		*new_id = c.id;
	return rc;
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

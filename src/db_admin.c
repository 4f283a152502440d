/* db_admin.c: the admin tool's queries: schema files, migrations record, users, tokens and key upkeep. */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "db_admin.h"
#include "db_bind.h"
#include "db_driver.h"
#include "db_events.h"
#include "db_tx.h"
#include "log.h"
#include "number.h"

/* Prepares, runs and closes one statement. */
static enum db_status
adhoc(struct db *db, const char *sql, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected, uint64_t *insert_id)
{
	MYSQL_STMT *st;
	enum db_status rc;

	if ((st = db_prepare(db, sql)) == NULL)
		return db->conn == NULL ? DB_UNAVAILABLE : DB_ERROR;
	rc = db_run(st, params, results, affected);
	if (rc == DB_OK && insert_id != NULL)
		*insert_id = mysql_stmt_insert_id(st);
	mysql_stmt_close(st);
	return rc;
}

enum db_status
db_admin_exec(struct db *db, const char *sql, size_t len)
{
	MYSQL_RES *res;
	int more;

	if (db_connect(db) != DB_OK)
		return DB_UNAVAILABLE;
	if (mysql_real_query(db->conn, sql, (unsigned long)len) != 0) {
		db_log_error(db, "schema statement");
		return DB_ERROR;
	}
	do {
		if ((res = mysql_store_result(db->conn)) != NULL)
			mysql_free_result(res);
		else if (mysql_field_count(db->conn) != 0) {
			db_log_error(db, "schema result");
			return DB_ERROR;
		}
		more = mysql_next_result(db->conn);
		if (more > 0) {
			db_log_error(db, "schema statement");
			return DB_ERROR;
		}
	} while (more == 0);
	return DB_OK;
}

enum db_status
db_admin_migrations_init(struct db *db)
{
	static const char sql[] =
	    "CREATE TABLE IF NOT EXISTS `apikeys_migrations` ("
	    "`version` int unsigned NOT NULL, "
	    "`name` varchar(255) NOT NULL, "
	    "`applied_at` timestamp NULL DEFAULT NULL, "
	    "PRIMARY KEY (`version`)"
	    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

	return db_admin_exec(db, sql, sizeof(sql) - 1);
}

enum db_status
db_admin_migration_applied(struct db *db, unsigned version, int *applied)
{
	MYSQL_BIND p[1], r[1];
	uint64_t v = version, got = 0;
	enum db_status rc;

	db_bind_u64(&p[0], &v);
	db_bind_u64(&r[0], &got);
	rc = adhoc(db, "SELECT version FROM apikeys_migrations WHERE version = ?",
	    p, r, NULL, NULL);
	*applied = rc == DB_OK;
	return rc == DB_NOT_FOUND ? DB_OK : rc;
}

enum db_status
db_admin_migration_record(struct db *db, unsigned version, const char *name)
{
	MYSQL_BIND p[2];
	uint64_t v = version;

	db_bind_u64(&p[0], &v);
	db_bind_in_str(&p[1], name, strlen(name));
	return adhoc(db, "INSERT INTO apikeys_migrations (version, name, applied_at) "
	    "VALUES (?, ?, NOW())", p, NULL, NULL, NULL);
}

enum db_status
db_admin_user_add(struct db *db, const char *email, const char *name, int verified,
    uint64_t *id)
{
	MYSQL_BIND p[2];

	db_bind_in_str(&p[0], name, strlen(name));
	db_bind_in_str(&p[1], email, strlen(email));
	/* "!" is no bcrypt hash: the account cannot log in with a password. */
	return adhoc(db, verified ?
	    "INSERT INTO users (name, email, email_verified_at, password, created_at, "
	    "updated_at) VALUES (?, ?, NOW(), '!', NOW(), NOW())" :
	    "INSERT INTO users (name, email, password, created_at, updated_at) "
	    "VALUES (?, ?, '!', NOW(), NOW())", p, NULL, NULL, id);
}

enum db_status
db_admin_user_find(struct db *db, const char *id_or_email, uint64_t *id)
{
	MYSQL_BIND p[1], r[1];
	uint64_t want;

	db_bind_u64(&r[0], id);
	if (num_parse_id(id_or_email, strlen(id_or_email), &want) == 0) {
		db_bind_u64(&p[0], &want);
		return adhoc(db, "SELECT id FROM users WHERE id = ?", p, r, NULL, NULL);
	}
	db_bind_in_str(&p[0], id_or_email, strlen(id_or_email));
	return adhoc(db, "SELECT id FROM users WHERE email = ?", p, r, NULL, NULL);
}

enum db_status
db_admin_token_add(struct db *db, uint64_t user, const char *name, const char *hash,
    unsigned expires_days, uint64_t *id)
{
	MYSQL_BIND p[5];
	uint64_t days = expires_days;

	db_bind_u64(&p[0], &user);
	db_bind_in_str(&p[1], name, strlen(name));
	db_bind_in_str(&p[2], hash, strlen(hash));
	db_bind_u64(&p[3], &days);
	db_bind_u64(&p[4], &days);
	return adhoc(db, "INSERT INTO personal_access_tokens (tokenable_type, "
	    "tokenable_id, name, token, abilities, expires_at, created_at, updated_at) "
	    "VALUES ('App\\\\Models\\\\User', ?, ?, ?, '[\"*\"]', "
	    "IF(? = 0, NULL, NOW() + INTERVAL ? DAY), NOW(), NOW())", p, NULL, NULL, id);
}

enum db_status
db_admin_token_delete(struct db *db, uint64_t id)
{
	MYSQL_BIND p[1];
	unsigned long long affected = 0;
	enum db_status rc;

	db_bind_u64(&p[0], &id);
	rc = adhoc(db, "DELETE FROM personal_access_tokens WHERE id = ?", p, NULL,
	    &affected, NULL);
	if (rc == DB_OK && affected == 0)
		rc = DB_NOT_FOUND;
	return rc;
}

/* The admin tool's changes are recorded as the actor "admin", with no
 * address. */
static const struct db_actor admin_actor = { "admin", NULL };

struct admin_revoke_ctx {
	uint64_t		id;		/* a key, or a user */
	int			was_live;
	unsigned long long	count;
};

static enum db_status
key_revoke_body(struct db *db, void *ctx, int *retry)
{
	struct admin_revoke_ctx *c = ctx;
	MYSQL_BIND p[1], r[2];
	uint64_t user_id = 0;
	int live = 0;
	my_bool lnull = 0;
	enum db_status rc;

	db_bind_u64(&p[0], &c->id);
	db_bind_u64(&r[0], &user_id);
	db_bind_out_int(&r[1], &live, &lnull);
	if ((rc = adhoc(db, "SELECT user_id, revoked_at IS NULL FROM api_keys WHERE id = ? "
	    "FOR UPDATE", p, r, NULL, NULL)) != DB_OK)
		return rc;
	c->was_live = live;
	if (!live)
		return DB_OK;
	if ((rc = adhoc(db, "UPDATE api_keys SET revoked_at = NOW(), updated_at = NOW() "
	    "WHERE id = ?", p, NULL, NULL, NULL)) != DB_OK)
		return rc;
	return db_event_record(db, c->id, user_id, "revoked", &admin_actor, NULL, retry);
}

enum db_status
db_admin_key_revoke(struct db *db, uint64_t id, int *was_live)
{
	struct admin_revoke_ctx c = { id, 0, 0 };
	enum db_status rc;

	if ((rc = db_tx_run(db, key_revoke_body, &c, "key-revoke")) == DB_OK)
		*was_live = c.was_live;
	return rc;
}

/* Under the user's lock (no key of the user can appear meanwhile), the
 * UPDATE revokes the user's live keys at one time read once, then one
 * "revoked" event is written for each key revoked at that time: the same
 * rows, and each event's webhook snapshot shows the key revoked.  A key
 * revoked earlier at that very microsecond would make the counts differ:
 * the transaction is then tried again at a later time. */
static enum db_status
keys_revoke_user_body(struct db *db, void *ctx, int *retry)
{
	struct admin_revoke_ctx *c = ctx;
	MYSQL_BIND p[4], r[1];
	MYSQL_TIME now;
	my_bool now_null = 0;
	uint64_t locked = 0;
	unsigned long long events = 0;
	enum db_status rc;

	db_bind_u64(&p[0], &c->id);
	db_bind_u64(&r[0], &locked);
	if ((rc = adhoc(db, "SELECT id FROM users WHERE id = ? FOR UPDATE", p, r, NULL,
	    NULL)) != DB_OK)
		return rc;
	memset(&now, 0, sizeof(now));
	db_bind_out_time(&r[0], &now, &now_null);
	if ((rc = adhoc(db, "SELECT NOW(6)", NULL, r, NULL, NULL)) != DB_OK)
		return rc;
	db_bind_out_time(&p[0], &now, &now_null);
	db_bind_out_time(&p[1], &now, &now_null);
	db_bind_u64(&p[2], &c->id);
	if ((rc = adhoc(db, "UPDATE api_keys SET revoked_at = ?, updated_at = ? "
	    "WHERE user_id = ? AND revoked_at IS NULL", p, NULL, &c->count, NULL)) != DB_OK)
		return rc;
	db_bind_in_str(&p[0], admin_actor.name, strlen(admin_actor.name));
	db_bind_out_time(&p[1], &now, &now_null);
	db_bind_u64(&p[2], &c->id);
	db_bind_out_time(&p[3], &now, &now_null);
	if ((rc = adhoc(db, "INSERT INTO api_key_events (key_id, user_id, action, actor, ip, "
	    "details, created_at) SELECT id, user_id, 'revoked', ?, NULL, NULL, ? "
	    "FROM api_keys WHERE user_id = ? AND revoked_at = ? ORDER BY id", p, NULL,
	    &events, NULL)) != DB_OK)
		return rc;
	if (c->count != events) {
		log_error("keys-revoke-user: %llu keys revoked but %llu events", c->count, events);
		*retry = 1;
		return DB_ERROR;
	}
	/* Their webhook events, as apikeys_key_event writes one (migration
	 * 013): the key as revoked, when the user has a webhook for it (014). */
	db_bind_out_time(&p[0], &now, &now_null);
	db_bind_u64(&p[1], &c->id);
	db_bind_out_time(&p[2], &now, &now_null);
	return adhoc(db, "INSERT INTO webhook_events (user_id, key_id, type, details, key_snapshot, "
	    "created_at) SELECT k.user_id, k.id, 'key.revoked', NULL, apikeys_key_snapshot(k.id), ? "
	    "FROM api_keys k WHERE k.user_id = ? AND k.revoked_at = ? AND "
	    "apikeys_subscribed(k.user_id, 'key.revoked') ORDER BY k.id", p, NULL, NULL, NULL);
}

enum db_status
db_admin_keys_revoke_user(struct db *db, uint64_t user_id, unsigned long long *count)
{
	struct admin_revoke_ctx c = { user_id, 0, 0 };
	enum db_status rc;

	rc = db_tx_run(db, keys_revoke_user_body, &c, "keys-revoke-user");
	*count = rc == DB_OK ? c.count : 0;
	return rc;
}

enum db_status
db_admin_events(struct db *db, uint64_t user_id, db_event_cb *cb, void *ctx)
{
	MYSQL_STMT *st;
	MYSQL_BIND p[1], r[7];
	MYSQL_TIME t;
	struct db_event e;
	my_bool null[7];
	unsigned long len[7];
	enum db_status rc = DB_OK;
	int f;

	if ((st = db_prepare(db, "SELECT id, key_id, action, actor, ip, details, created_at "
	    "FROM api_key_events WHERE user_id = ? ORDER BY created_at DESC, id DESC")) == NULL)
		return db->conn == NULL ? DB_UNAVAILABLE : DB_ERROR;
	memset(&e, 0, sizeof(e));
	memset(null, 0, sizeof(null));
	db_bind_u64(&p[0], &user_id);
	db_bind_u64(&r[0], &e.id);
	db_bind_u64(&r[1], &e.key_id);
	db_bind_out_str(&r[2], e.action, sizeof(e.action) - 1, &len[2], &null[2]);
	db_bind_out_str(&r[3], e.actor, sizeof(e.actor) - 1, &len[3], &null[3]);
	db_bind_out_str(&r[4], e.ip, sizeof(e.ip) - 1, &len[4], &null[4]);
	db_bind_out_str(&r[5], e.details, sizeof(e.details) - 1, &len[5], &null[5]);
	db_bind_out_time(&r[6], &t, &null[6]);
	if (mysql_stmt_bind_param(st, p) != 0 || mysql_stmt_execute(st) != 0 ||
	    mysql_stmt_bind_result(st, r) != 0) {
		log_error("database: events: %s", mysql_stmt_error(st));
		mysql_stmt_close(st);
		return DB_ERROR;
	}
	while ((f = mysql_stmt_fetch(st)) == 0) {
		e.action[null[2] ? 0 : len[2]] = '\0';
		e.actor[null[3] ? 0 : len[3]] = '\0';
		e.ip[null[4] ? 0 : len[4]] = '\0';
		e.ip_null = null[4];
		e.details[null[5] ? 0 : len[5]] = '\0';
		e.details_null = null[5];
		e.created_at = db_time_us(&t, null[6]);
		if (cb(ctx, &e) != 0)
			break;
	}
	if (f != 0 && f != MYSQL_NO_DATA) {
		log_error("database: events: %s", f == MYSQL_DATA_TRUNCATED ?
		    "a column is larger than its buffer" : mysql_stmt_error(st));
		rc = DB_ERROR;
	}
	mysql_stmt_close(st);
	return rc;
}

enum db_status
db_admin_session_cipher(struct db *db, char *out, size_t len)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	if (len == 0)
		return DB_ERROR;
	out[0] = '\0';
	if (db_connect(db) != DB_OK)
		return DB_UNAVAILABLE;
	if (mysql_query(db->conn, "SHOW SESSION STATUS LIKE 'Ssl_cipher'") != 0 ||
	    (res = mysql_store_result(db->conn)) == NULL) {
		db_log_error(db, "session status");
		return DB_ERROR;
	}
	if ((row = mysql_fetch_row(res)) != NULL && row[1] != NULL)
		snprintf(out, len, "%s", row[1]);
	mysql_free_result(res);
	return DB_OK;
}

enum db_status
db_admin_keys_prune(struct db *db, unsigned days, unsigned long long *count)
{
	MYSQL_BIND p[2];
	uint64_t d = days;

	db_bind_u64(&p[0], &d);
	db_bind_u64(&p[1], &d);
	*count = 0;
	return adhoc(db, "DELETE FROM api_keys WHERE "
	    "(revoked_at IS NOT NULL AND revoked_at < NOW() - INTERVAL ? DAY) OR "
	    "(expires_at IS NOT NULL AND expires_at < NOW() - INTERVAL ? DAY)",
	    p, NULL, count, NULL);
}

/* ------------------------------------------------------------ scanner */

#define SQL_OWNER \
	"SELECT k.id, u.email, CASE WHEN k.revoked_at IS NOT NULL THEN 1 " \
	"WHEN k.expires_at IS NOT NULL AND k.expires_at <= NOW(6) THEN 2 ELSE 0 END " \
	"FROM api_keys k LEFT JOIN users u ON u.id = k.user_id "

static enum db_status
owner_by(struct db *db, const char *sql, const char *value, struct db_admin_owner *o)
{
	MYSQL_BIND p[1], r[3];
	unsigned long len = 0;
	my_bool email_null = 0, state_null = 0;
	int state = 0;
	enum db_status rc;

	memset(o, 0, sizeof(*o));
	db_bind_in_str(&p[0], value, strlen(value));
	db_bind_u64(&r[0], &o->id);
	db_bind_out_str(&r[1], o->email, sizeof(o->email) - 1, &len, &email_null);
	db_bind_out_int(&r[2], &state, &state_null);
	rc = adhoc(db, sql, p, r, NULL, NULL);
	if (rc != DB_OK)
		return rc;
	o->email[email_null || len >= sizeof(o->email) ? 0 : len] = '\0';
	o->state = state == 1 ? DB_ADMIN_REVOKED : state == 2 ? DB_ADMIN_EXPIRED : DB_ADMIN_LIVE;
	return DB_OK;
}

enum db_status
db_admin_key_owner(struct db *db, const char *key, struct db_admin_owner *o)
{
	return owner_by(db, SQL_OWNER "WHERE k.`key` = ?", key, o);
}

enum db_status
db_admin_secret_owner(struct db *db, const char *hash, struct db_admin_owner *o)
{
	/* A hash collision is as unlikely as a guessed secret: the lowest id
	 * answers if it ever happens. */
	return owner_by(db, SQL_OWNER "WHERE k.secret_hash = ? ORDER BY k.id LIMIT 1", hash, o);
}

enum db_status
db_admin_live_keys(struct db *db, db_admin_value_cb *cb, void *ctx)
{
	char value[257];	/* varchar(64) of utf8mb4 */
	unsigned long len = 0;
	my_bool null = 0;
	MYSQL_BIND r[1];
	MYSQL_STMT *st;
	enum db_status rc = DB_OK;
	int f;

	if ((st = db_prepare(db, "SELECT `key` FROM api_keys WHERE revoked_at IS NULL "
	    "AND (expires_at IS NULL OR expires_at > NOW(6))")) == NULL)
		return db->conn == NULL ? DB_UNAVAILABLE : DB_ERROR;
	db_bind_out_str(&r[0], value, sizeof(value) - 1, &len, &null);
	if (mysql_stmt_execute(st) != 0 || mysql_stmt_bind_result(st, r) != 0) {
		log_error("database: %s (error %u)", mysql_stmt_error(st), mysql_stmt_errno(st));
		mysql_stmt_close(st);
		return DB_ERROR;
	}
	while ((f = mysql_stmt_fetch(st)) == 0 || f == MYSQL_DATA_TRUNCATED) {
		if (len > sizeof(value) - 1)
			len = sizeof(value) - 1;	/* too long to be a key of ours */
		value[len] = '\0';
		if (cb(ctx, value, len) != 0)
			break;
	}
	if (f == 1) {
		log_error("database: %s (error %u)", mysql_stmt_error(st), mysql_stmt_errno(st));
		rc = DB_ERROR;
	}
	mysql_stmt_close(st);
	return rc;
}

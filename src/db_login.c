/* db_login.c: the queries of signing in: password hashes, the failed sign-ins kept in apikeys_login_failures, and the Sanctum tokens the page signs in with. */
#include "ac-config.h"

#include <string.h>

#include "db_bind.h"
#include "db_driver.h"
#include "db_login.h"
#include "db_tx.h"

/*
 * Prepares, runs and closes one statement.  Signing in is rare: its
 * statements are prepared when used.  A failure that lost the connection
 * drops it, so the next request connects afresh.
 */
static enum db_status
adhoc(struct db *db, const char *sql, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected, uint64_t *insert_id)
{
	MYSQL_STMT *st;
	enum db_status rc;

	if ((st = db_prepare(db, sql)) == NULL)
		rc = DB_ERROR;
	else {
		rc = db_run(st, params, results, affected);
		if (rc == DB_OK && insert_id != NULL)
			*insert_id = mysql_stmt_insert_id(st);
		mysql_stmt_close(st);
	}
	if (rc == DB_ERROR || rc == DB_UNAVAILABLE) {
		if (db->conn == NULL)
			return DB_UNAVAILABLE;
		if (mysql_ping(db->conn) != 0)
			return db_fail(db, "sign-in", NULL);
	}
	return rc;
}

enum db_status
db_login_blocked(struct db *db, const char *email_hash, const char *ip, unsigned max,
    unsigned window_seconds, unsigned *retry_after)
{
	MYSQL_BIND p[4], r[1];
	uint64_t umax = max, win = window_seconds;
	long long left = 0;
	my_bool null = 0;
	enum db_status rc;

	*retry_after = 0;
	db_bind_u64(&p[0], &win);
	db_bind_in_str(&p[1], email_hash, strlen(email_hash));
	db_bind_in_str(&p[2], ip, strlen(ip));
	db_bind_u64(&p[3], &umax);
	db_bind_out_i64(&r[0], &left, &null);
	/* Microseconds left in the window of a pair at its limit. */
	rc = adhoc(db, "SELECT TIMESTAMPDIFF(MICROSECOND, NOW(6), "
	    "window_start + INTERVAL ? SECOND) FROM apikeys_login_failures "
	    "WHERE email_hash = ? AND ip = ? AND failures >= ?", p, r, NULL, NULL);
	if (rc == DB_NOT_FOUND)
		return DB_OK;
	if (rc != DB_OK)
		return rc;
	if (!null && left > 0)
		*retry_after = (unsigned)((left + 999999) / 1000000);
	return DB_OK;
}

enum db_status
db_login_user(struct db *db, const char *email, uint64_t *user_id,
    char password[DB_PASSWORD_MAX])
{
	MYSQL_BIND p[1], r[2];
	unsigned long len = 0;
	my_bool null = 0, idnull = 0;
	long long id = 0;
	enum db_status rc;

	password[0] = '\0';
	db_bind_in_str(&p[0], email, strlen(email));
	db_bind_out_i64(&r[0], &id, &idnull);
	db_bind_out_str(&r[1], password, DB_PASSWORD_MAX, &len, &null);
	rc = adhoc(db, "SELECT id, password FROM users WHERE email = ?", p, r, NULL, NULL);
	if (rc != DB_OK)
		return rc;
	if (null || len >= DB_PASSWORD_MAX)
		len = 0;
	password[len] = '\0';
	*user_id = (uint64_t)id;
	return DB_OK;
}

enum db_status
db_login_failed(struct db *db, const char *email_hash, const char *ip,
    unsigned window_seconds)
{
	MYSQL_BIND p[4];
	uint64_t win = window_seconds;

	db_bind_in_str(&p[0], email_hash, strlen(email_hash));
	db_bind_in_str(&p[1], ip, strlen(ip));
	db_bind_u64(&p[2], &win);
	db_bind_u64(&p[3], &win);
	/* The assignments run in order: failures reads the old window. */
	return adhoc(db, "INSERT INTO apikeys_login_failures "
	    "(email_hash, ip, failures, window_start) VALUES (?, ?, 1, NOW(6)) "
	    "ON DUPLICATE KEY UPDATE "
	    "failures = IF(window_start <= NOW(6) - INTERVAL ? SECOND, 1, failures + 1), "
	    "window_start = IF(failures = 1 AND window_start <= NOW(6) - INTERVAL ? SECOND, "
	    "NOW(6), window_start)", p, NULL, NULL, NULL);
}

struct token_tx {
	uint64_t	 user_id;
	const char	*name;
	const char	*token_hash;
	const char	*email_hash;
	const char	*ip;
	uint64_t	 token_id;
};

static enum db_status
token_body(struct db *db, void *ctx, int *retry)
{
	struct token_tx *tx = ctx;
	MYSQL_BIND p[3];
	enum db_status rc;

	(void)retry;
	db_bind_in_str(&p[0], tx->email_hash, strlen(tx->email_hash));
	db_bind_in_str(&p[1], tx->ip, strlen(tx->ip));
	rc = adhoc(db, "DELETE FROM apikeys_login_failures WHERE email_hash = ? AND ip = ?",
	    p, NULL, NULL, NULL);
	if (rc != DB_OK)
		return rc;
	db_bind_u64(&p[0], &tx->user_id);
	db_bind_in_str(&p[1], tx->name, strlen(tx->name));
	db_bind_in_str(&p[2], tx->token_hash, strlen(tx->token_hash));
	return adhoc(db, "INSERT INTO personal_access_tokens (tokenable_type, tokenable_id, "
	    "name, token, abilities, created_at, updated_at) VALUES "
	    "('App\\\\Models\\\\User', ?, ?, ?, '[\"*\"]', NOW(), NOW())",
	    p, NULL, NULL, &tx->token_id);
}

enum db_status
db_login_token(struct db *db, uint64_t user_id, const char *name, const char *token_hash,
    const char *email_hash, const char *ip, uint64_t *token_id)
{
	struct token_tx tx = { user_id, name, token_hash, email_hash, ip, 0 };
	enum db_status rc;

	rc = db_tx_run(db, token_body, &tx, "sign-in");
	if (rc == DB_OK)
		*token_id = tx.token_id;
	return rc;
}

enum db_status
db_logout_token(struct db *db, uint64_t token_id)
{
	MYSQL_BIND p[1];

	db_bind_u64(&p[0], &token_id);
	return adhoc(db, "DELETE FROM personal_access_tokens WHERE id = ?", p, NULL, NULL, NULL);
}

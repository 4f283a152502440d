/* db_sql.h: the text of every statement the responder prepares, in one place (the benchmark's database ceiling includes it). */
#ifndef APIKEYS_DB_SQL_H
#define APIKEYS_DB_SQL_H

#include "db_key_row.h"

/* Sanctum's rules for a usable token: a user's, not expired, user present.
 * The type is compared byte for byte (BINARY), as PHP compares class names:
 * the column's collation would also match "app\\models\\user" or a trailing
 * blank. */
/* Abilities as Sanctum's tokenCan() reads them: "*" or the ability itself
 * in the JSON array; a NULL or malformed column holds none.  The age is
 * for APIKEYS_TOKEN_EXPIRATION (NULL: no creation time). */
#define SQL_TOKEN_CAN(ability) \
	"IFNULL(JSON_CONTAINS(t.abilities, '\"*\"') OR " \
	"JSON_CONTAINS(t.abilities, '\"" ability "\"'), 0)"
#define SQL_TOKEN_SELECT \
	"SELECT t.id, t.tokenable_id, t.token, " \
	"t.last_used_at IS NULL OR t.last_used_at < NOW() - INTERVAL 60 SECOND, " \
	"u.email_verified_at IS NOT NULL, " \
	SQL_TOKEN_CAN("api-keys:read") ", " SQL_TOKEN_CAN("api-keys:write") ", " \
	"TIMESTAMPDIFF(SECOND, t.created_at, NOW())"
#define SQL_TOKEN_FROM \
	" FROM personal_access_tokens t JOIN users u ON u.id = t.tokenable_id "
#define SQL_TOKEN_WHERE \
	"WHERE BINARY t.tokenable_type = 'App\\\\Models\\\\User' " \
	"AND (t.expires_at IS NULL OR t.expires_at > NOW()) "

/* The token and the caller's key in one round trip (show): the key columns
 * (show's, db_key_row.h) are NULL when the key is missing or another user's. */
#define SQL_TOKEN_KEY_SELECT SQL_TOKEN_SELECT DB_KEY_SQL_JOIN SQL_TOKEN_FROM \
	"LEFT JOIN api_keys k ON k.id = ? AND k.user_id = t.tokenable_id "

/* The columns of struct db_key (db_key_row.h): show's, then the key's
 * settings. */
#define SQL_KEY_COLUMNS		"SELECT " DB_KEY_SQL_SETTINGS " "

/* The uses in a key's token bucket now: full when never spent (NULL), else
 * what was left at bucket_at plus the refill since (limit per window,
 * continuously; a clock behind bucket_at refills nothing), at most limit. */
#define SQL_BUCKET_LEVEL \
	"IF(bucket_tokens IS NULL OR bucket_at IS NULL, rate_limit, " \
	"LEAST(rate_limit, bucket_tokens + GREATEST(0, TIMESTAMPDIFF(MICROSECOND, " \
	"bucket_at, NOW(6))) * rate_limit / (rate_window * 1e6)))"

/* True when the last use is not recent (never, or more than a minute
 * before NOW()): only then is last_used_at written again. */
#define SQL_NOT_USED_RECENTLY "last_used_at IS NULL OR last_used_at < NOW() - INTERVAL 60 SECOND"
/* Verify's columns of a key (db_key_row.h): usable now, and the uses in its
 * bucket in millionths (0 without a limit). */
#define SQL_KEY_LIVE "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > NOW(6))"
#define SQL_KEY_BUCKET_MICRO \
	"IF(rate_limit IS NULL OR rate_window IS NULL, 0, FLOOR(" SQL_BUCKET_LEVEL " * 1e6))"

#define SQL_TOKEN_BY_ID		SQL_TOKEN_SELECT SQL_TOKEN_FROM SQL_TOKEN_WHERE "AND t.id = ?"
#define SQL_TOKEN_BY_HASH	SQL_TOKEN_SELECT SQL_TOKEN_FROM SQL_TOKEN_WHERE "AND t.token = ?"
#define SQL_TOKEN_KEY_BY_ID	SQL_TOKEN_KEY_SELECT SQL_TOKEN_WHERE "AND t.id = ?"
#define SQL_TOKEN_KEY_BY_HASH	SQL_TOKEN_KEY_SELECT SQL_TOKEN_WHERE "AND t.token = ?"
#define SQL_TOKEN_TOUCH \
	"UPDATE personal_access_tokens SET last_used_at = NOW(), updated_at = NOW() " \
	"WHERE id = ? AND (" SQL_NOT_USED_RECENTLY ")"
#define SQL_USER_LOCK		"SELECT id FROM users WHERE id = ? FOR UPDATE"
#define SQL_KEY_COUNT_LIVE \
	"SELECT COUNT(*) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL " \
	"AND (expires_at IS NULL OR expires_at > NOW(6))"
#define SQL_KEY_CREATE \
	"INSERT INTO api_keys (user_id, name, `key`, secret_hash, secret_hint, " \
	"permissions, expires_at, created_at, updated_at, " \
	"rate_limit, rate_window, remaining_uses, allowed_ips) " \
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define SQL_KEYS_LIST		SQL_KEY_COLUMNS "FROM api_keys WHERE user_id = ? " \
	"ORDER BY created_at DESC, id DESC LIMIT ?"
#define SQL_KEY_REVOKE \
	"UPDATE api_keys SET revoked_at = NOW(), updated_at = NOW() " \
	"WHERE id = ? AND user_id = ? AND revoked_at IS NULL"
#define SQL_KEY_REVOKED_AT	"SELECT revoked_at FROM api_keys WHERE id = ? AND user_id = ?"
#define SQL_KEY_BY_VALUE	"SELECT " DB_KEY_SQL_VERIFY " FROM api_keys WHERE `key` = ?"
#define SQL_KEY_TOUCH \
	"UPDATE api_keys SET last_used_at = NOW() WHERE id = ? AND (" SQL_NOT_USED_RECENTLY ")"

/* One event of the audit trail, in the transaction of the change it
 * records, with its webhook event when the user has a webhook for it: the
 * procedure of sql/migrations/014-webhook-subscriptions.sql (key, user,
 * action, actor, ip, details). */
#define SQL_EVENT_INSERT	"CALL apikeys_key_event(?, ?, ?, ?, ?, ?)"

/*
 * Verify's spending: checks and spends in one statement, so concurrent
 * verifies of one key queue on its row lock and never spend more than
 * there is.  Parameters: cost, id, cost.  Single-table assignments run left
 * to right, so bucket_tokens is computed from the old bucket_at, and the
 * last one sees the new values: it hands them back through
 * LAST_INSERT_ID(expr), which the client receives in the statement's
 * answer (no second round trip): remaining_uses * 2^21 + whole uses in
 * the bucket, times 2, plus 1 (so that a spending is never 0, even when
 * no value changed; a refused UPDATE evaluates no assignment and gives 0).
 */
#define SQL_KEY_SPEND \
	"UPDATE api_keys SET " \
	"bucket_tokens = IF(rate_limit IS NULL OR rate_window IS NULL, NULL, " \
	SQL_BUCKET_LEVEL " - 1), " \
	"bucket_at = IF(rate_limit IS NULL OR rate_window IS NULL, NULL, NOW(6)), " \
	"remaining_uses = remaining_uses - ?, " \
	"last_used_at = IF(LAST_INSERT_ID((IFNULL(remaining_uses, 0) * 2097152 + " \
	"IFNULL(CAST(FLOOR(bucket_tokens) AS UNSIGNED), 0)) * 2 + 1) IS NOT NULL AND (" SQL_NOT_USED_RECENTLY "), " \
	"NOW(), last_used_at) " \
	"WHERE id = ? AND enabled AND revoked_at IS NULL " \
	"AND (expires_at IS NULL OR expires_at > NOW(6)) " \
	"AND (rate_limit IS NULL OR rate_window IS NULL OR " SQL_BUCKET_LEVEL " >= 1) " \
	"AND (remaining_uses IS NULL OR remaining_uses >= ?)"

/* PATCH: the key locked for the transaction, then its new values.  A new
 * or changed rate limit starts with a full bucket (NULL). */
#define SQL_KEY_LOCK	SQL_KEY_COLUMNS "FROM api_keys WHERE id = ? AND user_id = ? FOR UPDATE"
#define SQL_KEY_UPDATE \
	"UPDATE api_keys SET name = ?, permissions = ?, expires_at = ?, enabled = ?, " \
	"rate_limit = ?, rate_window = ?, bucket_tokens = IF(?, NULL, bucket_tokens), " \
	"bucket_at = IF(?, NULL, bucket_at), remaining_uses = ?, allowed_ips = ?, " \
	"updated_at = ? WHERE id = ?"

/* Generate's statements, one round trip before the COMMIT: the stored
 * procedure of sql/migrations/007-generate-procedure.sql (user, key,
 * secret hash, hint, actor, address, OUT the new key's id: NULL if the
 * user is gone), which begins the transaction. */
#define SQL_GENERATE	"CALL apikeys_generate(?, ?, ?, ?, ?, ?, ?)"

/* Rotation: the old key locked with its user's row (whether it may be
 * rotated, and what the answer shows of it), the new key copied from it
 * (bucket full: bucket_tokens and bucket_at stay NULL), the old key pointed
 * at the new one. */
#define SQL_KEY_ROTATE_LOCK \
	"SELECT k.name, k.permissions, k.expires_at, k.revoked_at IS NULL AND " \
	"(k.expires_at IS NULL OR k.expires_at > NOW(6)) AND k.rotated_to IS NULL " \
	"FROM users u JOIN api_keys k ON k.user_id = u.id WHERE u.id = ? AND k.id = ? " \
	"FOR UPDATE"
#define SQL_KEY_ROTATE_INSERT \
	"INSERT INTO api_keys (user_id, name, `key`, secret_hash, secret_hint, permissions, " \
	"enabled, rate_limit, rate_window, remaining_uses, allowed_ips, expires_at, " \
	"created_at, updated_at) SELECT user_id, name, ?, ?, ?, permissions, enabled, " \
	"rate_limit, rate_window, remaining_uses, allowed_ips, ?, ?, ? " \
	"FROM api_keys WHERE id = ?"
#define SQL_KEY_ROTATE_OLD \
	"UPDATE api_keys SET rotated_to = ?, revoked_at = ?, expires_at = ?, updated_at = ? " \
	"WHERE id = ?"
/* The key that the key being rotated replaced, if its overlap still runs
 * (it is then revoked with ST_KEY_REVOKE: at most two live keys a chain). */
#define SQL_KEY_ROTATE_PREVIOUS \
	"SELECT id FROM api_keys WHERE user_id = ? AND rotated_to = ? AND revoked_at IS NULL " \
	"AND (expires_at IS NULL OR expires_at > NOW(6))"

/* A key's audit trail, newest first (the key_id index's order). */
#define SQL_KEY_EVENTS \
	"SELECT id, key_id, action, actor, ip, details, created_at FROM api_key_events " \
	"WHERE key_id = ? AND user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?"

/* The statements prepared on every connection: X(id, text). */
#define DB_STATEMENTS(X) \
	X(ST_TOKEN_BY_ID, SQL_TOKEN_BY_ID) \
	X(ST_TOKEN_BY_HASH, SQL_TOKEN_BY_HASH) \
	X(ST_TOKEN_KEY_BY_ID, SQL_TOKEN_KEY_BY_ID) \
	X(ST_TOKEN_KEY_BY_HASH, SQL_TOKEN_KEY_BY_HASH) \
	X(ST_TOKEN_TOUCH, SQL_TOKEN_TOUCH) \
	X(ST_USER_LOCK, SQL_USER_LOCK) \
	X(ST_KEY_COUNT_LIVE, SQL_KEY_COUNT_LIVE) \
	X(ST_KEY_CREATE, SQL_KEY_CREATE) \
	X(ST_KEYS_LIST, SQL_KEYS_LIST) \
	X(ST_KEY_REVOKE, SQL_KEY_REVOKE) \
	X(ST_KEY_REVOKED_AT, SQL_KEY_REVOKED_AT) \
	X(ST_KEY_BY_VALUE, SQL_KEY_BY_VALUE) \
	X(ST_KEY_TOUCH, SQL_KEY_TOUCH) \
	X(ST_EVENT_INSERT, SQL_EVENT_INSERT) \
	X(ST_KEY_SPEND, SQL_KEY_SPEND) \
	X(ST_KEY_LOCK, SQL_KEY_LOCK) \
	X(ST_KEY_UPDATE, SQL_KEY_UPDATE) \
	X(ST_GENERATE, SQL_GENERATE) \
	X(ST_KEY_ROTATE_LOCK, SQL_KEY_ROTATE_LOCK) \
	X(ST_KEY_ROTATE_INSERT, SQL_KEY_ROTATE_INSERT) \
	X(ST_KEY_ROTATE_OLD, SQL_KEY_ROTATE_OLD) \
	X(ST_KEY_ROTATE_PREVIOUS, SQL_KEY_ROTATE_PREVIOUS) \
	X(ST_KEY_EVENTS, SQL_KEY_EVENTS)

#endif

/* db_key_row.h: the api_keys row as struct db_key holds it, described once; the SELECT lists, the column enum, the binds and the copy-out (db_keys.c) and the test fake's copy are all made from DB_KEY_ROW. */
#ifndef APIKEYS_DB_KEY_ROW_H
#define APIKEYS_DB_KEY_ROW_H

/*
 * DB_KEY_ROW(X): one line a column, in SELECT order:
 *
 *   X(index, column, member, type, flag, read)
 *
 *   index   its place in the result (enum key_column, db_driver.h)
 *   column  its SQL text in the SELECT list: a column, or an expression
 *   member  the struct db_key member it fills
 *   type    how it is fetched, and what a NULL column leaves in member:
 *     U64        uint64_t from an unsigned column; NULL: 0
 *     I64        int64_t; NULL: 0
 *     UINT       unsigned, 1 to UINT32_MAX; NULL or any other value: 0
 *     FLAG       int, 0 or 1; NULL: 0
 *     OFF        int, 1 when the column is 0 (enabled -> disabled); NULL: 0
 *     TIME       microseconds since the epoch (UTC); NULL: DB_TIME_NULL
 *     TEXT       a string, terminated; NULL: ""
 *     JSON       a JSON text; NULL: "" (none); an empty text, which is no
 *                JSON, is read as "null" so that it never passes for NULL
 *     JSON_LIST  a JSON text; NULL: "[]"; an empty text "null", as JSON's
 *     HASH       exactly DB_HASH_HEX characters; NULL or any other length: ""
 *   flag    the member that tells NULL apart from a value, if any:
 *     KEY_IF_NULL(m)  m is 1 when the column is NULL, else 0
 *     KEY_IF_SET(m)   m is 1 when the column is not NULL, else 0
 *     KEY_NO_FLAG     none
 *   read    the first read that selects it: HEAD (the first column, in
 *           every read), SHOW (show's join, and every read after it),
 *           SETTINGS (list, PATCH; and verify), VERIFY (verify only)
 *
 * Every member a read does not select is 0, or "" (reads start from a
 * cleared struct: a string's bytes after its terminator are undefined);
 * every member it selects is set from its column on every row, NULL or
 * not, so nothing of one row is left over in the next.  A column
 * added later is one more line here (with its member in struct db_key, and
 * a migration); tests/unit/test-key-row holds the real copy-out and the
 * fake's read to it.
 */
#define DB_KEY_ROW(X) \
	X(KC_ID,        "id",                   id,             U64,       KEY_NO_FLAG,               HEAD)     \
	X(KC_USER,      "user_id",              user_id,        U64,       KEY_NO_FLAG,               SHOW)     \
	X(KC_NAME,      "name",                 name,           TEXT,      KEY_IF_NULL(name_null),    SHOW)     \
	X(KC_KEY,       "`key`",                key,            TEXT,      KEY_NO_FLAG,               SHOW)     \
	X(KC_HINT,      "secret_hint",          secret_hint,    TEXT,      KEY_NO_FLAG,               SHOW)     \
	X(KC_PERMS,     "permissions",          permissions,    JSON_LIST, KEY_NO_FLAG,               SHOW)     \
	X(KC_EXPIRES,   "expires_at",           expires_at,     TIME,      KEY_NO_FLAG,               SHOW)     \
	X(KC_USED,      "last_used_at",         last_used_at,   TIME,      KEY_NO_FLAG,               SHOW)     \
	X(KC_REVOKED,   "revoked_at",           revoked_at,     TIME,      KEY_NO_FLAG,               SHOW)     \
	X(KC_CREATED,   "created_at",           created_at,     TIME,      KEY_NO_FLAG,               SHOW)     \
	X(KC_UPDATED,   "updated_at",           updated_at,     TIME,      KEY_NO_FLAG,               SHOW)     \
	X(KC_ENABLED,   "enabled",              disabled,       OFF,       KEY_NO_FLAG,               SETTINGS) \
	X(KC_RATE,      "rate_limit",           rate_limit,     UINT,      KEY_NO_FLAG,               SETTINGS) \
	X(KC_WINDOW,    "rate_window",          rate_window,    UINT,      KEY_NO_FLAG,               SETTINGS) \
	X(KC_REMAINING, "remaining_uses",       remaining_uses, U64,       KEY_IF_SET(has_remaining), SETTINGS) \
	X(KC_IPS,       "allowed_ips",          allowed_ips,    JSON,      KEY_NO_FLAG,               SETTINGS) \
	X(KC_ROTATED,   "rotated_to",           rotated_to,     U64,       KEY_NO_FLAG,               SETTINGS) \
	X(KC_HASH,      "secret_hash",          secret_hash,    HASH,      KEY_NO_FLAG,               VERIFY)   \
	X(KC_LIVE,      SQL_KEY_LIVE,           live,           FLAG,      KEY_NO_FLAG,               VERIFY)   \
	X(KC_STALE,     SQL_NOT_USED_RECENTLY,  stale,          FLAG,      KEY_NO_FLAG,               VERIFY)   \
	X(KC_BUCKET,    SQL_KEY_BUCKET_MICRO,   bucket_micro,   I64,       KEY_NO_FLAG,               VERIFY)

/* The reads, in order: each selects its columns and every earlier read's. */
enum key_read { KEY_READ_SHOW, KEY_READ_SETTINGS, KEY_READ_VERIFY };
#define KEY_READ_HEAD	KEY_READ_SHOW

/* The flag column of DB_KEY_ROW, for a user that defines
 * KEY_FLAG(member, value_when_null) before expanding it. */
#define KEY_IF_NULL(m)	KEY_FLAG(m, 1)
#define KEY_IF_SET(m)	KEY_FLAG(m, 0)
#define KEY_NO_FLAG

#define KEY_ENUM(index, column, member, type, flag, read)	index,

/* The number of show's columns (the join's). */
#define KEY_IN_SHOW(index, column, member, type, flag, read)	+ KEY_IN_SHOW_##read
#define KEY_IN_SHOW_HEAD	1
#define KEY_IN_SHOW_SHOW	1
#define KEY_IN_SHOW_SETTINGS	0
#define KEY_IN_SHOW_VERIFY	0
#define KEY_COLUMNS_SHOW	(0 DB_KEY_ROW(KEY_IN_SHOW))

/*
 * The SELECT lists of the reads, one string literal each: the columns,
 * comma-separated; DB_KEY_SQL_JOIN is show's, each after ", k.", to follow
 * other columns of a join on api_keys k.
 */
#define KEY_SQL_SETTINGS(index, column, member, type, flag, read) KEY_SQL_SETTINGS_##read(column)
#define KEY_SQL_SETTINGS_HEAD(c)	c
#define KEY_SQL_SETTINGS_SHOW(c)	", " c
#define KEY_SQL_SETTINGS_SETTINGS(c)	", " c
#define KEY_SQL_SETTINGS_VERIFY(c)
#define KEY_SQL_VERIFY(index, column, member, type, flag, read)	KEY_SQL_VERIFY_##read(column)
#define KEY_SQL_VERIFY_HEAD(c)		c
#define KEY_SQL_VERIFY_SHOW(c)		", " c
#define KEY_SQL_VERIFY_SETTINGS(c)	", " c
#define KEY_SQL_VERIFY_VERIFY(c)	", " c
#define KEY_SQL_JOIN(index, column, member, type, flag, read)	KEY_SQL_JOIN_##read(column)
#define KEY_SQL_JOIN_HEAD(c)		", k." c
#define KEY_SQL_JOIN_SHOW(c)		", k." c
#define KEY_SQL_JOIN_SETTINGS(c)
#define KEY_SQL_JOIN_VERIFY(c)
#define DB_KEY_SQL_SETTINGS	DB_KEY_ROW(KEY_SQL_SETTINGS)
#define DB_KEY_SQL_VERIFY	DB_KEY_ROW(KEY_SQL_VERIFY)
#define DB_KEY_SQL_JOIN		DB_KEY_ROW(KEY_SQL_JOIN)

#endif

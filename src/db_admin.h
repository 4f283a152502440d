/* db_admin.h: the queries of the admin tool (schema migrations, users, bearer tokens). */
#ifndef APIKEYS_DB_ADMIN_H
#define APIKEYS_DB_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "db_events.h"

/* Runs a file of SQL statements (the handle needs DB_FLAG_ADMIN),
 * reading every result; stops at the first error, which it logs. */
enum db_status db_admin_exec(struct db *, const char *sql, size_t len);

/* Creates the table that records applied migrations if it is missing. */
enum db_status db_admin_migrations_init(struct db *);

/* Sets *applied to 1 if migration version is recorded. */
enum db_status db_admin_migration_applied(struct db *, unsigned version, int *applied);

/* Records migration version (name is its file name). */
enum db_status db_admin_migration_record(struct db *, unsigned version, const char *name);

/* Adds a user with an unusable password; DB_ERROR if the email is taken. */
enum db_status db_admin_user_add(struct db *, const char *email, const char *name,
    int verified, uint64_t *id);

/* Finds a user by decimal id or by email. */
enum db_status db_admin_user_find(struct db *, const char *id_or_email, uint64_t *id);

/* Stores a Sanctum token row for user (hash: hex SHA-256 of the plaintext);
 * expires_days 0 means it never expires. */
enum db_status db_admin_token_add(struct db *, uint64_t user, const char *name,
    const char *hash, unsigned expires_days, uint64_t *id);

/* Deletes a token row, as Sanctum's revoke does.  DB_NOT_FOUND if none. */
enum db_status db_admin_token_delete(struct db *, uint64_t id);

/* Revokes key id (any owner) unless already revoked, with its "revoked"
 * event (actor admin) in the same transaction.  DB_NOT_FOUND if no such
 * key; *was_live is 0 if it had been revoked before (no event then). */
enum db_status db_admin_key_revoke(struct db *, uint64_t id, int *was_live);

/* Revokes every unrevoked key of a user, each with its "revoked" event
 * (actor admin), in one transaction; *count gets how many. */
enum db_status db_admin_keys_revoke_user(struct db *, uint64_t user_id,
    unsigned long long *count);

/* Calls cb for every event of the user's keys, deleted keys included,
 * newest first (created_at, then id); a non-zero return stops. */
enum db_status db_admin_events(struct db *, uint64_t user_id, db_event_cb *cb, void *ctx);

/* Copies the session's TLS cipher (Ssl_cipher) to out: empty when the
 * connection is not encrypted. */
enum db_status db_admin_session_cipher(struct db *, char *out, size_t len);
/* Deletes the keys revoked, or expired, more than days ago (a live key is
 * never deleted); *count gets how many. */
enum db_status db_admin_keys_prune(struct db *, unsigned days, unsigned long long *count);

/* A key's state as the scanner reports it (revoked wins over expired). */
enum db_admin_key_state {
	DB_ADMIN_LIVE = 0,	/* not revoked, not expired (a disabled key too) */
	DB_ADMIN_REVOKED,
	DB_ADMIN_EXPIRED
};

#define DB_ADMIN_EMAIL_MAX	1024	/* users.email: 255 characters of UTF-8, NUL */

/* The key a credential found in a file belongs to. */
struct db_admin_owner {
	uint64_t		id;		/* the key's */
	char			email[DB_ADMIN_EMAIL_MAX];	/* "" if the user row is gone */
	enum db_admin_key_state	state;
};

/* Finds the key whose value is key, byte for byte.  DB_NOT_FOUND if none. */
enum db_status db_admin_key_owner(struct db *, const char *key, struct db_admin_owner *);

/* Finds the key whose secret_hash is hash (the secret's keyed hash, hex;
 * the index of migration 005).  DB_NOT_FOUND if none. */
enum db_status db_admin_secret_owner(struct db *, const char *hash, struct db_admin_owner *);

/* Called with the value of each live key (not revoked, not expired); a
 * non-zero return stops the listing. */
typedef int db_admin_value_cb(void *ctx, const char *value, size_t len);

/* Calls cb for every live key's value.  No keys is DB_OK. */
enum db_status db_admin_live_keys(struct db *, db_admin_value_cb *cb, void *ctx);

#endif

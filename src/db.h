/* db.h: the database layer's common words (statuses, the rows of a key and a token, who acts) and its handle: one persistent connection per process, opened and closed by db_driver.c.  Each query file declares its own queries (db_keys.h, db_settings.h, db_generate.h, db_rotate.h, db_events.h, ...). */
#ifndef APIKEYS_DB_H
#define APIKEYS_DB_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "timeutil.h"

/* Every result a query can have; handlers map them to HTTP statuses. */
enum db_status {
	DB_OK = 0,
	DB_NOT_FOUND,		/* no such row (or it is not the caller's) */
	DB_UNAVAILABLE,		/* no connection to the server: 503 */
	DB_ERROR,		/* anything else (logged): 500 */
	DB_LIMIT		/* the user has the most live keys allowed: 409 */
};

#define DB_TIME_NULL	TIME_NULL	/* a NULL time column */
#define DB_KEY_MAX	64		/* room for "MTP_KEY_" + 40, NUL */
#define DB_HASH_HEX	64
#define DB_PERMS_MAX	4096		/* permissions JSON text */
#define DB_NAME_MAX	204		/* 50 code points of UTF-8, NUL */
#define DB_HINT_MAX	8		/* last 4 characters of the secret */
#define DB_IPS_MAX	4096		/* allowed_ips JSON text */

struct db;

struct db_token {
	uint64_t	id;
	uint64_t	user_id;
	char		hash[DB_HASH_HEX + 1];	/* hex SHA-256 of the plaintext */
	int		stale;		/* last_used_at unset or over a minute old */
	int		email_verified;
	int		can_read;	/* abilities hold "*" or "api-keys:read" */
	int		can_write;	/* abilities hold "*" or "api-keys:write" */
	int64_t		age;		/* seconds since created_at; -1 if unset */
};

struct db_key {
	uint64_t	id;
	uint64_t	user_id;
	char		name[DB_NAME_MAX];
	int		name_null;
	char		key[DB_KEY_MAX];
	char		secret_hash[DB_HASH_HEX + 1];	/* only by db_key_by_value */
	char		secret_hint[DB_HINT_MAX];	/* "" when NULL */
	char		permissions[DB_PERMS_MAX];	/* JSON array text */
	int64_t		expires_at;	/* microseconds since the epoch (UTC), or DB_TIME_NULL */
	int64_t		last_used_at;
	int64_t		revoked_at;
	int64_t		created_at;
	int64_t		updated_at;
	int		live;		/* not revoked, not expired (by_value) */
	int		stale;		/* last_used_at unset or a minute old */
	/* A key's settings (list, PATCH, verify; show's join leaves them 0).
	 * All zero is a key without settings. */
	int		disabled;	/* enabled is 0 */
	unsigned	rate_limit;	/* uses per window; 0: no limit */
	unsigned	rate_window;	/* seconds */
	int		has_remaining;	/* remaining_uses is not NULL */
	uint64_t	remaining_uses;
	char		allowed_ips[DB_IPS_MAX];	/* JSON array text; "" when NULL */
	uint64_t	rotated_to;	/* 0 when NULL */
	/* by_value only: the uses in the bucket at the read, in millionths,
	 * refilled as db_key_spend refills it (rate_limit 0: 0). */
	int64_t		bucket_micro;
};

/* A key to store with db_key_create. */
struct db_key_new {
	uint64_t	 user_id;
	const char	*name;
	const char	*key;
	const char	*secret_hash;
	const char	*secret_hint;
	const char	*permissions;	/* JSON array text */
	int64_t		 expires_at;	/* microseconds since the epoch (UTC) */
	int64_t		 created_at;
	unsigned	 rate_limit;	/* 0: no limit */
	unsigned	 rate_window;
	int		 has_remaining;
	uint64_t	 remaining_uses;
	const char	*allowed_ips;	/* JSON array text, or NULL */
};

/* Who makes a change, as the audit trail records it. */
struct db_actor {
	char		 name[32];	/* "token:12" (a bearer token) or "admin" */
	const char	*ip;		/* REMOTE_ADDR as the front end gave it; NULL: none */
};

/* Connection flags for db_open. */
#define DB_FLAG_ADMIN			0x1	/* admin tool: multi-statement text (schema files) */
#define DB_FLAG_LAZY			0x2	/* do not connect before first use */

/*
 * Makes a handle and (unless DB_FLAG_LAZY) tries to connect.  A failed
 * connection is not an error here: every query connects when needed.  The
 * config must outlive the handle.  Returns NULL only on out of memory.
 */
struct db *db_open(const struct config *, int flags);

/* Closes the connection and frees the handle.  NULL is allowed. */
void db_close(struct db *);

/* Connects now if not connected.  Returns DB_OK or DB_UNAVAILABLE. */
enum db_status db_connect(struct db *);

/* A short text for a status.  Static storage; cannot fail. */
const char *db_strerror(enum db_status);

#endif

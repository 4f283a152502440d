/* db.h: the service's queries over one persistent MariaDB/MySQL connection per process. */
#ifndef APIKEYS_DB_H
#define APIKEYS_DB_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* Every result a query can have; handlers map them to HTTP statuses. */
enum db_status {
	DB_OK = 0,
	DB_NOT_FOUND,		/* no such row (or it is not the caller's) */
	DB_UNAVAILABLE,		/* no connection to the server: 503 */
	DB_ERROR		/* anything else (logged): 500 */
};

#define DB_TIME_NULL	INT64_MIN	/* a NULL time column */
#define DB_KEY_MAX	64		/* room for "MTP_KEY_" + 40, NUL */
#define DB_HASH_HEX	64
#define DB_PERMS_MAX	4096		/* permissions JSON text */

struct db;

struct db_token {
	uint64_t	id;
	uint64_t	user_id;
	char		hash[DB_HASH_HEX + 1];	/* hex SHA-256 of the plaintext */
	int		stale;		/* last_used_at unset or over a minute old */
	int		email_verified;
};

struct db_key {
	uint64_t	id;
	uint64_t	user_id;
	char		key[DB_KEY_MAX];
	char		permissions[DB_PERMS_MAX];	/* JSON array text */
	int64_t		expires_at;	/* epoch seconds UTC, or DB_TIME_NULL */
	int64_t		created_at;
	int64_t		updated_at;
};

/* Connection flags for db_open. */
#define DB_FLAG_MULTI_STATEMENTS	0x1	/* admin tool: run schema files */
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

/* Looks up a Sanctum token by id, or by its hex hash.  Only rows whose
 * tokenable_type is App\Models\User, whose user exists and which have not
 * expired are found. */
enum db_status db_token_by_id(struct db *, uint64_t id, struct db_token *);
enum db_status db_token_by_hash(struct db *, const char *hash, struct db_token *);

/* Sets last_used_at (and updated_at) to now unless it was set within the
 * last minute. */
enum db_status db_token_touch(struct db *, uint64_t id);

/*
 * One transaction: lock the user's row, delete every key of the user, insert
 * the new key (permissions [], expiry one year on).  Deadlocks are retried a
 * bounded number of times.  On any failure nothing changes.  DB_NOT_FOUND:
 * the user row is gone.
 */
enum db_status db_key_replace(struct db *, uint64_t user_id, const char *key,
    const char *secret_hash, uint64_t *new_id);

/* Fetches key id if user_id owns it. */
enum db_status db_key_find_owned(struct db *, uint64_t id, uint64_t user_id,
    struct db_key *);

/* A short text for a status.  Static storage; cannot fail. */
const char *db_strerror(enum db_status);

/* Statements sent to the server since the handle was made (for benchmarks). */
unsigned long db_round_trips(const struct db *);

#endif

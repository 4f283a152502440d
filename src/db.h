/* db.h: the database layer's interface: every query the service makes (the db_*.c files), over one persistent connection per process (db_driver.c). */
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

/* Called once per listed key; a non-zero return stops the listing. */
typedef int db_key_cb(void *ctx, const struct db_key *);

#define DB_ACTION_MAX	17		/* "generated", NUL */
#define DB_ACTOR_MAX	65
#define DB_IP_MAX	46		/* an IPv6 address in text, NUL */
#define DB_DETAILS_MAX	1024		/* a JSON object's text, NUL */

/* One event of a key's audit trail, as db_key_events reads it. */
struct db_event {
	uint64_t	id;
	uint64_t	key_id;
	char		action[DB_ACTION_MAX];
	char		actor[DB_ACTOR_MAX];
	char		ip[DB_IP_MAX];
	int		ip_null;
	char		details[DB_DETAILS_MAX];
	int		details_null;
	int64_t		created_at;
};

/* Called once per event; a non-zero return stops the listing. */
typedef int db_event_cb(void *ctx, const struct db_event *);

/* A rotation to make with db_key_rotate: the new key's credentials and
 * expiry; every other setting is copied from the old key. */
struct db_rotate {
	uint64_t	 id;		/* the old key */
	uint64_t	 user_id;
	const char	*key;
	const char	*secret_hash;
	const char	*secret_hint;
	int64_t		 expires_at;	/* of the new key */
	int64_t		 now;		/* created_at of the new key, revocation time */
	unsigned	 grace_seconds;	/* 0: revoke the old key now */
};

/* What a rotation did (db_key_rotate). */
struct db_rotated {
	int		refused;	/* revoked, expired or already rotated: nothing changed */
	uint64_t	new_id;
	char		name[DB_NAME_MAX];	/* copied to the new key */
	int		name_null;
	char		permissions[DB_PERMS_MAX];
	int64_t		old_expires_at;	/* the old key after the rotation */
	int64_t		old_revoked_at;
};

/* Connection flags for db_open. */
#define DB_FLAG_ADMIN			0x1	/* admin tool: multi-statement text (schema files); prepare on use */
#define DB_FLAG_LAZY			0x2	/* do not connect before first use */
#define DB_FLAG_UNPREPARED		0x4	/* prepare nothing on connect (the usage writer's text statement) */

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
 * One transaction: lock the user's row, insert the new key (permissions [],
 * expiry one year on), record a "deleted" event for each of the user's
 * other keys and a "generated" one for the new key, delete the other keys.
 * Deadlocks are retried a bounded number of times.  On any failure nothing
 * changes.  DB_NOT_FOUND: the user row is gone.
 */
enum db_status db_key_replace(struct db *, uint64_t user_id, const char *key,
    const char *secret_hash, const char *secret_hint, const struct db_actor *,
    uint64_t *new_id);

/*
 * One transaction: lock the user's row, count the user's live keys (DB_LIMIT
 * at max_live), insert the key and its "created" event.  Deadlocks are
 * retried.  DB_NOT_FOUND: the user row is gone.
 */
enum db_status db_key_create(struct db *, const struct db_key_new *, unsigned max_live,
    const struct db_actor *, uint64_t *new_id);

/* Calls cb for the user's newest keys (created_at, then id, descending),
 * at most limit of them.  No keys is DB_OK. */
enum db_status db_keys_list(struct db *, uint64_t user_id, unsigned limit,
    db_key_cb *cb, void *ctx);

/* Sets revoked_at of the user's key unless already set, with its
 * "revoked" event in the same transaction (none when it was revoked
 * before); *revoked_at gets the (first) revocation time. */
enum db_status db_key_revoke(struct db *, uint64_t id, uint64_t user_id,
    const struct db_actor *, int64_t *revoked_at);

/*
 * One transaction: lock the user's row and the old key, then (unless the
 * key is revoked, expired or rotated already: out->refused, nothing
 * changes) revoke the key that the old one replaced if its overlap still
 * runs (with its "revoked" event: at most two live keys a chain), insert
 * the new key with the old one's name, permissions and
 * settings (its bucket full, its own credentials and expiry), point the
 * old key at it and revoke it (grace 0) or cut its expiry to now plus the
 * grace, and record "rotated" on the old key and "created" on the new.
 * DB_NOT_FOUND: no such key of the user.  Deadlocks are retried.
 */
enum db_status db_key_rotate(struct db *, const struct db_rotate *,
    const struct db_actor *, struct db_rotated *out);

/* Calls cb for the newest events of the user's key key_id (created_at,
 * then id, descending), at most limit.  No events is DB_OK. */
enum db_status db_key_events(struct db *, uint64_t key_id, uint64_t user_id,
    unsigned limit, db_event_cb *cb, void *ctx);

/* Finds a key by its public value, with secret_hash, live and stale set. */
enum db_status db_key_by_value(struct db *, const char *key, struct db_key *);

/* Sets last_used_at of a key unless set within the last minute. */
enum db_status db_key_touch(struct db *, uint64_t id);

/*
 * Verify's spending, one conditional UPDATE: if key id is live and
 * enabled, its bucket (rate_limit) holds a whole use and its
 * remaining_uses (if set) at least cost, takes one use from the bucket
 * and cost from remaining_uses, and sets last_used_at if stale.  *spent
 * is 1 when it did, with the values after it in *remaining_uses and
 * *bucket_left (whole uses); 0 when there was too little (nothing
 * changes).  Galera certification conflicts are retried.  Holds no lock
 * past the statement.
 */
enum db_status db_key_spend(struct db *, uint64_t id, unsigned cost, int *spent,
    uint64_t *remaining_uses, uint64_t *bucket_left);

/*
 * Computes a PATCH from the key as stored (cur): fills next (a copy of cur
 * with the changes, updated_at set) and the event's details (JSON object
 * text, NUL-terminated, in details of size detailsz).  Returns the number
 * of members changed (0: nothing to write).  Must be pure: it may run again
 * when the transaction is retried.
 */
typedef unsigned db_key_edit(void *ctx, const struct db_key *cur, struct db_key *next,
    char *details, size_t detailsz);

/* Why db_key_update left a key as it was (*revoked; 0: it was editable). */
#define DB_KEY_REVOKED	1	/* revoked_at set (even if rotated too) */
#define DB_KEY_ROTATED	2	/* rotated_to set: a PATCH must not revive it */

/*
 * One transaction: lock the user's key id (DB_NOT_FOUND if it is missing
 * or another user's); if it is revoked or rotated, set *revoked to
 * DB_KEY_REVOKED or DB_KEY_ROTATED and change nothing; else run edit and, if it changed anything, write the new values (a new
 * or changed rate limit starts with a full bucket) and record an "updated"
 * event of actor.  *out gets the key as it is afterwards.  Deadlocks are
 * retried.
 */
enum db_status db_key_update(struct db *, uint64_t id, uint64_t user_id,
    const struct db_actor *, db_key_edit *edit, void *ctx, struct db_key *out,
    int *revoked);


/*
 * The token lookup of db_token_by_id (token_id != 0) or db_token_by_hash,
 * joined in the same statement with key key_id if the token's user owns it:
 * one round trip for an authenticated show.  *key_found says whether k was
 * filled.
 */
enum db_status db_token_with_key(struct db *, uint64_t token_id, const char *hash,
    uint64_t key_id, struct db_token *t, struct db_key *k, int *key_found);

/* A short text for a status.  Static storage; cannot fail. */
const char *db_strerror(enum db_status);

#endif

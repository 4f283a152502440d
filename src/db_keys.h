/* db_keys.h: the queries of tokens and keys (db_keys.c): the lookups of authentication, show's join, verify's read, list, create, revoke and the last-used marks. */
#ifndef APIKEYS_DB_KEYS_H
#define APIKEYS_DB_KEYS_H

#include "db.h"

/* Called once per listed key; a non-zero return stops the listing. */
typedef int db_key_cb(void *ctx, const struct db_key *);

/* Looks up a Sanctum token by id, or by its hex hash.  Only rows whose
 * tokenable_type is App\Models\User, whose user exists and which have not
 * expired are found. */
enum db_status db_token_by_id(struct db *, uint64_t id, struct db_token *);
enum db_status db_token_by_hash(struct db *, const char *hash, struct db_token *);

/* Sets last_used_at (and updated_at) to now unless it was set within the
 * last minute. */
enum db_status db_token_touch(struct db *, uint64_t id);

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


/* Finds a key by its public value, with secret_hash, live and stale set. */
enum db_status db_key_by_value(struct db *, const char *key, struct db_key *);

/* Sets last_used_at of a key unless set within the last minute. */
enum db_status db_key_touch(struct db *, uint64_t id);

/*
 * The token lookup of db_token_by_id (token_id != 0) or db_token_by_hash,
 * joined in the same statement with key key_id if the token's user owns it:
 * one round trip for an authenticated show.  *key_found says whether k was
 * filled.
 */
enum db_status db_token_with_key(struct db *, uint64_t token_id, const char *hash,
    uint64_t key_id, struct db_token *t, struct db_key *k, int *key_found);

#endif

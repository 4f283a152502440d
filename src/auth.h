/* auth.h: Laravel Sanctum personal access tokens presented as "Authorization: Bearer". */
#ifndef APIKEYS_AUTH_H
#define APIKEYS_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define AUTH_TOKEN_MAX 512	/* longer bearer tokens are refused unread */

enum auth_result {
	AUTH_OK = 0,
	AUTH_DENIED,		/* 401: missing, malformed, unknown, expired */
	AUTH_UNAVAILABLE,	/* the database cannot be reached: 503 */
	AUTH_ERROR		/* the database failed otherwise: 500 */
};

/*
 * Finds the token in an Authorization header value: the scheme "Bearer" in
 * any case, one or more blanks, then 1..AUTH_TOKEN_MAX printable ASCII
 * characters without blanks (trailing blanks ignored).  Returns 0 and a span
 * of header in *tok and *len, or -1.
 */
int auth_bearer_token(const char *header, const char **tok, size_t *len);

/*
 * Splits a Sanctum token: "<id>|<plaintext>" (id a plain decimal, the
 * plaintext everything after the first '|', non-empty) or a bare
 * "<plaintext>" (no '|').  Returns 0 with *id 0 for a bare token, or -1 for
 * a malformed one.
 */
int auth_token_split(const char *tok, size_t len, uint64_t *id,
    const char **plain, size_t *plainlen);

/* Who a valid token belongs to. */
struct auth_identity {
	uint64_t	user_id;
	uint64_t	token_id;
	int		email_verified;
	int		can_read;	/* the token's abilities (Sanctum's tokenCan) */
	int		can_write;
};

/* The user's key a route names ({id}), read with the token in the same
 * round trip (a route's prefetch_key). */
struct auth_key {
	uint64_t	 id;	/* in: the key's id; 0 matches none */
	struct db_key	*row;	/* in: where the key is written */
	int		 found;	/* out: row holds the user's key id (never for a refused token) */
};

/*
 * The whole check of an Authorization header: parse, look the token up,
 * compare the stored SHA-256 in constant time, and record last_used_at at
 * most once a minute.  A token created expiration_minutes ago or earlier
 * (0: no limit; Sanctum's "expiration") is refused.  On AUTH_OK fills *who.
 * If key is not NULL, the user's key key->id is read in the same round trip
 * and key->found set on every return.
 */
enum auth_result auth_user(struct db *, const char *header, unsigned expiration_minutes,
    struct auth_identity *who, struct auth_key *key);

/* 1 if header carries exactly the bearer token expected (constant time in
 * the token's length); for callers that share one static token. */
int auth_static_bearer(const char *header, const char *expected);

#endif

/* api_keys.h: the api-keys handlers of api_keys.c (generate, show, create, list, revoke) and what the other handlers take from it: a key's format, fresh keys, the writers of a key and the 422 answer. */
#ifndef APIKEYS_API_KEYS_H
#define APIKEYS_API_KEYS_H

#include <stddef.h>

#include "handler.h"
#include "stored.h"
#include "validate.h"

#define KEY_PREFIX	"MTP_KEY_"
#define SECRET_PREFIX	"MTP_SEC_"
#define KEY_RANDOM_LEN	40	/* characters after the prefix, the 6 check characters included */
#define KEY_LEN		(sizeof(KEY_PREFIX) - 1 + KEY_RANDOM_LEN)

/* The last characters of a secret kept in clear to tell secrets apart. */
#define SECRET_HINT_LEN 4

/*
 * Makes a fresh "MTP_KEY_..." or "MTP_SEC_..." value in out, which must
 * hold KEY_LEN + 1 bytes: prefix, 34 random base62 characters, then the 6
 * check characters of those 42 (checksum.h), NUL.
 * Returns 0, or -1 if the generator failed.
 */
int keys_make_token(const char *prefix, char *out, size_t outlen);

/* A new key, secret, the secret's stored hash and its clear hint: what
 * generate, create and rotate store and show. */
struct keys_fresh {
	char	key[KEY_LEN + 1];
	char	secret[KEY_LEN + 1];
	char	hash[DB_HASH_HEX + 1];
	char	hint[SECRET_HINT_LEN + 1];
};

/* Makes a fresh key and secret (keys_make_token) with the secret's keyed
 * hash and hint.  Returns 0, or -1 (logged) if the generator or the HMAC
 * failed; the caller wipes f. */
int keys_fresh_make(const struct config *, struct keys_fresh *f);

/*
 * Answers a body that did not pass its field table: 400 (not an object),
 * 422 with every error, or 500 with failed (out of memory).  Returns 0,
 * answering nothing, if it passed.
 */
int keys_body_refused(enum valid_result, const struct valid_errors *, struct response *,
    const char *failed);

/* POST {base}/api-keys/generate: replace all of the user's keys by one. */
route_handler keys_generate;

/* GET {base}/api-keys/{id}: the caller's own key, without its secret. */
route_handler keys_show;

/* POST {base}/api-keys: one more named key (201, 400, 422, 409). */
route_handler keys_create;

/* GET {base}/api-keys: the caller's 100 newest keys, never a secret. */
route_handler keys_list;

/* DELETE {base}/api-keys/{id}: revoke (soft, idempotent). */
route_handler keys_revoke;

/* Create's field table (exported so that tests and fuzzers check the real
 * one), in the order its errors are listed. */
extern const struct field_rule keys_create_rules[];
extern const size_t keys_create_nrules;

/* Writes a set as a JSON array of strings.  Cannot fail (marks w). */
void keys_write_set(struct jw *, const struct valid_set *);

/* Writes a key as list shows it (a JSON object).  Cannot fail (marks w). */
void keys_write_listed(struct jw *, const struct db_key *);

#endif

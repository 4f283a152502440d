/* keys.h: the api-keys resource handlers: MyTPE generate and show, then create, list, revoke, verify. */
#ifndef APIKEYS_KEYS_H
#define APIKEYS_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "router.h"

#define KEY_PREFIX	"MTP_KEY_"
#define SECRET_PREFIX	"MTP_SEC_"
#define KEY_RANDOM_LEN	40
#define KEY_LEN		(sizeof(KEY_PREFIX) - 1 + KEY_RANDOM_LEN)

/*
 * Makes a fresh "MTP_KEY_..." or "MTP_SEC_..." value (prefix + 40 random
 * base62 characters + NUL) in out, which must hold KEY_LEN + 1 bytes.
 * Returns 0, or -1 if the generator failed.
 */
int keys_make_token(const char *prefix, char *out, size_t outlen);

/* POST {base}/api-keys/generate: replace all of the user's keys by one. */
void keys_generate(struct app *, struct request *);

/* GET {base}/api-keys/{id}: the caller's own key, without its secret. */
void keys_show(struct app *, struct request *);

/* POST {base}/api-keys: one more named key (201, 400, 422, 409). */
void keys_create(struct app *, struct request *);

/* GET {base}/api-keys: the caller's 100 newest keys, never a secret. */
void keys_list(struct app *, struct request *);

/* DELETE {base}/api-keys/{id}: revoke (soft, idempotent). */
void keys_revoke(struct app *, struct request *);

/* POST {base}/api-keys/verify: check a key and secret for the payment API. */
void keys_verify(struct app *, struct request *);

/* A time column as JSON: Laravel's string, or null for DB_TIME_NULL.
 * Returns a new reference (NULL on out of memory). */
json_t *keys_time_json(int64_t t);

/* A stored permissions text as a JSON array ([] if it is not one). */
json_t *keys_permissions_json(const char *text);

/* The last characters of a secret kept in clear to tell secrets apart. */
#define SECRET_HINT_LEN 4

#endif

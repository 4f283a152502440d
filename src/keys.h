/* keys.h: the api-keys resource handlers (MyTPE generate and show). */
#ifndef APIKEYS_KEYS_H
#define APIKEYS_KEYS_H

#include <stddef.h>

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

#endif

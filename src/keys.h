/* keys.h: the api-keys resource handlers: MyTPE generate and show, then create, list, revoke, and verify. */
#ifndef APIKEYS_KEYS_H
#define APIKEYS_KEYS_H

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

/* POST {base}/api-keys/verify: check a key and secret for the payment API. */
route_handler keys_verify;

/* PATCH {base}/api-keys/{id}: change a key's name, permissions, expiry or
 * settings (200, 400, 422, 409). */
route_handler keys_patch;

/* POST {base}/api-keys/{id}/rotate: a new key in place of the caller's key
 * {id}, the old one revoked now or after a grace (201, 400, 404, 409, 422). */
route_handler keys_rotate;

/* GET {base}/api-keys/{id}/events: the audit trail of the caller's key. */
route_handler keys_events;

/* The body of create and of PATCH, as their field tables check it. */
struct create_input {
	char			name[DB_NAME_MAX];	/* PATCH: "" when absent */
	struct valid_time	expires_at;
	struct valid_set	permissions;
	struct valid_bool	enabled;		/* PATCH only */
	struct valid_rate	rate_limit;
	struct valid_int	remaining_uses;
	struct valid_set	allowed_ips;
};

/* Create's and PATCH's field tables (exported so that tests and fuzzers
 * check the real ones), in the order their errors are listed. */
extern const struct field_rule keys_create_rules[];
extern const size_t keys_create_nrules;
extern const struct field_rule keys_patch_rules[];
extern const size_t keys_patch_nrules;

/* The limits of a key's settings (docs/openapi.yaml). */
#define KEY_NAME_MAX		50
#define KEY_YEARS_MAX		5
#define KEY_PERMS_MAX		32
#define KEY_RATE_LIMIT_MAX	1000000
#define KEY_RATE_WINDOW_MAX	86400
#define KEY_REMAINING_MAX	1000000000000LL
#define KEY_IPS_MAX		32
#define PERMISSION_CHARS	"abcdefghijklmnopqrstuvwxyz0123456789_.:-"

/* The rows create's and PATCH's field tables share, written once. */
#define KEYS_RULE_PERMISSIONS \
	{ .member = "permissions", .label = "permissions", .kind = FIELD_STRING_SET, \
	    .offset = offsetof(struct create_input, permissions), .max = KEY_PERMS_MAX, \
	    .item_max = 64, .item_chars = PERMISSION_CHARS }
#define KEYS_RULES_SETTINGS \
	{ .member = "rate_limit", .label = "rate limit", .kind = FIELD_RATE, \
	    .offset = offsetof(struct create_input, rate_limit), .max = KEY_RATE_LIMIT_MAX, \
	    .item_max = KEY_RATE_WINDOW_MAX }, \
	{ .member = "remaining_uses", .label = "remaining uses", .kind = FIELD_INT, \
	    .offset = offsetof(struct create_input, remaining_uses), .min = 0, \
	    .lmax = KEY_REMAINING_MAX }, \
	{ .member = "allowed_ips", .label = "allowed ips", .kind = FIELD_IP_LIST, \
	    .offset = offsetof(struct create_input, allowed_ips), .max = KEY_IPS_MAX },

/* Writes a set as a JSON array of strings.  Cannot fail (marks w). */
void keys_write_set(struct jw *, const struct valid_set *);

/* Writes a key as list shows it (a JSON object).  Cannot fail (marks w). */
void keys_write_listed(struct jw *, const struct db_key *);

/* Answers a body that did not pass its field table (400, 422, or 500 with
 * failed); returns 0, answering nothing, if it passed. */
int keys_body_refused(enum valid_result, const struct valid_errors *, struct response *,
    const char *failed);

#endif

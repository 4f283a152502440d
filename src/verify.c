/* verify.c: POST /api-keys/verify, the payment API's check of a key and secret, one answer for every failure. */
#include "ac-config.h"

#include <stddef.h>
#include <string.h>

#include "checksum.h"
#include "crypto.h"
#include "keys.h"
#include "log.h"
#include "timeutil.h"

#define MSG_VALID	"API key is valid"
#define MSG_INVALID_KEY	"Invalid API key."
#define SECRET_MAX	256	/* longer secrets cannot match: refused */

/* The credential in the body; wiped after use. */
struct verify_input {
	char	key[DB_KEY_MAX];
	char	secret[SECRET_MAX];
};

static const struct field_rule verify_rules[] = {
	{ "key", "key", FIELD_STRING, offsetof(struct verify_input, key),
	    DB_KEY_MAX, 0, 0, NULL },
	{ "secret", "secret", FIELD_STRING, offsetof(struct verify_input, secret),
	    SECRET_MAX, 0, 0, NULL },
};

#define NVERIFY_RULES (sizeof(verify_rules) / sizeof(verify_rules[0]))

/* Compared against when there is no stored hash, so an unknown key costs
 * the same comparison as a known one. */
static const char no_hash[CRYPTO_HEX_SHA256 + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

void
keys_verify(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	char hash[CRYPTO_HEX_SHA256 + 1];
	const struct config *cfg = app->cfg;
	struct verify_input in;
	struct valid_errors errs;
	struct db_key k;
	enum db_status rc;
	struct jw *w;
	int well_formed, match, checked;

	(void)call;
	memset(&in, 0, sizeof(in));
	memset(&k, 0, sizeof(k));
	/* Every path below does the same work: one lookup, one HMAC, one
	 * constant-time comparison, whatever was wrong with the input. */
	well_formed = validate_body(req->body_state == BODY_OK ? req->body : NULL,
	    req->body_len, verify_rules, NVERIFY_RULES, &in, time_now_us(),
	    &errs) == VALID_OK;
	if (!well_formed)
		memset(&in, 0, sizeof(in));	/* look up "", hash "" */
	/* Without legacy keys, a key or secret whose checksum is wrong cannot
	 * be one this service made: no query (the HMAC and comparison below
	 * still run; the checksum is public, so skipping the lookup tells a
	 * caller nothing it could not compute itself). */
	checked = cfg->legacy_keys ||
	    (checksum_token_valid(in.key, strlen(in.key), KEY_PREFIX) &&
	    checksum_token_valid(in.secret, strlen(in.secret), SECRET_PREFIX));
	rc = checked ? db_key_by_value(app->db, in.key, &k) : DB_NOT_FOUND;
	if (crypto_hmac_sha256_hex(cfg->pepper, strlen(cfg->pepper), in.secret,
	    strlen(in.secret), hash) != 0) {
		log_error("verify: HMAC failed");
		response_error(res, 500, MSG_SERVER_ERROR);
		goto done;
	}
	match = crypto_equal(rc == DB_OK && k.secret_hash[0] != '\0' ? k.secret_hash : no_hash,
	    hash, CRYPTO_HEX_SHA256);
	if (rc == DB_UNAVAILABLE || rc == DB_ERROR) {
		handler_db_failed(res, rc, NULL);
		goto done;
	}
	if (!well_formed || rc != DB_OK || !match || !k.live) {
		response_error(res, 401, MSG_INVALID_KEY);
		goto done;
	}
	if (k.stale && db_key_touch(app->db, k.id) != DB_OK)
		log_warn("verify: could not record last use of key %llu",
		    (unsigned long long)k.id);
	w = response_open(res, 200, 1, MSG_VALID);
	jw_key(w, "data");
	jw_object_begin(w);
	jw_key(w, "id");
	jw_int(w, (long long)k.id);
	jw_key(w, "user_id");
	jw_int(w, (long long)k.user_id);
	jw_key(w, "permissions");
	validate_stored_write(w, k.permissions);
	jw_key(w, "expires_at");
	jw_time(w, k.expires_at);
	jw_object_end(w);
	response_close(res);
done:
	crypto_wipe(hash, sizeof(hash));
	crypto_wipe(&in, sizeof(in));
	crypto_wipe(k.secret_hash, sizeof(k.secret_hash));
}

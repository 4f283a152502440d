/* verify.c: POST /api-keys/verify, the payment API's check of a key and secret, one answer for every failure. */
#include "ac-config.h"

#include <string.h>

#include <jansson.h>

#include "crypto.h"
#include "keys.h"
#include "log.h"

#define MSG_VALID	"API key is valid"
#define MSG_INVALID_KEY	"Invalid API key."

/* Compared against when there is no stored hash, so an unknown key costs
 * the same comparison as a known one. */
static const char no_hash[CRYPTO_HEX_SHA256 + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

void
keys_verify(struct app *app, struct request *req)
{
	char hash[CRYPTO_HEX_SHA256 + 1];
	const char *key = "", *secret = "";
	const struct config *cfg = app->cfg;
	json_t *root = NULL, *jk, *js;
	struct db_key k;
	enum db_status rc;
	int well_formed = 0, match;

	/* Every path below does the same work: one lookup, one HMAC, one
	 * constant-time comparison, whatever was wrong with the input. */
	if (req->body_state == BODY_OK)
		root = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, NULL);
	jk = json_object_get(root, "key");
	js = json_object_get(root, "secret");
	if (json_is_object(root) && json_is_string(jk) && json_is_string(js) &&
	    json_string_length(jk) < DB_KEY_MAX && json_string_length(jk) == strlen(json_string_value(jk))) {
		key = json_string_value(jk);
		secret = json_string_value(js);
		well_formed = 1;
	}
	rc = db_key_by_value(app->db, key, &k);
	if (crypto_hmac_sha256_hex(cfg->pepper, strlen(cfg->pepper), secret,
	    strlen(secret), hash) != 0) {
		log_error("verify: HMAC failed");
		response_error(&req->res, 500, MSG_SERVER_ERROR);
		goto done;
	}
	match = crypto_equal(rc == DB_OK && k.secret_hash[0] != '\0' ? k.secret_hash : no_hash,
	    hash, CRYPTO_HEX_SHA256);
	if (rc == DB_UNAVAILABLE || rc == DB_ERROR) {
		response_error(&req->res, rc == DB_UNAVAILABLE ? 503 : 500,
		    rc == DB_UNAVAILABLE ? MSG_UNAVAILABLE : MSG_SERVER_ERROR);
		goto done;
	}
	if (!well_formed || rc != DB_OK || !match || !k.live) {
		response_error(&req->res, 401, MSG_INVALID_KEY);
		goto done;
	}
	if (k.stale && db_key_touch(app->db, k.id) != DB_OK)
		log_warn("verify: could not record last use of key %llu",
		    (unsigned long long)k.id);
	response_success(&req->res, 200, MSG_VALID,
	    json_members("id", json_integer((json_int_t)k.id),
	    "user_id", json_integer((json_int_t)k.user_id),
	    "permissions", keys_permissions_json(k.permissions),
	    "expires_at", keys_time_json(k.expires_at), (const char *)NULL));
done:
	crypto_wipe(hash, sizeof(hash));
	crypto_wipe(k.secret_hash, sizeof(k.secret_hash));
	json_decref(root);	/* the secret's copy is wiped by the allocator */
}

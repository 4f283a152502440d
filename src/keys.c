/* keys.c: the api-keys handlers: generate (secret shown once) and show (owner only). */
#include "ac-config.h"

#include <string.h>

#include <jansson.h>

#include "crypto.h"
#include "keys.h"
#include "log.h"
#include "timeutil.h"

#define MSG_GENERATED		"API key generated successfully"
#define MSG_GENERATE_FAILED	"An error occurred while generating the API key."
#define MSG_FETCHED		"API key fetched successfully"
#define MSG_EMAIL_UNVERIFIED	"You must confirm your email before generating an API key."

int
keys_make_token(const char *prefix, char *out, size_t outlen)
{
	size_t plen = strlen(prefix);

	if (outlen < plen + KEY_RANDOM_LEN + 1)
		return -1;
	memcpy(out, prefix, plen);
	if (crypto_random_base62(out + plen, KEY_RANDOM_LEN) != 0)
		return -1;
	out[plen + KEY_RANDOM_LEN] = '\0';
	return 0;
}

/* A time column as JSON: Laravel's string, or null. */
static json_t *
time_json(int64_t t)
{
	char buf[TIME_LARAVEL_LEN + 1];

	if (t == DB_TIME_NULL || time_format_laravel(t, buf) != 0)
		return json_null();
	return json_string(buf);
}

void
keys_generate(struct app *app, struct request *req)
{
	char key[KEY_LEN + 1], secret[KEY_LEN + 1], hash[CRYPTO_HEX_SHA256 + 1];
	const struct config *cfg = app->cfg;
	uint64_t id = 0;
	enum db_status rc;

	if (cfg->require_verified_email && !req->email_verified) {
		response_error(&req->res, 403, MSG_EMAIL_UNVERIFIED);
		return;
	}
	if (keys_make_token(KEY_PREFIX, key, sizeof(key)) != 0 ||
	    keys_make_token(SECRET_PREFIX, secret, sizeof(secret)) != 0 ||
	    crypto_hmac_sha256_hex(cfg->pepper, strlen(cfg->pepper), secret,
	    strlen(secret), hash) != 0) {
		log_error("generate: random generator or HMAC failed");
		response_error(&req->res, 500, MSG_GENERATE_FAILED);
		goto done;
	}
	rc = db_key_replace(app->db, req->user_id, key, hash, &id);
	if (rc != DB_OK) {
		log_error("generate: user %llu: %s", (unsigned long long)req->user_id,
		    db_strerror(rc));
		response_error(&req->res, 500, MSG_GENERATE_FAILED);
		goto done;
	}
	response_success(&req->res, 200, MSG_GENERATED,
	    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "key", key,
	    "secret", secret));
	if (req->res.status != 200)
		response_error(&req->res, 500, MSG_GENERATE_FAILED);
done:
	crypto_wipe(secret, sizeof(secret));
	crypto_wipe(hash, sizeof(hash));
}

void
keys_show(struct app *app, struct request *req)
{
	struct db_key k;
	json_t *perms;
	uint64_t id;
	enum db_status rc;

	if (parse_decimal_id(req->param, req->param_len, &id) != 0) {
		response_error_code(&req->res, 404, MSG_KEY_NOT_FOUND);
		return;
	}
	rc = db_key_find_owned(app->db, id, req->user_id, &k);
	switch (rc) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		response_error_code(&req->res, 404, MSG_KEY_NOT_FOUND);
		return;
	case DB_UNAVAILABLE:
		response_error(&req->res, 503, MSG_UNAVAILABLE);
		return;
	case DB_ERROR:
		response_error(&req->res, 500, MSG_SERVER_ERROR);
		return;
	}
	perms = json_loads(k.permissions, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_array(perms)) {
		json_decref(perms);
		perms = json_array();
	}
	response_success(&req->res, 200, MSG_FETCHED,
	    json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)k.id,
	    "user_id", (json_int_t)k.user_id,
	    "key", k.key,
	    "permissions", perms,
	    "expires_at", time_json(k.expires_at),
	    "created_at", time_json(k.created_at),
	    "updated_at", time_json(k.updated_at)));
}

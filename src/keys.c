/* keys.c: the api-keys handlers: generate (secret shown once), show, create, list and revoke (owner only). */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <stddef.h>
#include <time.h>

#include "crypto.h"
#include "keys.h"
#include "log.h"
#include "timeutil.h"
#include "validate.h"

#define MSG_GENERATED		"API key generated successfully"
#define MSG_GENERATE_FAILED	"An error occurred while generating the API key."
#define MSG_FETCHED		"API key fetched successfully"
#define MSG_EMAIL_UNVERIFIED	"You must confirm your email before generating an API key."
#define MSG_CREATED		"API key created successfully"
#define MSG_CREATE_FAILED	"An error occurred while creating the API key."
#define MSG_NOT_OBJECT		"The request body must be a JSON object."
#define MSG_INVALID		"The given data was invalid."
#define MSG_LIMIT		"API key limit reached."
#define MSG_LISTED		"API keys fetched successfully"
#define MSG_REVOKED		"API key revoked successfully"

#define LIST_MAX		100

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

json_t *
keys_time_json(int64_t t)
{
	char buf[TIME_LARAVEL_LEN + 1];

	if (t == DB_TIME_NULL || time_format_laravel(t, buf) != 0)
		return json_null();
	return json_string(buf);
}

/* Answers 403 and returns 0 if the settings demand a verified email. */
static int
email_allowed(struct app *app, struct request *req)
{
	if (app->cfg->require_verified_email && !req->email_verified) {
		response_error(&req->res, 403, MSG_EMAIL_UNVERIFIED);
		return 0;
	}
	return 1;
}

/* A new key, secret, the secret's stored hash and its clear hint. */
struct fresh_key {
	char	key[KEY_LEN + 1];
	char	secret[KEY_LEN + 1];
	char	hash[CRYPTO_HEX_SHA256 + 1];
	char	hint[SECRET_HINT_LEN + 1];
};

static int
fresh_key_make(const struct config *cfg, struct fresh_key *f)
{
	if (keys_make_token(KEY_PREFIX, f->key, sizeof(f->key)) != 0 ||
	    keys_make_token(SECRET_PREFIX, f->secret, sizeof(f->secret)) != 0 ||
	    crypto_hmac_sha256_hex(cfg->pepper, strlen(cfg->pepper), f->secret,
	    KEY_LEN, f->hash) != 0) {
		log_error("random generator or HMAC failed");
		return -1;
	}
	memcpy(f->hint, f->secret + KEY_LEN - SECRET_HINT_LEN, SECRET_HINT_LEN + 1);
	return 0;
}

static void
fresh_key_wipe(struct fresh_key *f)
{
	crypto_wipe(f, sizeof(*f));
}

void
keys_generate(struct app *app, struct request *req)
{
	struct fresh_key f;
	uint64_t id = 0;
	enum db_status rc;

	if (!email_allowed(app, req))
		return;
	if (fresh_key_make(app->cfg, &f) != 0) {
		response_error(&req->res, 500, MSG_GENERATE_FAILED);
		goto done;
	}
	rc = db_key_replace(app->db, req->user_id, f.key, f.hash, f.hint, &id);
	if (rc != DB_OK) {
		log_error("generate: user %llu: %s", (unsigned long long)req->user_id,
		    db_strerror(rc));
		response_error(&req->res, 500, MSG_GENERATE_FAILED);
		goto done;
	}
	response_success(&req->res, 200, MSG_GENERATED,
	    json_members("id", json_integer((json_int_t)id), "key", json_string(f.key),
	    "secret", json_string(f.secret), (const char *)NULL));
	if (req->res.status != 200)
		response_error(&req->res, 500, MSG_GENERATE_FAILED);
done:
	fresh_key_wipe(&f);
}

/*
 * Maps a failed lookup of the caller's key to its answer: one identical 404
 * for missing and foreign keys, 503/500 for the database.  Returns 1 if the
 * status was DB_OK (nothing answered).
 */
static int
key_lookup_answered(struct request *req, enum db_status rc)
{
	switch (rc) {
	case DB_OK:
		return 0;
	case DB_NOT_FOUND:
		response_error_code(&req->res, 404, MSG_KEY_NOT_FOUND);
		break;
	case DB_UNAVAILABLE:
		response_error(&req->res, 503, MSG_UNAVAILABLE);
		break;
	case DB_ERROR:
	case DB_LIMIT:
		response_error(&req->res, 500, MSG_SERVER_ERROR);
		break;
	}
	return 1;
}

/* The {id} of the path, or the 404 answered. */
static int
path_id(struct request *req, uint64_t *id)
{
	if (parse_decimal_id(req->param, req->param_len, id) != 0) {
		response_error_code(&req->res, 404, MSG_KEY_NOT_FOUND);
		return -1;
	}
	return 0;
}

json_t *
keys_permissions_json(const char *text)
{
	json_t *perms;

	/* What generate stores, so what most keys hold: no parser needed. */
	if (strcmp(text, "[]") == 0)
		return json_array();
	perms = json_loads(text, JSON_REJECT_DUPLICATES, NULL);

	if (!json_is_array(perms)) {
		json_decref(perms);
		perms = json_array();
	}
	return perms;
}

void
keys_show(struct app *app, struct request *req)
{
	const struct db_key *k = &req->key;

	(void)app;
	/* The router fetched the key with the token (prefetch_key); a bad id
	 * matched nothing. */
	if (!req->key_found) {
		response_error_code(&req->res, 404, MSG_KEY_NOT_FOUND);
		return;
	}
	/* Exactly the seed's fields: later columns are not shown here. */
	/* Built member by member: the hot path skips json_pack's format
	 * parser.  A member that could not be made leaves data NULL (500). */
	response_success(&req->res, 200, MSG_FETCHED, json_members(
	    "id", json_integer((json_int_t)k->id),
	    "user_id", json_integer((json_int_t)k->user_id),
	    "key", json_string(k->key),
	    "permissions", keys_permissions_json(k->permissions),
	    "expires_at", keys_time_json(k->expires_at),
	    "created_at", keys_time_json(k->created_at),
	    "updated_at", keys_time_json(k->updated_at), (const char *)NULL));
}

/* ------------------------------------------------------------ create */

struct create_input {
	char			name[DB_NAME_MAX];
	struct valid_time	expires_at;
	json_t			*permissions;
};

/* The rules of section 7, in the order their errors are listed. */
static const struct field_rule create_rules[] = {
	{ "name", "name", validate_text, offsetof(struct create_input, name),
	    DB_NAME_MAX, 50, 0, NULL },
	{ "expires_at", "expires at", validate_future_time,
	    offsetof(struct create_input, expires_at), 0, 5, 0, NULL },
	{ "permissions", "permissions", validate_string_set,
	    offsetof(struct create_input, permissions), 0, 32, 64,
	    "abcdefghijklmnopqrstuvwxyz0123456789_.:-" },
};

#define NCREATE_RULES (sizeof(create_rules) / sizeof(create_rules[0]))

/* One year on, as generate's NOW() + INTERVAL 1 YEAR does (Feb 29 -> 28). */
static int64_t
one_year_after(int64_t t)
{
	struct civil_time c;
	int dim;

	time_to_civil(t, &c);
	c.year++;
	dim = time_days_in_month(c.year, c.month);
	if (c.day > dim)
		c.day = dim;
	return time_from_civil(&c);
}

void
keys_create(struct app *app, struct request *req)
{
	struct create_input in;
	struct db_key_new nk;
	struct fresh_key f;
	json_t *errors = NULL;
	char *perms = NULL;
	int64_t now = (int64_t)time(NULL);
	uint64_t id = 0;
	enum db_status rc;

	memset(&in, 0, sizeof(in));
	memset(&f, 0, sizeof(f));
	/* Authorization before validation, as a Laravel form request does. */
	if (!email_allowed(app, req))
		goto done;
	switch (validate_body(req->body_state == BODY_OK ? req->body : NULL, req->body_len,
	    create_rules, NCREATE_RULES, &in, now, &errors)) {
	case VALID_OK:
		break;
	case VALID_NOT_OBJECT:
		response_error(&req->res, 400, MSG_NOT_OBJECT);
		goto done;
	case VALID_INVALID:
		response_invalid(&req->res, MSG_INVALID, errors);
		goto done;
	case VALID_NOMEM:
		response_error(&req->res, 500, MSG_CREATE_FAILED);
		goto done;
	}
	if (fresh_key_make(app->cfg, &f) != 0 ||
	    (perms = json_dumps(in.permissions, JSON_COMPACT)) == NULL) {
		response_error(&req->res, 500, MSG_CREATE_FAILED);
		goto done;
	}
	nk.user_id = req->user_id;
	nk.name = in.name;
	nk.key = f.key;
	nk.secret_hash = f.hash;
	nk.secret_hint = f.hint;
	nk.permissions = perms;
	nk.created_at = now;
	nk.expires_at = in.expires_at.set ? in.expires_at.value : one_year_after(now);
	rc = db_key_create(app->db, &nk, app->cfg->max_keys, &id);
	if (rc == DB_LIMIT) {
		response_error(&req->res, 409, MSG_LIMIT);
		goto done;
	}
	if (rc != DB_OK) {
		log_error("create: user %llu: %s", (unsigned long long)req->user_id,
		    db_strerror(rc));
		response_error(&req->res, rc == DB_UNAVAILABLE ? 503 : 500,
		    rc == DB_UNAVAILABLE ? MSG_UNAVAILABLE : MSG_CREATE_FAILED);
		goto done;
	}
	json_incref(in.permissions);
	response_success(&req->res, 201, MSG_CREATED,
	    json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o}",
	    "id", (json_int_t)id,
	    "name", in.name,
	    "key", f.key,
	    "secret", f.secret,
	    "permissions", in.permissions,
	    "expires_at", keys_time_json(nk.expires_at),
	    "created_at", keys_time_json(now)));
done:
	free(perms);
	validate_release(create_rules, NCREATE_RULES, &in);
	fresh_key_wipe(&f);
}

/* ------------------------------------------------------------ list */

/* "MTP_SEC_…" and the secret's last characters, or null for old keys. */
static json_t *
hint_json(const char *hint)
{
	char buf[sizeof(SECRET_PREFIX) + 3 + DB_HINT_MAX];

	if (hint[0] == '\0')
		return json_null();
	snprintf(buf, sizeof(buf), "%s\xe2\x80\xa6%s", SECRET_PREFIX, hint);
	return json_string(buf);
}

static int
list_one(void *ctx, const struct db_key *k)
{
	json_t *arr = ctx, *item;

	item = json_pack("{s:I, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)k->id,
	    "name", k->name_null ? json_null() : json_string(k->name),
	    "key", k->key,
	    "secret_hint", hint_json(k->secret_hint),
	    "permissions", keys_permissions_json(k->permissions),
	    "expires_at", keys_time_json(k->expires_at),
	    "last_used_at", keys_time_json(k->last_used_at),
	    "revoked_at", keys_time_json(k->revoked_at),
	    "created_at", keys_time_json(k->created_at),
	    "updated_at", keys_time_json(k->updated_at));
	return item == NULL || json_array_append_new(arr, item) != 0;
}

void
keys_list(struct app *app, struct request *req)
{
	json_t *arr = json_array();
	enum db_status rc;

	if (arr == NULL) {
		response_error(&req->res, 500, MSG_SERVER_ERROR);
		return;
	}
	rc = db_keys_list(app->db, req->user_id, LIST_MAX, list_one, arr);
	if (rc == DB_NOT_FOUND)
		rc = DB_OK;
	if (key_lookup_answered(req, rc)) {
		json_decref(arr);
		return;
	}
	response_success(&req->res, 200, MSG_LISTED, arr);
}

/* ------------------------------------------------------------ revoke */

void
keys_revoke(struct app *app, struct request *req)
{
	int64_t revoked_at = DB_TIME_NULL;
	uint64_t id;

	if (path_id(req, &id) != 0 || key_lookup_answered(req,
	    db_key_revoke(app->db, id, req->user_id, &revoked_at)))
		return;
	response_success(&req->res, 200, MSG_REVOKED,
	    json_pack("{s:I, s:o}", "id", (json_int_t)id,
	    "revoked_at", keys_time_json(revoked_at)));
}

/* api_keys.c: the api-keys handlers: generate (secret shown once), show, create, list and revoke (owner only). */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "api_keys.h"
#include "checksum.h"
#include "crypto.h"
#include "db_generate.h"
#include "db_keys.h"
#include "key_input.h"
#include "log.h"
#include "stored.h"
#include "timeutil.h"

#define MSG_GENERATED		"API key generated successfully"
#define MSG_GENERATE_FAILED	"An error occurred while generating the API key."
#define MSG_FETCHED		"API key fetched successfully"
#define MSG_EMAIL_UNVERIFIED	"You must confirm your email before generating an API key."
#define MSG_CREATED		"API key created successfully"
#define MSG_CREATE_FAILED	"An error occurred while creating the API key."
#define MSG_NOT_OBJECT		"The request body must be a JSON object."
#define MSG_TOO_COMPLEX		"The request body is too complex."
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
	if (crypto_random_base62(out + plen, KEY_RANDOM_LEN - CHECKSUM_LEN) != 0)
		return -1;
	checksum_append(out, plen + KEY_RANDOM_LEN - CHECKSUM_LEN);
	out[plen + KEY_RANDOM_LEN] = '\0';
	return 0;
}

/* Answers 403 and returns 0 if the settings demand a verified email. */
static int
email_allowed(struct app *app, const struct call *call, struct response *res)
{
	if (app->cfg->require_verified_email && !call->email_verified) {
		response_error(res, 403, MSG_EMAIL_UNVERIFIED);
		return 0;
	}
	return 1;
}

int
keys_fresh_make(const struct config *cfg, struct keys_fresh *f)
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

void
keys_generate(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	struct keys_fresh f;
	struct db_actor actor;
	struct jw *w;
	uint64_t id = 0;
	enum db_status rc;

	if (!email_allowed(app, call, res))
		return;
	handler_actor(req, call, &actor);
	if (keys_fresh_make(app->cfg, &f) != 0) {
		response_error(res, 500, MSG_GENERATE_FAILED);
		goto done;
	}
	rc = db_key_replace(app->db, call->user_id, f.key, f.hash, f.hint, &actor, &id);
	if (rc != DB_OK) {
		/* Whatever failed, the user's old keys are still there. */
		log_error("generate: user %llu: %s", (unsigned long long)call->user_id,
		    db_strerror(rc));
		response_error(res, 500, MSG_GENERATE_FAILED);
		goto done;
	}
	w = response_open(res, 200, 1, MSG_GENERATED);
	jw_key(w, "data");
	jw_object_begin(w);
	jw_key(w, "id");
	jw_int(w, (long long)id);
	jw_key(w, "key");
	jw_string(w, f.key);
	jw_key(w, "secret");
	jw_string(w, f.secret);
	jw_object_end(w);
	response_close(res);
done:
	crypto_wipe(&f, sizeof(f));
}

void
keys_show(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	const struct db_key *k = &call->key;
	struct jw *w;

	(void)app;
	(void)req;
	/* The router fetched the key with the token (prefetch_key); a bad id
	 * matched nothing. */
	if (!call->key_found) {
		response_key_not_found(res);
		return;
	}
	/* Exactly the MyTPE fields: later columns are not shown here. */
	w = response_open(res, 200, 1, MSG_FETCHED);
	jw_key(w, "data");
	jw_object_begin(w);
	jw_key(w, "id");
	jw_int(w, (long long)k->id);
	jw_key(w, "user_id");
	jw_int(w, (long long)k->user_id);
	jw_key(w, "key");
	jw_string(w, k->key);
	jw_key(w, "permissions");
	validate_stored_write(w, k->permissions);
	jw_key(w, "expires_at");
	jw_time(w, k->expires_at);
	jw_key(w, "created_at");
	jw_time(w, k->created_at);
	jw_key(w, "updated_at");
	jw_time(w, k->updated_at);
	jw_object_end(w);
	response_close(res);
}

/* ------------------------------------------------------------ create */

const struct field_rule keys_create_rules[] = {
	{ .member = "name", .label = "name", .kind = FIELD_TEXT,
	    .offset = offsetof(struct key_input, name), .size = DB_NAME_MAX,
	    .max = KEY_NAME_MAX },
	{ .member = "expires_at", .label = "expires at", .kind = FIELD_FUTURE_TIME,
	    .offset = offsetof(struct key_input, expires_at), .max = KEY_YEARS_MAX },
	KEYS_RULE_PERMISSIONS,
	KEYS_RULES_SETTINGS
};

const size_t keys_create_nrules = sizeof(keys_create_rules) / sizeof(keys_create_rules[0]);

void
keys_write_set(struct jw *w, const struct valid_set *set)
{
	unsigned i;

	jw_array_begin(w);
	for (i = 0; i < set->n; i++)
		jw_string(w, set->item[i]);
	jw_array_end(w);
}

int
keys_body_refused(enum valid_result vr, const struct valid_errors *errs,
    struct response *res, const char *failed)
{
	struct jw *w;

	switch (vr) {
	case VALID_OK:
		return 0;
	case VALID_NOT_OBJECT:
		response_error(res, 400, MSG_NOT_OBJECT);
		break;
	case VALID_TOO_COMPLEX:
		response_error(res, 400, MSG_TOO_COMPLEX);
		break;
	case VALID_INVALID:
		w = response_open(res, 422, 0, MSG_INVALID);
		jw_key(w, "errors");
		validate_errors_write(w, errs);
		response_close(res);
		break;
	case VALID_NOMEM:
		response_error(res, 500, failed);
		break;
	}
	return 1;
}

void
keys_create(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	struct valid_errors errs;
	struct key_input in;
	struct db_actor actor;
	struct db_key_new nk;
	struct keys_fresh f;
	struct jw perms, ips;
	const char *perms_text, *ips_text = NULL;
	size_t perms_len, ips_len;
	int64_t now = time_now_us();
	uint64_t id = 0;
	enum db_status rc;
	struct jw *w;

	memset(&in, 0, sizeof(in));
	memset(&f, 0, sizeof(f));
	memset(&perms, 0, sizeof(perms));
	memset(&ips, 0, sizeof(ips));
	/* Authorization before validation, as a Laravel form request does. */
	if (!email_allowed(app, call, res) ||
	    keys_body_refused(validate_body(req->body_state == BODY_OK ? req->body : NULL,
	    req->body_len, keys_create_rules, keys_create_nrules, &in, now, &errs),
	    &errs, res, MSG_CREATE_FAILED))
		goto done;
	keys_write_set(&perms, &in.permissions);
	/* An empty allowlist is no restriction: stored as NULL. */
	if (in.allowed_ips.n > 0)
		keys_write_set(&ips, &in.allowed_ips);
	if (keys_fresh_make(app->cfg, &f) != 0 ||
	    (perms_text = jw_text(&perms, &perms_len)) == NULL ||
	    (in.allowed_ips.n > 0 && (ips_text = jw_text(&ips, &ips_len)) == NULL)) {
		response_error(res, 500, MSG_CREATE_FAILED);
		goto done;
	}
	nk.user_id = call->user_id;
	nk.name = in.name;
	nk.key = f.key;
	nk.secret_hash = f.hash;
	nk.secret_hint = f.hint;
	nk.permissions = perms_text;
	nk.created_at = now;
	nk.expires_at = in.expires_at.set ? in.expires_at.value : time_add_years_us(now, 1);
	nk.rate_limit = in.rate_limit.present && !in.rate_limit.is_null ? in.rate_limit.limit : 0;
	nk.rate_window = nk.rate_limit != 0 ? in.rate_limit.window : 0;
	nk.has_remaining = in.remaining_uses.present && !in.remaining_uses.is_null;
	nk.remaining_uses = nk.has_remaining ? (uint64_t)in.remaining_uses.value : 0;
	nk.allowed_ips = ips_text;
	handler_actor(req, call, &actor);
	rc = db_key_create(app->db, &nk, app->cfg->max_keys, &actor, &id);
	if (rc == DB_LIMIT) {
		response_error(res, 409, MSG_LIMIT);
		goto done;
	}
	if (rc != DB_OK) {
		log_error("create: user %llu: %s", (unsigned long long)call->user_id,
		    db_strerror(rc));
		/* A user row gone between the token check and the insert is
		 * a failed create, not a missing key. */
		handler_db_failed(res, rc == DB_NOT_FOUND ? DB_ERROR : rc, MSG_CREATE_FAILED);
		goto done;
	}
	w = response_open(res, 201, 1, MSG_CREATED);
	jw_key(w, "data");
	jw_object_begin(w);
	jw_key(w, "id");
	jw_int(w, (long long)id);
	jw_key(w, "name");
	jw_string(w, in.name);
	jw_key(w, "key");
	jw_string(w, f.key);
	jw_key(w, "secret");
	jw_string(w, f.secret);
	jw_key(w, "permissions");
	keys_write_set(w, &in.permissions);
	jw_key(w, "expires_at");
	jw_time(w, nk.expires_at);
	jw_key(w, "created_at");
	jw_time(w, now);
	jw_object_end(w);
	response_close(res);
done:
	jw_reset(&perms);
	jw_reset(&ips);
	crypto_wipe(&f, sizeof(f));
}

/* ------------------------------------------------------------ list */

void
keys_write_listed(struct jw *w, const struct db_key *k)
{
	jw_object_begin(w);
	jw_key(w, "id");
	jw_int(w, (long long)k->id);
	jw_key(w, "name");
	if (k->name_null)
		jw_null(w);
	else
		jw_string(w, k->name);
	jw_key(w, "key");
	jw_string(w, k->key);
	jw_key(w, "secret_hint");
	if (k->secret_hint[0] == '\0')
		jw_null(w);	/* a key stored before hints existed */
	else {
		char buf[sizeof(SECRET_PREFIX) + 3 + DB_HINT_MAX];

		snprintf(buf, sizeof(buf), "%s\xe2\x80\xa6%s", SECRET_PREFIX, k->secret_hint);
		jw_string(w, buf);
	}
	jw_key(w, "permissions");
	validate_stored_write(w, k->permissions);
	jw_key(w, "expires_at");
	jw_time(w, k->expires_at);
	jw_key(w, "last_used_at");
	jw_time(w, k->last_used_at);
	jw_key(w, "revoked_at");
	jw_time(w, k->revoked_at);
	jw_key(w, "created_at");
	jw_time(w, k->created_at);
	jw_key(w, "updated_at");
	jw_time(w, k->updated_at);
	jw_key(w, "enabled");
	jw_bool(w, !k->disabled);
	jw_key(w, "rate_limit");
	if (k->rate_limit == 0)
		jw_null(w);
	else {
		jw_object_begin(w);
		jw_key(w, "limit");
		jw_int(w, k->rate_limit);
		jw_key(w, "window_seconds");
		jw_int(w, k->rate_window);
		jw_object_end(w);
	}
	jw_key(w, "remaining_uses");
	if (k->has_remaining)
		jw_int(w, (long long)k->remaining_uses);
	else
		jw_null(w);
	jw_key(w, "allowed_ips");
	if (k->allowed_ips[0] == '\0')
		jw_null(w);
	else
		validate_stored_write(w, k->allowed_ips);
	jw_key(w, "rotated_to");
	if (k->rotated_to == 0)
		jw_null(w);
	else
		jw_int(w, (long long)k->rotated_to);
	jw_object_end(w);
}

static int
list_one(void *ctx, const struct db_key *k)
{
	struct jw *w = ctx;

	keys_write_listed(w, k);
	return w->failed;
}

void
keys_list(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	struct jw *w;
	enum db_status rc;

	(void)req;
	w = response_open(res, 200, 1, MSG_LISTED);
	jw_key(w, "data");
	jw_array_begin(w);
	rc = db_keys_list(app->db, call->user_id, LIST_MAX, list_one, w);
	if (rc == DB_NOT_FOUND)
		rc = DB_OK;
	if (handler_db_failed(res, rc, NULL))
		return;
	jw_array_end(w);
	response_close(res);
}

/* ------------------------------------------------------------ revoke */

void
keys_revoke(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	int64_t revoked_at = DB_TIME_NULL;
	struct db_actor actor;
	struct jw *w;

	if (call->id == 0) {
		response_key_not_found(res);
		return;
	}
	handler_actor(req, call, &actor);
	if (handler_db_failed(res, db_key_revoke(app->db, call->id, call->user_id, &actor,
	    &revoked_at), NULL))
		return;
	w = response_open(res, 200, 1, MSG_REVOKED);
	jw_key(w, "data");
	jw_object_begin(w);
	jw_key(w, "id");
	jw_int(w, (long long)call->id);
	jw_key(w, "revoked_at");
	jw_time(w, revoked_at);
	jw_object_end(w);
	response_close(res);
}

/* api_rotate.c: POST {base}/api-keys/{id}/rotate: a new key and secret in place of the caller's key, the old one revoked now or after a grace. */
#include "ac-config.h"

#include <string.h>

#include "api_keys.h"
#include "api_rotate.h"
#include "crypto.h"
#include "db_rotate.h"
#include "log.h"
#include "stored.h"
#include "timeutil.h"

#define MSG_ROTATED		"API key rotated successfully"
#define MSG_ROTATE_FAILED	"An error occurred while rotating the API key."
#define MSG_NOT_ROTATABLE	"API key cannot be rotated."

#define GRACE_MAX		604800	/* a week, in seconds */
#define EXPIRY_YEARS_MAX	5	/* as create */

/* The body of rotate, optional as a whole and member by member. */
struct rotate_input {
	struct valid_uint	grace_seconds;
	struct valid_time	expires_at;
};

static const struct field_rule rotate_rules[] = {
	{ .member = "grace_seconds", .label = "grace seconds", .kind = FIELD_UINT,
	    .offset = offsetof(struct rotate_input, grace_seconds), .max = GRACE_MAX },
	{ .member = "expires_at", .label = "expires at", .kind = FIELD_FUTURE_TIME,
	    .offset = offsetof(struct rotate_input, expires_at), .max = EXPIRY_YEARS_MAX },
};

/* Checks the body into in: no body at all is every default; anything else
 * must be a JSON object (create's 400) whose members pass (422).  Returns
 * 0, or 1 after answering. */
static int
rotate_body_refused(const struct request *req, int64_t now, struct rotate_input *in,
    struct response *res)
{
	struct valid_errors errs;

	if (req->body_state == BODY_NONE || (req->body_state == BODY_OK && req->body_len == 0))
		return 0;
	return keys_body_refused(validate_body(req->body_state == BODY_OK ? req->body : NULL,
	    req->body_len, rotate_rules, sizeof(rotate_rules) / sizeof(rotate_rules[0]), in,
	    now, &errs), &errs, res, MSG_ROTATE_FAILED);
}

static void
rotated_write(struct response *res, const struct db_rotate *r, const struct db_rotated *out,
    const struct keys_fresh *f)
{
	struct jw *w = response_open(res, 201, 1, MSG_ROTATED);

	jw_key(w, "data");
	jw_object_begin(w);
	jw_key(w, "id");
	jw_int(w, (long long)out->new_id);
	jw_key(w, "name");
	if (out->name_null)
		jw_null(w);
	else
		jw_string(w, out->name);
	jw_key(w, "key");
	jw_string(w, f->key);
	jw_key(w, "secret");
	jw_string(w, f->secret);
	jw_key(w, "permissions");
	validate_stored_write(w, out->permissions);
	jw_key(w, "expires_at");
	jw_time(w, r->expires_at);
	jw_key(w, "created_at");
	jw_time(w, r->now);
	jw_key(w, "rotated_from");
	jw_int(w, (long long)r->id);
	jw_key(w, "previous");
	jw_object_begin(w);
	jw_key(w, "id");
	jw_int(w, (long long)r->id);
	jw_key(w, "expires_at");
	jw_time(w, out->old_expires_at);
	jw_key(w, "revoked_at");
	jw_time(w, out->old_revoked_at);
	jw_object_end(w);
	jw_object_end(w);
	response_close(res);
}

void
rotate_handle(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	struct rotate_input in;
	struct keys_fresh f;
	struct db_actor actor;
	struct db_rotate r;
	struct db_rotated out;
	int64_t now = time_now_us();
	enum db_status rc;

	memset(&in, 0, sizeof(in));
	memset(&f, 0, sizeof(f));
	/* The key (fetched with the token) before the body, the body before
	 * the key's state: the order of checks of every key route. */
	if (!call->key_found) {
		response_key_not_found(res);
		return;
	}
	if (rotate_body_refused(req, now, &in, res))
		return;
	if (keys_fresh_make(app->cfg, &f) != 0) {
		response_error(res, 500, MSG_ROTATE_FAILED);
		goto done;
	}
	memset(&r, 0, sizeof(r));
	r.id = call->id;
	r.user_id = call->user_id;
	r.key = f.key;
	r.secret_hash = f.hash;
	r.secret_hint = f.hint;
	r.now = now;
	r.expires_at = in.expires_at.set ? in.expires_at.value : time_add_years_us(now, 1);
	r.grace_seconds = in.grace_seconds.set ? (unsigned)in.grace_seconds.value : 0;
	handler_actor(req, call, &actor);
	rc = db_key_rotate(app->db, &r, &actor, &out);
	if (rc == DB_OK && out.refused)
		response_error(res, 409, MSG_NOT_ROTATABLE);
	else if (rc != DB_OK) {
		/* DB_NOT_FOUND: the key went away since the token's lookup. */
		if (rc != DB_NOT_FOUND)
			log_error("rotate: key %llu: %s", (unsigned long long)call->id,
			    db_strerror(rc));
		handler_db_failed(res, rc, MSG_ROTATE_FAILED);
	} else
		rotated_write(res, &r, &out, &f);
done:
	crypto_wipe(&f, sizeof(f));
}

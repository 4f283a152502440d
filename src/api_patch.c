/* api_patch.c: PATCH /api-keys/{id}: change a key's name, permissions, expiry and settings, recorded in the audit trail. */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "api_keys.h"
#include "api_patch.h"
#include "db_settings.h"
#include "key_input.h"
#include "log.h"
#include "stored.h"
#include "timeutil.h"

#define MSG_UPDATED		"API key updated successfully"
#define MSG_UPDATE_FAILED	"An error occurred while updating the API key."
#define MSG_KEY_REVOKED		"API key is revoked."
#define MSG_KEY_ROTATED		"API key was rotated."

const struct field_rule patch_rules[] = {
	/* Create's rules, but every member may be absent; a null name is
	 * still "required" and a null expiry is not a date. */
	{ .member = "name", .label = "name", .kind = FIELD_TEXT,
	    .offset = offsetof(struct key_input, name), .size = DB_NAME_MAX,
	    .max = KEY_NAME_MAX, .flags = FIELD_F_OPTIONAL },
	{ .member = "expires_at", .label = "expires at", .kind = FIELD_FUTURE_TIME,
	    .offset = offsetof(struct key_input, expires_at), .max = KEY_YEARS_MAX,
	    .flags = FIELD_F_NULL_INVALID },
	KEYS_RULE_PERMISSIONS,
	{ .member = "enabled", .label = "enabled", .kind = FIELD_BOOL,
	    .offset = offsetof(struct key_input, enabled) },
	KEYS_RULES_SETTINGS
};

const size_t patch_nrules = sizeof(patch_rules) / sizeof(patch_rules[0]);

/* The checked body and what the edit needs, computed once: the edit may
 * run again when the transaction is retried. */
struct patch_ctx {
	const struct key_input	*in;
	int64_t				 now;
	const char			*perms;	/* JSON text of in->permissions */
	const char			*ips;	/* of in->allowed_ips; "" for none */
};

/* 1 if the stored JSON array text holds exactly the items of set, in order. */
static int
same_set(const char *stored, const struct valid_set *set)
{
	struct valid_set cur;
	unsigned i;

	validate_stored_set(stored, &cur);
	if (cur.n != set->n)
		return 0;
	for (i = 0; i < set->n; i++)
		if (strcmp(cur.item[i], set->item[i]) != 0)
			return 0;
	return 1;
}

/* db_key_edit: the members the body sets to a value the key does not have
 * already, in the field table's order. */
static unsigned
patch_edit(void *ctx, const struct db_key *cur, struct db_key *next, char *details,
    size_t detailsz)
{
	const struct patch_ctx *c = ctx;
	const struct key_input *in = c->in;
	const char *changed[8];
	unsigned n = 0, i;
	size_t len;
	int w;

	*next = *cur;
	if (in->name[0] != '\0' && (cur->name_null || strcmp(cur->name, in->name) != 0)) {
		snprintf(next->name, sizeof(next->name), "%s", in->name);
		next->name_null = 0;
		changed[n++] = "name";
	}
	if (in->expires_at.set && in->expires_at.value != cur->expires_at) {
		next->expires_at = in->expires_at.value;
		changed[n++] = "expires_at";
	}
	if (in->permissions.present && !same_set(cur->permissions, &in->permissions)) {
		snprintf(next->permissions, sizeof(next->permissions), "%s", c->perms);
		changed[n++] = "permissions";
	}
	if (in->enabled.present && in->enabled.value == cur->disabled) {
		next->disabled = !in->enabled.value;
		changed[n++] = "enabled";
	}
	if (in->rate_limit.present) {
		next->rate_limit = in->rate_limit.is_null ? 0 : in->rate_limit.limit;
		next->rate_window = in->rate_limit.is_null ? 0 : in->rate_limit.window;
		if (next->rate_limit != cur->rate_limit || next->rate_window != cur->rate_window)
			changed[n++] = "rate_limit";
	}
	if (in->remaining_uses.present) {
		next->has_remaining = !in->remaining_uses.is_null;
		next->remaining_uses = next->has_remaining ? (uint64_t)in->remaining_uses.value : 0;
		if (next->has_remaining != cur->has_remaining ||
		    next->remaining_uses != cur->remaining_uses)
			changed[n++] = "remaining_uses";
	}
	if (in->allowed_ips.present && !same_set(cur->allowed_ips, &in->allowed_ips)) {
		snprintf(next->allowed_ips, sizeof(next->allowed_ips), "%s", c->ips);
		changed[n++] = "allowed_ips";
	}
	if (n == 0)
		return 0;
	next->updated_at = c->now;
	/* The event's details: member names are plain ASCII. */
	len = 0;
	w = snprintf(details, detailsz, "{\"changes\":[");
	for (i = 0; w > 0 && (size_t)w < detailsz - len && i < n; i++) {
		len += (size_t)w;
		w = snprintf(details + len, detailsz - len, "%s\"%s\"", i > 0 ? "," : "",
		    changed[i]);
	}
	if (w > 0 && (size_t)w < detailsz - len)
		snprintf(details + len + (size_t)w, detailsz - len - (size_t)w, "]}");
	return n;
}

void
patch_handle(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	struct valid_errors errs;
	struct key_input in;
	struct patch_ctx ctx;
	struct db_actor actor;
	struct db_key out;
	struct jw perms, ips;
	size_t len;
	enum db_status rc;
	int revoked = 0;
	struct jw *w;

	/* Order of checks: the key (fetched with the token), the body, its
	 * rules, then the key's state inside the transaction. */
	if (!call->key_found) {
		response_key_not_found(res);
		return;
	}
	memset(&in, 0, sizeof(in));
	memset(&perms, 0, sizeof(perms));
	memset(&ips, 0, sizeof(ips));
	ctx.now = time_now_us();
	if (keys_body_refused(validate_body(req->body_state == BODY_OK ? req->body : NULL,
	    req->body_len, patch_rules, patch_nrules, &in, ctx.now, &errs),
	    &errs, res, MSG_UPDATE_FAILED))
		return;
	keys_write_set(&perms, &in.permissions);
	keys_write_set(&ips, &in.allowed_ips);
	ctx.in = &in;
	ctx.perms = jw_text(&perms, &len);
	/* An empty allowlist is no restriction: stored as NULL. */
	ctx.ips = in.allowed_ips.n > 0 ? jw_text(&ips, &len) : "";
	if (ctx.perms == NULL || ctx.ips == NULL) {
		response_error(res, 500, MSG_UPDATE_FAILED);
		goto done;
	}
	handler_actor(req, call, &actor);
	rc = db_key_update(app->db, call->id, call->user_id, &actor, patch_edit, &ctx, &out,
	    &revoked);
	if (rc != DB_OK) {
		if (rc != DB_NOT_FOUND)
			log_error("update: key %llu: %s", (unsigned long long)call->id,
			    db_strerror(rc));
		handler_db_failed(res, rc, MSG_UPDATE_FAILED);
		goto done;
	}
	if (revoked) {
		response_error(res, 409, revoked == DB_KEY_ROTATED ? MSG_KEY_ROTATED :
		    MSG_KEY_REVOKED);
		goto done;
	}
	w = response_open(res, 200, 1, MSG_UPDATED);
	jw_key(w, "data");
	keys_write_listed(w, &out);
	response_close(res);
done:
	jw_reset(&perms);
	jw_reset(&ips);
}

/* router.c: route table and dispatch: 404 and 405 before authentication, then the handler. */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "api_events.h"
#include "api_keys.h"
#include "api_login.h"
#include "api_patch.h"
#include "api_rotate.h"
#include "api_usage.h"
#include "api_verify.h"
#include "auth.h"
#include "number.h"
#include "router.h"
#include "api_webhooks.h"

#define MSG_NOT_FOUND		"Not Found."
#define MSG_NOT_ALLOWED		"Method Not Allowed."
#define MSG_TOO_LARGE		"Payload Too Large."
#define MSG_BAD_REQUEST		"Bad Request."
#define MSG_NO_ABILITY		"Invalid ability provided."

/*
 * Order matters only for the Allow header, which lists methods in it.
 * .prefetch_key: the key {id} is read with the token in one round trip
 * (call.key, call.key_found), so the handler answers its 404 first.
 */
static const struct route routes[] = {
	{ .pattern = "/api-keys/generate", .method = METHOD_POST, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_WRITE, .handler = keys_generate },
	{ .pattern = "/api-keys/verify", .method = METHOD_POST, .auth = ROUTE_AUTH_VERIFY,
	    .ability = ABILITY_NONE, .handler = verify_handle },
	{ .pattern = "/api-keys", .method = METHOD_GET, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_READ, .handler = keys_list },
	{ .pattern = "/api-keys", .method = METHOD_POST, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_WRITE, .handler = keys_create },
	/* Show is the hot read: its key comes with the token, one round trip. */
	{ .pattern = "/api-keys/{id}", .method = METHOD_GET, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_READ, .prefetch_key = true, .handler = keys_show },
	/* The key comes with the token: its 404 precedes the body's checks. */
	{ .pattern = "/api-keys/{id}", .method = METHOD_PATCH, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_WRITE, .prefetch_key = true, .handler = patch_handle },
	{ .pattern = "/api-keys/{id}", .method = METHOD_DELETE, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_WRITE, .handler = keys_revoke },
	/* The key comes with the token: its 404 precedes the body's checks. */
	{ .pattern = "/api-keys/{id}/rotate", .method = METHOD_POST, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_WRITE, .prefetch_key = true, .handler = rotate_handle },
	{ .pattern = "/api-keys/{id}/events", .method = METHOD_GET, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_READ, .prefetch_key = true, .handler = events_handle },
	/* The keys page's sign-in (9.4): the body is the credential. */
	{ .pattern = "/login", .method = METHOD_POST, .auth = ROUTE_AUTH_NONE,
	    .ability = ABILITY_NONE, .handler = login_login },
	{ .pattern = "/logout", .method = METHOD_POST, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_NONE, .handler = login_logout },
	{ .pattern = "/api-keys/{id}/usage", .method = METHOD_GET, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_READ, .prefetch_key = true, .handler = usage_key },
	{ .pattern = "/usage", .method = METHOD_GET, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_READ, .handler = usage_user },
	{ .pattern = "/webhooks", .method = METHOD_GET, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_READ, .handler = webhooks_list },
	{ .pattern = "/webhooks", .method = METHOD_POST, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_WRITE, .handler = webhooks_create },
	{ .pattern = "/webhooks/{id}", .method = METHOD_DELETE, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_WRITE, .handler = webhooks_delete },
	{ .pattern = "/webhooks/{id}/deliveries", .method = METHOD_GET, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_READ, .handler = webhooks_deliveries },
	{ .pattern = "/webhooks/{id}/test", .method = METHOD_POST, .auth = ROUTE_AUTH_USER,
	    .ability = ABILITY_WRITE, .handler = webhooks_test },
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* Matches one pattern; "{id}" takes one whole segment (possibly empty). */
static int
pattern_match(const char *pat, const char *path, const char **param, size_t *plen)
{
	const char *brace = strstr(pat, "{id}");
	size_t prefix, seg;

	if (brace == NULL)
		return strcmp(pat, path) == 0;
	prefix = (size_t)(brace - pat);
	if (strncmp(pat, path, prefix) != 0)
		return 0;
	seg = strcspn(path + prefix, "/");
	if (strcmp(brace + 4, path + prefix + seg) != 0)
		return 0;
	*param = path + prefix;
	*plen = seg;
	return 1;
}

enum route_match
router_match(const char *base, const char *path, enum http_method method,
    const struct route **route, const char **param, size_t *param_len,
    char *allow, size_t allowlen)
{
	size_t baselen = strlen(base), i, used = 0;
	int pass, matched = 0;
	const char *p = NULL;
	size_t plen = 0;

	if (strncmp(path, base, baselen) != 0)
		return ROUTE_NO_PATH;
	path += baselen;
	if (allowlen > 0)
		allow[0] = '\0';
	/* Pass 0: literal patterns; pass 1: patterns with a parameter. */
	for (pass = 0; pass < 2 && !matched; pass++) {
		for (i = 0; i < NROUTES; i++) {
			int literal = strchr(routes[i].pattern, '{') == NULL;

			if (literal != (pass == 0) ||
			    !pattern_match(routes[i].pattern, path, &p, &plen))
				continue;
			matched = 1;
			if (routes[i].method == method) {
				/* Rows of the path met before this one listed
				 * their methods: a found route has no Allow. */
				if (allowlen > 0)
					allow[0] = '\0';
				*route = &routes[i];
				*param = p;
				*param_len = plen;
				return ROUTE_FOUND;
			}
			if (used < allowlen) {
				int n = snprintf(allow + used, allowlen - used, "%s%s",
				    used > 0 ? ", " : "", http_method_name(routes[i].method));

				if (n > 0)
					used += (size_t)n;
			}
		}
	}
	return matched ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}

/* Establishes the caller; answers and returns 0 when it cannot. */
static int
authenticate(struct app *app, const struct request *req, const struct route *route,
    struct call *call, struct response *res)
{
	struct auth_identity who;
	struct auth_key key = { .id = call->id, .row = &call->key };

	switch (route->auth) {
	case ROUTE_AUTH_NONE:
		return 1;
	case ROUTE_AUTH_VERIFY:
		if (app->cfg->verify_token[0] == '\0' ||
		    auth_static_bearer(req->authorization, app->cfg->verify_token))
			return 1;
		response_unauthenticated(res);
		return 0;
	case ROUTE_AUTH_USER:
		memset(&who, 0, sizeof(who));
		switch (auth_user(app->db, req->authorization, app->cfg->token_expiration,
		    &who, route->prefetch_key ? &key : NULL)) {
		case AUTH_OK:
			call->key_found = key.found;
			call->user_id = who.user_id;
			call->token_id = who.token_id;
			call->email_verified = who.email_verified;
			if ((route->ability == ABILITY_READ && !who.can_read) ||
			    (route->ability == ABILITY_WRITE && !who.can_write)) {
				/* A token made for another purpose: nothing
				 * changes, nothing is shown. */
				call->key_found = 0;
				response_error(res, 403, MSG_NO_ABILITY);
				return 0;
			}
			return 1;
		case AUTH_DENIED:
			response_unauthenticated(res);
			return 0;
		case AUTH_UNAVAILABLE:
			response_error(res, 503, MSG_UNAVAILABLE);
			return 0;
		case AUTH_ERROR:
			response_error(res, 500, MSG_SERVER_ERROR);
			return 0;
		}
	}
	return 0;
}

void
router_dispatch(struct app *app, const struct request *req, struct response *res)
{
	const struct route *route = NULL;
	struct call call;
	const char *param = NULL;
	size_t param_len = 0;
	char msg[64];

	if (req->redirect_status != 0) {
		/* The web server failed the request and shows us as its error
		 * page: answer its status in our envelope. */
		snprintf(msg, sizeof(msg), "%s.", response_reason(req->redirect_status));
		response_error(res, req->redirect_status, msg);
		return;
	}
	switch (req->body_state) {
	case BODY_TOO_LARGE:
		response_error(res, 413, MSG_TOO_LARGE);
		return;
	case BODY_BAD_LENGTH:
		response_error(res, 400, MSG_BAD_REQUEST);
		return;
	default:
		break;
	}
	switch (router_match(app->cfg->base_path, req->path, req->method, &route,
	    &param, &param_len, res->allow, sizeof(res->allow))) {
	case ROUTE_NO_PATH:
		response_error(res, 404, MSG_NOT_FOUND);
		return;
	case ROUTE_NO_METHOD:
		response_error(res, 405, MSG_NOT_ALLOWED);
		return;
	case ROUTE_FOUND:
		break;
	}
	/* The header only: call.key (8 KiB) is set by the prefetch, and read
	 * only when key_found says it was. */
	call.id = call.user_id = call.token_id = 0;
	call.email_verified = call.key_found = 0;
	/* An id that is not a plain decimal in range matches no key (id 0). */
	if (param_len > 0 && num_parse_id(param, param_len, &call.id) != 0)
		call.id = 0;
	if (authenticate(app, req, route, &call, res))
		route->handler(app, req, &call, res);
}

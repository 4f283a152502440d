/* router.c: route table and dispatch: 404 and 405 before authentication, then the handler. */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "keys.h"
#include "router.h"

#define MSG_NOT_FOUND		"Not Found."
#define MSG_NOT_ALLOWED		"Method Not Allowed."
#define MSG_TOO_LARGE		"Payload Too Large."
#define MSG_BAD_REQUEST		"Bad Request."

/* Order matters only for the Allow header, which lists methods in it. */
static const struct route routes[] = {
	{ "/api-keys/generate", METHOD_POST, ROUTE_AUTH_USER, 0, keys_generate },
	{ "/api-keys/verify", METHOD_POST, ROUTE_AUTH_VERIFY, 0, keys_verify },
	{ "/api-keys", METHOD_GET, ROUTE_AUTH_USER, 0, keys_list },
	{ "/api-keys", METHOD_POST, ROUTE_AUTH_USER, 0, keys_create },
	/* Show is the hot read: its key comes with the token, one round trip. */
	{ "/api-keys/{id}", METHOD_GET, ROUTE_AUTH_USER, 1, keys_show },
	{ "/api-keys/{id}", METHOD_DELETE, ROUTE_AUTH_USER, 0, keys_revoke },
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static const char *const method_names[METHOD__MAX] = {
	"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "OTHER"
};

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
				*route = &routes[i];
				*param = p;
				*param_len = plen;
				return ROUTE_FOUND;
			}
			if (used < allowlen) {
				int n = snprintf(allow + used, allowlen - used, "%s%s",
				    used > 0 ? ", " : "", method_names[routes[i].method]);

				if (n > 0)
					used += (size_t)n;
			}
		}
	}
	return matched ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}

static int
authenticate(struct app *app, struct request *req, const struct route *route)
{
	struct auth_prefetch pf;

	switch (route->auth) {
	case ROUTE_AUTH_NONE:
		return 1;
	case ROUTE_AUTH_VERIFY:
		if (app->cfg->verify_token[0] == '\0' ||
		    auth_static_bearer(req->authorization, app->cfg->verify_token))
			return 1;
		response_unauthenticated(&req->res);
		return 0;
	case ROUTE_AUTH_USER:
		memset(&pf, 0, sizeof(pf));
		pf.key = &req->key;
		/* An id that is not a plain decimal matches no key (id 0). */
		if (route->prefetch_key &&
		    parse_decimal_id(req->param, req->param_len, &pf.key_id) != 0)
			pf.key_id = 0;
		switch (auth_user(app->db, req->authorization, &req->user_id,
		    &req->email_verified, route->prefetch_key ? &pf : NULL)) {
		case AUTH_OK:
			req->key_found = pf.found;
			return 1;
		case AUTH_DENIED:
			response_unauthenticated(&req->res);
			return 0;
		case AUTH_UNAVAILABLE:
			response_error(&req->res, 503, MSG_UNAVAILABLE);
			return 0;
		case AUTH_ERROR:
			response_error(&req->res, 500, MSG_SERVER_ERROR);
			return 0;
		}
	}
	return 0;
}

void
router_dispatch(struct app *app, struct request *req)
{
	const struct route *route = NULL;
	char msg[64];

	if (req->redirect_status != 0) {
		/* The web server failed the request and shows us as its error
		 * page: answer its status in our envelope. */
		snprintf(msg, sizeof(msg), "%s.", response_reason(req->redirect_status));
		response_error(&req->res, req->redirect_status, msg);
		return;
	}
	switch (req->body_state) {
	case BODY_TOO_LARGE:
		response_error(&req->res, 413, MSG_TOO_LARGE);
		return;
	case BODY_BAD_LENGTH:
		response_error(&req->res, 400, MSG_BAD_REQUEST);
		return;
	default:
		break;
	}
	switch (router_match(app->cfg->base_path, req->path, req->method, &route,
	    &req->param, &req->param_len, req->res.allow, sizeof(req->res.allow))) {
	case ROUTE_NO_PATH:
		response_error(&req->res, 404, MSG_NOT_FOUND);
		return;
	case ROUTE_NO_METHOD:
		response_error(&req->res, 405, MSG_NOT_ALLOWED);
		return;
	case ROUTE_FOUND:
		break;
	}
	if (!authenticate(app, req, route))
		return;
	route->handler(app, req);
}

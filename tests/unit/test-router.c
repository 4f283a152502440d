/* test-router.c: route matching: literal before {id}, 404 vs 405 and the Allow list, base paths; what the dispatcher answers before any database call. */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "router.h"
#include "tap.h"

static const struct route *route;
static const char *param;
static size_t plen;
static char allow[64];

static enum route_match
m(const char *base, const char *path, enum http_method method)
{
	route = NULL;
	param = NULL;
	plen = 0;
	return router_match(base, path, method, &route, &param, &plen, allow, sizeof(allow));
}

static struct config cfg;
static char rendered[1024];

/*
 * Dispatches one request without a database (db is NULL: every answer
 * checked here must come before any query) and renders it.  Returns the
 * status; rendered holds the whole answer.
 */
static int
dispatch(enum http_method method, const char *path, const char *authorization,
    enum body_state body_state, int redirect_status)
{
	struct app app = { &cfg, NULL };
	struct request req;
	struct response res;
	char *out;
	size_t len;
	int status;

	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));
	req.method = method;
	req.path = (char *)path;
	req.authorization = authorization;
	req.body_state = body_state;
	req.redirect_status = redirect_status;
	router_dispatch(&app, &req, &res);
	status = res.status;
	rendered[0] = '\0';
	if ((out = response_render(&res, &len)) != NULL) {
		snprintf(rendered, sizeof(rendered), "%s", out);
		free(out);
	}
	response_clear(&res);
	return status;
}

static const char *
body(void)
{
	const char *b = strstr(rendered, "\r\n\r\n");

	return b ? b + 4 : "";
}

static void
test_dispatch(void)
{
	config_defaults(&cfg);
	snprintf(cfg.base_path, sizeof(cfg.base_path), "/api");
	cfg.verify_token[0] = '\0';

	is_int(dispatch(METHOD_GET, "/api/api-keys/1", NULL, BODY_NONE, 502), 502,
	    "a web server's error page keeps its status");
	is_str(body(), "{\"success\":false,\"message\":\"Bad Gateway.\"}", "in our envelope");
	is_int(dispatch(METHOD_POST, "/api/nowhere", NULL, BODY_TOO_LARGE, 0), 413,
	    "a body too large is 413 before the path is looked at");
	is_str(body(), "{\"success\":false,\"message\":\"Payload Too Large.\"}", "413 body");
	is_int(dispatch(METHOD_POST, "/api/api-keys", NULL, BODY_BAD_LENGTH, 0), 400,
	    "a malformed CONTENT_LENGTH is 400");
	is_str(body(), "{\"success\":false,\"message\":\"Bad Request.\"}", "400 body");
	is_int(dispatch(METHOD_GET, "/api/nowhere", NULL, BODY_NONE, 0), 404, "unknown path");
	is_str(body(), "{\"success\":false,\"message\":\"Not Found.\"}", "404 body");
	is_int(dispatch(METHOD_GET, "/api-keys/1", NULL, BODY_NONE, 0), 404,
	    "a path outside the base");
	is_int(dispatch(METHOD_POST, "/api/api-keys/17", NULL, BODY_NONE, 0), 405,
	    "a wrong method is 405 before authentication");
	ok(strstr(rendered, "\r\nAllow: GET, PATCH, DELETE\r\n") != NULL, "with Allow");
	ok(strstr(rendered, "WWW-Authenticate") == NULL, "and no challenge");
	is_str(body(), "{\"success\":false,\"message\":\"Method Not Allowed.\"}", "405 body");
	is_int(dispatch(METHOD_GET, "/api/api-keys/17", NULL, BODY_NONE, 0), 401,
	    "no token on a user route");
	ok(strstr(rendered, "\r\nWWW-Authenticate: Bearer\r\n") != NULL, "with the challenge");
	is_str(body(), "{\"success\":false,\"message\":\"Unauthenticated.\"}", "401 body");
	is_int(dispatch(METHOD_POST, "/api/api-keys/generate", "Basic dTpw", BODY_NONE, 0), 401,
	    "another scheme");
	is_int(dispatch(METHOD_GET, "/api/api-keys", "Bearer 1|", BODY_NONE, 0), 401,
	    "a malformed token");
	is_int(dispatch(METHOD_DELETE, "/api/api-keys/abc", "Bearer ", BODY_NONE, 0), 401,
	    "an empty token");

	snprintf(cfg.verify_token, sizeof(cfg.verify_token), "shared-secret");
	is_int(dispatch(METHOD_POST, "/api/api-keys/verify", NULL, BODY_NONE, 0), 401,
	    "verify without the shared token");
	ok(strstr(rendered, "\r\nWWW-Authenticate: Bearer\r\n") != NULL, "with the challenge");
	is_int(dispatch(METHOD_POST, "/api/api-keys/verify", "Bearer shared-secreT", BODY_NONE, 0),
	    401, "verify with a wrong shared token");
	is_int(dispatch(METHOD_GET, "/api/api-keys/verify", "Bearer shared-secret", BODY_NONE, 0),
	    405, "GET verify is 405");
	ok(strstr(rendered, "\r\nAllow: POST\r\n") != NULL, "Allow: POST");

	cfg.base_path[0] = '\0';
	is_int(dispatch(METHOD_GET, "/api/api-keys/1", NULL, BODY_NONE, 0), 404,
	    "under an empty base, /api is a path like any other");
	is_int(dispatch(METHOD_GET, "/api-keys/1", NULL, BODY_NONE, 0), 401,
	    "and the routes are at the root");
}

int
main(void)
{
	is_int(m("/api", "/api/api-keys/generate", METHOD_POST), ROUTE_FOUND, "POST generate");
	ok(route != NULL && strcmp(route->pattern, "/api-keys/generate") == 0,
	    "generate route chosen");
	is_int(m("/api", "/api/api-keys/generate", METHOD_GET), ROUTE_NO_METHOD,
	    "GET generate is 405, not a show of id 'generate'");
	is_str(allow, "POST", "Allow for generate");
	is_int(m("/api", "/api/api-keys/17", METHOD_GET), ROUTE_FOUND, "GET show");
	ok(plen == 2 && strncmp(param, "17", 2) == 0, "the id segment is captured");
	is_int(m("/api", "/api/api-keys/17", METHOD_POST), ROUTE_NO_METHOD, "POST on show");
	is_str(allow, "GET, PATCH, DELETE", "Allow for a key");
	is_int(m("/api", "/api/api-keys/17", METHOD_DELETE), ROUTE_FOUND, "DELETE revokes");
	is_int(m("/api", "/api/api-keys", METHOD_GET), ROUTE_FOUND, "GET lists");
	is_int(m("/api", "/api/api-keys", METHOD_POST), ROUTE_FOUND, "POST creates");
	ok(route != NULL && route->method == METHOD_POST, "create route chosen");
	/* The GET row matched the path first: its method is not an Allow. */
	is_str(allow, "", "no Allow text on a found route (create)");
	is_int(m("/api", "/api/api-keys/17", METHOD_DELETE), ROUTE_FOUND, "DELETE found again");
	is_str(allow, "", "no Allow text on a found route (revoke)");
	is_int(m("/api", "/api/api-keys", METHOD_DELETE), ROUTE_NO_METHOD, "DELETE on the list");
	is_str(allow, "GET, POST", "Allow for the list");
	is_int(m("/api", "/api/api-keys/verify", METHOD_POST), ROUTE_FOUND, "POST verify");
	ok(route != NULL && route->auth == ROUTE_AUTH_VERIFY, "verify takes no user token");
	is_int(m("/api", "/api/api-keys/verify", METHOD_GET), ROUTE_NO_METHOD,
	    "GET verify is 405, not a show");
	is_str(allow, "POST", "Allow for verify");
	is_int(m("/api", "/api/api-keys/verify", METHOD_DELETE), ROUTE_NO_METHOD,
	    "DELETE verify is 405, not a revoke");
	is_int(m("/api", "/api/api-keys/abc", METHOD_GET), ROUTE_FOUND,
	    "any segment reaches show (which answers its own 404)");
	is_int(m("/api", "/api/api-keys/", METHOD_GET), ROUTE_FOUND, "empty id segment");
	is_int(plen, 0, "empty id captured as empty");
	is_int(m("/api", "/api/api-keys/1/2", METHOD_GET), ROUTE_NO_PATH, "two segments");
	is_int(m("/api", "/api/unknown", METHOD_GET), ROUTE_NO_PATH, "unknown path");
	is_int(m("/api", "/api", METHOD_GET), ROUTE_NO_PATH, "the base alone");
	is_int(m("/api", "/apix/api-keys/generate", METHOD_POST), ROUTE_NO_PATH,
	    "a base prefix that is not a segment");
	is_int(m("/api", "//api/api-keys/generate", METHOD_POST), ROUTE_NO_PATH, "double slash");
	is_int(m("/api", "/API/api-keys/generate", METHOD_POST), ROUTE_NO_PATH,
	    "paths are case-sensitive");
	is_int(m("/api", "/api/api-keys/generate/", METHOD_POST), ROUTE_NO_PATH,
	    "trailing slash on a literal route");
	is_int(m("", "/api-keys/generate", METHOD_POST), ROUTE_FOUND, "empty base");
	is_int(m("/v1/keys", "/v1/keys/api-keys/9", METHOD_GET), ROUTE_FOUND, "deep base");
	is_int(m("/api", "/api/api-keys/generate", METHOD_OTHER), ROUTE_NO_METHOD,
	    "an unknown method is 405");
	is_int(m("/api", "/api/api-keys/generate", METHOD_HEAD), ROUTE_NO_METHOD, "HEAD is 405");
	test_dispatch();
	return tap_done();
}

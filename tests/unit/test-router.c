/* test-router.c: route matching: literal before {id}, 404 vs 405 and the Allow list, base paths. */
#include "ac-config.h"

#include <string.h>

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
	is_str(allow, "GET, DELETE", "Allow for a key");
	is_int(m("/api", "/api/api-keys/17", METHOD_DELETE), ROUTE_FOUND, "DELETE revokes");
	is_int(m("/api", "/api/api-keys", METHOD_GET), ROUTE_FOUND, "GET lists");
	is_int(m("/api", "/api/api-keys", METHOD_POST), ROUTE_FOUND, "POST creates");
	ok(route != NULL && route->method == METHOD_POST, "create route chosen");
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
	return tap_done();
}

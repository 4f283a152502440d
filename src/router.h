/* router.h: the route table (method + path pattern -> handler, auth) and the dispatcher. */
#ifndef APIKEYS_ROUTER_H
#define APIKEYS_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "handler.h"

enum route_auth {
	ROUTE_AUTH_NONE = 0,
	ROUTE_AUTH_USER,	/* a Sanctum personal access token */
	ROUTE_AUTH_VERIFY	/* the optional APIKEYS_VERIFY_TOKEN */
};

/* What a Sanctum token must be able to do for a route (its abilities). */
enum route_ability {
	ABILITY_NONE = 0,
	ABILITY_READ,		/* "api-keys:read" or "*" */
	ABILITY_WRITE		/* "api-keys:write" or "*" */
};

struct route {
	const char		*pattern;	/* after the base path; "{id}" is one segment */
	enum http_method	 method;
	enum route_auth		 auth;
	enum route_ability	 ability;
	bool			 prefetch_key;	/* read key {id} with the token (call.key) */
	route_handler		*handler;
};

enum route_match {
	ROUTE_FOUND = 0,
	ROUTE_NO_PATH,		/* 404 */
	ROUTE_NO_METHOD		/* 405: allow holds the methods */
};

/*
 * Matches path against the table under base ("" or "/api").  Literal
 * patterns win over patterns with "{id}", so /api-keys/verify is never taken
 * for an id.  On ROUTE_FOUND sets *route and the {id} span (param may be
 * empty) and leaves allow empty; on ROUTE_NO_METHOD writes "GET, DELETE"-style
 * text to allow.
 * Pure: no I/O.
 */
enum route_match router_match(const char *base, const char *path,
    enum http_method method, const struct route **route, const char **param,
    size_t *param_len, char *allow, size_t allowlen);

/*
 * Answers one request into res: 413/400 for a body that cannot be taken,
 * 404, 405 with Allow, then authentication (401/503), the token's ability
 * (403), then the handler.
 * Cannot fail: every path sets a response.
 */
void router_dispatch(struct app *, const struct request *, struct response *res);

#endif

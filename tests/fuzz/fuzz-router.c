/* fuzz-router.c: libFuzzer target for the route matcher: a method byte, then the client's path. */
#include "ac-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "router.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

#define ALLOW_MAX 64	/* as struct response's allow */

static const char *const bases[] = { "/api", "" };

static const char *const method_names[METHOD__MAX] = {
	"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "OTHER"
};

struct outcome {
	enum route_match	 m;
	const struct route	*route;
	const char		*param;
	size_t			 plen;
	char			 allow[ALLOW_MAX];
};

static void
match(const char *base, const char *path, enum http_method method, struct outcome *o)
{
	/* Poisoned so that an output the matcher forgot to set shows. */
	memset(o, 0, sizeof(*o));
	memset(o->allow, 0x7f, sizeof(o->allow));
	o->param = (const char *)o;
	o->plen = (size_t)-1;
	o->m = router_match(base, path, method, &o->route, &o->param, &o->plen,
	    o->allow, sizeof(o->allow));
}

/* A found route must spell the path back: base, pattern, {id} = param. */
static void
check_found(const char *base, const char *path, enum http_method method,
    const struct outcome *o)
{
	const char *pat, *brace, *rest;
	size_t baselen = strlen(base), pathlen = strlen(path), pre;

	if (o->route == NULL || o->route->method != method ||
	    o->route->handler == NULL || (pat = o->route->pattern) == NULL)
		abort();
	if (strncmp(path, base, baselen) != 0)
		abort();
	rest = path + baselen;
	if ((brace = strstr(pat, "{id}")) == NULL) {
		if (o->param != NULL || o->plen != 0 || strcmp(pat, rest) != 0)
			abort();
		return;
	}
	pre = (size_t)(brace - pat);
	if (o->param != rest + pre || o->plen > pathlen - baselen - pre)
		abort();
	if (strncmp(pat, rest, pre) != 0 || memchr(o->param, '/', o->plen) != NULL ||
	    strcmp(brace + 4, o->param + o->plen) != 0)
		abort();
}

/*
 * The {id} span goes to num_parse_id next (the key to prefetch, or id 0,
 * which matches no key): it must take exactly the canonical spellings of 1..2^63-1.
 */
static void
check_id(const char *param, size_t plen)
{
	uint64_t id = 0, v = 0;
	size_t i;
	int canonical = plen >= 1 && plen <= 19 && param[0] >= '1' && param[0] <= '9';

	for (i = 0; canonical && i < plen; i++) {
		if (param[i] < '0' || param[i] > '9')
			canonical = 0;
		else
			v = v * 10 + (uint64_t)(param[i] - '0');	/* 19 digits fit */
	}
	if (canonical && v > 9223372036854775807ULL)
		canonical = 0;
	if ((num_parse_id(param, plen, &id) == 0) != canonical ||
	    (canonical && id != v))
		abort();
}

/* 1 if the Allow text names method, as one of its ", "-separated words. */
static int
allow_has(const char *allow, enum http_method method)
{
	const char *name = method_names[method], *p = allow;
	size_t n = strlen(name);

	while (*p != '\0') {
		if (strncmp(p, name, n) == 0 && (p[n] == '\0' || p[n] == ','))
			return 1;
		if ((p = strchr(p, ',')) == NULL)
			break;
		p += 2;
	}
	return 0;
}

/* Every word of allow must be a known method, once, then ", " or the end. */
static void
check_allow_words(const char *allow)
{
	unsigned seen = 0;
	const char *p = allow;
	int i;

	if (memchr(allow, '\0', ALLOW_MAX) == NULL || *allow == '\0')
		abort();
	for (;;) {
		for (i = 0; i < METHOD_OTHER; i++)
			if (strncmp(p, method_names[i], strlen(method_names[i])) == 0)
				break;
		if (i == METHOD_OTHER || (seen & (1u << i)) != 0)
			abort();
		seen |= 1u << i;
		p += strlen(method_names[i]);
		if (*p == '\0')
			return;
		if (strncmp(p, ", ", 2) != 0)
			abort();
		p += 2;
	}
}

/*
 * Runs every method on one path and checks that the answers agree: a path
 * is known to all methods or to none, Allow lists exactly the methods that
 * are found, and a literal route shadows {id} for every method alike.
 */
static void
check_path(const char *base, const char *path, struct outcome out[METHOD__MAX])
{
	int m, nfound = 0, nnopath = 0, literal = -1;
	const char *allow = NULL;

	for (m = 0; m < METHOD__MAX; m++) {
		match(base, path, (enum http_method)m, &out[m]);
		switch (out[m].m) {
		case ROUTE_FOUND:
			check_found(base, path, (enum http_method)m, &out[m]);
			if (literal == -1)
				literal = out[m].param == NULL;
			else if (literal != (out[m].param == NULL))
				abort();
			if (out[m].param != NULL)
				check_id(out[m].param, out[m].plen);
			nfound++;
			break;
		case ROUTE_NO_METHOD:
			check_allow_words(out[m].allow);
			if (allow_has(out[m].allow, (enum http_method)m))
				abort();
			if (allow == NULL)
				allow = out[m].allow;
			else if (strcmp(allow, out[m].allow) != 0)
				abort();
			break;
		case ROUTE_NO_PATH:
			nnopath++;
			break;
		default:
			abort();
		}
	}
	if (nnopath != 0 && nnopath != METHOD__MAX)
		abort();
	if (nnopath == 0 && nfound == 0)
		abort();	/* 405 for every method: Allow would name none */
	if (allow != NULL)
		for (m = 0; m < METHOD__MAX; m++)
			if (allow_has(allow, (enum http_method)m) !=
			    (out[m].m == ROUTE_FOUND))
				abort();
}

/* A smaller Allow buffer gives the same answer and a truncated Allow. */
static void
check_short_allow(const char *path, enum http_method method, size_t allowlen,
    const struct outcome *full)
{
	const struct route *route = NULL;
	const char *param = NULL;
	size_t plen = 0;
	char *allow;
	enum route_match m;

	/* Exactly allowlen bytes, so that AddressSanitizer sees any overrun. */
	if ((allow = malloc(allowlen == 0 ? 1 : allowlen)) == NULL)
		return;
	m = router_match("/api", path, method, &route, &param, &plen, allow, allowlen);
	if (m != full->m)
		abort();
	if (m == ROUTE_NO_METHOD && allowlen > 0 &&
	    (memchr(allow, '\0', allowlen) == NULL ||
	    strncmp(allow, full->allow, strlen(allow)) != 0))
		abort();
	free(allow);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct outcome out[2][METHOD__MAX], root;
	enum http_method method;
	char *path;
	size_t i;
	int m;

	if (size < 1)
		return 0;
	method = (enum http_method)(data[0] % METHOD__MAX);
	if ((path = malloc(size)) == NULL)
		return 0;
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		check_path(bases[i], path, out[i]);

	/* Under "/api" the answer is the root's answer for the rest of the
	 * path, and nothing at all for a path outside it. */
	for (m = 0; m < METHOD__MAX; m++) {
		if (strncmp(path, "/api", 4) != 0) {
			if (out[0][m].m != ROUTE_NO_PATH)
				abort();
			continue;
		}
		match("", path + 4, (enum http_method)m, &root);
		if (root.m != out[0][m].m ||
		    (root.m == ROUTE_FOUND && (root.route != out[0][m].route ||
		    root.param != out[0][m].param || root.plen != out[0][m].plen)) ||
		    (root.m == ROUTE_NO_METHOD &&
		    strcmp(root.allow, out[0][m].allow) != 0))
			abort();
	}

	/* The method byte's spare bits pick a short Allow buffer. */
	check_short_allow(path, method, (size_t)(data[0] / METHOD__MAX) % (ALLOW_MAX + 1),
	    &out[0][method]);
	free(path);
	return 0;
}

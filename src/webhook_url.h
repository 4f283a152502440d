/* webhook_url.h: a webhook's URL as 9.2 accepts it, and the address rules of its deliveries (which addresses are refused, and the resolution that picks the one to connect to). */
#ifndef APIKEYS_WEBHOOK_URL_H
#define APIKEYS_WEBHOOK_URL_H

#include <stddef.h>

#define WEBHOOK_URL_MAX		2048	/* characters of a URL */
#define WEBHOOK_HOST_MAX	256
#define WEBHOOK_ADDR_MAX	46	/* an IPv6 address in text, NUL */

enum webhook_url_result {
	WURL_OK = 0,
	WURL_INVALID,		/* not an absolute URL, a user, a fragment, too long */
	WURL_NOT_HTTPS		/* a URL, but not https:// (nor http:// when allowed) */
};

struct webhook_url {
	int		https;			/* else http */
	char		host[WEBHOOK_HOST_MAX];	/* without [ ] for IPv6 */
	unsigned	port;			/* 443/80 when not given */
};

/*
 * Checks url (len bytes, not NUL-terminated) as an absolute URL:
 * scheme "://" host [":" port] then a path or query of printable ASCII,
 * without user information or fragment, at most WEBHOOK_URL_MAX bytes; its
 * scheme must be https (or http with allow_http).  Fills *out (may be NULL)
 * on WURL_OK.  Pure: no I/O.
 */
enum webhook_url_result webhook_url_parse(const char *url, size_t len, int allow_http,
    struct webhook_url *out);

/*
 * 1 if a delivery must not go to the address addr (text, IPv4 or IPv6):
 * loopback, private (RFC 1918, fc00::/7), link-local, unspecified, or
 * anything that does not parse; else 0.  Pure: no I/O.
 */
int webhook_addr_refused(const char *addr);


#endif

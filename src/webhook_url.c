/* webhook_url.c: the URL rule of a webhook, and the addresses a delivery may not connect to. */
#include "ac-config.h"

#include <string.h>
#include <strings.h>

#include "ipnet.h"
#include "webhook_url.h"

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A host name: labels of [A-Za-z0-9-], not empty, dots between them (one
 * trailing dot allowed). */
static int
host_name_ok(const char *h, size_t n)
{
	size_t i, label = 0;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (h[i] == '.') {
			if (label == 0 && !(i == n - 1 && i > 0))
				return 0;
			label = 0;
		} else if (is_alpha(h[i]) || is_digit(h[i]) || h[i] == '-' || h[i] == '_') {
			if (++label > 63)
				return 0;
		} else
			return 0;
	}
	return 1;
}

enum webhook_url_result
webhook_url_parse(const char *url, size_t len, int allow_http, struct webhook_url *out)
{
	size_t i = 0, s_end, a_start, a_end, h_start, h_end, p;
	struct webhook_url u;
	struct ipnet ip;
	unsigned long port = 0;
	int https, http;

	memset(&u, 0, sizeof(u));
	if (len == 0 || len > WEBHOOK_URL_MAX)
		return WURL_INVALID;
	for (i = 0; i < len; i++)	/* printable ASCII only, no fragment */
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f || url[i] == '#')
			return WURL_INVALID;
	if (!is_alpha(url[0]))
		return WURL_INVALID;
	for (i = 1; i < len && (is_alpha(url[i]) || is_digit(url[i]) ||
	    url[i] == '+' || url[i] == '-' || url[i] == '.'); i++)
		;
	s_end = i;
	if (len - s_end < 3 || memcmp(url + s_end, "://", 3) != 0)
		return WURL_INVALID;
	a_start = s_end + 3;
	for (a_end = a_start; a_end < len && url[a_end] != '/' && url[a_end] != '?'; a_end++)
		if (url[a_end] == '@')
			return WURL_INVALID;	/* user information */
	if (a_end == a_start)
		return WURL_INVALID;
	/* The host: [IPv6] or a name or IPv4 address; then an optional port. */
	if (url[a_start] == '[') {
		const char *close = memchr(url + a_start, ']', a_end - a_start);

		if (close == NULL)
			return WURL_INVALID;
		h_start = a_start + 1;
		h_end = (size_t)(close - url);
		p = h_end + 1;
		if (h_end - h_start >= WEBHOOK_HOST_MAX ||
		    ipnet_parse(url + h_start, h_end - h_start, 0, &ip) != 0 ||
		    memchr(url + h_start, ':', h_end - h_start) == NULL)
			return WURL_INVALID;
	} else {
		h_start = a_start;
		for (h_end = h_start; h_end < a_end && url[h_end] != ':'; h_end++)
			;
		p = h_end;
		if (h_end - h_start >= WEBHOOK_HOST_MAX ||
		    !host_name_ok(url + h_start, h_end - h_start))
			return WURL_INVALID;
	}
	if (p < a_end) {
		if (url[p] != ':' || p + 1 == a_end || a_end - p > 6)
			return WURL_INVALID;
		for (i = p + 1; i < a_end; i++) {
			if (!is_digit(url[i]))
				return WURL_INVALID;
			port = port * 10 + (unsigned long)(url[i] - '0');
		}
		if (port == 0 || port > 65535)
			return WURL_INVALID;
	}
	https = s_end == 5 && strncasecmp(url, "https", 5) == 0;
	http = s_end == 4 && strncasecmp(url, "http", 4) == 0;
	if (!https && !(http && allow_http))
		return WURL_NOT_HTTPS;
	u.https = https;
	memcpy(u.host, url + h_start, h_end - h_start);
	u.host[h_end - h_start] = '\0';
	u.port = port != 0 ? (unsigned)port : https ? 443 : 80;
	if (out != NULL)
		*out = u;
	return WURL_OK;
}

/* Where no delivery goes: unspecified, loopback, private, link-local. */
static const char *const refused_ranges[] = {
	"0.0.0.0/8", "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
	"169.254.0.0/16", "::/128", "::1/128", "fc00::/7", "fe80::/10", "fec0::/10",
};

int
webhook_addr_refused(const char *addr)
{
	struct ipnet a, r;
	size_t i;

	if (ipnet_parse(addr, strlen(addr), 0, &a) != 0)
		return 1;
	for (i = 0; i < sizeof(refused_ranges) / sizeof(refused_ranges[0]); i++)
		if (ipnet_parse(refused_ranges[i], strlen(refused_ranges[i]), 1, &r) == 0 &&
		    ipnet_contains(&r, &a))
			return 1;
	return 0;
}

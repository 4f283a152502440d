/* test-webhook-url.c: the URL rule of a webhook and the address check of its deliveries, alone (no traffic is ever sent). */
#include "ac-config.h"

#include <string.h>

#include "tap.h"
#include "webhook_resolve.h"

static enum webhook_url_result
parse(const char *url, int allow_http, struct webhook_url *u)
{
	return webhook_url_parse(url, strlen(url), allow_http, u);
}

int
main(void)
{
	struct webhook_url u;
	char addr[WEBHOOK_ADDR_MAX], longurl[WEBHOOK_URL_MAX + 2];
	static const char *const refused[] = {
		"127.0.0.1", "127.1.2.3", "::1", "0.0.0.0", "::", "10.0.0.1", "10.255.255.255",
		"172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "fc00::1",
		"fd12:3456::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "not-an-address",
	};
	static const char *const allowed[] = {
		"93.184.216.34", "172.32.0.1", "172.15.255.255", "192.169.0.1", "11.0.0.1",
		"2001:db8::1", "2606:4700::1111", "169.255.0.1", "fbff::1",
	};
	size_t i;

	is_int(parse("https://example.com/hook", 0, &u), WURL_OK, "an https URL");
	is_str(u.host, "example.com", "its host");
	is_int(u.port, 443, "its default port");
	is_int(parse("https://example.com:8443/a?b=c", 0, &u), WURL_OK, "with port and query");
	is_int(u.port, 8443, "the port given");
	is_int(parse("https://[2001:db8::1]:9/x", 0, &u), WURL_OK, "an IPv6 host");
	is_str(u.host, "2001:db8::1", "without brackets");
	is_int(parse("https://example.com", 0, &u), WURL_OK, "no path");
	is_int(parse("http://example.com/", 0, &u), WURL_NOT_HTTPS, "http:// without the switch");
	is_int(parse("http://example.com/", 1, &u), WURL_OK, "http:// with the switch");
	is_int(u.port, 80, "http's default port");
	is_int(parse("ftp://example.com/", 1, &u), WURL_NOT_HTTPS, "another scheme");
	is_int(parse("https://user:pw@example.com/", 0, &u), WURL_INVALID, "a user");
	is_int(parse("https://example.com/#frag", 0, &u), WURL_INVALID, "a fragment");
	is_int(parse("https://exa mple.com/", 0, &u), WURL_INVALID, "a blank");
	is_int(parse("example.com/hook", 0, &u), WURL_INVALID, "not absolute");
	is_int(parse("https:///hook", 0, &u), WURL_INVALID, "no host");
	is_int(parse("https://example.com:0/", 0, &u), WURL_INVALID, "port 0");
	is_int(parse("https://example.com:65536/", 0, &u), WURL_INVALID, "port past 65535");
	is_int(parse("https://[::1/", 0, &u), WURL_INVALID, "an unclosed bracket");
	is_int(parse("https://a..b/", 0, &u), WURL_INVALID, "an empty label");
	is_int(parse("https://\xc3\xa9.com/", 0, &u), WURL_INVALID, "non-ASCII");
	memcpy(longurl, "https://e.com/", 14);
	memset(longurl + 14, 'a', sizeof(longurl) - 15);
	longurl[WEBHOOK_URL_MAX] = '\0';
	is_int(parse(longurl, 0, &u), WURL_OK, "2048 characters");
	longurl[WEBHOOK_URL_MAX] = 'a';
	longurl[WEBHOOK_URL_MAX + 1] = '\0';
	is_int(parse(longurl, 0, &u), WURL_INVALID, "2049 characters");

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char d[96];

		snprintf(d, sizeof(d), "%s is refused", refused[i]);
		ok(webhook_addr_refused(refused[i]), d);
	}
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		char d[96];

		snprintf(d, sizeof(d), "%s is allowed", allowed[i]);
		ok(!webhook_addr_refused(allowed[i]), d);
	}
	/* Resolution of literal addresses only: no lookup leaves the machine. */
	is_int(webhook_resolve("127.0.0.1", 0, addr), -2, "127.0.0.1 refused by resolve");
	is_int(webhook_resolve("::1", 0, addr), -2, "::1 refused by resolve");
	is_int(webhook_resolve("127.1.2.3", 1, addr), 0, "loopback with the switch");
	is_str(addr, "127.1.2.3", "the address to connect to");
	return tap_done();
}

/* test-ipnet.c: addresses and CIDR ranges: what parses, host bits, IPv4-mapped forms, /0 /32 /128, and matching. */
#include "ac-config.h"

#include <string.h>

#include "ipnet.h"
#include "tap.h"

static int
parse(const char *s, int range, struct ipnet *n)
{
	return ipnet_parse(s, strlen(s), range, n);
}

/* 1 if address a lies in range r (both must parse). */
static int
in(const char *r, const char *a)
{
	struct ipnet rn, an;

	return parse(r, 1, &rn) == 0 && parse(a, 0, &an) == 0 && ipnet_contains(&rn, &an);
}

int
main(void)
{
	static const char *good[] = { "203.0.113.7", "0.0.0.0", "255.255.255.255", "::",
		"::1", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "::ffff:1.2.3.4",
		"fe80::1:2:3:4", "1:2:3:4:5:6:7:8" };
	static const char *bad[] = { "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.04x",
		" 1.2.3.4", "1.2.3.4 ", "::g", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0",
		"1.2.3.4/", "::1/", "localhost", "1.2.3.-1" };
	static const char *bad_ranges[] = { "1.2.3.4/33", "::/129", "1.2.3.4/-1", "1.2.3.4/+8",
		"1.2.3.4/08", "1.2.3.4/1000", "1.2.3.4/8/8", "1.2.3.4/a", "/8", "1.2.3.4/ 8" };
	struct ipnet n, m;
	size_t i;
	char nul[] = "1.2.3.4\0";

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ok(parse(good[i], 0, &n) == 0 && n.prefix == 128, good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(parse(bad[i], 1, &n) != 0, bad[i]);
	for (i = 0; i < sizeof(bad_ranges) / sizeof(bad_ranges[0]); i++)
		ok(parse(bad_ranges[i], 1, &n) != 0, bad_ranges[i]);
	ok(ipnet_parse(nul, sizeof(nul) - 1, 0, &n) != 0, "a NUL inside is refused");
	ok(parse("10.0.0.0/8", 0, &n) != 0, "a range where an address is wanted is refused");

	/* Prefixes: IPv4 counts from the mapped form's bit 96. */
	ok(parse("10.0.0.0/8", 1, &n) == 0 && n.prefix == 104, "10.0.0.0/8 is /104 of the mapped form");
	ok(parse("0.0.0.0/0", 1, &n) == 0 && n.prefix == 96, "0.0.0.0/0 is every IPv4 address");
	ok(parse("1.2.3.4/32", 1, &n) == 0 && n.prefix == 128, "/32 is one address");
	ok(parse("::/0", 1, &n) == 0 && n.prefix == 0, "::/0");
	ok(parse("2001:db8::1/128", 1, &n) == 0 && n.prefix == 128, "/128");

	/* Host bits are ignored. */
	ok(parse("203.0.113.7/24", 1, &n) == 0 && parse("203.0.113.0/24", 1, &m) == 0 &&
	    memcmp(&n, &m, sizeof(n)) == 0, "203.0.113.7/24 is 203.0.113.0/24");
	ok(parse("2001:db8::ffff/32", 1, &n) == 0 && parse("2001:db8::/32", 1, &m) == 0 &&
	    memcmp(&n, &m, sizeof(n)) == 0, "2001:db8::ffff/32 is 2001:db8::/32");
	ok(parse("10.1.2.3/13", 1, &n) == 0 && n.addr[12] == 10 && n.addr[13] == 0 &&
	    n.addr[14] == 0, "a prefix inside a byte masks its low bits (10.1 /13 -> 10.0)");

	/* IPv4-mapped addresses are their IPv4 address. */
	ok(parse("::ffff:1.2.3.4", 0, &n) == 0 && parse("1.2.3.4", 0, &m) == 0 &&
	    memcmp(&n, &m, sizeof(n)) == 0, "::ffff:1.2.3.4 is 1.2.3.4");
	ok(parse("::ffff:102:304", 0, &n) == 0 && memcmp(&n, &m, sizeof(n)) == 0,
	    "::ffff:102:304 (hex form) is 1.2.3.4");
	ok(in("1.2.3.0/24", "::ffff:1.2.3.200"), "a mapped address matches an IPv4 range");
	ok(in("::ffff:1.2.3.0/120", "1.2.3.9"), "an IPv4 address matches a mapped range");
	ok(in("::ffff:1.2.3.4", "1.2.3.4"), "a mapped entry matches its IPv4 address");
	ok(!in("::1.2.3.4", "1.2.3.4"), "an IPv4-compatible (not mapped) entry does not");

	/* Matching. */
	ok(in("203.0.113.0/24", "203.0.113.0") && in("203.0.113.0/24", "203.0.113.255"),
	    "both ends of a /24");
	ok(!in("203.0.113.0/24", "203.0.112.255") && !in("203.0.113.0/24", "203.0.114.0"),
	    "just outside a /24");
	ok(in("1.2.3.4/32", "1.2.3.4") && !in("1.2.3.4/32", "1.2.3.5"), "/32 is one address");
	ok(in("1.2.3.4", "1.2.3.4") && !in("1.2.3.4", "1.2.3.5"), "an address alone is /32");
	ok(in("0.0.0.0/0", "255.255.255.255") && in("0.0.0.0/0", "0.0.0.0"),
	    "0.0.0.0/0 holds every IPv4 address");
	ok(!in("0.0.0.0/0", "2001:db8::1") && !in("0.0.0.0/0", "::1"),
	    "0.0.0.0/0 holds no IPv6 address");
	ok(in("::/0", "2001:db8::1") && in("::/0", "10.0.0.1"), "::/0 holds everything");
	ok(in("2001:db8::/32", "2001:db8:ffff:ffff::1") && !in("2001:db8::/32", "2001:db9::"),
	    "an IPv6 /32");
	ok(in("2001:db8::1/128", "2001:db8::1") && !in("2001:db8::1/128", "2001:db8::2"),
	    "/128 is one address");
	ok(in("2001:db8::/33", "2001:db8:7fff::1") && !in("2001:db8::/33", "2001:db8:8000::"),
	    "a prefix inside a byte (/33)");
	ok(!in("10.0.0.0/8", "::ffff:11.0.0.1") && !in("2001:db8::/32", "32.1.13.184"),
	    "no false match across families");
	return tap_done();
}

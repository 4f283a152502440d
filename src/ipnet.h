/* ipnet.h: IPv4 and IPv6 addresses and CIDR ranges: parsing with inet_pton and matching; a leaf module. */
#ifndef APIKEYS_IPNET_H
#define APIKEYS_IPNET_H

#include <stddef.h>

/*
 * An address or a range, always held as 16 bytes of IPv6: an IPv4 address
 * a.b.c.d is ::ffff:a.b.c.d, and a prefix of an IPv4 range counts from bit
 * 96.  So an IPv4-mapped IPv6 address and its IPv4 address are the same
 * value, and one comparison serves both families.  Bits past the prefix
 * are zero (a range's host bits are ignored).
 */
struct ipnet {
	unsigned char	addr[16];
	unsigned	prefix;		/* 0..128; 128 for a single address */
};

/*
 * Parses an address ("203.0.113.7", "2001:db8::1", "::ffff:1.2.3.4") or,
 * with allow_range, also a range ("203.0.113.0/24", "2001:db8::/32"; the
 * prefix in decimal without sign or leading zero, at most 32 for IPv4 and
 * 128 for IPv6).  s is len bytes, not NUL-terminated; nothing around the
 * text (no blanks, no zone "%eth0").  Returns 0 and *out, or -1.
 */
int ipnet_parse(const char *s, size_t len, int allow_range, struct ipnet *out);

/* 1 if the address addr (prefix 128) lies in range, else 0.  Cannot fail. */
int ipnet_contains(const struct ipnet *range, const struct ipnet *addr);

#endif

/* ipnet.c: IP addresses and CIDR ranges for a key's address allowlist, IPv4 folded into IPv6's mapped form. */
#include "ac-config.h"

#include <arpa/inet.h>
#include <string.h>

#include "ipnet.h"

/* The longest text inet_pton accepts, with room for the NUL. */
#define IPNET_TEXT_MAX	INET6_ADDRSTRLEN

static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Zeroes the bits of addr past prefix. */
static void
mask(unsigned char addr[16], unsigned prefix)
{
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (prefix >= 8 * (i + 1))
			continue;
		if (prefix <= 8 * i)
			addr[i] = 0;
		else
			addr[i] &= (unsigned char)(0xff << (8 * (i + 1) - prefix));
	}
}

int
ipnet_parse(const char *s, size_t len, int allow_range, struct ipnet *out)
{
	char text[IPNET_TEXT_MAX];
	const char *slash = memchr(s, '/', len);
	size_t addrlen = slash != NULL ? (size_t)(slash - s) : len;
	unsigned prefix = 0, max;
	size_t i;
	int v4;

	if (addrlen == 0 || addrlen >= sizeof(text) || memchr(s, '\0', len) != NULL)
		return -1;
	memcpy(text, s, addrlen);
	text[addrlen] = '\0';
	memset(out, 0, sizeof(*out));
	v4 = memchr(text, ':', addrlen) == NULL;
	if (v4) {
		memcpy(out->addr, v4_mapped, sizeof(v4_mapped));
		if (inet_pton(AF_INET, text, out->addr + 12) != 1)
			return -1;
	} else if (inet_pton(AF_INET6, text, out->addr) != 1)
		return -1;
	max = v4 ? 32 : 128;
	if (slash == NULL)
		prefix = max;
	else {
		const char *d = slash + 1;
		size_t n = len - addrlen - 1;

		/* Plain decimal: no sign, no leading zero (except "0"), in range. */
		if (!allow_range || n == 0 || n > 3 || (n > 1 && d[0] == '0'))
			return -1;
		for (i = 0; i < n; i++) {
			if (d[i] < '0' || d[i] > '9')
				return -1;
			prefix = prefix * 10 + (unsigned)(d[i] - '0');
		}
		if (prefix > max)
			return -1;
	}
	/* An IPv4 prefix counts from the start of the mapped form. */
	out->prefix = v4 ? prefix + 96 : prefix;
	/* An IPv6 entry in the mapped block is its IPv4 address: the same
	 * value already; its prefix stays as written. */
	mask(out->addr, out->prefix);
	return 0;
}

int
ipnet_contains(const struct ipnet *range, const struct ipnet *addr)
{
	unsigned char a[16];

	memcpy(a, addr->addr, sizeof(a));
	mask(a, range->prefix);
	return memcmp(a, range->addr, sizeof(a)) == 0;
}

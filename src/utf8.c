/* utf8.c: the one UTF-8 decoder, shared by the body rules and the JSON writer. */
#include "ac-config.h"

#include "utf8.h"

/* 1 if s[1..n-1] are continuation bytes. */
static int
continued(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return 1;
}

size_t
utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf && len >= 2 && continued(s, 2)) {
		*cp = (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if ((s[0] & 0xf0) == 0xe0 && len >= 3 && continued(s, 3)) {
		v = (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		if (v >= 0x800 && (v < 0xd800 || v > 0xdfff)) {
			*cp = v;
			return 3;
		}
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4 && len >= 4 && continued(s, 4)) {
		v = (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3f) << 12 |
		    (unsigned)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
		if (v >= 0x10000 && v <= 0x10ffff) {
			*cp = v;
			return 4;
		}
	}
	/* Not UTF-8 (overlong, surrogate, beyond U+10FFFF, cut short). */
	*cp = s[0];
	return 1;
}

size_t
utf8_length(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

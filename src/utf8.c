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

/* White space that Laravel's TrimStrings removes at either end. */
static int
is_trimmed(unsigned cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 ||
	    cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200b) || cp == 0x200e ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000 || cp == 0xfeff;
}

static int
is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

void
utf8_trim(const unsigned char **sp, const unsigned char **endp)
{
	const unsigned char *s = *sp, *end = *endp, *last;
	unsigned cp;
	size_t n;

	/* The leading, then the trailing, white space. */
	while (s < end && (n = utf8_decode(s, (size_t)(end - s), &cp), is_trimmed(cp)))
		s += n;
	while (end > s) {
		last = end;
		do
			last--;
		while (last > s && (*last & 0xc0) == 0x80);
		utf8_decode(last, (size_t)(end - last), &cp);
		if (!is_trimmed(cp))
			break;
		end = last;
	}
	*sp = s;
	*endp = end;
}

int
utf8_has_control(const unsigned char *s, size_t len)
{
	const unsigned char *p, *end = s + len;
	unsigned cp;
	size_t n;

	for (p = s; p < end; p += n) {
		n = utf8_decode(p, (size_t)(end - p), &cp);
		if (is_control(cp))
			return 1;
	}
	return 0;
}

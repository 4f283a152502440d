/* checksum.c: zlib's CRC-32 written out here (no library for 42 bytes) and its 6-character base-62 form. */
#include "ac-config.h"

#include <string.h>

#include "checksum.h"

static const char digits[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* Bit by bit: a value is 42 bytes and candidates are rare in scanned text,
 * so a table would buy nothing and cost shared state. */
uint32_t
checksum_crc32(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t c = 0xFFFFFFFFu;
	int k;

	while (len-- > 0) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return c ^ 0xFFFFFFFFu;
}

void
checksum_encode(uint32_t crc, char out[CHECKSUM_LEN])
{
	int i;

	for (i = CHECKSUM_LEN - 1; i >= 0; i--) {
		out[i] = digits[crc % 62];
		crc /= 62;
	}
}

void
checksum_append(char *s, size_t len)
{
	checksum_encode(checksum_crc32(s, len), s + len);
}

int
checksum_is_base62(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

int
checksum_token_valid(const char *s, size_t len, const char *prefix)
{
	char want[CHECKSUM_LEN];
	size_t plen = strlen(prefix), i;

	if (len != plen + CHECKSUM_TOKEN_BODY || memcmp(s, prefix, plen) != 0)
		return 0;
	for (i = plen; i < len; i++)
		if (!checksum_is_base62((unsigned char)s[i]))
			return 0;
	checksum_encode(checksum_crc32(s, len - CHECKSUM_LEN), want);
	return memcmp(want, s + len - CHECKSUM_LEN, CHECKSUM_LEN) == 0;
}

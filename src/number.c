/* number.c: strict decimal parsing with range checks for ids and lengths. */
#include "ac-config.h"

#include <string.h>

#include "number.h"

#define ID_MAX	9223372036854775807ULL

int
num_parse_id(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 19 || s[0] == '0')
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > ID_MAX)
		return -1;
	*out = v;
	return 0;
}

int
num_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > UINT64_MAX / 10 ||
		    (v == UINT64_MAX / 10 && (uint64_t)(*s - '0') > UINT64_MAX % 10))
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

size_t
num_format_u64(char *dst, uint64_t v)
{
	char tmp[NUM_U64_DIGITS], *e = tmp + sizeof(tmp), *d = e;

	do {
		*--d = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	memcpy(dst, d, (size_t)(e - d));
	return (size_t)(e - d);
}

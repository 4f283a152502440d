/* test-checksum.c: the CRC-32 and base-62 check characters of keys and secrets, pinned by vectors computed independently (zlib). */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "api_keys.h"
#include "checksum.h"
#include "tap.h"

/* Full values whose last 6 characters were computed with zlib's crc32 and
 * the base-62 rule of README.md, outside this code. */
static const struct {
	const char	*value;
	unsigned long	 crc;	/* crc32 of the first 42 characters */
} vectors[] = {
	{ "MTP_KEY_00000000000000000000000000000000002sxKUq", 0x9d9d3e10UL },
	{ "MTP_KEY_abcdefghijklmnopqrstuvwxyzABCDEFGH15mS8U", 0x3bb2a12eUL },
	{ "MTP_SEC_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9O02wRKL", 0x029776a9UL },	/* padded */
	{ "MTP_SEC_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz1d4jk4", 0x5905990cUL },
	{ "MTP_KEY_Q3kT9vLm2XbN7pRw4YcH8sJf1GdZ6aUe0h4TYule", 0xf475e2aaUL },
};

#define NVECTORS (sizeof(vectors) / sizeof(vectors[0]))

static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static int
valid(const char *v)
{
	return checksum_token_valid(v, strlen(v),
	    strncmp(v, SECRET_PREFIX, strlen(SECRET_PREFIX)) == 0 ? SECRET_PREFIX : KEY_PREFIX);
}

/* 1 if every one-character change of v (each position, a few other
 * characters of [A-Za-z0-9]) makes its checksum invalid. */
static int
every_change_breaks(const char *v)
{
	char copy[KEY_LEN + 1];
	size_t i, j;

	for (i = strlen(KEY_PREFIX); i < KEY_LEN; i++)
		for (j = 1; j < 62; j += 7) {
			snprintf(copy, sizeof(copy), "%s", v);
			copy[i] = b62[(strchr(b62, copy[i]) - b62 + (long)j) % 62];
			if (valid(copy))
				return 0;
		}
	return 1;
}

static void
test_crc(void)
{
	char out[CHECKSUM_LEN + 1] = "";
	const char *fox = "The quick brown fox jumps over the lazy dog";

	is_int((long long)checksum_crc32("123456789", 9), 0xCBF43926LL, "crc32(\"123456789\") is 0xCBF43926");
	is_int((long long)checksum_crc32("", 0), 0, "crc32 of nothing is 0");
	is_int((long long)checksum_crc32(fox, strlen(fox)), 0x414FA339LL, "crc32 of the fox sentence");
	is_int((long long)checksum_crc32("\xff\x00\x80", 3), 0xAC616EDFLL, "crc32 of bytes above 127 and NUL");

	checksum_encode(0, out);
	is_str(out, "000000", "0 is 000000");
	checksum_encode(61, out);
	is_str(out, "00000z", "61 is the last digit, z");
	checksum_encode(62, out);
	is_str(out, "000010", "62 carries");
	checksum_encode(0xFFFFFFFFu, out);
	is_str(out, "4gfFC3", "the largest CRC fits in 6 digits");
	checksum_encode(0xCBF43926u, out);
	is_str(out, "3jZRME", "0xCBF43926 in base 62");
}

static void
test_vectors(void)
{
	char buf[KEY_LEN + 1], msg[128];
	size_t i;

	for (i = 0; i < NVECTORS; i++) {
		const char *v = vectors[i].value;

		snprintf(msg, sizeof(msg), "vector %zu: the CRC of its first 42 characters", i);
		is_int((long long)checksum_crc32(v, 42), (long long)vectors[i].crc, msg);
		memcpy(buf, v, 42);
		checksum_append(buf, 42);
		buf[KEY_LEN] = '\0';
		snprintf(msg, sizeof(msg), "vector %zu: checksum_append writes its last 6", i);
		is_str(buf, v, msg);
		snprintf(msg, sizeof(msg), "vector %zu: valid", i);
		ok(valid(v), msg);
		snprintf(msg, sizeof(msg), "vector %zu: every one-character change breaks it", i);
		ok(every_change_breaks(v), msg);
	}
	ok(!checksum_token_valid(vectors[0].value, KEY_LEN, SECRET_PREFIX),
	    "a key's value is not a valid secret (other prefix)");
	ok(!checksum_token_valid(vectors[0].value, KEY_LEN - 1, KEY_PREFIX), "one character short: invalid");
	snprintf(buf, sizeof(buf), "%s", vectors[1].value);
	buf[20] = '-';
	ok(!checksum_token_valid(buf, KEY_LEN, KEY_PREFIX), "a character outside [A-Za-z0-9]: invalid");
	ok(!valid("MTP_KEY_0000000000000000000000000000000000000000"),
	    "a legacy-looking value of zeros is invalid");
	ok(!valid(""), "the empty string is invalid");
}

static void
test_generated(void)
{
	char key[KEY_LEN + 1], sec[KEY_LEN + 1], first[KEY_LEN + 1] = "";
	int i, all_valid = 1, all_break = 1, made = 1, distinct = 1;

	for (i = 0; i < 1000; i++) {
		if (keys_make_token(KEY_PREFIX, key, sizeof(key)) != 0 ||
		    keys_make_token(SECRET_PREFIX, sec, sizeof(sec)) != 0 ||
		    strlen(key) != KEY_LEN || strlen(sec) != KEY_LEN) {
			made = 0;
			break;
		}
		if (!checksum_token_valid(key, KEY_LEN, KEY_PREFIX) ||
		    !checksum_token_valid(sec, KEY_LEN, SECRET_PREFIX)) {
			all_valid = 0;
			printf("# invalid: %.12s...\n", key);
		}
		if (i < 50 && (!every_change_breaks(key) || !every_change_breaks(sec)))
			all_break = 0;
		if (i == 0)
			snprintf(first, sizeof(first), "%s", key);
		else if (strcmp(first, key) == 0)
			distinct = 0;
	}
	ok(made, "1000 keys and secrets made, 48 characters each");
	ok(all_valid, "every generated key and secret has a valid checksum");
	ok(all_break, "a one-character change breaks a generated key's or secret's checksum");
	ok(distinct, "generated keys differ");
	ok(keys_make_token(KEY_PREFIX, key, KEY_LEN) != 0, "no room for the NUL: refused");
}

int
main(void)
{
	test_crc();
	test_vectors();
	test_generated();
	return tap_done();
}

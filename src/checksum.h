/* checksum.h: the CRC-32 check characters that end every new key and secret, so scanners can tell real ones from look-alikes. */
#ifndef APIKEYS_CHECKSUM_H
#define APIKEYS_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#define CHECKSUM_LEN		6	/* base-62 digits: 62^6 > 2^32 */
#define CHECKSUM_TOKEN_BODY	40	/* characters after the prefix, check included */

/*
 * The CRC-32 of zlib's crc32() (IEEE 802.3: reflected, polynomial
 * 0xEDB88320, initial value and final xor 0xFFFFFFFF) of len bytes.
 * crc32("123456789") is 0xCBF43926.  Cannot fail.
 */
uint32_t checksum_crc32(const void *buf, size_t len);

/*
 * Writes crc in base 62 with the digits 0-9A-Za-z (values 0 to 61 in that
 * order), most significant first, left-padded with '0' to CHECKSUM_LEN
 * characters.  Does not NUL-terminate.  Cannot fail.
 */
void checksum_encode(uint32_t crc, char out[CHECKSUM_LEN]);

/*
 * Writes the check characters of s[0..len-1] at s + len (the caller leaves
 * CHECKSUM_LEN bytes of room there; no NUL is written).  Cannot fail.
 */
void checksum_append(char *s, size_t len);

/* 1 if c is one of [A-Za-z0-9]. */
int checksum_is_base62(unsigned char c);

/*
 * 1 if s (len bytes) is prefix, then CHECKSUM_TOKEN_BODY characters of
 * [A-Za-z0-9] whose last CHECKSUM_LEN are the check characters of
 * everything before them; 0 otherwise (a key made before the format, or a
 * mistyped or invented one).
 */
int checksum_token_valid(const char *s, size_t len, const char *prefix);

#endif

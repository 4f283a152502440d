/* crypto.c: random key material, keyed hashes and constant-time comparison over OpenSSL. */
#include "ac-config.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "crypto.h"

static const char base62[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* The largest multiple of 62 that fits in a byte: bytes at or above it are
 * dropped so that "byte % 62" is uniform. */
#define BASE62_LIMIT	(256 - 256 % 62)

int
crypto_random_bytes(void *buf, size_t n)
{
	if (n > (size_t)0x7fffffff || RAND_bytes(buf, (int)n) != 1)
		return -1;
	return 0;
}

int
crypto_random_base62(char *out, size_t n)
{
	unsigned char pool[64];
	size_t have = 0, used = 0, i = 0;

	while (i < n) {
		if (used == have) {
			if (crypto_random_bytes(pool, sizeof(pool)) != 0) {
				crypto_wipe(out, n);
				crypto_wipe(pool, sizeof(pool));
				return -1;
			}
			have = sizeof(pool);
			used = 0;
		}
		if (pool[used] < BASE62_LIMIT)
			out[i++] = base62[pool[used] % 62];
		used++;
	}
	crypto_wipe(pool, sizeof(pool));
	return 0;
}

static void
to_hex(const unsigned char *d, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

int
crypto_hmac_sha256_hex(const void *key, size_t keylen, const void *msg,
    size_t msglen, char out[CRYPTO_HEX_SHA256 + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (keylen > (size_t)0x7fffffff ||
	    HMAC(EVP_sha256(), key, (int)keylen, msg, msglen, md, &mdlen) == NULL ||
	    mdlen != CRYPTO_HEX_SHA256 / 2)
		return -1;
	to_hex(md, mdlen, out);
	crypto_wipe(md, sizeof(md));
	return 0;
}

int
crypto_sha256_hex(const void *msg, size_t len, char out[CRYPTO_HEX_SHA256 + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(msg, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != CRYPTO_HEX_SHA256 / 2)
		return -1;
	to_hex(md, mdlen, out);
	crypto_wipe(md, sizeof(md));
	return 0;
}

int
crypto_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void
crypto_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}

/* crypto.c: random key material, keyed hashes and constant-time comparison over OpenSSL. */
#include "ac-config.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
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

/*
 * OpenSSL 3 looks an algorithm up by name on every one-shot call (HMAC(),
 * EVP_Digest() with EVP_sha256()); that lookup costs more than hashing a
 * token.  The algorithms are fetched once, and the HMAC state keyed with the
 * pepper is kept and copied for each message.  They live as long as the
 * process.
 */
static EVP_MD *sha256_md;
static EVP_MAC *hmac_mac;
static EVP_MAC_CTX *hmac_keyed;			/* keyed with hmac_key */
static unsigned char hmac_key[256];
static size_t hmac_keylen;

static const EVP_MD *
sha256(void)
{
	if (sha256_md == NULL)
		sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	return sha256_md;
}

/* A fresh HMAC-SHA-256 context keyed with key, or NULL. */
static EVP_MAC_CTX *
hmac_context(const void *key, size_t keylen)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end()
	};
	EVP_MAC_CTX *c;

	if (hmac_mac == NULL && (hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	if (hmac_keyed != NULL && keylen == hmac_keylen &&
	    CRYPTO_memcmp(key, hmac_key, keylen) == 0)
		return EVP_MAC_CTX_dup(hmac_keyed);
	if ((c = EVP_MAC_CTX_new(hmac_mac)) == NULL)
		return NULL;
	/* An empty key (development mode) is one byte of zero, as HMAC pads it. */
	if (EVP_MAC_init(c, keylen ? key : (const void *)"", keylen ? keylen : 1, params) != 1) {
		EVP_MAC_CTX_free(c);
		return NULL;
	}
	if (keylen <= sizeof(hmac_key)) {
		EVP_MAC_CTX_free(hmac_keyed);
		crypto_wipe(hmac_key, sizeof(hmac_key));
		memcpy(hmac_key, key, keylen);
		hmac_keylen = keylen;
		hmac_keyed = EVP_MAC_CTX_dup(c);
	}
	return c;
}

int
crypto_hmac_sha256_hex(const void *key, size_t keylen, const void *msg,
    size_t msglen, char out[CRYPTO_HEX_SHA256 + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t mdlen = 0;
	EVP_MAC_CTX *c;
	int rc = -1;

	if ((c = hmac_context(key, keylen)) == NULL)
		return -1;
	if (EVP_MAC_update(c, msg, msglen) == 1 &&
	    EVP_MAC_final(c, md, &mdlen, sizeof(md)) == 1 &&
	    mdlen == CRYPTO_HEX_SHA256 / 2) {
		to_hex(md, mdlen, out);
		rc = 0;
	}
	EVP_MAC_CTX_free(c);
	crypto_wipe(md, sizeof(md));
	return rc;
}

int
crypto_sha256_hex(const void *msg, size_t len, char out[CRYPTO_HEX_SHA256 + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const EVP_MD *alg = sha256();

	if (alg == NULL || EVP_Digest(msg, len, md, &mdlen, alg, NULL) != 1 ||
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

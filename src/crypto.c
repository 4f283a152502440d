/* crypto.c: random key material, keyed hashes and constant-time comparison over OpenSSL. */
#include "ac-config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#ifdef HAVE_SYS_RANDOM_H
#include <sys/random.h>
#endif

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto.h"

static const char base62[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* The largest multiple of 62 that fits in a byte: bytes at or above it are
 * dropped so that "byte % 62" is uniform. */
#define BASE62_LIMIT	(256 - 256 % 62)

/*
 * Key material comes from the kernel's generator (getrandom(2)), read
 * directly: OpenSSL's own generator would cost every responder about 150
 * KiB of heap for a few dozen bytes per generate.  A kernel without the
 * call (ENOSYS, before Linux 3.17: the static build may run on one) falls
 * back to OpenSSL's generator.
 */
int
crypto_random_bytes(void *buf, size_t n)
{
#ifdef HAVE_GETRANDOM
	unsigned char *p = buf;
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = getrandom(p + got, n - got, 0);
		if (r > 0)
			got += (size_t)r;
		else if (r == -1 && errno == EINTR)
			continue;
		else if (r == -1 && errno == ENOSYS && got == 0)
			break;
		else
			return -1;
	}
	if (got == n)
		return 0;
#endif
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
 * token.  The algorithms are fetched once.  The HMAC context keyed with the
 * pepper is kept, and restarted after each message: a restart without a
 * key starts again from the padded key's states HMAC kept (no new context,
 * no copy of the keyed one, whose set-up cost a verify 11k instructions).
 * Between messages it holds the key's states only.  They live as long as
 * the process.
 */
static EVP_MD *sha256_md;
static EVP_MAC *hmac_mac;
static EVP_MAC_CTX *hmac_ready;			/* keyed with hmac_key, restarted */
static unsigned char hmac_key[256];
static size_t hmac_keylen;

static const EVP_MD *
sha256(void)
{
	if (sha256_md == NULL)
		sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	return sha256_md;
}

/* An HMAC-SHA-256 context keyed with key and ready for a message: the kept
 * one when key is the kept key; else a new one, kept in its place if the
 * key fits.  NULL on failure. */
static EVP_MAC_CTX *
hmac_context(const void *key, size_t keylen)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end()
	};
	EVP_MAC_CTX *c;

	if (hmac_ready != NULL && keylen == hmac_keylen &&
	    CRYPTO_memcmp(key, hmac_key, keylen) == 0)
		return hmac_ready;
	if (hmac_mac == NULL && (hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	if ((c = EVP_MAC_CTX_new(hmac_mac)) == NULL)
		return NULL;
	/* An empty key (development mode) is one byte of zero, as HMAC pads it. */
	if (EVP_MAC_init(c, keylen ? key : (const void *)"", keylen ? keylen : 1, params) != 1) {
		EVP_MAC_CTX_free(c);
		return NULL;
	}
	if (keylen <= sizeof(hmac_key)) {
		EVP_MAC_CTX_free(hmac_ready);
		crypto_wipe(hmac_key, sizeof(hmac_key));
		memcpy(hmac_key, key, keylen);
		hmac_keylen = keylen;
		hmac_ready = c;
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
	crypto_wipe(md, sizeof(md));
	if (c != hmac_ready)
		EVP_MAC_CTX_free(c);
	else if (EVP_MAC_init(c, NULL, 0, NULL) != 1) {
		/* Not restarted: the next call keys a new one. */
		EVP_MAC_CTX_free(c);
		hmac_ready = NULL;
		crypto_wipe(hmac_key, sizeof(hmac_key));
		hmac_keylen = 0;
	}
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

/* ------------------------------------------------ sealed webhook secrets */

int
crypto_hkdf_sha256(const void *ikm, size_t ikmlen, const void *salt, size_t saltlen,
    const char *info, unsigned char *out, size_t outlen)
{
	OSSL_PARAM params[5], *p = params;
	EVP_KDF *kdf;
	EVP_KDF_CTX *c;
	int rc = -1;

	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL)
		return -1;
	c = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (c == NULL)
		return -1;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	/* An empty key (development mode) is one byte of zero, as for HMAC. */
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)(uintptr_t)(ikmlen ? ikm : (const void *)""), ikmlen ? ikmlen : 1);
	if (saltlen > 0)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
		    (void *)(uintptr_t)salt, saltlen);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)(uintptr_t)info, strlen(info));
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(c, out, outlen, params) == 1)
		rc = 0;
	EVP_KDF_CTX_free(c);
	return rc;
}

/* The AES-256-GCM key of the sealed secrets, derived from the pepper. */
static int
seal_key(const char *pepper, unsigned char key[32])
{
	return crypto_hkdf_sha256(pepper, strlen(pepper), NULL, 0,
	    "apikeys webhook secret v1", key, 32);
}

static int
from_hex(const char *s, size_t n, unsigned char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int v = 0, j;

		for (j = 0; j < 2; j++) {
			char ch = s[2 * i + (size_t)j];

			v <<= 4;
			if (ch >= '0' && ch <= '9')
				v |= ch - '0';
			else if (ch >= 'a' && ch <= 'f')
				v |= ch - 'a' + 10;
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

int
crypto_seal_hex(const char *pepper, const char *aad, const char *plain,
    char *out, size_t outsize)
{
	unsigned char key[32], buf[CRYPTO_SEAL_MAX];
	size_t n = strlen(plain);
	EVP_CIPHER_CTX *c = NULL;
	int len = 0, rc = -1;

	if (n > CRYPTO_SEAL_MAX - 28 || outsize < 2 * (n + 28) + 1)
		return -1;
	if (seal_key(pepper, key) != 0 || crypto_random_bytes(buf, 12) != 0 ||
	    (c = EVP_CIPHER_CTX_new()) == NULL)
		goto done;
	if (EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, buf) != 1 ||
	    EVP_EncryptUpdate(c, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(c, buf + 12, &len, (const unsigned char *)plain, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(c, buf + 12 + len, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, buf + 12 + n) != 1)
		goto done;
	to_hex(buf, n + 28, out);
	rc = 0;
done:
	EVP_CIPHER_CTX_free(c);
	crypto_wipe(key, sizeof(key));
	crypto_wipe(buf, sizeof(buf));
	return rc;
}

int
crypto_open_hex(const char *pepper, const char *aad, const char *sealed,
    char *out, size_t outsize)
{
	unsigned char key[32], buf[CRYPTO_SEAL_MAX];
	size_t hexlen = strlen(sealed), n;
	EVP_CIPHER_CTX *c = NULL;
	int len = 0, rc = -1;

	if (hexlen % 2 != 0 || hexlen / 2 < 28 || hexlen / 2 > sizeof(buf))
		return -1;
	n = hexlen / 2 - 28;
	if (outsize < n + 1 || from_hex(sealed, hexlen / 2, buf) != 0)
		return -1;
	if (seal_key(pepper, key) != 0 || (c = EVP_CIPHER_CTX_new()) == NULL)
		goto done;
	if (EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, buf) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_DecryptUpdate(c, (unsigned char *)out, &len, buf + 12, (int)n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, buf + 12 + n) != 1 ||
	    EVP_DecryptFinal_ex(c, (unsigned char *)out + len, &len) != 1) {
		crypto_wipe(out, outsize);
		goto done;
	}
	out[n] = '\0';
	rc = 0;
done:
	EVP_CIPHER_CTX_free(c);
	crypto_wipe(key, sizeof(key));
	crypto_wipe(buf, sizeof(buf));
	return rc;
}

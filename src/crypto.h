/* crypto.h: random key material, keyed hashes and constant-time comparison (the only OpenSSL user). */
#ifndef APIKEYS_CRYPTO_H
#define APIKEYS_CRYPTO_H

#include <stddef.h>

#define CRYPTO_HEX_SHA256	64	/* hex digits of a SHA-256 digest */

/*
 * Fills out[0..n-1] with characters of [A-Za-z0-9] drawn from the CSPRNG
 * (crypto_random_bytes) by rejection sampling, so every character is equally likely.  Does
 * not NUL-terminate.  Returns 0, or -1 if the generator failed (out is then
 * wiped).
 */
int crypto_random_base62(char *out, size_t n);

/* Fills buf with n bytes from the kernel's CSPRNG (getrandom(2); OpenSSL's
 * where the kernel has no such call).  Returns 0 or -1. */
int crypto_random_bytes(void *buf, size_t n);

/*
 * Writes the lowercase hex HMAC-SHA-256 of msg under key, NUL-terminated, to
 * out (CRYPTO_HEX_SHA256 + 1 bytes).  Returns 0 or -1.
 */
int crypto_hmac_sha256_hex(const void *key, size_t keylen, const void *msg,
    size_t msglen, char out[CRYPTO_HEX_SHA256 + 1]);

/* Writes the lowercase hex SHA-256 of msg, NUL-terminated.  Returns 0 or -1. */
int crypto_sha256_hex(const void *msg, size_t len, char out[CRYPTO_HEX_SHA256 + 1]);

/* 1 if a and b hold the same n bytes; the time depends on n only. */
int crypto_equal(const void *a, const void *b, size_t n);

/*
 * HKDF-SHA-256 (RFC 5869): derives outlen bytes into out from ikm, the
 * optional salt (saltlen 0: none) and the info text.  Returns 0 or -1.
 */
int crypto_hkdf_sha256(const void *ikm, size_t ikmlen, const void *salt, size_t saltlen,
    const char *info, unsigned char *out, size_t outlen);

/* Bytes of a sealed text at most: 12 of nonce, the text, 16 of tag. */
#define CRYPTO_SEAL_MAX	256

/*
 * Seals plain (a webhook secret) with AES-256-GCM under a key derived from
 * pepper with HKDF, bound to aad (authenticated, not encrypted), and writes
 * it as lowercase hex of nonce || ciphertext || tag, NUL-terminated, to out
 * (2 * (strlen(plain) + 28) + 1 bytes at least).  Returns 0 or -1.
 */
int crypto_seal_hex(const char *pepper, const char *aad, const char *plain,
    char *out, size_t outsize);

/*
 * Opens what crypto_seal_hex wrote with the same pepper and aad into out,
 * NUL-terminated.  Returns 0, or -1 when the text is malformed, too long
 * for out, or fails authentication (another pepper or aad, a changed
 * byte); out is then wiped.  The caller wipes out after use.
 */
int crypto_open_hex(const char *pepper, const char *aad, const char *sealed,
    char *out, size_t outsize);

/* Overwrites n bytes in a way the compiler cannot drop.  Cannot fail. */
void crypto_wipe(void *p, size_t n);

#endif

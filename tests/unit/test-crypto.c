/* test-crypto.c: key material format, uniqueness and uniformity; HMAC, SHA-256 and HKDF vectors; sealed webhook secrets. */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "api_keys.h"
#include "crypto.h"
#include "tap.h"

#define DRAWS 20000

static int
cmp40(const void *a, const void *b)
{
	return memcmp(a, b, KEY_RANDOM_LEN);
}

static int
is_base62(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

int
main(void)
{
	static char draws[DRAWS][KEY_RANDOM_LEN];
	char key[KEY_LEN + 1], sec[KEY_LEN + 1], hex[CRYPTO_HEX_SHA256 + 1];
	long counts[62] = { 0 };
	double chi2 = 0, expected;
	int all_fmt = 1, dups = 0, i, j;
	size_t total = 0;

	ok(keys_make_token(KEY_PREFIX, key, sizeof(key)) == 0, "make a key");
	ok(strlen(key) == 48 && strncmp(key, "MTP_KEY_", 8) == 0 &&
	    is_base62(key + 8, 40), "key is MTP_KEY_ + 40 base62");
	ok(keys_make_token(SECRET_PREFIX, sec, sizeof(sec)) == 0, "make a secret");
	ok(strlen(sec) == 48 && strncmp(sec, "MTP_SEC_", 8) == 0 &&
	    is_base62(sec + 8, 40), "secret is MTP_SEC_ + 40 base62");
	ok(keys_make_token(KEY_PREFIX, key, KEY_LEN) != 0, "too small a buffer is refused");

	for (i = 0; i < DRAWS; i++) {
		if (crypto_random_base62(draws[i], KEY_RANDOM_LEN) != 0 ||
		    !is_base62(draws[i], KEY_RANDOM_LEN))
			all_fmt = 0;
		for (j = 0; j < KEY_RANDOM_LEN; j++) {
			char c = draws[i][j];
			int k = c >= 'A' && c <= 'Z' ? c - 'A' :
			    c >= 'a' && c <= 'z' ? 26 + c - 'a' : 52 + c - '0';

			counts[k]++;
			total++;
		}
	}
	ok(all_fmt, "20000 draws are all base62");
	qsort(draws, DRAWS, KEY_RANDOM_LEN, cmp40);
	for (i = 1; i < DRAWS; i++)
		if (memcmp(draws[i - 1], draws[i], KEY_RANDOM_LEN) == 0)
			dups++;
	is_int(dups, 0, "no duplicate among 20000 draws");

	/* 800000 characters in 62 cells: chi-square with 61 degrees of freedom.
	 * P(chi2 > 112) < 1e-4 for a uniform source; modulo bias (256 % 62 = 8
	 * over-weighted letters) would give chi2 in the thousands. */
	expected = (double)total / 62;
	for (i = 0; i < 62; i++)
		chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
	printf("# chi-square over %zu characters: %.1f (61 df)\n", total, chi2);
	ok(chi2 < 112.0, "character distribution is uniform (chi-square)");

	/* A buffer larger than one getrandom(2) call may fill (256 bytes are
	 * guaranteed whole; more may come back short): every byte is drawn,
	 * none is left as it was.  Two fills of 1 MiB, each from a buffer
	 * filled with one value: the bytes still equal to it number about
	 * 1 MiB / 256 = 4096, not more. */
	{
		static unsigned char big[1 << 20];
		size_t same = 0, k;
		int round, fill_ok = 1;

		for (round = 0; round < 2; round++) {
			memset(big, round ? 0xff : 0x00, sizeof(big));
			if (crypto_random_bytes(big, sizeof(big)) != 0)
				fill_ok = 0;
			for (k = 0; k < sizeof(big); k++)
				same += big[k] == (round ? 0xff : 0x00);
		}
		printf("# bytes left at their old value: %zu of %zu (about %zu expected)\n",
		    same, 2 * sizeof(big), 2 * sizeof(big) / 256);
		ok(fill_ok && same > 6000 && same < 10500, "a 1 MiB draw fills every byte");
	}

	ok(crypto_sha256_hex("abc", 3, hex) == 0, "sha256 runs");
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "sha256(abc) vector");
	ok(crypto_hmac_sha256_hex("Jefe", 4, "what do ya want for nothing?", 28, hex) == 0,
	    "hmac runs");
	is_str(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	    "hmac-sha256 RFC 4231 case 2");
	/* The keyed state is cached: a second key, then the first again, and an
	 * empty key must each give their own vector. */
	{
		char k1[20];

		memset(k1, 0x0b, sizeof(k1));
		crypto_hmac_sha256_hex(k1, sizeof(k1), "Hi There", 8, hex);
		is_str(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
		    "hmac-sha256 RFC 4231 case 1 after another key");
		crypto_hmac_sha256_hex("Jefe", 4, "what do ya want for nothing?", 28, hex);
		is_str(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		    "case 2 again, from the cached key");
		crypto_hmac_sha256_hex("Jefe", 4, "what do ya want for nothing?", 28, hex);
		is_str(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		    "case 2 a third time: the cache is not consumed");
		crypto_hmac_sha256_hex("", 0, "", 0, hex);
		is_str(hex, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad",
		    "hmac-sha256 with an empty key and message");
	}
	{
		char h1[CRYPTO_HEX_SHA256 + 1], h2[CRYPTO_HEX_SHA256 + 1];

		crypto_hmac_sha256_hex("pepper-one-16byte", 17, sec, strlen(sec), h1);
		crypto_hmac_sha256_hex("pepper-two-16byte", 17, sec, strlen(sec), h2);
		ok(strcmp(h1, h2) != 0, "the stored hash depends on the pepper");
		ok(strstr(h1, sec + 8) == NULL, "the stored hash does not contain the secret");
	}
	ok(crypto_equal("abcdef", "abcdef", 6), "equal compares equal");
	ok(!crypto_equal("abcdef", "abcdeg", 6), "equal sees the last byte");
	ok(!crypto_equal("xbcdef", "abcdef", 6), "equal sees the first byte");
	{
		char wipe[16] = "secretsecretsec";

		crypto_wipe(wipe, sizeof(wipe));
		for (i = 0; i < 16 && wipe[i] == 0; i++)
			;
		is_int(i, 16, "wipe zeroes every byte");
	}
	/* HKDF-SHA-256: RFC 5869, appendix A.1. */
	{
		unsigned char ikm[22], salt[13], okm[42];
		char okm_hex[2 * sizeof(okm) + 1];
		size_t b;

		memset(ikm, 0x0b, sizeof(ikm));
		for (b = 0; b < sizeof(salt); b++)
			salt[b] = (unsigned char)b;
		ok(crypto_hkdf_sha256(ikm, sizeof(ikm), salt, sizeof(salt),
		    "\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9", okm, sizeof(okm)) == 0,
		    "HKDF derives");
		for (b = 0; b < sizeof(okm); b++)
			snprintf(okm_hex + 2 * b, 3, "%02x", okm[b]);
		is_str(okm_hex, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
		    "34007208d5b887185865", "HKDF-SHA-256 matches RFC 5869 A.1");
	}
	/* Sealed webhook secrets: AES-256-GCM under a key from the pepper. */
	{
		const char *secret = "whsec_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
		char sealed[2 * (38 + 28) + 1], again[sizeof(sealed)], opened[64];

		ok(crypto_seal_hex("pepper-one", "7", secret, sealed, sizeof(sealed)) == 0,
		    "a secret seals");
		is_int(strlen(sealed), 2 * (38 + 28), "sealed: nonce, ciphertext, tag in hex");
		ok(strstr(sealed, "whsec_") == NULL && strstr(sealed, "ABCDEF") == NULL,
		    "the sealed text does not hold the secret");
		ok(crypto_seal_hex("pepper-one", "7", secret, again, sizeof(again)) == 0 &&
		    strcmp(sealed, again) != 0, "two seals differ (a fresh nonce each)");
		ok(crypto_open_hex("pepper-one", "7", sealed, opened, sizeof(opened)) == 0,
		    "it opens with the same pepper and aad");
		is_str(opened, secret, "and gives the secret back");
		ok(crypto_open_hex("pepper-two", "7", sealed, opened, sizeof(opened)) != 0,
		    "another pepper cannot open it");
		ok(opened[0] == '\0', "a failed open leaves nothing in the output");
		ok(crypto_open_hex("pepper-one", "8", sealed, opened, sizeof(opened)) != 0,
		    "another aad (user) cannot open it");
		sealed[30] = sealed[30] == '0' ? '1' : '0';
		ok(crypto_open_hex("pepper-one", "7", sealed, opened, sizeof(opened)) != 0,
		    "a changed byte fails authentication");
		ok(crypto_open_hex("pepper-one", "7", "abc", opened, sizeof(opened)) != 0,
		    "a malformed text fails");
		ok(crypto_open_hex("pepper-one", "7", again, opened, 8) != 0,
		    "an output too small fails");
		ok(crypto_seal_hex("", "7", secret, sealed, sizeof(sealed)) == 0 &&
		    crypto_open_hex("", "7", sealed, opened, sizeof(opened)) == 0 &&
		    strcmp(opened, secret) == 0, "an empty pepper (development) still seals");
	}
	return tap_done();
}

/* test-auth.c: the bearer header parser and Sanctum's "id|plaintext" split. */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "tap.h"

static char got[AUTH_TOKEN_MAX + 1];

static const char *
bearer(const char *header)
{
	const char *t;
	size_t n;

	if (auth_bearer_token(header, &t, &n) != 0)
		return NULL;
	memcpy(got, t, n);
	got[n] = '\0';
	return got;
}

static int
split(const char *tok, uint64_t *id, char *plain)
{
	const char *p;
	size_t n;

	if (auth_token_split(tok, strlen(tok), id, &p, &n) != 0)
		return -1;
	memcpy(plain, p, n);
	plain[n] = '\0';
	return 0;
}

int
main(void)
{
	char plain[AUTH_TOKEN_MAX + 1], *big;
	uint64_t id;

	is_str(bearer("Bearer abc"), "abc", "plain Bearer");
	is_str(bearer("bearer abc"), "abc", "lower-case scheme");
	is_str(bearer("BEARER abc"), "abc", "upper-case scheme");
	is_str(bearer("Bearer   1|abc  "), "1|abc", "extra blanks trimmed");
	is_str(bearer("Bearer\tabc"), "abc", "tab after the scheme");
	ok(bearer(NULL) == NULL, "no header");
	ok(bearer("") == NULL, "empty header");
	ok(bearer("Bearer") == NULL, "scheme alone");
	ok(bearer("Bearer ") == NULL, "scheme and a blank");
	ok(bearer("Bearer    ") == NULL, "scheme and blanks");
	ok(bearer("Basic dXNlcjpwYXNz") == NULL, "Basic scheme");
	ok(bearer("Bearerabc") == NULL, "no blank after the scheme");
	ok(bearer("Token abc") == NULL, "another scheme");
	ok(bearer("Bearer a b") == NULL, "a blank inside the token");
	ok(bearer("Bearer abc\x01") == NULL, "a control character");
	ok(bearer("Bearer ab\xc3\xa9") == NULL, "non-ASCII");
	big = malloc(AUTH_TOKEN_MAX + 16);
	memcpy(big, "Bearer ", 7);
	memset(big + 7, 'a', AUTH_TOKEN_MAX);
	big[7 + AUTH_TOKEN_MAX] = '\0';
	ok(bearer(big) != NULL, "a token of the maximum length");
	big[7 + AUTH_TOKEN_MAX] = 'a';
	big[8 + AUTH_TOKEN_MAX] = '\0';
	ok(bearer(big) == NULL, "one byte over the maximum");
	free(big);

	ok(split("7|secret", &id, plain) == 0 && id == 7 && strcmp(plain, "secret") == 0,
	    "id|plaintext");
	ok(split("plain", &id, plain) == 0 && id == 0 && strcmp(plain, "plain") == 0,
	    "bare plaintext");
	ok(split("7|a|b|c", &id, plain) == 0 && id == 7 && strcmp(plain, "a|b|c") == 0,
	    "the plaintext keeps later bars");
	ok(split("7|", &id, plain) != 0, "empty plaintext");
	ok(split("|abc", &id, plain) != 0, "empty id");
	ok(split("x|abc", &id, plain) != 0, "non-numeric id");
	ok(split("0|abc", &id, plain) != 0, "id 0");
	ok(split("07|abc", &id, plain) != 0, "leading zero");
	ok(split("-7|abc", &id, plain) != 0, "negative id");
	ok(split("99999999999999999999|abc", &id, plain) != 0, "id past 64 bits");
	ok(split("9223372036854775808|abc", &id, plain) != 0, "id past 2^63-1");
	ok(split("9223372036854775807|abc", &id, plain) == 0, "largest id");
	ok(split("||||", &id, plain) != 0, "bars only");
	return tap_done();
}

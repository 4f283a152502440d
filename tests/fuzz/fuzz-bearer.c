/* fuzz-bearer.c: libFuzzer target for the Authorization header parser and Sanctum's id|plaintext split. */
#include "ac-config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

#define ID_MAX	9223372036854775807ULL	/* ids are signed BIGINT in the schema */

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
printable(char c)
{
	return (unsigned char)c >= 0x21 && (unsigned char)c <= 0x7e;
}

/*
 * The grammar of auth.h written out the slow way, as the oracle: optional
 * blanks (the parser tolerates them before the scheme), "Bearer" in any
 * case, one or more blanks, 1..AUTH_TOKEN_MAX printable characters, then
 * nothing but blanks to the end of the header.
 */
static int
model_bearer(const char *h, const char **tok, size_t *len)
{
	const char *p, *end;

	while (blank(*h))
		h++;
	if (strncasecmp(h, "Bearer", 6) != 0 || !blank(h[6]))
		return -1;
	for (h += 6; blank(*h); h++)
		;
	for (end = h; printable(*end); end++)
		;
	for (p = end; blank(*p); p++)
		;
	if (*p != '\0' || end == h || (size_t)(end - h) > AUTH_TOKEN_MAX)
		return -1;
	*tok = h;
	*len = (size_t)(end - h);
	return 0;
}

/* Sanctum's split, with the id checked as its canonical decimal spelling. */
static int
model_split(const char *tok, size_t len, uint64_t *id, const char **plain,
    size_t *plainlen)
{
	const char *bar = memchr(tok, '|', len);
	uint64_t v = 0;
	size_t i, n;

	if (bar == NULL) {
		*id = 0;
		*plain = tok;
		*plainlen = len;
		return 0;
	}
	n = (size_t)(bar - tok);
	if (n == 0 || n > 19 || tok[0] == '0' || len - n - 1 == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (tok[i] < '0' || tok[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(tok[i] - '0');	/* 19 digits fit */
	}
	if (v > ID_MAX)
		return -1;
	*id = v;
	*plain = bar + 1;
	*plainlen = len - n - 1;
	return 0;
}

static void
check_split(const char *tok, size_t len)
{
	const char *plain = NULL, *mplain = NULL;
	size_t plainlen = 0, mplainlen = 0;
	uint64_t id = ~0ULL, mid = ~0ULL;
	char digits[24];
	int rc, mrc;

	rc = auth_token_split(tok, len, &id, &plain, &plainlen);
	mrc = model_split(tok, len, &mid, &mplain, &mplainlen);
	if (rc != mrc)
		abort();
	if (rc != 0)
		return;
	if (id != mid || plain != mplain || plainlen != mplainlen)
		abort();
	if (plain < tok || plainlen == 0 || plainlen > len ||
	    plain + plainlen != tok + len)
		abort();
	if (id == 0) {
		if (plain != tok || memchr(tok, '|', len) != NULL)
			abort();
		return;
	}
	/* The id must be the very digits before the first '|'. */
	snprintf(digits, sizeof(digits), "%" PRIu64, id);
	if (id > ID_MAX || plain != tok + strlen(digits) + 1 ||
	    memcmp(tok, digits, strlen(digits)) != 0 || tok[strlen(digits)] != '|')
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *tok = NULL, *mtok = NULL;
	size_t len = 0, mlen = 0, i;
	char *h, *copy;
	int rc, mrc;

	/* A header value is a C string: NUL-terminated, exactly sized. */
	if ((h = malloc(size + 1)) == NULL)
		return 0;
	memcpy(h, data, size);
	h[size] = '\0';

	rc = auth_bearer_token(h, &tok, &len);
	mrc = model_bearer(h, &mtok, &mlen);
	if (rc != mrc)
		abort();
	if (rc == 0) {
		if (tok != mtok || len != mlen)
			abort();
		if (tok < h || len == 0 || len > AUTH_TOKEN_MAX ||
		    len > strlen(h) || tok + len > h + strlen(h))
			abort();
		for (i = 0; i < len; i++)
			if (!printable(tok[i]) || blank(tok[i]))
				abort();
		check_split(tok, len);

		/* The shared-token check agrees with the parser. */
		if ((copy = strndup(tok, len)) != NULL) {
			if (auth_static_bearer(h, copy) != 1)
				abort();
			free(copy);
		}
	}
	if (auth_static_bearer(h, "1|abc") !=
	    (rc == 0 && len == 5 && memcmp(tok, "1|abc", 5) == 0))
		abort();

	/* The split on its own takes any non-empty span, NULs included. */
	if (size > 0)
		check_split((const char *)data, size);
	free(h);
	return 0;
}

/* fuzz-bearer.c: libFuzzer target for the Authorization header parser and Sanctum's id|plaintext split. */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *tok, *plain;
	size_t len, plen, i;
	uint64_t id;
	char *h;

	if ((h = malloc(size + 1)) == NULL)
		return 0;
	memcpy(h, data, size);
	h[size] = '\0';
	if (auth_bearer_token(h, &tok, &len) == 0) {
		if (tok < h || tok + len > h + strlen(h) || len == 0 || len > AUTH_TOKEN_MAX)
			abort();
		for (i = 0; i < len; i++)
			if (tok[i] == ' ' || tok[i] == '\t' || tok[i] < 0x21 || tok[i] > 0x7e)
				abort();
		if (auth_token_split(tok, len, &id, &plain, &plen) == 0) {
			if (plain < tok || plain + plen > tok + len || plen == 0)
				abort();
			if (id > 9223372036854775807ULL)
				abort();
		}
	}
	free(h);
	return 0;
}

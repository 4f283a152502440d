/* fuzz-router.c: libFuzzer target for the route matcher (method byte + path). */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "router.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char *bases[] = { "/api", "" };
	const struct route *route;
	const char *param;
	char *path, allow[64];
	size_t plen, i;

	if (size < 1)
		return 0;
	if ((path = malloc(size)) == NULL)
		return 0;
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	for (i = 0; i < 2; i++) {
		memset(allow, 'x', sizeof(allow));
		route = NULL;
		param = NULL;
		plen = 0;
		switch (router_match(bases[i], path, (enum http_method)(data[0] % METHOD__MAX),
		    &route, &param, &plen, allow, sizeof(allow))) {
		case ROUTE_FOUND:
			if (route == NULL || (param != NULL &&
			    (param < path || param + plen > path + strlen(path))) ||
			    (param == NULL && plen != 0))
				abort();
			break;
		case ROUTE_NO_METHOD:
			if (memchr(allow, '\0', sizeof(allow)) == NULL || allow[0] == '\0')
				abort();
			break;
		case ROUTE_NO_PATH:
			break;
		}
	}
	free(path);
	return 0;
}

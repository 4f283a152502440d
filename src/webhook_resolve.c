/* webhook_resolve.c: the name lookup of a delivery and the check of the address it gives (apikeys-admin deliver only: the responder never resolves a webhook's host). */
#include "ac-config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "webhook_resolve.h"

int
webhook_resolve(const char *host, int allow_private, char addr[WEBHOOK_ADDR_MAX])
{
	struct addrinfo hints, *res = NULL;
	const void *src;
	int af;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL)
		return -1;
	af = res->ai_family;
	if (af == AF_INET)
		src = &((const struct sockaddr_in *)(const void *)res->ai_addr)->sin_addr;
	else
		src = &((const struct sockaddr_in6 *)(const void *)res->ai_addr)->sin6_addr;
	if ((af != AF_INET && af != AF_INET6) ||
	    inet_ntop(af, src, addr, WEBHOOK_ADDR_MAX) == NULL) {
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	if (!allow_private && webhook_addr_refused(addr))
		return -2;
	return 0;
}

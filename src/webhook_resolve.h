/* webhook_resolve.h: deliver's name lookup (webhook_resolve.c), in the admin tool alone. */
#ifndef APIKEYS_WEBHOOK_RESOLVE_H
#define APIKEYS_WEBHOOK_RESOLVE_H

#include "webhook_url.h"

/*
 * Resolves host (a name or an address) and writes the first address found
 * to addr as text: the one the delivery connects to.  Returns 0; -1 when
 * the name does not resolve; -2 when the address is refused
 * (webhook_addr_refused) and allow_private is 0.
 */
int webhook_resolve(const char *host, int allow_private, char addr[WEBHOOK_ADDR_MAX]);

#endif

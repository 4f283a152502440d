/* api_verify.h: POST {base}/api-keys/verify, the handler of api_verify.c. */
#ifndef APIKEYS_API_VERIFY_H
#define APIKEYS_API_VERIFY_H

#include "handler.h"

/* POST {base}/api-keys/verify: check a key and secret for the payment API,
 * with the key's settings (addresses, rate limit, remaining uses). */
route_handler verify_handle;

#endif

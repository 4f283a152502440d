/* api_rotate.h: POST {base}/api-keys/{id}/rotate, the handler of api_rotate.c. */
#ifndef APIKEYS_API_ROTATE_H
#define APIKEYS_API_ROTATE_H

#include "handler.h"

/* POST {base}/api-keys/{id}/rotate: a new key in place of the caller's key
 * {id}, the old one revoked now or after a grace (201, 400, 404, 409, 422). */
route_handler rotate_handle;

#endif

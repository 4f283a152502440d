/* api_patch.h: PATCH {base}/api-keys/{id}, the handler of api_patch.c, and its field table. */
#ifndef APIKEYS_API_PATCH_H
#define APIKEYS_API_PATCH_H

#include <stddef.h>

#include "handler.h"
#include "validate.h"

/* PATCH {base}/api-keys/{id}: change a key's name, permissions, expiry or
 * settings (200, 400, 422, 409). */
route_handler patch_handle;

/* PATCH's field table (exported so that tests and fuzzers check the real
 * one), in the order its errors are listed. */
extern const struct field_rule patch_rules[];
extern const size_t patch_nrules;

#endif

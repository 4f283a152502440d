/* admin_shared.h: what the command files of apikeys-admin share (admin_shared.c): the one-line failure and the user lookup. */
#ifndef APIKEYS_ADMIN_SHARED_H
#define APIKEYS_ADMIN_SHARED_H

#include <stdint.h>

#include "db.h"

/* Prints "apikeys-admin: " and one line on stderr; returns 1. */
int admin_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Finds a user by id or e-mail: 0, or 1 after saying why not. */
int admin_find_user(struct db *, const char *arg, uint64_t *uid);

#endif

/* admin_keys.h: apikeys-admin's key commands (admin_keys.c): keys, revoke, revoke-user, prune. */
#ifndef APIKEYS_ADMIN_KEYS_H
#define APIKEYS_ADMIN_KEYS_H

#include "db.h"

/* The key upkeep commands; each returns the exit status. */
int admin_keys_list(struct db *, const char *user);
int admin_key_revoke(struct db *, const char *arg);
int admin_keys_revoke_user(struct db *, const char *user);
int admin_prune(struct db *, unsigned days);

#endif

/* admin.h: what the command files of apikeys-admin share: the error line, and each command's entry. */
#ifndef APIKEYS_ADMIN_H
#define APIKEYS_ADMIN_H

#include <stdint.h>

#include "config.h"
#include "db.h"

/* Prints "apikeys-admin: " and one line on stderr; returns 1. */
int admin_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Finds a user by id or e-mail: 0, or 1 after saying why not. */
int admin_find_user(struct db *, const char *arg, uint64_t *uid);

/* admin_keys.c: the key upkeep commands; each returns the exit status. */
int admin_keys_list(struct db *, const char *user);
int admin_key_revoke(struct db *, const char *arg);
int admin_keys_revoke_user(struct db *, const char *user);
int admin_prune(struct db *, unsigned days);

/* admin_usage.c: 1 if usage's arguments (EMAIL|--all [--from T] [--to T]
 * [--granularity hour|day] [--csv]) are well formed, after saying why not
 * on stderr; usage prints a user's counts (deleted keys too) or the
 * service's totals (unknown keys too); admin_usage_prune deletes the
 * counts older than days.  Each returns the exit status. */
int admin_usage_args_ok(int nargs, char **args);
int admin_usage(struct db *, int nargs, char **args);
int admin_usage_prune(struct db *, unsigned days);

/* admin_scan.c: 1 if scan's arguments ([--revoke] [--] [FILE...]) are
 * well formed. */
int admin_scan_args_ok(int nargs, char **args);

/*
 * scan [--revoke] [FILE...]: prints each checksummed key and secret found
 * in the files (standard input for none or "-"; directories recursively).
 * Returns 0 if no live credential was found, 1 if one was, 2 after an
 * unreadable file or a database error.
 */
int admin_scan(struct db *, const struct config *, int nargs, char **args);

/* keys-legacy-count: prints how many live keys lack a valid checksum. */
int admin_keys_legacy_count(struct db *);

/* admin_deliver.c: deliver [--all-pending]: one pass of the webhook
 * deliveries (9.2); 0, or 1 after a database error. */
int admin_deliver(struct db *, const struct config *, int all);

#endif

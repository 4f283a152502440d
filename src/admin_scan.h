/* admin_scan.h: apikeys-admin scan and keys-legacy-count (admin_scan.c). */
#ifndef APIKEYS_ADMIN_SCAN_H
#define APIKEYS_ADMIN_SCAN_H

#include "config.h"
#include "db.h"

/* 1 if scan's arguments ([--revoke] [--] [FILE...]) are well formed. */
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

#endif

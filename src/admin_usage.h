/* admin_usage.h: apikeys-admin usage and usage-prune (admin_usage.c). */
#ifndef APIKEYS_ADMIN_USAGE_H
#define APIKEYS_ADMIN_USAGE_H

#include "db.h"

/* 1 if usage's arguments (EMAIL|--all [--from T] [--to T]
 * [--granularity hour|day] [--csv]) are well formed, after saying why not
 * on stderr; usage prints a user's counts (deleted keys too) or the
 * service's totals (unknown keys too); admin_usage_prune deletes the
 * counts older than days.  Each returns the exit status. */
int admin_usage_args_ok(int nargs, char **args);
int admin_usage(struct db *, int nargs, char **args);
int admin_usage_prune(struct db *, unsigned days);

#endif

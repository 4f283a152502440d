/* db_generate.h: generate's transaction (db_generate.c): one key replaces all of a user's keys. */
#ifndef APIKEYS_DB_GENERATE_H
#define APIKEYS_DB_GENERATE_H

#include "db.h"

/*
 * One transaction: lock the user's row, insert the new key (permissions [],
 * expiry one year on), record a "deleted" event for each of the user's
 * other keys and a "generated" one for the new key, delete the other keys.
 * Deadlocks are retried a bounded number of times.  On any failure nothing
 * changes.  DB_NOT_FOUND: the user row is gone.
 */
enum db_status db_key_replace(struct db *, uint64_t user_id, const char *key,
    const char *secret_hash, const char *secret_hint, const struct db_actor *,
    uint64_t *new_id);

#endif

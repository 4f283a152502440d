/* db_settings.h: a key's settings (db_settings.c): verify's spending and PATCH's transaction. */
#ifndef APIKEYS_DB_SETTINGS_H
#define APIKEYS_DB_SETTINGS_H

#include <stddef.h>

#include "db.h"

/*
 * Verify's spending, one conditional UPDATE: if key id is live and
 * enabled, its bucket (rate_limit) holds a whole use and its
 * remaining_uses (if set) at least cost, takes one use from the bucket
 * and cost from remaining_uses, and sets last_used_at if stale.  *spent
 * is 1 when it did, with the values after it in *remaining_uses and
 * *bucket_left (whole uses); 0 when there was too little (nothing
 * changes).  Galera certification conflicts are retried.  Holds no lock
 * past the statement.
 */
enum db_status db_key_spend(struct db *, uint64_t id, unsigned cost, int *spent,
    uint64_t *remaining_uses, uint64_t *bucket_left);

/*
 * Computes a PATCH from the key as stored (cur): fills next (a copy of cur
 * with the changes, updated_at set) and the event's details (JSON object
 * text, NUL-terminated, in details of size detailsz).  Returns the number
 * of members changed (0: nothing to write).  Must be pure: it may run again
 * when the transaction is retried.
 */
typedef unsigned db_key_edit(void *ctx, const struct db_key *cur, struct db_key *next,
    char *details, size_t detailsz);

/* Why db_key_update left a key as it was (*revoked; 0: it was editable). */
#define DB_KEY_REVOKED	1	/* revoked_at set (even if rotated too) */
#define DB_KEY_ROTATED	2	/* rotated_to set: a PATCH must not revive it */

/*
 * One transaction: lock the user's key id (DB_NOT_FOUND if it is missing
 * or another user's); if it is revoked or rotated, set *revoked to
 * DB_KEY_REVOKED or DB_KEY_ROTATED and change nothing; else run edit and, if it changed anything, write the new values (a new
 * or changed rate limit starts with a full bucket) and record an "updated"
 * event of actor.  *out gets the key as it is afterwards.  Deadlocks are
 * retried.
 */
enum db_status db_key_update(struct db *, uint64_t id, uint64_t user_id,
    const struct db_actor *, db_key_edit *edit, void *ctx, struct db_key *out,
    int *revoked);

#endif

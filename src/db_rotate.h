/* db_rotate.h: rotation's transaction (db_rotate.c). */
#ifndef APIKEYS_DB_ROTATE_H
#define APIKEYS_DB_ROTATE_H

#include "db.h"

/* A rotation to make with db_key_rotate: the new key's credentials and
 * expiry; every other setting is copied from the old key. */
struct db_rotate {
	uint64_t	 id;		/* the old key */
	uint64_t	 user_id;
	const char	*key;
	const char	*secret_hash;
	const char	*secret_hint;
	int64_t		 expires_at;	/* of the new key */
	int64_t		 now;		/* created_at of the new key, revocation time */
	unsigned	 grace_seconds;	/* 0: revoke the old key now */
};

/* What a rotation did (db_key_rotate). */
struct db_rotated {
	int		refused;	/* revoked, expired or already rotated: nothing changed */
	uint64_t	new_id;
	char		name[DB_NAME_MAX];	/* copied to the new key */
	int		name_null;
	char		permissions[DB_PERMS_MAX];
	int64_t		old_expires_at;	/* the old key after the rotation */
	int64_t		old_revoked_at;
};

/*
 * One transaction: lock the user's row and the old key, then (unless the
 * key is revoked, expired or rotated already: out->refused, nothing
 * changes) revoke the key that the old one replaced if its overlap still
 * runs (with its "revoked" event: at most two live keys a chain), insert
 * the new key with the old one's name, permissions and
 * settings (its bucket full, its own credentials and expiry), point the
 * old key at it and revoke it (grace 0) or cut its expiry to now plus the
 * grace, and record "rotated" on the old key and "created" on the new.
 * DB_NOT_FOUND: no such key of the user.  Deadlocks are retried.
 */
enum db_status db_key_rotate(struct db *, const struct db_rotate *,
    const struct db_actor *, struct db_rotated *out);

#endif

/* db_login.h: the queries of signing in (api_login.c): a user's password hash, the failed sign-ins counted per e-mail and address, a new Sanctum token, and signing out. */
#ifndef APIKEYS_DB_LOGIN_H
#define APIKEYS_DB_LOGIN_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define DB_PASSWORD_MAX	256	/* users.password is a varchar(255) */
#define DB_LOGIN_IP_MAX	46	/* the address column: an IPv6 text, NUL */

/*
 * How long the sign-ins of email_hash (hex SHA-256 of the lowercased
 * e-mail) from ip are refused: 0 when fewer than max failures were counted
 * in the window of window_seconds that began at the first failure, else
 * the whole seconds (at least 1) until that window ends.
 */
enum db_status db_login_blocked(struct db *, const char *email_hash, const char *ip,
    unsigned max, unsigned window_seconds, unsigned *retry_after);

/* The user with this e-mail (the column's collation: case-insensitive) and
 * the password hash as Laravel stored it.  DB_NOT_FOUND: no such user. */
enum db_status db_login_user(struct db *, const char *email, uint64_t *user_id,
    char password[DB_PASSWORD_MAX]);

/* Counts one failure of email_hash from ip: a new window of
 * window_seconds starts when the last one is over. */
enum db_status db_login_failed(struct db *, const char *email_hash, const char *ip,
    unsigned window_seconds);

/*
 * One transaction: forgets the failures of email_hash from ip and stores a
 * Sanctum token of user_id named name with abilities ["*"], token_hash
 * being the hex SHA-256 of its plaintext.  *token_id gets its id.
 */
enum db_status db_login_token(struct db *, uint64_t user_id, const char *name,
    const char *token_hash, const char *email_hash, const char *ip, uint64_t *token_id);

/* Deletes the Sanctum token token_id (signing out).  A token already gone
 * is DB_OK. */
enum db_status db_logout_token(struct db *, uint64_t token_id);

#endif

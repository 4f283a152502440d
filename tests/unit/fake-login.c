/* fake-login.c: db_login.h for the handler programs, which run over fake-db.c: no user signs in, every sign-out succeeds. */
#include "ac-config.h"

#include "db_login.h"

enum db_status
db_login_blocked(struct db *db, const char *email_hash, const char *ip, unsigned max,
    unsigned window_seconds, unsigned *retry_after)
{
	(void)db; (void)email_hash; (void)ip; (void)max; (void)window_seconds;
	*retry_after = 0;
	return DB_OK;
}

enum db_status
db_login_user(struct db *db, const char *email, uint64_t *user_id,
    char password[DB_PASSWORD_MAX])
{
	(void)db; (void)email; (void)user_id;
	password[0] = '\0';
	return DB_NOT_FOUND;
}

enum db_status
db_login_failed(struct db *db, const char *email_hash, const char *ip,
    unsigned window_seconds)
{
	(void)db; (void)email_hash; (void)ip; (void)window_seconds;
	return DB_OK;
}

enum db_status
db_login_token(struct db *db, uint64_t user_id, const char *name, const char *token_hash,
    const char *email_hash, const char *ip, uint64_t *token_id)
{
	(void)db; (void)user_id; (void)name; (void)token_hash; (void)email_hash; (void)ip;
	*token_id = 0;
	return DB_ERROR;
}

enum db_status
db_logout_token(struct db *db, uint64_t token_id)
{
	(void)db; (void)token_id;
	return DB_OK;
}

/* db_generate.c: generate's transaction (delete the user's keys, make one, record the events) in two round trips: a prepared CALL of the stored procedure apikeys_generate, then COMMIT. */
#include "ac-config.h"

#include <string.h>

#include "db_bind.h"
#include "db_driver.h"
#include "db_generate.h"
#include "db_tx.h"

struct replace_ctx {
	uint64_t		 user_id;
	const char		*key, *hash, *hint;
	const struct db_actor	*actor;
	uint64_t		 id;
};

/* The procedure begins the transaction itself and leaves it open (or rolls
 * it back and raises the error), so the body is its one CALL and
 * db_tx_run_batched commits: nothing is kept unless this process is still
 * there to send COMMIT.  A deadlock, in the CALL or at COMMIT, is retried
 * there. */
static enum db_status
replace_body(struct db *db, void *ctx, int *retry)
{
	struct replace_ctx *c = ctx;
	const char *ip = c->actor->ip != NULL ? c->actor->ip : "";
	uint64_t id = 0;
	MYSQL_BIND p[7], r[1];
	enum db_status rc;

	db_bind_u64(&p[0], &c->user_id);
	db_bind_in_str(&p[1], c->key, strlen(c->key));
	db_bind_in_str(&p[2], c->hash, strlen(c->hash));
	db_bind_in_str(&p[3], c->hint, strlen(c->hint));
	db_bind_in_str(&p[4], c->actor->name, strlen(c->actor->name));
	db_bind_in_str(&p[5], ip, strlen(ip));
	if (c->actor->ip == NULL)
		p[5].buffer_type = MYSQL_TYPE_NULL;
	/* The OUT parameter: bound as any other, answered as a one-row
	 * result (NULL, left 0 here, when the user is gone). */
	db_bind_u64(&p[6], &id);
	p[6].buffer_type = MYSQL_TYPE_NULL;
	db_bind_u64(&r[0], &id);
	db->in_tx = 1;	/* a CALL lost with its connection is never sent again */
	rc = db_run_prepared(db, ST_GENERATE, p, r, NULL, retry, NULL, NULL);
	if (rc == DB_OK && id == 0)
		rc = DB_NOT_FOUND;
	if (rc == DB_OK)
		c->id = id;
	return rc;
}

enum db_status
db_key_replace(struct db *db, uint64_t user_id, const char *key,
    const char *secret_hash, const char *secret_hint, const struct db_actor *actor,
    uint64_t *new_id)
{
	struct replace_ctx c = { user_id, key, secret_hash, secret_hint, actor, 0 };
	enum db_status rc;

	if ((rc = db_tx_run_batched(db, replace_body, &c, "generate")) == DB_OK)
		*new_id = c.id;
	return rc;
}

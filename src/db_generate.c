/* db_generate.c: generate's transaction (lock the user, insert the new key, record the events, delete the other keys) in three round trips. */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "db_batch.h"
#include "db_bind.h"
#include "db_driver.h"
#include "log.h"

/* Room for SQL_GENERATE_BEGIN with its numbers and credentials. */
#define BATCH_MAX	1024

struct replace_ctx {
	uint64_t		 user_id;
	const char		*key, *hash, *hint;
	const struct db_actor	*actor;
	uint64_t		 id;
};

/* A value formatted into a text batch: only what the service makes itself
 * ([A-Za-z0-9_] credentials, hex hashes) can be; anything else is refused
 * rather than quoted. */
static int
plain_value(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= DB_HASH_HEX && strspn(s,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static enum db_status
replace_body(struct db *db, void *ctx, int *retry)
{
	struct replace_ctx *c = ctx;
	struct db_batch_result r[3];
	unsigned long long uid = c->user_id;
	char sql[BATCH_MAX];
	MYSQL_BIND p[5];
	unsigned done = 0;
	enum db_status rc;
	int n;

	if (!plain_value(c->key) || !plain_value(c->hash) || !plain_value(c->hint)) {
		log_error("generate: a credential is not plain text");
		return DB_ERROR;
	}
	/* 1. Begin, lock the user's row, insert the new key. */
	n = snprintf(sql, sizeof(sql), SQL_GENERATE_BEGIN, uid, uid, c->key, c->hash, c->hint);
	if (n < 0 || (size_t)n >= sizeof(sql))
		return DB_ERROR;
	rc = db_batch_run(db, sql, r, 3, &done, retry);
	if (done >= 2 && r[1].rows == 0)
		return DB_NOT_FOUND;	/* the user row is gone (its insert failed) */
	if (rc != DB_OK)
		return rc;
	c->id = r[2].insert_id;
	/* 2. The events, in the same transaction: "deleted" for every other
	 * key of the user, "generated" for the new one. */
	db_bind_u64(&p[0], &c->id);
	db_bind_in_str(&p[1], c->actor->name, strlen(c->actor->name));
	db_bind_in_str(&p[2], c->actor->ip != NULL ? c->actor->ip : "",
	    c->actor->ip != NULL ? strlen(c->actor->ip) : 0);
	if (c->actor->ip == NULL)
		p[2].buffer_type = MYSQL_TYPE_NULL;
	db_bind_u64(&p[3], &c->user_id);
	db_bind_u64(&p[4], &c->id);
	if ((rc = db_run_prepared(db, ST_GENERATE_EVENTS, p, NULL, NULL, retry, NULL,
	    NULL)) != DB_OK)
		return rc;
	/* 3. Delete the other keys and commit. */
	n = snprintf(sql, sizeof(sql), SQL_GENERATE_END, uid, (unsigned long long)c->id);
	if (n < 0 || (size_t)n >= sizeof(sql))
		return DB_ERROR;
	return db_batch_run(db, sql, r, 2, &done, retry);
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

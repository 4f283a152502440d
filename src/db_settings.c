/* db_settings.c: the statement catalogue of a key's settings: verify's spending and PATCH's transaction. */
#include "ac-config.h"

#include <string.h>

#include "db_bind.h"
#include "db_driver.h"
#include "db_events.h"
#include "db_key_bind.h"
#include "db_settings.h"
#include "db_tx.h"
#include "log.h"

/* Attempts of one spending that meets certification conflicts (another
 * node spent from the same key at the same moment). */
#define SPEND_ATTEMPTS	16

/* The spending's answer in LAST_INSERT_ID (db_sql.h, SQL_KEY_SPEND). */
#define SPEND_BUCKET_BITS	21

enum db_status
db_key_spend(struct db *db, uint64_t id, unsigned cost, int *spent,
    uint64_t *remaining_uses, uint64_t *bucket_left)
{
	MYSQL_BIND p[3];
	uint64_t c = cost, v;
	enum db_status rc = DB_ERROR;
	int attempt, retry = 0;

	*spent = 0;
	*remaining_uses = *bucket_left = 0;
	db_bind_u64(&p[0], &c);
	db_bind_u64(&p[1], &id);
	db_bind_u64(&p[2], &c);
	/* One statement, autocommitted: the row lock lasts only while it
	 * runs.  A conflict rolled it back whole, so it is simply run again
	 * (it checks the amounts again). */
	for (attempt = 0; attempt < SPEND_ATTEMPTS; attempt++) {
		if (attempt > 0)
			db_backoff(attempt);
		rc = db_exec(db, ST_KEY_SPEND, p, NULL, &retry);
		if (rc != DB_ERROR || !retry)
			break;
	}
	if (rc != DB_OK) {
		if (retry)
			log_error("database: verify's spending gave up after %d conflicts",
			    SPEND_ATTEMPTS);
		return rc;
	}
	v = db_insert_id(db, ST_KEY_SPEND);
	if (v & 1) {
		v >>= 1;
		*spent = 1;
		*bucket_left = v & ((1u << SPEND_BUCKET_BITS) - 1);
		*remaining_uses = v >> SPEND_BUCKET_BITS;
	}
	return DB_OK;
}

struct update_ctx {
	uint64_t		 id, user_id;
	const struct db_actor	*actor;
	db_key_edit		*edit;
	void			*ctx;
	struct db_key		*out;
	int			*revoked;
	char			 details[512];
};

/* Binds a nullable unsigned: NULL when null. */
static void
bind_opt_u64(MYSQL_BIND *b, uint64_t *v, int null)
{
	db_bind_u64(b, v);
	if (null)
		b->buffer_type = MYSQL_TYPE_NULL;
}

static enum db_status
write_key(struct db *db, const struct db_key *cur, const struct db_key *k, int *retry)
{
	MYSQL_BIND p[12];
	MYSQL_TIME exp, upd;
	uint64_t enabled = !k->disabled, rate = k->rate_limit, window = k->rate_window;
	uint64_t reset = k->rate_limit != cur->rate_limit || k->rate_window != cur->rate_window;
	uint64_t remaining = k->remaining_uses, id = k->id;

	db_bind_in_str(&p[0], k->name, strlen(k->name));
	if (k->name_null)
		p[0].buffer_type = MYSQL_TYPE_NULL;
	db_bind_in_str(&p[1], k->permissions, strlen(k->permissions));
	db_bind_in_time(&p[2], &exp, k->expires_at);
	db_bind_u64(&p[3], &enabled);
	bind_opt_u64(&p[4], &rate, k->rate_limit == 0);
	bind_opt_u64(&p[5], &window, k->rate_limit == 0);
	db_bind_u64(&p[6], &reset);
	db_bind_u64(&p[7], &reset);
	bind_opt_u64(&p[8], &remaining, !k->has_remaining);
	db_bind_in_str(&p[9], k->allowed_ips, strlen(k->allowed_ips));
	if (k->allowed_ips[0] == '\0')
		p[9].buffer_type = MYSQL_TYPE_NULL;
	db_bind_in_time(&p[10], &upd, k->updated_at);
	db_bind_u64(&p[11], &id);
	return db_exec(db, ST_KEY_UPDATE, p, NULL, retry);
}

static enum db_status
update_body(struct db *db, void *ctx, int *retry)
{
	struct update_ctx *c = ctx;
	struct key_binds b;
	struct db_key cur;
	MYSQL_BIND p[2];
	enum db_status rc;

	*c->revoked = 0;
	db_key_bind(&b, NULL, &cur, KEY_BIND_SETTINGS);
	db_bind_u64(&p[0], &c->id);
	db_bind_u64(&p[1], &c->user_id);
	if ((rc = db_fetch_one(db, ST_KEY_LOCK, p, b.res, retry)) != DB_OK)
		return rc;
	db_key_finish(&b);
	*c->out = cur;
	/* A retired key stays retired: revoked first, then rotated (its
	 * overlap runs out on its own; a PATCH must not extend or revive it). */
	if (cur.revoked_at != DB_TIME_NULL || cur.rotated_to != 0) {
		*c->revoked = cur.revoked_at != DB_TIME_NULL ? DB_KEY_REVOKED : DB_KEY_ROTATED;
		return DB_OK;
	}
	c->details[0] = '\0';
	if (c->edit(c->ctx, &cur, c->out, c->details, sizeof(c->details)) == 0)
		return DB_OK;
	if ((rc = write_key(db, &cur, c->out, retry)) != DB_OK)
		return rc;
	return db_event_record(db, c->id, c->user_id, "updated", c->actor, c->details, retry);
}

enum db_status
db_key_update(struct db *db, uint64_t id, uint64_t user_id, const struct db_actor *actor,
    db_key_edit *edit, void *ctx, struct db_key *out, int *revoked)
{
	struct update_ctx c;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.user_id = user_id;
	c.actor = actor;
	c.edit = edit;
	c.ctx = ctx;
	c.out = out;
	c.revoked = revoked;
	return db_tx_run(db, update_body, &c, "update");
}

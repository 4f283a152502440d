/* db_rotate.c: rotation: the new key, the old one pointed at it, the overlap before it ended, the events, one transaction. */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "db_bind.h"
#include "db_driver.h"
#include "db_events.h"
#include "db_rotate.h"
#include "db_tx.h"

/* Room for a rotation event's details: two ids and the grace. */
#define DETAILS_SHORT	96

struct rotate_ctx {
	const struct db_rotate	*in;
	const struct db_actor	*actor;
	struct db_rotated	*out;
};

/* Locks the user's row and the old key; out->refused when the key may not
 * be rotated.  DB_NOT_FOUND: no such key of the user. */
static enum db_status
rotate_lock(struct db *db, struct rotate_ctx *c, int *retry, int64_t *expires_at)
{
	struct db_rotated *out = c->out;
	uint64_t uid = c->in->user_id, id = c->in->id;
	MYSQL_BIND p[2], res[4];
	MYSQL_TIME exp;
	unsigned long nlen = 0, plen = 0;
	my_bool nnull = 0, pnull = 0, enull = 0, rnull = 0;
	int rotatable = 0;
	enum db_status rc;

	db_bind_u64(&p[0], &uid);
	db_bind_u64(&p[1], &id);
	db_bind_out_str(&res[0], out->name, sizeof(out->name) - 1, &nlen, &nnull);
	db_bind_out_str(&res[1], out->permissions, sizeof(out->permissions) - 1, &plen, &pnull);
	db_bind_out_time(&res[2], &exp, &enull);
	db_bind_out_int(&res[3], &rotatable, &rnull);
	if ((rc = db_fetch_one(db, ST_KEY_ROTATE_LOCK, p, res, retry)) != DB_OK)
		return rc;
	out->name[nnull ? 0 : nlen] = '\0';
	out->name_null = nnull;
	if (pnull)
		strcpy(out->permissions, "[]");
	else
		out->permissions[plen] = '\0';
	*expires_at = db_time_us(&exp, enull);
	out->refused = rnull || !rotatable;
	return DB_OK;
}

/* Room for the keys whose overlap a rotation ends: one, as only one key
 * can have been rotated to a given key; a few more cost nothing. */
#define PREVIOUS_MAX	4

struct previous {
	uint64_t	id, ids[PREVIOUS_MAX];
	unsigned	n;
};

static int
previous_row(void *ctx)
{
	struct previous *p = ctx;

	if (p->n < PREVIOUS_MAX)
		p->ids[p->n++] = p->id;
	return 0;
}

/* Ends the overlap that still runs for the key the rotated key replaced:
 * that older key is revoked now, with its "revoked" event, so that a chain
 * of rotations keeps at most two live keys. */
static enum db_status
rotate_end_previous(struct db *db, struct rotate_ctx *c, int *retry)
{
	uint64_t uid = c->in->user_id, id = c->in->id;
	unsigned long long changed;
	struct previous prev;
	MYSQL_BIND p[2], res[1];
	enum db_status rc;
	unsigned i;

	memset(&prev, 0, sizeof(prev));
	db_bind_u64(&p[0], &uid);
	db_bind_u64(&p[1], &id);
	db_bind_u64(&res[0], &prev.id);
	if ((rc = db_run_prepared(db, ST_KEY_ROTATE_PREVIOUS, p, res, NULL, retry,
	    previous_row, &prev)) != DB_OK)
		return rc;
	for (i = 0; i < prev.n; i++) {
		/* ST_KEY_REVOKE: the key's id, then its user's. */
		db_bind_u64(&p[0], &prev.ids[i]);
		db_bind_u64(&p[1], &uid);
		changed = 0;
		if ((rc = db_exec(db, ST_KEY_REVOKE, p, &changed, retry)) != DB_OK)
			return rc;
		if (changed > 0 && (rc = db_event_record(db, prev.ids[i], uid, "revoked",
		    c->actor, NULL, retry)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* Binds a time that may be NULL. */
static void
bind_time_or_null(MYSQL_BIND *b, MYSQL_TIME *t, int64_t us)
{
	db_bind_in_time(b, t, us == DB_TIME_NULL ? 0 : us);
	if (us == DB_TIME_NULL)
		b->buffer_type = MYSQL_TYPE_NULL;
}

static enum db_status
rotate_body(struct db *db, void *ctx, int *retry)
{
	struct rotate_ctx *c = ctx;
	const struct db_rotate *in = c->in;
	struct db_rotated *out = c->out;
	uint64_t old_id = in->id;
	MYSQL_BIND p[7];
	MYSQL_TIME t[4];
	int64_t old_exp = DB_TIME_NULL, cut;
	char details[DETAILS_SHORT];
	enum db_status rc;

	if ((rc = rotate_lock(db, c, retry, &old_exp)) != DB_OK || out->refused)
		return rc;
	if ((rc = rotate_end_previous(db, c, retry)) != DB_OK)
		return rc;
	db_bind_in_str(&p[0], in->key, strlen(in->key));
	db_bind_in_str(&p[1], in->secret_hash, strlen(in->secret_hash));
	db_bind_in_str(&p[2], in->secret_hint, strlen(in->secret_hint));
	db_bind_in_time(&p[3], &t[0], in->expires_at);
	db_bind_in_time(&p[4], &t[1], in->now);
	p[5] = p[4];
	db_bind_u64(&p[6], &old_id);
	if ((rc = db_exec(db, ST_KEY_ROTATE_INSERT, p, NULL, retry)) != DB_OK)
		return rc;
	out->new_id = db_insert_id(db, ST_KEY_ROTATE_INSERT);
	/* Grace 0 revokes now and leaves the expiry; a grace ends the old key
	 * at now + grace, unless it expires before that anyway. */
	out->old_revoked_at = in->grace_seconds == 0 ? in->now : DB_TIME_NULL;
	out->old_expires_at = old_exp;
	if (in->grace_seconds > 0) {
		cut = in->now + (int64_t)in->grace_seconds * 1000000;
		if (old_exp == DB_TIME_NULL || cut < old_exp)
			out->old_expires_at = cut;
	}
	db_bind_u64(&p[0], &out->new_id);
	bind_time_or_null(&p[1], &t[2], out->old_revoked_at);
	bind_time_or_null(&p[2], &t[3], out->old_expires_at);
	p[3] = p[4];	/* updated_at: now */
	db_bind_u64(&p[4], &old_id);
	if ((rc = db_exec(db, ST_KEY_ROTATE_OLD, p, NULL, retry)) != DB_OK)
		return rc;
	snprintf(details, sizeof(details), "{\"rotated_to\":%llu,\"grace_seconds\":%u}",
	    (unsigned long long)out->new_id, in->grace_seconds);
	if ((rc = db_event_record(db, old_id, in->user_id, "rotated", c->actor, details,
	    retry)) != DB_OK)
		return rc;
	snprintf(details, sizeof(details), "{\"rotated_from\":%llu}", (unsigned long long)old_id);
	return db_event_record(db, out->new_id, in->user_id, "created", c->actor, details,
	    retry);
}

enum db_status
db_key_rotate(struct db *db, const struct db_rotate *in, const struct db_actor *actor,
    struct db_rotated *out)
{
	struct rotate_ctx c = { in, actor, out };

	memset(out, 0, sizeof(*out));
	return db_tx_run(db, rotate_body, &c, "rotate");
}

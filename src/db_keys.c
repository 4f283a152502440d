/* db_keys.c: the statement catalogue: tokens and keys, their transactions and the mapping of their rows. */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "db_bind.h"
#include "db_driver.h"
#include "db_events.h"
#include "db_keys.h"

#define TOKEN_COLUMNS 8

/* Fetches a token row; res holds at least its TOKEN_COLUMNS columns (more
 * may follow, bound by the caller). */
static enum db_status
token_fetch(struct db *db, enum stmt_id id, MYSQL_BIND *param, MYSQL_BIND *res,
    struct db_token *t)
{
	unsigned long hashlen = 0;
	my_bool hnull = 0, snull = 0, vnull = 0, rnull = 0, wnull = 0, anull = 0;
	long long age = 0;
	enum db_status rc;

	memset(t, 0, sizeof(*t));
	db_bind_u64(&res[0], &t->id);
	db_bind_u64(&res[1], &t->user_id);
	db_bind_out_str(&res[2], t->hash, sizeof(t->hash), &hashlen, &hnull);
	db_bind_out_int(&res[3], &t->stale, &snull);
	db_bind_out_int(&res[4], &t->email_verified, &vnull);
	db_bind_out_int(&res[5], &t->can_read, &rnull);
	db_bind_out_int(&res[6], &t->can_write, &wnull);
	db_bind_out_i64(&res[7], &age, &anull);
	rc = db_fetch_one(db, id, param, res, NULL);
	if (rc == DB_OK) {
		if (hnull || hashlen != DB_HASH_HEX)
			return DB_NOT_FOUND;	/* not a Sanctum hash: cannot match */
		t->hash[DB_HASH_HEX] = '\0';
		t->age = anull ? -1 : age;
	}
	return rc;
}

enum db_status
db_token_by_id(struct db *db, uint64_t id, struct db_token *t)
{
	MYSQL_BIND p[1], res[TOKEN_COLUMNS];

	db_bind_u64(&p[0], &id);
	return token_fetch(db, ST_TOKEN_BY_ID, p, res, t);
}

enum db_status
db_token_by_hash(struct db *db, const char *hash, struct db_token *t)
{
	MYSQL_BIND p[1], res[TOKEN_COLUMNS];

	db_bind_in_str(&p[0], hash, strlen(hash));
	return token_fetch(db, ST_TOKEN_BY_HASH, p, res, t);
}

enum db_status
db_token_touch(struct db *db, uint64_t id)
{
	MYSQL_BIND p[1];

	db_bind_u64(&p[0], &id);
	return db_exec(db, ST_TOKEN_TOUCH, p, NULL, NULL);
}

/* ------------------------------------------------------------ keys */

/* How each type of db_key_row.h is bound: column c, into member m of k or
 * into the column's cell. */
#define BIND_U64(c, m)		bind_u64(b, c)
#define BIND_I64(c, m)		db_bind_out_i64(&b->res[c], &b->cell[c].i, &b->null[c])
#define BIND_UINT		BIND_I64
#define BIND_FLAG(c, m)		db_bind_out_int(&b->res[c], &b->cell[c].n, &b->null[c])
#define BIND_OFF		BIND_FLAG
#define BIND_TIME(c, m)		db_bind_out_time(&b->res[c], &b->cell[c].t, &b->null[c])
#define BIND_TEXT(c, m)		db_bind_out_str(&b->res[c], k->m, sizeof(k->m) - 1, \
	&b->len[c], &b->null[c])
#define BIND_JSON		BIND_TEXT
#define BIND_JSON_LIST		BIND_TEXT
/* A whole buffer, so that a longer value is a wrong length, not a
 * truncation (which fails the fetch). */
#define BIND_HASH(c, m)		db_bind_out_str(&b->res[c], k->m, sizeof(k->m), \
	&b->len[c], &b->null[c])

/* ... and how each sets its member from the fetched row: every byte of
 * it, whether the column is NULL or not. */
#define FINISH_U64(c, m)	k->m = b->null[c] ? 0 : b->cell[c].u
#define FINISH_I64(c, m)	k->m = b->null[c] ? 0 : b->cell[c].i
#define FINISH_UINT(c, m)	k->m = !b->null[c] && b->cell[c].i > 0 && \
	b->cell[c].i <= UINT32_MAX ? (unsigned)b->cell[c].i : 0
#define FINISH_FLAG(c, m)	k->m = !b->null[c] && b->cell[c].n != 0
#define FINISH_OFF(c, m)	k->m = !b->null[c] && b->cell[c].n == 0
#define FINISH_TIME(c, m)	k->m = db_time_us(&b->cell[c].t, b->null[c])
#define FINISH_TEXT(c, m)	text_finish(k->m, sizeof(k->m), b, c, "", "")
#define FINISH_JSON(c, m)	text_finish(k->m, sizeof(k->m), b, c, "", "null")
#define FINISH_JSON_LIST(c, m)	text_finish(k->m, sizeof(k->m), b, c, "[]", "null")
#define FINISH_HASH(c, m)	hash_finish(k->m, sizeof(k->m), b, c)

static void
bind_u64(struct key_binds *b, enum key_column i)
{
	db_bind_u64(&b->res[i], &b->cell[i].u);
	b->res[i].is_null = &b->null[i];
}

/* A fetched string column: if_null for NULL, if_empty for an empty text,
 * else the text, terminated (the bytes after the terminator are not
 * cleared: a key row holds 8 KiB of text buffers, its texts a few dozen
 * bytes). */
static void
text_finish(char *dst, size_t size, const struct key_binds *b, enum key_column i,
    const char *if_null, const char *if_empty)
{
	size_t len = b->null[i] ? 0 : b->len[i];

	if (len >= size)
		len = size - 1;		/* cannot happen: a longer value fails the fetch */
	if (b->null[i] || len == 0)
		len = (size_t)snprintf(dst, size, "%s", b->null[i] ? if_null : if_empty);
	dst[len] = '\0';
}

static void
hash_finish(char *dst, size_t size, const struct key_binds *b, enum key_column i)
{
	size_t len = !b->null[i] && b->len[i] == DB_HASH_HEX ? DB_HASH_HEX : 0;

	memset(dst + len, 0, size - len);
}

/* How each type of db_key_row.h is cleared: a number 0, a string "". */
#define CLEAR_U64(m)		k->m = 0
#define CLEAR_I64		CLEAR_U64
#define CLEAR_UINT		CLEAR_U64
#define CLEAR_FLAG		CLEAR_U64
#define CLEAR_OFF		CLEAR_U64
#define CLEAR_TIME		CLEAR_U64
#define CLEAR_TEXT(m)		k->m[0] = '\0'
#define CLEAR_JSON		CLEAR_TEXT
#define CLEAR_JSON_LIST		CLEAR_TEXT
#define CLEAR_HASH		CLEAR_TEXT

/* Every member 0 or "": the members and the first byte of each string,
 * not the whole struct (8 KiB, zeroed three times a verify before). */
static void
key_clear(struct db_key *k)
{
#define KEY_FLAG(m, when_null)	k->m = 0;
#define CLEAR(index, column, member, type, flag, read) \
	CLEAR_##type(member); \
	flag
	DB_KEY_ROW(CLEAR)
#undef CLEAR
#undef KEY_FLAG
}

void
db_key_bind(struct key_binds *b, MYSQL_BIND *res, struct db_key *k, enum key_bind_mode mode)
{
	memset(b, 0, sizeof(*b));
	key_clear(k);
	b->k = k;
	b->mode = mode;
	b->res = res != NULL ? res : b->own;
#define BIND(index, column, member, type, flag, read) \
	if ((int)mode >= (int)KEY_READ_##read) \
		BIND_##type(index, member);
	DB_KEY_ROW(BIND)
#undef BIND
}

void
db_key_finish(struct key_binds *b)
{
	struct db_key *k = b->k;
	int null;

#define KEY_FLAG(m, when_null)	k->m = null ? when_null : !when_null;
#define FINISH(index, column, member, type, flag, read) \
	if ((int)b->mode >= (int)KEY_READ_##read) { \
		null = b->null[index]; \
		FINISH_##type(index, member); \
		flag \
	}
	DB_KEY_ROW(FINISH)
#undef FINISH
#undef KEY_FLAG
	/* A limit needs both columns. */
	if (k->rate_limit == 0 || k->rate_window == 0)
		k->rate_limit = k->rate_window = 0;
}

enum db_status
db_token_with_key(struct db *db, uint64_t token_id, const char *hash, uint64_t key_id,
    struct db_token *t, struct db_key *k, int *key_found)
{
	MYSQL_BIND p[2], res[TOKEN_COLUMNS + KEY_COLUMNS_SHOW];
	struct key_binds b;
	enum db_status rc;

	db_key_bind(&b, res + TOKEN_COLUMNS, k, KEY_BIND_SHOW);
	db_bind_u64(&p[0], &key_id);
	if (token_id != 0)
		db_bind_u64(&p[1], &token_id);
	else
		db_bind_in_str(&p[1], hash, strlen(hash));
	rc = token_fetch(db, token_id != 0 ? ST_TOKEN_KEY_BY_ID : ST_TOKEN_KEY_BY_HASH,
	    p, res, t);
	*key_found = 0;
	if (rc == DB_OK && !b.null[KC_ID]) {
		db_key_finish(&b);
		*key_found = 1;
	}
	return rc;
}

enum db_status
db_key_by_value(struct db *db, const char *key, struct db_key *k)
{
	struct key_binds b;
	MYSQL_BIND p[1];
	enum db_status rc;

	db_key_bind(&b, NULL, k, KEY_BIND_VERIFY);
	db_bind_in_str(&p[0], key, strlen(key));
	rc = db_fetch_one(db, ST_KEY_BY_VALUE, p, b.res, NULL);
	if (rc == DB_OK)
		db_key_finish(&b);
	return rc;
}

struct list_ctx {
	struct key_binds	 b;
	db_key_cb		*cb;
	void			*ctx;
};

static int
list_row(void *ctx)
{
	struct list_ctx *l = ctx;

	db_key_finish(&l->b);
	return l->cb(l->ctx, l->b.k);
}

enum db_status
db_keys_list(struct db *db, uint64_t user_id, unsigned limit, db_key_cb *cb, void *ctx)
{
	struct list_ctx l;
	struct db_key k;
	MYSQL_BIND p[2];
	uint64_t lim = limit;

	db_key_bind(&l.b, NULL, &k, KEY_BIND_SETTINGS);
	l.cb = cb;
	l.ctx = ctx;
	db_bind_u64(&p[0], &user_id);
	db_bind_u64(&p[1], &lim);
	return db_run_prepared(db, ST_KEYS_LIST, p, l.b.res, NULL, NULL, list_row, &l);
}

struct revoke_ctx {
	uint64_t		 id, user_id;
	const struct db_actor	*actor;
	int64_t			 revoked_at;
};

/* Revokes unless revoked already, then reads the (first) revocation time;
 * the event only when this revocation changed the row. */
static enum db_status
revoke_body(struct db *db, void *ctx, int *retry)
{
	struct revoke_ctx *c = ctx;
	MYSQL_BIND p[2], res[1];
	MYSQL_TIME t;
	my_bool null = 0;
	unsigned long long changed = 0;
	enum db_status rc;

	db_bind_u64(&p[0], &c->id);
	db_bind_u64(&p[1], &c->user_id);
	if ((rc = db_exec(db, ST_KEY_REVOKE, p, &changed, retry)) != DB_OK)
		return rc;
	if (changed > 0 && (rc = db_event_record(db, c->id, c->user_id, "revoked", c->actor,
	    NULL, retry)) != DB_OK)
		return rc;
	db_bind_out_time(&res[0], &t, &null);
	rc = db_fetch_one(db, ST_KEY_REVOKED_AT, p, res, retry);
	if (rc == DB_OK)
		c->revoked_at = db_time_us(&t, null);
	return rc;
}

enum db_status
db_key_revoke(struct db *db, uint64_t id, uint64_t user_id, const struct db_actor *actor,
    int64_t *revoked_at)
{
	struct revoke_ctx c = { id, user_id, actor, DB_TIME_NULL };
	enum db_status rc;

	if ((rc = db_tx_run(db, revoke_body, &c, "revoke")) == DB_OK)
		*revoked_at = c.revoked_at;
	return rc;
}

enum db_status
db_key_touch(struct db *db, uint64_t id)
{
	MYSQL_BIND p[1];

	db_bind_u64(&p[0], &id);
	return db_exec(db, ST_KEY_TOUCH, p, NULL, NULL);
}

/* Locks the user's row: every key-changing transaction of one user queues
 * here, which is what keeps "exactly one key" true under concurrency. */
static enum db_status
lock_user(struct db *db, uint64_t *user_id, int *retry)
{
	MYSQL_BIND p[1], res[1];
	uint64_t locked = 0;

	db_bind_u64(&p[0], user_id);
	db_bind_u64(&res[0], &locked);
	return db_fetch_one(db, ST_USER_LOCK, p, res, retry);
}

struct create_ctx {
	const struct db_key_new	*k;
	unsigned		 max_live;
	const struct db_actor	*actor;
	uint64_t		 user_id, id;
};

static enum db_status
create_body(struct db *db, void *ctx, int *retry)
{
	struct create_ctx *c = ctx;
	const struct db_key_new *k = c->k;
	MYSQL_BIND p[13], res[1];
	MYSQL_TIME exp, cre;
	uint64_t live = 0, rate = k->rate_limit, window = k->rate_window;
	uint64_t remaining = k->remaining_uses;
	enum db_status rc;

	if ((rc = lock_user(db, &c->user_id, retry)) != DB_OK)
		return rc;
	db_bind_u64(&p[0], &c->user_id);
	db_bind_u64(&res[0], &live);
	if ((rc = db_fetch_one(db, ST_KEY_COUNT_LIVE, p, res, retry)) != DB_OK)
		return rc;
	if (live >= c->max_live)
		return DB_LIMIT;
	db_bind_in_str(&p[1], k->name, strlen(k->name));
	db_bind_in_str(&p[2], k->key, strlen(k->key));
	db_bind_in_str(&p[3], k->secret_hash, strlen(k->secret_hash));
	db_bind_in_str(&p[4], k->secret_hint, strlen(k->secret_hint));
	db_bind_in_str(&p[5], k->permissions, strlen(k->permissions));
	db_bind_in_time(&p[6], &exp, k->expires_at);
	db_bind_in_time(&p[7], &cre, k->created_at);
	p[8] = p[7];
	db_bind_u64(&p[9], &rate);
	db_bind_u64(&p[10], &window);
	if (k->rate_limit == 0)
		p[9].buffer_type = p[10].buffer_type = MYSQL_TYPE_NULL;
	db_bind_u64(&p[11], &remaining);
	if (!k->has_remaining)
		p[11].buffer_type = MYSQL_TYPE_NULL;
	db_bind_in_str(&p[12], k->allowed_ips != NULL ? k->allowed_ips : "",
	    k->allowed_ips != NULL ? strlen(k->allowed_ips) : 0);
	if (k->allowed_ips == NULL)
		p[12].buffer_type = MYSQL_TYPE_NULL;
	if ((rc = db_exec(db, ST_KEY_CREATE, p, NULL, retry)) != DB_OK)
		return rc;
	c->id = db_insert_id(db, ST_KEY_CREATE);
	return db_event_record(db, c->id, c->user_id, "created", c->actor, NULL, retry);
}

enum db_status
db_key_create(struct db *db, const struct db_key_new *k, unsigned max_live,
    const struct db_actor *actor, uint64_t *new_id)
{
	struct create_ctx c = { k, max_live, actor, k->user_id, 0 };
	enum db_status rc;

	if ((rc = db_tx_run(db, create_body, &c, "create")) == DB_OK)
		*new_id = c.id;
	return rc;
}


/* fake-db.c: the database layer (db.h and the db_*.h of the handlers' queries) over in-memory tables, with a call log and forced failures, for handler tests. */
#include "ac-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db_events.h"
#include "db_generate.h"
#include "db_keys.h"
#include "db_rotate.h"
#include "db_settings.h"
#include "fake-db.h"
#include "timeutil.h"

/* db.h leaves the handle opaque; the fake needs nothing in it. */
struct db {
	const struct config	*cfg;
};

struct fake_user {
	uint64_t	id;
	int		email_verified;
};

struct fake_token {
	uint64_t	id;
	uint64_t	user_id;
	char		hash[DB_HASH_HEX + 1];
	int		expired;
	int		stale;
	int		can_read, can_write;
	int64_t		age;
};

static struct fake_user users[FAKE_USERS];
static size_t nusers;
static struct fake_token tokens[FAKE_TOKENS];
static size_t ntokens;
static struct db_key keys[FAKE_KEYS];
static size_t nkeys;
static uint64_t next_key_id = 1;
static int64_t clock_now;

/* Token buckets of keys with a rate limit, by key id: bucket_tokens (a
 * DOUBLE column) and bucket_at (microseconds), both NULL (full) until the
 * first spending.  No slot: full. */
static struct {
	uint64_t	id;
	int		null;
	double		tokens;
	int64_t		at;
} buckets[FAKE_KEYS];
static size_t nbuckets;

static char log_lines[FAKE_LOG][FAKE_LOG_LINE];
static size_t nlog;
static char log_joined[FAKE_LOG * (FAKE_LOG_LINE + 2)];

static const char *fail_fn;	/* NULL with fail_armed: any function */
static int fail_armed;
static enum db_status fail_rc;

static struct db the_db;

struct fake_event {
	struct db_event	e;
	uint64_t	user_id;
};

static struct fake_event events[FAKE_EVENTS];
static size_t nevents;
static char event_text[FAKE_LOG_LINE + DB_DETAILS_MAX];

/* rotated_to of the keys a rotation changed. */
static struct {
	uint64_t	id, to;
} rotations[FAKE_KEYS];
static size_t nrotations;

void
fake_db_reset(void)
{
	memset(users, 0, sizeof(users));
	memset(tokens, 0, sizeof(tokens));
	memset(keys, 0, sizeof(keys));
	nusers = ntokens = nkeys = 0;
	memset(events, 0, sizeof(events));
	nbuckets = nevents = nrotations = 0;
	next_key_id = 1;
	clock_now = 0;
	fail_armed = 0;
	fail_fn = NULL;
	fake_db_log_clear();
}

void
fake_db_set_now(int64_t now)
{
	clock_now = now;
}

/* Microseconds, as every time of db.h. */
static int64_t
now(void)
{
	return clock_now != 0 ? clock_now : time_now_us();
}

/* now() in whole seconds, as the SQL's NOW() stores it. */
static int64_t
now_whole(void)
{
	int64_t t = now();

	return t - t % TIME_US;
}

void
fake_db_add_user(uint64_t id, int email_verified)
{
	if (nusers < FAKE_USERS) {
		users[nusers].id = id;
		users[nusers].email_verified = email_verified;
		nusers++;
	}
}

void
fake_db_add_token(uint64_t id, uint64_t user_id, const char *hash, int expired, int stale)
{
	struct fake_token *t;

	if (ntokens >= FAKE_TOKENS)
		return;
	t = &tokens[ntokens++];
	t->id = id;
	t->user_id = user_id;
	snprintf(t->hash, sizeof(t->hash), "%s", hash);
	t->expired = expired;
	t->stale = stale;
	t->can_read = t->can_write = 1;	/* Laravel's default abilities: ["*"] */
	t->age = 0;
}

void
fake_db_token_set(uint64_t id, int can_read, int can_write, int64_t age)
{
	size_t i;

	for (i = 0; i < ntokens; i++)
		if (tokens[i].id == id) {
			tokens[i].can_read = can_read;
			tokens[i].can_write = can_write;
			tokens[i].age = age;
		}
}

struct db_key *
fake_db_add_key(const struct db_key *k)
{
	struct db_key *row;

	if (nkeys >= FAKE_KEYS)
		return NULL;
	row = &keys[nkeys++];
	*row = *k;
	if (row->id >= next_key_id)
		next_key_id = row->id + 1;
	return row;
}

struct db_key *
fake_db_key(uint64_t id)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (keys[i].id == id)
			return &keys[i];
	return NULL;
}

size_t
fake_db_user_keys(uint64_t user_id, struct db_key **first)
{
	size_t i, n = 0;

	if (first != NULL)
		*first = NULL;
	for (i = 0; i < nkeys; i++) {
		if (keys[i].user_id != user_id)
			continue;
		if (first != NULL && (*first == NULL || keys[i].id < (*first)->id))
			*first = &keys[i];
		n++;
	}
	return n;
}

void
fake_db_fail(const char *fn, enum db_status rc)
{
	fail_armed = 1;
	fail_fn = fn;
	fail_rc = rc;
}

size_t
fake_db_log_count(void)
{
	return nlog;
}

const char *
fake_db_log_line(size_t i)
{
	return i < nlog ? log_lines[i] : NULL;
}

const char *
fake_db_log(void)
{
	size_t i, len = 0;

	log_joined[0] = '\0';
	for (i = 0; i < nlog; i++) {
		int n = snprintf(log_joined + len, sizeof(log_joined) - len, "%s%s",
		    i > 0 ? "; " : "", log_lines[i]);

		if (n > 0)
			len += (size_t)n;
	}
	return log_joined;
}

void
fake_db_log_clear(void)
{
	nlog = 0;
	log_joined[0] = '\0';
}

size_t
fake_db_event_count(void)
{
	return nevents;
}

const char *
fake_db_event_line(size_t i)
{
	const struct db_event *e;

	if (i >= nevents)
		return NULL;
	e = &events[i].e;
	snprintf(event_text, sizeof(event_text), "key=%llu user=%llu action=%s actor=%s "
	    "ip=%s details=%s", (unsigned long long)e->key_id,
	    (unsigned long long)events[i].user_id, e->action, e->actor,
	    e->ip_null ? "-" : e->ip, e->details_null ? "-" : e->details);
	return event_text;
}

uint64_t
fake_db_rotated_to(uint64_t id)
{
	size_t i;

	for (i = 0; i < nrotations; i++)
		if (rotations[i].id == id)
			return rotations[i].to;
	return 0;
}

void
fake_db_set_rotated(uint64_t id, uint64_t to)
{
	struct db_key *row = fake_db_key(id);
	size_t i;

	if (row != NULL)
		row->rotated_to = to;

	for (i = 0; i < nrotations; i++)
		if (rotations[i].id == id) {
			rotations[i].to = to;
			return;
		}
	if (nrotations < FAKE_KEYS) {
		rotations[nrotations].id = id;
		rotations[nrotations++].to = to;
	}
}

/* Records one event, stamped with the fake's clock. */
static void
event_add(uint64_t key_id, uint64_t user_id, const char *action,
    const struct db_actor *a, const char *details)
{
	struct db_event *e;

	if (nevents >= FAKE_EVENTS)
		return;
	e = &events[nevents].e;
	memset(e, 0, sizeof(*e));
	e->id = nevents + 1;
	e->key_id = key_id;
	events[nevents].user_id = user_id;
	snprintf(e->action, sizeof(e->action), "%s", action);
	snprintf(e->actor, sizeof(e->actor), "%s", a->name);
	e->ip_null = a->ip == NULL;
	snprintf(e->ip, sizeof(e->ip), "%s", a->ip != NULL ? a->ip : "");
	e->details_null = details == NULL;
	snprintf(e->details, sizeof(e->details), "%s", details != NULL ? details : "");
	e->created_at = now();
	nevents++;
}

/*
 * Logs one call ("fn" then the formatted arguments) and returns the forced
 * failure if one is armed for fn, else DB_OK.
 */
static enum db_status
enter(const char *fn, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (nlog < FAKE_LOG) {
		char *line = log_lines[nlog++];

		n = snprintf(line, FAKE_LOG_LINE, "%s", fn);
		if (fmt != NULL && n > 0 && (size_t)n < FAKE_LOG_LINE - 1) {
			line[n++] = ' ';
			va_start(ap, fmt);
			vsnprintf(line + n, FAKE_LOG_LINE - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	if (fail_armed && (fail_fn == NULL || strcmp(fail_fn, fn) == 0)) {
		fail_armed = 0;
		return fail_rc;
	}
	return DB_OK;
}

static struct fake_user *
user_find(uint64_t id)
{
	size_t i;

	for (i = 0; i < nusers; i++)
		if (users[i].id == id)
			return &users[i];
	return NULL;
}

/* A token row as the real queries see it: not expired, its user present. */
static enum db_status
token_get(uint64_t id, const char *hash, struct db_token *t)
{
	struct fake_user *u;
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < ntokens; i++) {
		if (id != 0 ? tokens[i].id != id : strcmp(tokens[i].hash, hash) != 0)
			continue;
		if (tokens[i].expired || (u = user_find(tokens[i].user_id)) == NULL)
			return DB_NOT_FOUND;
		if (strlen(tokens[i].hash) != DB_HASH_HEX)
			return DB_NOT_FOUND;	/* as the real catalogue: cannot match */
		t->id = tokens[i].id;
		t->user_id = tokens[i].user_id;
		memcpy(t->hash, tokens[i].hash, sizeof(t->hash));
		t->stale = tokens[i].stale;
		t->email_verified = u->email_verified;
		t->can_read = tokens[i].can_read;
		t->can_write = tokens[i].can_write;
		t->age = tokens[i].age;
		return DB_OK;
	}
	return DB_NOT_FOUND;
}

static int
key_live(const struct db_key *k)
{
	return k->revoked_at == DB_TIME_NULL &&
	    (k->expires_at == DB_TIME_NULL || k->expires_at > now());
}


struct db *
db_open(const struct config *cfg, int flags)
{
	(void)enter("db_open", "flags=%d", flags);
	the_db.cfg = cfg;
	return &the_db;
}

void
db_close(struct db *db)
{
	(void)enter("db_close", NULL);
	(void)db;
}

enum db_status
db_connect(struct db *db)
{
	(void)db;
	return enter("db_connect", NULL);
}

enum db_status
db_token_by_id(struct db *db, uint64_t id, struct db_token *t)
{
	enum db_status rc = enter("db_token_by_id", "id=%llu", (unsigned long long)id);

	(void)db;
	memset(t, 0, sizeof(*t));
	return rc != DB_OK ? rc : token_get(id, NULL, t);
}

enum db_status
db_token_by_hash(struct db *db, const char *hash, struct db_token *t)
{
	enum db_status rc = enter("db_token_by_hash", "hash=%s", hash);

	(void)db;
	memset(t, 0, sizeof(*t));
	return rc != DB_OK ? rc : token_get(0, hash, t);
}

enum db_status
db_token_touch(struct db *db, uint64_t id)
{
	enum db_status rc = enter("db_token_touch", "id=%llu", (unsigned long long)id);
	size_t i;

	(void)db;
	if (rc != DB_OK)
		return rc;
	for (i = 0; i < ntokens; i++)
		if (tokens[i].id == id)
			tokens[i].stale = 0;
	return DB_OK;
}

enum db_status
db_token_with_key(struct db *db, uint64_t token_id, const char *hash, uint64_t key_id,
    struct db_token *t, struct db_key *k, int *key_found)
{
	struct db_key *row;
	enum db_status rc;

	(void)db;
	if (token_id != 0)
		rc = enter("db_token_with_key", "token=%llu key=%llu",
		    (unsigned long long)token_id, (unsigned long long)key_id);
	else
		rc = enter("db_token_with_key", "hash=%s key=%llu", hash,
		    (unsigned long long)key_id);
	*key_found = 0;
	memset(t, 0, sizeof(*t));
	memset(k, 0, sizeof(*k));
	if (rc != DB_OK || (rc = token_get(token_id, hash, t)) != DB_OK)
		return rc;
	/* The join: only a key of the token's user, whatever the token's
	 * plaintext (auth compares the hash afterwards). */
	if (key_id != 0 && (row = fake_db_key(key_id)) != NULL && row->user_id == t->user_id) {
		fake_db_row_read(row, k, KEY_READ_SHOW);
		*key_found = 1;
	}
	return DB_OK;
}

enum db_status
db_key_replace(struct db *db, uint64_t user_id, const char *key,
    const char *secret_hash, const char *secret_hint, const struct db_actor *actor,
    uint64_t *new_id)
{
	enum db_status rc = enter("db_key_replace", "user=%llu", (unsigned long long)user_id);
	struct db_key nk;
	size_t i, j;
	int64_t t = now_whole();

	(void)db;
	if (rc != DB_OK)
		return rc;
	if (user_find(user_id) == NULL)
		return DB_NOT_FOUND;
	if (nkeys >= FAKE_KEYS)
		return DB_ERROR;
	for (i = j = 0; i < nkeys; i++)
		if (keys[i].user_id != user_id)
			keys[j++] = keys[i];
		else
			event_add(keys[i].id, user_id, "deleted", actor, NULL);
	nkeys = j;
	memset(&nk, 0, sizeof(nk));
	nk.id = next_key_id;
	nk.user_id = user_id;
	nk.name_null = 1;
	snprintf(nk.key, sizeof(nk.key), "%s", key);
	snprintf(nk.secret_hash, sizeof(nk.secret_hash), "%s", secret_hash);
	snprintf(nk.secret_hint, sizeof(nk.secret_hint), "%s", secret_hint);
	strcpy(nk.permissions, "[]");
	nk.created_at = nk.updated_at = t;
	nk.expires_at = time_add_years_us(t, 1);
	nk.last_used_at = nk.revoked_at = DB_TIME_NULL;
	fake_db_add_key(&nk);
	event_add(nk.id, user_id, "generated", actor, NULL);
	*new_id = nk.id;
	return DB_OK;
}

enum db_status
db_key_create(struct db *db, const struct db_key_new *n, unsigned max_live,
    const struct db_actor *actor, uint64_t *new_id)
{
	enum db_status rc = enter("db_key_create", "user=%llu name=%s perms=%s max=%u",
	    (unsigned long long)n->user_id, n->name, n->permissions, max_live);
	struct db_key nk;
	unsigned live = 0;
	size_t i;

	(void)db;
	if (rc != DB_OK)
		return rc;
	if (user_find(n->user_id) == NULL)
		return DB_NOT_FOUND;
	for (i = 0; i < nkeys; i++)
		if (keys[i].user_id == n->user_id && key_live(&keys[i]))
			live++;
	if (live >= max_live)
		return DB_LIMIT;
	if (nkeys >= FAKE_KEYS)
		return DB_ERROR;
	memset(&nk, 0, sizeof(nk));
	nk.id = next_key_id;
	nk.user_id = n->user_id;
	snprintf(nk.name, sizeof(nk.name), "%s", n->name);
	snprintf(nk.key, sizeof(nk.key), "%s", n->key);
	snprintf(nk.secret_hash, sizeof(nk.secret_hash), "%s", n->secret_hash);
	snprintf(nk.secret_hint, sizeof(nk.secret_hint), "%s", n->secret_hint);
	snprintf(nk.permissions, sizeof(nk.permissions), "%s", n->permissions);
	nk.expires_at = n->expires_at;
	nk.created_at = nk.updated_at = n->created_at;
	nk.rate_limit = n->rate_limit;
	nk.rate_window = n->rate_limit != 0 ? n->rate_window : 0;
	nk.has_remaining = n->has_remaining;
	nk.remaining_uses = n->remaining_uses;
	snprintf(nk.allowed_ips, sizeof(nk.allowed_ips), "%s",
	    n->allowed_ips != NULL ? n->allowed_ips : "");
	nk.last_used_at = nk.revoked_at = DB_TIME_NULL;
	fake_db_add_key(&nk);
	event_add(nk.id, n->user_id, "created", actor, NULL);
	*new_id = nk.id;
	return DB_OK;
}

/* Newest first: created_at, then id, descending. */
static int
newer(const struct db_key *a, const struct db_key *b)
{
	if (a->created_at != b->created_at)
		return a->created_at > b->created_at;
	return a->id > b->id;
}

enum db_status
db_keys_list(struct db *db, uint64_t user_id, unsigned limit, db_key_cb *cb, void *ctx)
{
	enum db_status rc = enter("db_keys_list", "user=%llu limit=%u",
	    (unsigned long long)user_id, limit);
	const struct db_key *order[FAKE_KEYS], *tmp;
	struct db_key k;
	size_t i, j, n = 0;

	(void)db;
	if (rc != DB_OK)
		return rc;
	for (i = 0; i < nkeys; i++)
		if (keys[i].user_id == user_id)
			order[n++] = &keys[i];
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && newer(order[j], order[j - 1]); j--) {
			tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	for (i = 0; i < n && i < limit; i++) {
		fake_db_row_read(order[i], &k, KEY_READ_SETTINGS);
		if (cb(ctx, &k) != 0)
			return DB_ERROR;	/* as the driver: a stopped fetch failed */
	}
	return DB_OK;
}

enum db_status
db_key_revoke(struct db *db, uint64_t id, uint64_t user_id, const struct db_actor *actor,
    int64_t *revoked_at)
{
	enum db_status rc = enter("db_key_revoke", "id=%llu user=%llu",
	    (unsigned long long)id, (unsigned long long)user_id);
	struct db_key *row;

	(void)db;
	if (rc != DB_OK)
		return rc;
	if ((row = fake_db_key(id)) == NULL || row->user_id != user_id)
		return DB_NOT_FOUND;
	if (row->revoked_at == DB_TIME_NULL) {
		row->revoked_at = now_whole();
		row->updated_at = row->revoked_at;
		event_add(id, user_id, "revoked", actor, NULL);
	}
	*revoked_at = row->revoked_at;
	return DB_OK;
}

/* The slot of key id's bucket, made full if it has none.  NULL when full. */
static size_t
bucket_slot(uint64_t id)
{
	size_t i;

	for (i = 0; i < nbuckets; i++)
		if (buckets[i].id == id)
			return i;
	if (nbuckets >= FAKE_KEYS)
		return 0;
	buckets[nbuckets].id = id;
	buckets[nbuckets].null = 1;
	return nbuckets++;
}

/*
 * The uses in a key's bucket now: SQL_BUCKET_LEVEL (db_sql.h) step by step,
 * in the types MariaDB evaluates it in, so that the fake gives the same
 * double, bit for bit (tests/bucket-oracle.test compares the two):
 *   GREATEST(0, TIMESTAMPDIFF(MICROSECOND, bucket_at, NOW(6)))  an integer
 *   ... * rate_limit                                     an integer product
 *   ... / (rate_window * 1e6)     1e6 is a DOUBLE literal: a double division
 *   bucket_tokens + ...                 the DOUBLE column plus that double
 *   LEAST(rate_limit, ...)                       compared as doubles
 * and rate_limit itself while the bucket is NULL (never spent).
 */
static double
bucket_level(const struct db_key *row)
{
	size_t b = bucket_slot(row->id);
	int64_t elapsed;
	double level;

	if (buckets[b].null)
		return (double)row->rate_limit;
	elapsed = now() - buckets[b].at;
	if (elapsed < 0)
		elapsed = 0;	/* a clock behind bucket_at refills nothing */
	level = buckets[b].tokens + (double)((uint64_t)elapsed * row->rate_limit) /
	    ((double)row->rate_window * 1e6);
	return level < (double)row->rate_limit ? level : (double)row->rate_limit;
}

/* FLOOR of a double well inside int64_t's range (without libm). */
static double
floor_double(double x)
{
	double t = (double)(int64_t)x;

	return t > x ? t - 1 : t;
}

/* SQL_KEY_BUCKET_MICRO: FLOOR(level * 1e6), 0 without a limit. */
static int64_t
bucket_micro(const struct db_key *row)
{
	return row->rate_limit != 0 ? (int64_t)floor_double(bucket_level(row) * 1e6) : 0;
}

/* SQL_NOT_USED_RECENTLY: never used, or before NOW() (whole seconds) less
 * 60 seconds. */
static int
not_used_recently(const struct db_key *row)
{
	return row->last_used_at == DB_TIME_NULL || row->last_used_at < now_whole() - 60 * TIME_US;
}

void
fake_db_bucket_set(uint64_t id, double left, int64_t at)
{
	size_t b = bucket_slot(id);

	buckets[b].null = 0;
	buckets[b].tokens = left;
	buckets[b].at = at;
}

const char *
fake_db_event(size_t i)
{
	if (i >= nevents)
		return NULL;
	snprintf(event_text, sizeof(event_text), "key=%llu %s %s",
	    (unsigned long long)events[i].e.key_id, events[i].e.action,
	    events[i].e.details_null ? "-" : events[i].e.details);
	return event_text;
}

enum db_status
db_key_spend(struct db *db, uint64_t id, unsigned cost, int *spent,
    uint64_t *remaining_uses, uint64_t *bucket_left)
{
	enum db_status rc = enter("db_key_spend", "id=%llu cost=%u",
	    (unsigned long long)id, cost);
	struct db_key *row;
	double level = 0;
	size_t b;

	(void)db;
	*spent = 0;
	*remaining_uses = *bucket_left = 0;
	if (rc != DB_OK)
		return rc;
	if ((row = fake_db_key(id)) == NULL)
		return DB_OK;
	if (row->rate_limit != 0)
		level = bucket_level(row);
	if (!key_live(row) || row->disabled || (row->rate_limit != 0 && level < 1) ||
	    (row->has_remaining && row->remaining_uses < cost))
		return DB_OK;
	if (row->rate_limit != 0) {
		b = bucket_slot(id);
		buckets[b].null = 0;
		buckets[b].tokens = level - 1;
		buckets[b].at = now();
		/* CAST(FLOOR(bucket_tokens) AS UNSIGNED) of the stored double. */
		*bucket_left = (uint64_t)floor_double(buckets[b].tokens);
	}
	if (row->has_remaining) {
		row->remaining_uses -= cost;
		*remaining_uses = row->remaining_uses;
	}
	if (not_used_recently(row))
		row->last_used_at = now_whole();
	*spent = 1;
	return DB_OK;
}

enum db_status
db_key_update(struct db *db, uint64_t id, uint64_t user_id, const struct db_actor *actor,
    db_key_edit *edit, void *ctx, struct db_key *out, int *revoked)
{
	enum db_status rc = enter("db_key_update", "id=%llu user=%llu actor=%s ip=%s",
	    (unsigned long long)id, (unsigned long long)user_id, actor->name,
	    actor->ip != NULL ? actor->ip : "-");
	struct db_key *row, next;
	char details[512];

	(void)db;
	*revoked = 0;
	if (rc != DB_OK)
		return rc;
	if ((row = fake_db_key(id)) == NULL || row->user_id != user_id)
		return DB_NOT_FOUND;
	fake_db_row_read(row, out, KEY_READ_SETTINGS);
	/* As db_settings.c: revoked first, then rotated (a key in its overlap
	 * is retired too: a PATCH must not extend or revive it). */
	if (row->revoked_at != DB_TIME_NULL) {
		*revoked = DB_KEY_REVOKED;
		return DB_OK;
	}
	if (row->rotated_to != 0) {
		*revoked = DB_KEY_ROTATED;
		return DB_OK;
	}
	details[0] = '\0';
	if (edit(ctx, out, &next, details, sizeof(details)) == 0)
		return DB_OK;
	/* A new or changed limit starts with a full bucket. */
	if (next.rate_limit != row->rate_limit || next.rate_window != row->rate_window)
		buckets[bucket_slot(id)].null = 1;
	memcpy(next.secret_hash, row->secret_hash, sizeof(next.secret_hash));
	*row = next;
	fake_db_row_read(row, out, KEY_READ_SETTINGS);
	event_add(id, user_id, "updated", actor, details);
	return DB_OK;
}

enum db_status
db_key_rotate(struct db *db, const struct db_rotate *in, const struct db_actor *actor,
    struct db_rotated *out)
{
	enum db_status rc = enter("db_key_rotate", "id=%llu user=%llu grace=%u actor=%s",
	    (unsigned long long)in->id, (unsigned long long)in->user_id, in->grace_seconds,
	    actor->name);
	struct db_key *row, *prev, nk;
	char details[96];
	size_t i;

	(void)db;
	memset(out, 0, sizeof(*out));
	if (rc != DB_OK)
		return rc;
	if ((row = fake_db_key(in->id)) == NULL || row->user_id != in->user_id)
		return DB_NOT_FOUND;
	if (!key_live(row) || fake_db_rotated_to(in->id) != 0) {
		out->refused = 1;
		return DB_OK;
	}
	if (nkeys >= FAKE_KEYS)
		return DB_ERROR;
	/* As db_rotate.c: the key the rotated key replaced, if its overlap
	 * still runs, is revoked now (at most two live keys a chain). */
	for (i = 0; i < nkeys; i++) {
		prev = &keys[i];
		if (prev->user_id == in->user_id && prev->rotated_to == in->id &&
		    key_live(prev)) {
			prev->revoked_at = prev->updated_at = now_whole();
			event_add(prev->id, in->user_id, "revoked", actor, NULL);
		}
	}
	nk = *row;
	nk.id = next_key_id;
	snprintf(nk.key, sizeof(nk.key), "%s", in->key);
	snprintf(nk.secret_hash, sizeof(nk.secret_hash), "%s", in->secret_hash);
	snprintf(nk.secret_hint, sizeof(nk.secret_hint), "%s", in->secret_hint);
	nk.expires_at = in->expires_at;
	nk.created_at = nk.updated_at = in->now;
	nk.last_used_at = nk.revoked_at = DB_TIME_NULL;
	out->new_id = nk.id;
	snprintf(out->name, sizeof(out->name), "%s", row->name);
	out->name_null = row->name_null;
	snprintf(out->permissions, sizeof(out->permissions), "%s", row->permissions);
	if (in->grace_seconds == 0)
		row->revoked_at = in->now;
	else if (row->expires_at == DB_TIME_NULL ||
	    in->now + (int64_t)in->grace_seconds * TIME_US < row->expires_at)
		row->expires_at = in->now + (int64_t)in->grace_seconds * TIME_US;
	row->updated_at = in->now;
	out->old_expires_at = row->expires_at;
	out->old_revoked_at = row->revoked_at;
	fake_db_set_rotated(in->id, nk.id);
	fake_db_add_key(&nk);	/* last: the array may not move row before */
	snprintf(details, sizeof(details), "{\"rotated_to\":%llu,\"grace_seconds\":%u}",
	    (unsigned long long)nk.id, in->grace_seconds);
	event_add(in->id, in->user_id, "rotated", actor, details);
	snprintf(details, sizeof(details), "{\"rotated_from\":%llu}", (unsigned long long)in->id);
	event_add(nk.id, in->user_id, "created", actor, details);
	return DB_OK;
}

enum db_status
db_key_events(struct db *db, uint64_t key_id, uint64_t user_id, unsigned limit,
    db_event_cb *cb, void *ctx)
{
	enum db_status rc = enter("db_key_events", "id=%llu user=%llu limit=%u",
	    (unsigned long long)key_id, (unsigned long long)user_id, limit);
	const struct db_event *order[FAKE_EVENTS], *tmp;
	size_t i, j, n = 0;

	(void)db;
	if (rc != DB_OK)
		return rc;
	for (i = 0; i < nevents; i++)
		if (events[i].e.key_id == key_id && events[i].user_id == user_id)
			order[n++] = &events[i].e;
	/* Newest first: created_at, then id, descending. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && (order[j]->created_at > order[j - 1]->created_at ||
		    (order[j]->created_at == order[j - 1]->created_at &&
		    order[j]->id > order[j - 1]->id)); j--) {
			tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	for (i = 0; i < n && i < limit; i++)
		if (cb(ctx, order[i]) != 0)
			return DB_ERROR;
	return DB_OK;
}

enum db_status
db_key_by_value(struct db *db, const char *key, struct db_key *k)
{
	enum db_status rc = enter("db_key_by_value", "key=%s", key);
	struct db_key *row = NULL;
	size_t i;

	(void)db;
	memset(k, 0, sizeof(*k));
	if (rc != DB_OK)
		return rc;
	for (i = 0; i < nkeys && row == NULL; i++)
		if (strcmp(keys[i].key, key) == 0)
			row = &keys[i];
	if (row == NULL)
		return DB_NOT_FOUND;
	fake_db_row_read(row, k, KEY_READ_VERIFY);
	k->live = key_live(row);
	k->stale = not_used_recently(row);
	k->bucket_micro = bucket_micro(row);
	return DB_OK;
}

enum db_status
db_key_touch(struct db *db, uint64_t id)
{
	enum db_status rc = enter("db_key_touch", "id=%llu", (unsigned long long)id);
	struct db_key *row;

	(void)db;
	if (rc != DB_OK)
		return rc;
	if ((row = fake_db_key(id)) == NULL)
		return DB_NOT_FOUND;
	if (not_used_recently(row))
		row->last_used_at = now_whole();
	return DB_OK;
}

const char *
db_strerror(enum db_status s)
{
	switch (s) {
	case DB_OK:
		return "ok";
	case DB_NOT_FOUND:
		return "not found";
	case DB_UNAVAILABLE:
		return "database unavailable";
	case DB_ERROR:
		return "database error";
	case DB_LIMIT:
		return "limit reached";
	}
	return "unknown database status";
}

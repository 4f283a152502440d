/* db_deliver.c: the delivery run's queries: notices found by the run, and one delivery claimed for a lease that other runs skip, sent with no lock held. */
#include "ac-config.h"

#include <string.h>

#include "crypto.h"
#include "db_bind.h"
#include "db_driver.h"
#include "db_key_bind.h"
#include "db_deliver.h"
#include "log.h"

/* The retry schedule of 9.2: the wait after each failed attempt; after the
 * last one the delivery is failed (7 attempts). */
static const unsigned retry_after[] = { 60, 300, 1800, 7200, 21600, 43200 };
#define MAX_ATTEMPTS	(sizeof(retry_after) / sizeof(retry_after[0]) + 1)

/* How long a claim keeps other runs off a delivery: an attempt takes 10 s
 * at most (9.2), its name lookup and record a little more; a run killed
 * mid-send gives its delivery back when the lease passes. */
#define DELIVER_LEASE	60

/* Prepares, runs and closes one statement; *retry (may be NULL) says
 * whether it failed on a deadlock or a Galera conflict. */
static enum db_status
adhoc_retry(struct db *db, const char *sql, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected, int *retry)
{
	MYSQL_STMT *st;
	enum db_status rc;

	if ((st = db_prepare_retry(db, sql, retry)) == NULL)
		return db->conn == NULL ? DB_UNAVAILABLE : DB_ERROR;
	rc = db_run_retry(st, params, results, affected, retry);
	mysql_stmt_close(st);
	return rc;
}

static enum db_status
adhoc(struct db *db, const char *sql, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected)
{
	return adhoc_retry(db, sql, params, results, affected, NULL);
}

/* Runs one plain statement; *retry (may be NULL) says whether it failed on
 * a deadlock or a Galera certification conflict. */
static enum db_status
query_retry(struct db *db, const char *sql, int *retry)
{
	if (retry != NULL)
		*retry = 0;
	if (db_connect(db) != DB_OK)
		return DB_UNAVAILABLE;
	if (mysql_query(db->conn, sql) != 0)
		return db_fail(db, "deliver", retry);
	return DB_OK;
}

static enum db_status
query(struct db *db, const char *sql)
{
	return query_retry(db, sql, NULL);
}

/* The key's user has a webhook for type (migration 014). */
#define SQL_SUBSCRIBED(type)	"apikeys_subscribed(k.user_id, '" type "')"

/* One INSERT IGNORE of notices, tried again (a few times) on error 1213:
 * a run on another Galera node inserting the same notice at once wins the
 * certification, and this run's retry then finds the notice there. */
#define NOTICE_TRIES	5
static enum db_status
notices_insert(struct db *db, const char *sql, MYSQL_BIND *p, unsigned long long *n)
{
	enum db_status rc = DB_ERROR;
	int again = 0, i;

	for (i = 0; i < NOTICE_TRIES; i++)
		if ((rc = adhoc_retry(db, sql, p, NULL, n, &again)) != DB_ERROR || !again)
			break;
	return rc;
}

enum db_status
db_deliver_find_notices(struct db *db, unsigned days, unsigned long long *found)
{
	unsigned long long a = 0, b = 0;
	uint64_t d = days;
	MYSQL_BIND p[1];
	enum db_status rc;

	/* key.expiring: once per key and expires_at value. */
	db_bind_u64(&p[0], &d);
	if ((rc = notices_insert(db, "INSERT IGNORE INTO webhook_notices (key_id, type, marker, details, created_at) "
	    "SELECT k.id, 'key.expiring', CAST(UNIX_TIMESTAMP(k.expires_at) AS CHAR), "
	    "JSON_OBJECT('expires_in_days', FLOOR(TIMESTAMPDIFF(SECOND, NOW(6), k.expires_at) / 86400)), "
	    "NOW(6) FROM api_keys k WHERE k.revoked_at IS NULL AND k.rotated_to IS NULL "
	    "AND k.expires_at > NOW(6) AND k.expires_at <= NOW(6) + INTERVAL ? DAY AND "
	    SQL_SUBSCRIBED("key.expiring"), p, &a)) != DB_OK)
		return rc;
	/* key.usage_exhausted: once, and again after a PATCH of remaining_uses
	 * (the marker is the last such audit event). */
	if ((rc = notices_insert(db, "INSERT IGNORE INTO webhook_notices (key_id, type, marker, details, created_at) "
	    "SELECT k.id, 'key.usage_exhausted', CAST(IFNULL((SELECT MAX(e.id) FROM api_key_events e "
	    "WHERE e.key_id = k.id AND e.action = 'updated' AND e.details LIKE '%\"remaining\\_uses\"%'), 0) AS CHAR), "
	    "NULL, NOW(6) FROM api_keys k WHERE k.remaining_uses = 0 AND " SQL_SUBSCRIBED("key.usage_exhausted"),
	    NULL, &b)) != DB_OK)
		return rc;
	*found = a + b;
	return DB_OK;
}

/* The key as it was at the event, from its snapshot, in the columns of
 * SQL_KEY_COLUMNS (times from epoch seconds, in the session's UTC). */
#define SNAP(m)		"JSON_VALUE(e.key_snapshot, '$." m "')"
#define SNAP_U(m)	"CAST(" SNAP(m) " AS UNSIGNED)"
#define SNAP_T(m)	"FROM_UNIXTIME(CAST(" SNAP(m) " AS DECIMAL(20,6)))"
#define SQL_DUE \
	"SELECT d.id, d.event_id, w.user_id, d.attempts, w.url, w.secret_sealed, e.type, " \
	"e.created_at, e.key_snapshot IS NOT NULL, " \
	"JSON_COMPACT(JSON_EXTRACT(e.details, '$.changes')), " \
	"CAST(JSON_VALUE(e.details, '$.rotated_to') AS UNSIGNED), " \
	"CAST(JSON_VALUE(e.details, '$.grace_seconds') AS SIGNED), " \
	"CAST(JSON_VALUE(e.details, '$.expires_in_days') AS SIGNED), " \
	"JSON_VALUE(e.details, '$.found'), IFNULL(JSON_VALUE(e.details, '$.revoked') IN ('true', '1'), 0), " \
	SNAP_U("id") ", " SNAP_U("user_id") ", " SNAP("name") ", " SNAP("key") ", " \
	SNAP("secret_hint") ", " SNAP("permissions") ", " SNAP_T("expires_at") ", " \
	SNAP_T("last_used_at") ", " SNAP_T("revoked_at") ", " SNAP_T("created_at") ", " \
	SNAP_T("updated_at") ", " SNAP_U("enabled") ", " SNAP_U("rate_limit") ", " \
	SNAP_U("rate_window") ", " SNAP_U("remaining_uses") ", " SNAP("allowed_ips") ", " \
	SNAP_U("rotated_to") " " \
	"FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id " \
	"JOIN webhook_events e ON e.id = d.event_id WHERE d.id = ?"
#define DUE_COLUMNS	15

/* Reads what the POST of delivery id needs (a plain read: no lock). */
static enum db_status
due_read(struct db *db, uint64_t id, struct db_due *due)
{
	MYSQL_BIND p[1], r[DUE_COLUMNS + KC_ROTATED + 1];
	my_bool null[DUE_COLUMNS];
	unsigned long len[DUE_COLUMNS];
	long long num[7];
	MYSQL_TIME t;
	struct key_binds kb;
	enum db_status rc;

	memset(due, 0, sizeof(*due));
	memset(null, 0, sizeof(null));
	db_bind_u64(&p[0], &id);
	db_bind_out_i64(&r[0], &num[0], &null[0]);
	db_bind_out_i64(&r[1], &num[1], &null[1]);
	db_bind_out_i64(&r[2], &num[2], &null[2]);
	db_bind_out_i64(&r[3], &num[3], &null[3]);
	db_bind_out_str(&r[4], due->url, sizeof(due->url) - 1, &len[4], &null[4]);
	db_bind_out_str(&r[5], due->sealed, sizeof(due->sealed) - 1, &len[5], &null[5]);
	db_bind_out_str(&r[6], due->type, sizeof(due->type) - 1, &len[6], &null[6]);
	db_bind_out_time(&r[7], &t, &null[7]);
	db_bind_out_int(&r[8], &due->has_key, &null[8]);
	db_bind_out_str(&r[9], due->changes, sizeof(due->changes) - 1, &len[9], &null[9]);
	db_bind_out_i64(&r[10], &num[4], &null[10]);
	db_bind_out_i64(&r[11], &num[5], &null[11]);
	db_bind_out_i64(&r[12], &num[6], &null[12]);
	db_bind_out_str(&r[13], due->found, sizeof(due->found) - 1, &len[13], &null[13]);
	db_bind_out_int(&r[14], &due->revoked, &null[14]);
	db_key_bind(&kb, r + DUE_COLUMNS, &due->key, KEY_BIND_SETTINGS);
	if ((rc = adhoc(db, SQL_DUE, p, r, NULL)) != DB_OK)
		return rc;
	db_key_finish(&kb);
	due->id = (uint64_t)num[0];
	due->event_id = (uint64_t)num[1];
	due->user_id = (uint64_t)num[2];
	due->attempts = (unsigned)num[3];
	due->url[len[4] < sizeof(due->url) ? len[4] : sizeof(due->url) - 1] = '\0';
	due->sealed[len[5] < sizeof(due->sealed) ? len[5] : sizeof(due->sealed) - 1] = '\0';
	due->type[len[6] < sizeof(due->type) ? len[6] : sizeof(due->type) - 1] = '\0';
	due->created_at = db_time_us(&t, null[7]);
	if (null[9])
		due->changes[0] = '\0';
	else
		due->changes[len[9] < sizeof(due->changes) ? len[9] : sizeof(due->changes) - 1] = '\0';
	due->rotated_to = null[10] ? 0 : (uint64_t)num[4];
	due->grace_seconds = null[11] ? 0 : num[5];
	due->expires_in_days = null[12] ? 0 : num[6];
	if (null[13])
		due->found[0] = '\0';
	else
		due->found[len[13] < sizeof(due->found) ? len[13] : sizeof(due->found) - 1] = '\0';
	if (null[14])
		due->revoked = 0;
	return DB_OK;
}

/* record's UPDATE where the claim is still this run's; *n: rows changed. */
static enum db_status
record_update(struct db *db, uint64_t id, uint64_t claim, unsigned attempts,
    const struct db_attempt *a, unsigned long long *n_changed)
{
	MYSQL_BIND p[7];
	uint64_t did = id, n = attempts, wait = 0, failed, mine = claim;
	long long status = a->status;
	my_bool no_status = a->status == 0;
	int ok = a->status >= 200 && a->status <= 299;

	db_bind_u64(&p[0], &n);
	db_bind_out_i64(&p[1], &status, &no_status);
	db_bind_in_str(&p[2], a->error, strlen(a->error));
	if (a->error[0] == '\0' || ok)
		p[2].buffer_type = MYSQL_TYPE_NULL;
	if (ok) {
		db_bind_u64(&p[3], &did);
		db_bind_u64(&p[4], &mine);
		return adhoc(db, "UPDATE webhook_deliveries SET state = 'delivered', attempts = ?, "
		    "last_status = ?, last_error = ?, next_attempt_at = NULL, delivered_at = NOW(6), "
		    "claimed_until = NULL, claim = NULL WHERE id = ? AND claim = ?", p, NULL, n_changed);
	}
	if (attempts < MAX_ATTEMPTS)
		wait = retry_after[attempts - 1];
	failed = wait == 0;
	db_bind_u64(&p[3], &failed);
	db_bind_u64(&p[4], &wait);
	db_bind_u64(&p[5], &did);
	db_bind_u64(&p[6], &mine);
	return adhoc(db, "UPDATE webhook_deliveries SET attempts = ?, last_status = ?, "
	    "last_error = ?, state = IF(? = 1, 'failed', 'pending'), "
	    "next_attempt_at = IF(state = 'failed', NULL, NOW(6) + INTERVAL ? SECOND), "
	    "claimed_until = NULL, claim = NULL WHERE id = ? AND claim = ?", p, NULL, n_changed);
}

/* Records the attempt of the run's claim (and gives the claim up).  A
 * delivery gone meanwhile (its webhook deleted) or claimed again by
 * another run after this one's lease passed is left alone: *what says
 * which. */
static enum db_status
record(struct db *db, uint64_t id, uint64_t claim, unsigned attempts,
    const struct db_attempt *a, enum db_outcome *what)
{
	unsigned long long n = 0;
	enum db_status rc;
	MYSQL_BIND p[1], r[1];
	uint64_t did = id, found;

	if ((rc = record_update(db, id, claim, attempts, a, &n)) != DB_OK || n > 0)
		return rc;
	db_bind_u64(&p[0], &did);
	db_bind_u64(&r[0], &found);
	rc = adhoc(db, "SELECT id FROM webhook_deliveries WHERE id = ?", p, r, NULL);
	if (rc == DB_NOT_FOUND)
		*what = DB_DELIVERY_GONE;
	else if (rc == DB_OK)
		*what = DB_DELIVERY_RECLAIMED;
	return rc == DB_NOT_FOUND ? DB_OK : rc;
}

/* Claims the next pending delivery after *after_id that is due (any
 * pending one with all) and not claimed by a live lease, in a transaction
 * of its own: the row lock lasts the two statements, the claim the
 * lease.  Sets *id and *claim (a random number of this claim); *lost when
 * the claim lost the row to another run: a run on another Galera node
 * claimed it at the same time (row locks are not shared between nodes),
 * and this transaction was aborted, at the commit (certification) or
 * before (brute-force abort by the other node's write), with error 1213.
 * Lost in the SELECT, before any row was taken, *id stays after: the
 * caller looks again from there. */
static enum db_status
claim_next(struct db *db, uint64_t after, int all, uint64_t *id, uint64_t *claim, int *lost)
{
	MYSQL_BIND p[3], r[1];
	uint64_t flag = all ? 1 : 0, lease = DELIVER_LEASE;
	unsigned char rnd[8];
	enum db_status rc;
	size_t i;

	*lost = 0;
	*id = after;
	if (crypto_random_bytes(rnd, sizeof(rnd)) != 0)
		return DB_ERROR;
	for (*claim = 0, i = 0; i < sizeof(rnd); i++)
		*claim = *claim << 8 | rnd[i];
	/* Read committed: the lock is on the claimed row alone, no gaps, so
	 * the changes that queue deliveries never wait for a claim. */
	if ((rc = query(db, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")) != DB_OK ||
	    (rc = query(db, "START TRANSACTION")) != DB_OK)
		return rc;
	db_bind_u64(&p[0], &after);
	db_bind_u64(&p[1], &flag);
	db_bind_u64(&r[0], id);
	/* Walked in id order on (state, id), so the scan stops at the first
	 * row it can lock: a plan that sorted first would lock every pending
	 * row before LIMIT, and the other run would find them all taken. */
	rc = adhoc_retry(db, "SELECT id FROM webhook_deliveries FORCE INDEX (webhook_deliveries_state_index) "
	    "WHERE state = 'pending' AND id > ? AND (? = 1 OR next_attempt_at <= NOW(6)) "
	    "AND (claimed_until IS NULL OR claimed_until <= NOW(6)) "
	    "ORDER BY state, id LIMIT 1 FOR UPDATE SKIP LOCKED", p, r, NULL, lost);
	if (rc == DB_OK) {
		db_bind_u64(&p[0], &lease);
		db_bind_u64(&p[1], claim);
		db_bind_u64(&p[2], id);
		rc = adhoc_retry(db, "UPDATE webhook_deliveries SET claimed_until = NOW(6) + INTERVAL ? SECOND, "
		    "claim = ? WHERE id = ?", p, NULL, NULL, lost);
	}
	if (rc != DB_OK) {
		(void)query(db, rc == DB_NOT_FOUND ? "COMMIT" : "ROLLBACK");
		return rc == DB_ERROR && *lost ? DB_OK : rc;
	}
	if ((rc = query_retry(db, "COMMIT", lost)) != DB_OK && *lost && db->conn != NULL)
		return DB_OK;
	return rc;
}

enum db_status
db_deliver_next(struct db *db, uint64_t *after_id, int all, db_deliver_cb *send, void *ctx,
    enum db_outcome *what)
{
	uint64_t id = 0, claim = 0;
	struct db_attempt out;
	struct db_due due;
	enum db_status rc;
	int lost = 0;

	*what = DB_DELIVERY_SKIPPED;
	if ((rc = claim_next(db, *after_id, all, &id, &claim, &lost)) != DB_OK)
		return rc;
	if (lost) {
		/* The other run sends it; lost before a row was taken, the
		 * next call looks again from the same place. */
		if (id == *after_id)
			*what = DB_DELIVERY_NONE;
		*after_id = id;
		return DB_OK;
	}
	*after_id = id;
	/* No lock is held from here: a DELETE of the webhook goes ahead, and
	 * the delivery, gone, is neither sent nor recorded. */
	*what = DB_DELIVERY_GONE;
	if ((rc = due_read(db, id, &due)) != DB_OK)
		return rc == DB_NOT_FOUND ? DB_OK : rc;
	memset(&out, 0, sizeof(out));
	send(ctx, &due, &out);
	*what = DB_DELIVERY_RECORDED;
	rc = record(db, id, claim, due.attempts + 1, &out, what);
	memset(&due, 0, sizeof(due));
	return rc;
}

/* Runs one bounded DELETE (its LIMIT is PRUNE_BATCH) until it deletes
 * fewer than a batch, each in its own autocommit: no long lock, no undo
 * of a million rows.  Adds the rows deleted to *count. */
#define PRUNE_BATCH	1000
#define PRUNE_LIMIT	" LIMIT 1000"	/* the same number */
static enum db_status
prune_batches(struct db *db, const char *sql, MYSQL_BIND *p, unsigned long long *count)
{
	unsigned long long n;
	enum db_status rc;

	do {
		n = 0;
		if ((rc = adhoc(db, sql, p, NULL, &n)) != DB_OK)
			return rc;
		*count += n;
	} while (n >= PRUNE_BATCH);
	return DB_OK;
}

enum db_status
db_deliver_prune(struct db *db, unsigned days, unsigned long long *deliveries,
    unsigned long long *events)
{
	static const char *const done[] = { "delivered", "failed" };
	MYSQL_BIND p[2];
	uint64_t d = days;
	enum db_status rc;
	size_t i;

	*deliveries = *events = 0;
	/* Done ones only, walked per state on (state, id): a pending
	 * delivery, claimed or not, is never deleted. */
	for (i = 0; i < sizeof(done) / sizeof(done[0]); i++) {
		db_bind_in_str(&p[0], done[i], strlen(done[i]));
		db_bind_u64(&p[1], &d);
		if ((rc = prune_batches(db, "DELETE FROM webhook_deliveries WHERE state = ? AND "
		    "created_at < NOW(6) - INTERVAL ? DAY ORDER BY state, id" PRUNE_LIMIT, p,
		    deliveries)) != DB_OK)
			return rc;
	}
	/* Then the events as old that no delivery points at any more. */
	db_bind_u64(&p[0], &d);
	return prune_batches(db, "DELETE FROM webhook_events WHERE created_at < NOW(6) - "
	    "INTERVAL ? DAY AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE "
	    "d.event_id = webhook_events.id) ORDER BY id" PRUNE_LIMIT, p, events);
}

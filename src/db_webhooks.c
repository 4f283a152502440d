/* db_webhooks.c: the webhook routes' queries: create (under the user's lock, for the limit), list, delete, deliveries and the test event. */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "db_bind.h"
#include "db_driver.h"
#include "db_tx.h"
#include "db_webhooks.h"
#include "log.h"

/* Prepares, runs and closes one statement; with row, calls it per row. */
static enum db_status
adhoc_rows(struct db *db, const char *sql, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected, uint64_t *insert_id, int *retry, db_row_cb *row, void *ctx)
{
	MYSQL_STMT *st;
	enum db_status rc = DB_OK;
	int f;

	if (retry != NULL)
		*retry = 0;
	if ((st = db_prepare(db, sql)) == NULL)
		return db->conn == NULL ? DB_UNAVAILABLE : DB_ERROR;
	if (row == NULL) {
		/* A deadlock or a Galera certification conflict sets *retry:
		 * the transaction may run again. */
		rc = db_run_retry(st, params, results, affected, retry);
		if (rc == DB_OK && insert_id != NULL)
			*insert_id = mysql_stmt_insert_id(st);
		mysql_stmt_close(st);
		return rc;
	}
	if ((params != NULL && mysql_stmt_bind_param(st, params) != 0) ||
	    mysql_stmt_execute(st) != 0 || mysql_stmt_bind_result(st, results) != 0) {
		log_error("database: webhooks: %s", mysql_stmt_error(st));
		mysql_stmt_close(st);
		return DB_ERROR;
	}
	while ((f = mysql_stmt_fetch(st)) == 0 || f == MYSQL_DATA_TRUNCATED) {
		if (f == MYSQL_DATA_TRUNCATED) {
			log_error("database: webhooks: a column is larger than its buffer");
			rc = DB_ERROR;
			break;
		}
		if (row(ctx) != 0)
			break;
	}
	if (f != 0 && f != MYSQL_NO_DATA && f != MYSQL_DATA_TRUNCATED) {
		log_error("database: webhooks: %s", mysql_stmt_error(st));
		rc = DB_ERROR;
	}
	mysql_stmt_free_result(st);
	mysql_stmt_close(st);
	return rc;
}

static enum db_status
adhoc(struct db *db, const char *sql, MYSQL_BIND *params, MYSQL_BIND *results,
    unsigned long long *affected)
{
	return adhoc_rows(db, sql, params, results, affected, NULL, NULL, NULL, NULL);
}

/* The user's webhook id exists (DB_OK) or not (DB_NOT_FOUND). */
static enum db_status
owned(struct db *db, uint64_t *id, uint64_t *user_id)
{
	MYSQL_BIND p[2], r[1];
	uint64_t got = 0;

	db_bind_u64(&p[0], id);
	db_bind_u64(&p[1], user_id);
	db_bind_u64(&r[0], &got);
	return adhoc(db, "SELECT id FROM webhooks WHERE id = ? AND user_id = ?", p, r, NULL);
}

struct create_ctx {
	const struct db_webhook_new	*n;
	uint64_t			 id;
};

static enum db_status
create_body(struct db *db, void *ctx, int *retry)
{
	struct create_ctx *c = ctx;
	uint64_t uid = c->n->user_id, count = 0;
	MYSQL_BIND p[6], r[1];
	MYSQL_TIME t;
	enum db_status rc;

	db_bind_u64(&p[0], &uid);
	db_bind_u64(&r[0], &count);
	/* The user's row serialises creates: the limit holds under races. */
	if ((rc = adhoc_rows(db, "SELECT id FROM users WHERE id = ? FOR UPDATE", p, r, NULL,
	    NULL, retry, NULL, NULL)) != DB_OK ||
	    (rc = adhoc_rows(db, "SELECT COUNT(*) FROM webhooks WHERE user_id = ?", p, r, NULL,
	    NULL, retry, NULL, NULL)) != DB_OK)
		return rc;
	if (count >= DB_WH_LIMIT)
		return DB_LIMIT;
	db_bind_in_str(&p[1], c->n->url, strlen(c->n->url));
	db_bind_in_str(&p[2], c->n->events, strlen(c->n->events));
	db_bind_in_str(&p[3], c->n->sealed, strlen(c->n->sealed));
	db_bind_in_str(&p[4], c->n->hint, strlen(c->n->hint));
	db_bind_in_time(&p[5], &t, c->n->created_at);
	return adhoc_rows(db, "INSERT INTO webhooks (user_id, url, events, secret_sealed, "
	    "secret_hint, created_at) VALUES (?, ?, ?, ?, ?, ?)", p, NULL, NULL, &c->id, retry,
	    NULL, NULL);
}

enum db_status
db_webhook_create(struct db *db, const struct db_webhook_new *n, uint64_t *id)
{
	struct create_ctx c = { n, 0 };
	enum db_status rc;

	if ((rc = db_tx_run(db, create_body, &c, "webhook-create")) == DB_OK)
		*id = c.id;
	return rc;
}

struct list_ctx {
	struct db_webhook	 w;
	MYSQL_TIME		 t;
	my_bool			 null[5];
	unsigned long		 len[5];
	db_webhook_cb		*cb;
	void			*ctx;
};

static int
list_row(void *ctx)
{
	struct list_ctx *l = ctx;

	l->w.url[l->len[1] < sizeof(l->w.url) ? l->len[1] : sizeof(l->w.url) - 1] = '\0';
	l->w.events[l->len[2] < sizeof(l->w.events) ? l->len[2] : sizeof(l->w.events) - 1] = '\0';
	l->w.hint[l->len[3] < sizeof(l->w.hint) ? l->len[3] : sizeof(l->w.hint) - 1] = '\0';
	l->w.created_at = db_time_us(&l->t, l->null[4]);
	return l->cb(l->ctx, &l->w);
}

enum db_status
db_webhooks_list(struct db *db, uint64_t user_id, db_webhook_cb *cb, void *ctx)
{
	struct list_ctx l;
	MYSQL_BIND p[1], r[5];

	memset(&l, 0, sizeof(l));
	l.cb = cb;
	l.ctx = ctx;
	db_bind_u64(&p[0], &user_id);
	db_bind_u64(&r[0], &l.w.id);
	db_bind_out_str(&r[1], l.w.url, sizeof(l.w.url) - 1, &l.len[1], &l.null[1]);
	db_bind_out_str(&r[2], l.w.events, sizeof(l.w.events) - 1, &l.len[2], &l.null[2]);
	db_bind_out_str(&r[3], l.w.hint, sizeof(l.w.hint) - 1, &l.len[3], &l.null[3]);
	db_bind_out_time(&r[4], &l.t, &l.null[4]);
	return adhoc_rows(db, "SELECT id, url, events, secret_hint, created_at FROM webhooks "
	    "WHERE user_id = ? ORDER BY created_at DESC, id DESC", p, r, NULL, NULL, NULL,
	    list_row, &l);
}

enum db_status
db_webhook_delete(struct db *db, uint64_t id, uint64_t user_id)
{
	MYSQL_BIND p[2];
	unsigned long long n = 0;
	enum db_status rc;

	db_bind_u64(&p[0], &id);
	db_bind_u64(&p[1], &user_id);
	/* Its deliveries go with it (ON DELETE CASCADE). */
	if ((rc = adhoc(db, "DELETE FROM webhooks WHERE id = ? AND user_id = ?", p, NULL,
	    &n)) != DB_OK)
		return rc;
	return n > 0 ? DB_OK : DB_NOT_FOUND;
}

struct deliveries_ctx {
	struct db_delivery	 d;
	MYSQL_TIME		 t[3];
	long long		 status;
	my_bool			 null[10];
	unsigned long		 len[10];
	db_delivery_cb		*cb;
	void			*ctx;
};

static int
delivery_row(void *ctx)
{
	struct deliveries_ctx *l = ctx;

	l->d.type[l->len[2] < sizeof(l->d.type) ? l->len[2] : sizeof(l->d.type) - 1] = '\0';
	l->d.state[l->len[3] < sizeof(l->d.state) ? l->len[3] : sizeof(l->d.state) - 1] = '\0';
	l->d.last_status = l->null[5] ? 0 : (int)l->status;
	if (l->null[6])
		l->d.last_error[0] = '\0';
	else
		l->d.last_error[l->len[6] < sizeof(l->d.last_error) ? l->len[6] :
		    sizeof(l->d.last_error) - 1] = '\0';
	l->d.next_attempt_at = db_time_us(&l->t[0], l->null[7]);
	l->d.delivered_at = db_time_us(&l->t[1], l->null[8]);
	l->d.created_at = db_time_us(&l->t[2], l->null[9]);
	return l->cb(l->ctx, &l->d);
}

enum db_status
db_webhook_deliveries(struct db *db, uint64_t id, uint64_t user_id, unsigned limit,
    db_delivery_cb *cb, void *ctx)
{
	struct deliveries_ctx l;
	MYSQL_BIND p[2], r[10];
	uint64_t lim = limit;
	enum db_status rc;

	if ((rc = owned(db, &id, &user_id)) != DB_OK)
		return rc;
	memset(&l, 0, sizeof(l));
	l.cb = cb;
	l.ctx = ctx;
	db_bind_u64(&p[0], &id);
	db_bind_u64(&p[1], &lim);
	db_bind_u64(&r[0], &l.d.id);
	db_bind_u64(&r[1], &l.d.event_id);
	db_bind_out_str(&r[2], l.d.type, sizeof(l.d.type) - 1, &l.len[2], &l.null[2]);
	db_bind_out_str(&r[3], l.d.state, sizeof(l.d.state) - 1, &l.len[3], &l.null[3]);
	db_bind_out_int(&r[4], (int *)&l.d.attempts, &l.null[4]);
	db_bind_out_i64(&r[5], &l.status, &l.null[5]);
	db_bind_out_str(&r[6], l.d.last_error, sizeof(l.d.last_error) - 1, &l.len[6], &l.null[6]);
	db_bind_out_time(&r[7], &l.t[0], &l.null[7]);
	db_bind_out_time(&r[8], &l.t[1], &l.null[8]);
	db_bind_out_time(&r[9], &l.t[2], &l.null[9]);
	return adhoc_rows(db, "SELECT d.id, d.event_id, e.type, d.state, d.attempts, "
	    "d.last_status, d.last_error, d.next_attempt_at, d.delivered_at, d.created_at "
	    "FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id "
	    "WHERE d.webhook_id = ? ORDER BY d.created_at DESC, d.id DESC LIMIT ?", p, r, NULL,
	    NULL, NULL, delivery_row, &l);
}

enum db_status
db_webhook_test(struct db *db, uint64_t id, uint64_t user_id)
{
	MYSQL_BIND p[2];
	unsigned long long n = 0;
	enum db_status rc;

	db_bind_u64(&p[0], &user_id);
	db_bind_u64(&p[1], &id);
	/* The event's trigger queues its one delivery in the same statement. */
	if ((rc = adhoc(db, "INSERT INTO webhook_events (user_id, webhook_id, type, created_at) "
	    "SELECT user_id, id, 'webhook.test', NOW(6) FROM webhooks WHERE user_id = ? AND id = ?",
	    p, NULL, &n)) != DB_OK)
		return rc;
	return n > 0 ? DB_OK : DB_NOT_FOUND;
}

enum db_status
db_webhook_leaked(struct db *db, uint64_t key_id, int by_secret, int revoked)
{
	const char *marker = by_secret ? "secret" : "key";
	char details[64];
	MYSQL_BIND p[3];

	snprintf(details, sizeof(details), "{\"found\":\"%s\",\"revoked\":%s}", marker,
	    revoked ? "true" : "false");
	db_bind_in_str(&p[0], marker, strlen(marker));
	db_bind_in_str(&p[1], details, strlen(details));
	db_bind_u64(&p[2], &key_id);
	/* The notice's trigger writes the event with the key as it is now. */
	return adhoc(db, "INSERT IGNORE INTO webhook_notices (key_id, type, marker, details, "
	    "created_at) SELECT k.id, 'key.leaked', ?, ?, NOW(6) FROM api_keys k WHERE k.id = ? "
	    "AND apikeys_subscribed(k.user_id, 'key.leaked')",
	    p, NULL, NULL);
}

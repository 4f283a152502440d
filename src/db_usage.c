/* db_usage.c: usage counts in the database: the responder's writer thread (its own connection, one statement per table of counts), and the grouped reads. */
#include "ac-config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db_bind.h"
#include "db_driver.h"
#include "db_tx.h"
#include "db_usage.h"
#include "log.h"
#include "number.h"
#include "timeutil.h"

/* Rows per key, hour and outcome that concurrent responders add to: one
 * each (by process id), so that two Galera nodes seldom certify a write of
 * the same row.  A conflict that happens anyway is retried. */
#define USAGE_SHARDS	16
#define FLUSH_TRIES	6

#define FLUSH_HEAD \
	"INSERT INTO api_key_usage (key_id, hour, outcome, shard, user_id, count) VALUES "
#define FLUSH_TAIL	" ON DUPLICATE KEY UPDATE count = count + VALUES(count)"
/* "(key,hour,outcome,shard,user,count)," at its longest: six numbers of
 * at most NUM_U64_DIGITS each, whatever their types (flush_format writes
 * without a bound check). */
#define FLUSH_ROW_MAX	(6 * NUM_U64_DIGITS + 8)
#define FLUSH_SQL_MAX \
	(sizeof(FLUSH_HEAD) + sizeof(FLUSH_TAIL) + (size_t)USAGE_TABLE_MAX * FLUSH_ROW_MAX)

/* The statement's text and the rows it is made from: allocated once, at
 * the first write, so a responder's memory does not grow with use.  Only
 * the holder of a table (usage_take) uses them: one at a time. */
static char *flush_sql;
static struct usage_cell flush_cells[USAGE_TABLE_MAX];

/* Formats the statement for the n cells; returns its length.  The rows
 * are digits and punctuation only, written without printf (which cost a
 * verify of a key seen once about 800 instructions, a third of what
 * counting cost it). */
static size_t
flush_format(unsigned n, unsigned shard)
{
	size_t used = sizeof(FLUSH_HEAD) - 1;
	char *p;
	unsigned i;

	memcpy(flush_sql, FLUSH_HEAD, used);
	p = flush_sql + used;
	for (i = 0; i < n; i++) {
		const struct usage_cell *c = &flush_cells[i];

		if (i > 0)
			*p++ = ',';
		*p++ = '(';
		p += num_format_u64(p, c->key_id);
		*p++ = ',';
		p += num_format_u64(p, c->hour);
		*p++ = ',';
		p += num_format_u64(p, c->outcome);
		*p++ = ',';
		p += num_format_u64(p, shard);
		*p++ = ',';
		p += num_format_u64(p, c->user_id);
		*p++ = ',';
		p += num_format_u64(p, c->count);
		*p++ = ')';
	}
	memcpy(p, FLUSH_TAIL, sizeof(FLUSH_TAIL));
	return (size_t)(p - flush_sql) + sizeof(FLUSH_TAIL) - 1;
}

/* Writes table t (held: usage_take) in one statement; the counts stay in
 * it whatever happens (usage_done clears them). */
static enum db_status
write_table(struct db *db, const struct usage_table *t)
{
	enum db_status rc = DB_OK;
	unsigned n;
	int attempt, retry = 0;

	if (flush_sql == NULL && (flush_sql = malloc(FLUSH_SQL_MAX)) == NULL) {
		log_error("usage: out of memory");
		return DB_ERROR;
	}
	n = usage_snapshot(t, flush_cells);
	(void)flush_format(n, (unsigned)getpid() % USAGE_SHARDS);
	for (attempt = 1; attempt <= FLUSH_TRIES; attempt++) {
		rc = db_text_exec(db, flush_sql, NULL, &retry);
		if (rc == DB_OK || !retry)
			break;
		db_backoff(attempt);
	}
	return rc;
}

/* Writes a held table and ends the hold: written, kept for another try, or
 * (the process is leaving) lost and logged. */
static enum db_status
write_held(struct db *db, struct usage_table *t)
{
	enum db_status rc = write_table(db, t);
	unsigned long lost;

	if (rc == DB_OK)
		usage_done(t, 1);
	else if (usage_stopping()) {
		log_error("usage: %u counts lost: not written before the process ended (%s)",
		    t->n, db_strerror(rc));
		usage_done(t, 1);
	} else {
		log_warn("usage: %u counts not written yet (%s); kept for the next try", t->n,
		    db_strerror(rc));
		usage_done(t, 0);
	}
	if ((lost = usage_lost()) > 0)
		log_error("usage: %lu counts lost: both tables were full while the database "
		    "took no write", lost);
	return rc;
}

enum db_status
db_usage_flush(struct db *db, int force)
{
	struct usage_table *t = usage_take(force ? USAGE_NOW : 0);

	return t != NULL ? write_held(db, t) : DB_OK;
}

void
db_usage_count(struct db *db, uint64_t key_id, uint64_t user_id, enum usage_outcome o)
{
	(void)db;
	usage_count(key_id, user_id, time_now_us(), o);
}

/* Writes tables as they fall due until usage_stop, then what is left. */
static void
writer_run(struct db *db)
{
	struct usage_table *t;

	while ((t = usage_take(USAGE_WAIT)) != NULL)
		(void)write_held(db, t);
}

static pthread_t writer;
static int writer_started;

/* The writer thread: the client library's per-thread state around its
 * own connection's whole life. */
static void *
writer_main(void *arg)
{
	struct db *db = arg;

	(void)mysql_thread_init();
	writer_run(db);
	db_close(db);
	mysql_thread_end();
	return NULL;
}

int
db_usage_writer_start(const struct config *cfg)
{
	struct db *db;
	sigset_t all, old;
	int rc;

	/* The client library's global state, before a second thread uses it
	 * (the main thread's connection has usually done it already). */
	if (mysql_library_init(0, NULL, NULL) != 0 ||
	    (db = db_open(cfg, DB_FLAG_LAZY)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	/* The thread inherits a mask that blocks every signal: a stop signal
	 * goes to the main thread, which ends the accept loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&writer, NULL, writer_main, db);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		db_close(db);
		errno = rc;
		return -1;
	}
	writer_started = 1;
	return 0;
}

void
db_usage_writer_stop(struct db *db)
{
	usage_stop();
	if (writer_started) {
		(void)pthread_join(writer, NULL);
		writer_started = 0;
	} else
		writer_run(db);
}

/* Each read's text; its parameters are, in order: bucket hours, the id
 * (not for the service-wide read), first hour, end hour. */
static const char *const read_sql[] = {
	[DB_USAGE_KEY] =
	    "SELECT key_id, NULL, hour DIV ?, outcome, CAST(SUM(count) AS UNSIGNED) "
	    "FROM api_key_usage WHERE key_id = ? AND hour >= ? AND hour < ? AND outcome < 9 "
	    "GROUP BY 1, 3, 4 ORDER BY 1, 3, 4",
	[DB_USAGE_USER_BUCKETS] =
	    "SELECT 0, NULL, u.hour DIV ?, u.outcome, CAST(SUM(u.count) AS UNSIGNED) "
	    "FROM api_keys k JOIN api_key_usage u ON u.key_id = k.id "
	    "WHERE k.user_id = ? AND u.hour >= ? AND u.hour < ? AND u.outcome < 9 "
	    "GROUP BY 3, 4 ORDER BY 3, 4",
	[DB_USAGE_USER_KEYS] =
	    "SELECT k.id, MIN(k.name), MIN(u.hour) DIV ?, u.outcome, "
	    "CAST(SUM(u.count) AS UNSIGNED) "
	    "FROM api_keys k JOIN api_key_usage u ON u.key_id = k.id "
	    "WHERE k.user_id = ? AND u.hour >= ? AND u.hour < ? AND u.outcome < 9 "
	    "GROUP BY 1, 4 ORDER BY 1, 4",
	[DB_USAGE_USER_ALL] =
	    "SELECT key_id, NULL, hour DIV ?, outcome, CAST(SUM(count) AS UNSIGNED) "
	    "FROM api_key_usage WHERE user_id = ? AND key_id <> 0 AND hour >= ? AND hour < ? "
	    "AND outcome < 9 GROUP BY 1, 3, 4 ORDER BY 1, 3, 4",
	[DB_USAGE_SERVICE] =
	    ("SELECT 0, NULL, MIN(hour) DIV ?, outcome, CAST(SUM(count) AS UNSIGNED) "
	    "FROM api_key_usage WHERE hour >= ? AND hour < ? GROUP BY 4 ORDER BY 4"),
};

/* Prepares sql; a connection found dead is made again once (a read has
 * changed nothing yet).  NULL after logging. */
static MYSQL_STMT *
prepare_healed(struct db *db, const char *sql)
{
	MYSQL_STMT *st = db_prepare(db, sql);

	if (st == NULL && db->conn != NULL && db_fail(db, "usage", NULL) == DB_UNAVAILABLE)
		st = db_prepare(db, sql);
	return st;
}

enum db_status
db_usage_read(struct db *db, enum db_usage_scope scope, uint64_t id, uint32_t from_hour,
    uint32_t to_hour, unsigned bucket_hours, db_usage_cb *cb, void *ctx)
{
	MYSQL_STMT *st;
	MYSQL_BIND p[4], r[5];
	my_bool null[5];
	unsigned long len[5];
	uint64_t g = bucket_hours, from = from_hour, to = to_hour, bucket = 0, outcome = 0;
	struct db_usage_row row;
	enum db_status rc = DB_OK;
	unsigned np = 0;
	int f;

	if ((unsigned)scope >= sizeof(read_sql) / sizeof(read_sql[0]) || bucket_hours == 0)
		return DB_ERROR;
	if ((st = prepare_healed(db, read_sql[scope])) == NULL)
		return db->conn == NULL ? DB_UNAVAILABLE : DB_ERROR;
	memset(&row, 0, sizeof(row));
	memset(null, 0, sizeof(null));
	db_bind_u64(&p[np++], &g);
	if (scope != DB_USAGE_SERVICE)
		db_bind_u64(&p[np++], &id);
	db_bind_u64(&p[np++], &from);
	db_bind_u64(&p[np++], &to);
	db_bind_u64(&r[0], &row.key_id);
	db_bind_out_str(&r[1], row.name, sizeof(row.name) - 1, &len[1], &null[1]);
	db_bind_u64(&r[2], &bucket);
	db_bind_u64(&r[3], &outcome);
	db_bind_u64(&r[4], &row.count);
	if (mysql_stmt_bind_param(st, p) != 0 || mysql_stmt_execute(st) != 0 ||
	    mysql_stmt_bind_result(st, r) != 0) {
		log_error("database: usage: %s", mysql_stmt_error(st));
		mysql_stmt_close(st);
		return DB_ERROR;
	}
	while ((f = mysql_stmt_fetch(st)) == 0) {
		row.name[null[1] ? 0 : len[1]] = '\0';
		row.name_null = null[1];
		row.bucket = (uint32_t)bucket;
		row.outcome = (unsigned)outcome;
		if (cb(ctx, &row) != 0)
			break;
	}
	if (f != 0 && f != MYSQL_NO_DATA) {
		log_error("database: usage: %s", f == MYSQL_DATA_TRUNCATED ?
		    "a column is larger than its buffer" : mysql_stmt_error(st));
		rc = DB_ERROR;
	}
	mysql_stmt_close(st);
	return rc;
}

enum db_status
db_usage_prune(struct db *db, uint32_t before_hour, unsigned long long *count)
{
	MYSQL_STMT *st;
	MYSQL_BIND p[1];
	uint64_t h = before_hour;
	enum db_status rc;

	*count = 0;
	if ((st = prepare_healed(db, "DELETE FROM api_key_usage WHERE hour < ?")) == NULL)
		return db->conn == NULL ? DB_UNAVAILABLE : DB_ERROR;
	db_bind_u64(&p[0], &h);
	rc = db_run(st, p, NULL, count);
	mysql_stmt_close(st);
	return rc;
}

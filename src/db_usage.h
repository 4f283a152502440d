/* db_usage.h: usage counts in the database: the responder's writer thread, which writes its tables (usage.h), and the reads of the usage routes and the admin tool. */
#ifndef APIKEYS_DB_USAGE_H
#define APIKEYS_DB_USAGE_H

#include <stdint.h>

#include "db.h"
#include "usage.h"

/*
 * Counts one verify outcome of key_id (0: no such key) at the current time
 * in the process's tables (usage_count: a short lock, never a database
 * call; db is not used).  Cannot fail.
 */
void db_usage_count(struct db *, uint64_t key_id, uint64_t user_id, enum usage_outcome);

/*
 * Starts the writer thread: its own connection (made on its first write,
 * prepared statements none), which writes each table of counts when it
 * falls due (usage.h), whether or not requests come, with every signal
 * blocked (the main thread gets them).  A write is one statement: INSERT
 * ... ON DUPLICATE KEY UPDATE count = count + VALUES(count), rows in
 * primary-key order, in this process's shard; a deadlock or Galera
 * certification conflict is retried a bounded number of times, any other
 * failure keeps the counts for a try a second later.  Returns 0, or -1
 * (errno set) when the thread could not start.
 */
int db_usage_writer_start(const struct config *);

/*
 * Writes every count left and ends: joins the writer thread, or without
 * one (plain CGI, or no thread started) writes through db here.  After a
 * stop, a write that fails is not tried again: its counts are lost and
 * logged.  Cannot fail.
 */
void db_usage_writer_stop(struct db *);

/*
 * Writes one table of the process's counts through db now (a usage read,
 * so that it shows its own responder's counts): the waiting one if force,
 * else only one that is due; nothing when the writer is writing one at the
 * moment.  On failure the counts stay for the writer.  Returns DB_OK also
 * when there was nothing to write.
 */
enum db_status db_usage_flush(struct db *, int force);

/* What a read asks for. */
enum db_usage_scope {
	DB_USAGE_KEY,		/* id: a key; rows per bucket and outcome */
	DB_USAGE_USER_BUCKETS,	/* id: a user; over the keys that still exist */
	DB_USAGE_USER_KEYS,	/* id: a user; rows per existing key and outcome, by key */
	DB_USAGE_USER_ALL,	/* id: a user; per key (deleted ones too), bucket, outcome */
	DB_USAGE_SERVICE	/* every count, unknown keys too, per outcome */
};

/* One row of a read: count is summed over the shards. */
struct db_usage_row {
	uint64_t	key_id;
	char		name[DB_NAME_MAX];	/* DB_USAGE_USER_KEYS only */
	int		name_null;
	uint32_t	bucket;		/* hour / bucket_hours */
	unsigned	outcome;	/* enum usage_outcome */
	uint64_t	count;
};

typedef int db_usage_cb(void *ctx, const struct db_usage_row *);

/*
 * Calls cb for every non-zero count of scope in the hours [from_hour,
 * to_hour), grouped in buckets of bucket_hours (1 or 24), ordered by key,
 * bucket, outcome.  Nothing found is DB_OK.
 */
enum db_status db_usage_read(struct db *, enum db_usage_scope, uint64_t id, uint32_t from_hour,
    uint32_t to_hour, unsigned bucket_hours, db_usage_cb *cb, void *ctx);

/* Deletes the counts of hours before before_hour; *count gets how many rows. */
enum db_status db_usage_prune(struct db *, uint32_t before_hour, unsigned long long *count);

#endif

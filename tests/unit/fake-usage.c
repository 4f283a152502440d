/* fake-usage.c: db_usage.h for the handler test: counts go to the process's tables (usage.c), reads find nothing, nothing is written. */
#include "ac-config.h"

#include "db_usage.h"
#include "timeutil.h"

void
db_usage_count(struct db *db, uint64_t key_id, uint64_t user_id, enum usage_outcome o)
{
	(void)db;
	usage_count(key_id, user_id, time_now_us(), o);
}

enum db_status
db_usage_flush(struct db *db, int force)
{
	(void)db;
	(void)force;
	return DB_OK;
}

int
db_usage_writer_start(const struct config *cfg)
{
	(void)cfg;
	return 0;
}

void
db_usage_writer_stop(struct db *db)
{
	(void)db;
}

enum db_status
db_usage_read(struct db *db, enum db_usage_scope scope, uint64_t id, uint32_t from_hour,
    uint32_t to_hour, unsigned bucket_hours, db_usage_cb *cb, void *ctx)
{
	(void)db;
	(void)scope;
	(void)id;
	(void)from_hour;
	(void)to_hour;
	(void)bucket_hours;
	(void)cb;
	(void)ctx;
	return DB_OK;
}

enum db_status
db_usage_prune(struct db *db, uint32_t before_hour, unsigned long long *count)
{
	(void)db;
	(void)before_hour;
	*count = 0;
	return DB_OK;
}

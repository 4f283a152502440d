/* fake-webhooks.c: db_webhooks.h for the handler programs, beside fake-db.c: no webhook is stored, so the handler tests never pull the real database layer in. */
#include "ac-config.h"

#include "db_webhooks.h"

enum db_status
db_webhook_create(struct db *db, const struct db_webhook_new *n, uint64_t *id)
{
	(void)db;
	(void)n;
	*id = 1;
	return DB_OK;
}

enum db_status
db_webhooks_list(struct db *db, uint64_t user_id, db_webhook_cb *cb, void *ctx)
{
	(void)db;
	(void)user_id;
	(void)cb;
	(void)ctx;
	return DB_OK;
}

enum db_status
db_webhook_delete(struct db *db, uint64_t id, uint64_t user_id)
{
	(void)db;
	(void)id;
	(void)user_id;
	return DB_NOT_FOUND;
}

enum db_status
db_webhook_deliveries(struct db *db, uint64_t id, uint64_t user_id, unsigned limit,
    db_delivery_cb *cb, void *ctx)
{
	(void)db;
	(void)id;
	(void)user_id;
	(void)limit;
	(void)cb;
	(void)ctx;
	return DB_NOT_FOUND;
}

enum db_status
db_webhook_test(struct db *db, uint64_t id, uint64_t user_id)
{
	(void)db;
	(void)id;
	(void)user_id;
	return DB_NOT_FOUND;
}

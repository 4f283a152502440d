/* db_webhooks.h: the webhook routes' queries (db_webhooks.c); the delivery run's are in db_deliver.h. */
#ifndef APIKEYS_DB_WEBHOOKS_H
#define APIKEYS_DB_WEBHOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define DB_WH_URL_MAX		2049	/* 2048 characters, NUL */
#define DB_WH_EVENTS_MAX	512	/* events JSON text */
#define DB_WH_SEALED_MAX	512	/* sealed secret in hex */
#define DB_WH_TYPE_MAX		33
#define DB_WH_ERROR_MAX		256
#define DB_WH_LIMIT		10	/* webhooks per user */

/* One webhook, as the list shows it (never its secret). */
struct db_webhook {
	uint64_t	id;
	char		url[DB_WH_URL_MAX];
	char		events[DB_WH_EVENTS_MAX];	/* JSON array text */
	char		hint[DB_HINT_MAX];		/* last 4 of the secret */
	int64_t		created_at;
};

/* A webhook to store with db_webhook_create. */
struct db_webhook_new {
	uint64_t	 user_id;
	const char	*url;
	const char	*events;	/* JSON array text */
	const char	*sealed;	/* crypto_seal_hex of the secret */
	const char	*hint;
	int64_t		 created_at;
};

/* One delivery, as the deliveries route shows it. */
struct db_delivery {
	uint64_t	id;
	uint64_t	event_id;
	char		type[DB_WH_TYPE_MAX];
	char		state[16];
	unsigned	attempts;
	int		last_status;		/* 0: none */
	char		last_error[DB_WH_ERROR_MAX];	/* "": none */
	int64_t		next_attempt_at;	/* DB_TIME_NULL when none */
	int64_t		delivered_at;
	int64_t		created_at;
};

typedef int db_webhook_cb(void *ctx, const struct db_webhook *);
typedef int db_delivery_cb(void *ctx, const struct db_delivery *);

/* Stores a webhook of a user with fewer than DB_WH_LIMIT (else DB_LIMIT),
 * setting *id. */
enum db_status db_webhook_create(struct db *, const struct db_webhook_new *, uint64_t *id);

/* The user's webhooks, newest first. */
enum db_status db_webhooks_list(struct db *, uint64_t user_id, db_webhook_cb *, void *ctx);

/* Deletes the user's webhook id and its deliveries; DB_NOT_FOUND when it is
 * missing or another user's. */
enum db_status db_webhook_delete(struct db *, uint64_t id, uint64_t user_id);

/* The newest limit deliveries of the user's webhook id; DB_NOT_FOUND when
 * the webhook is missing or another user's. */
enum db_status db_webhook_deliveries(struct db *, uint64_t id, uint64_t user_id,
    unsigned limit, db_delivery_cb *, void *ctx);

/* Queues a webhook.test event for the user's webhook id alone;
 * DB_NOT_FOUND as above. */
enum db_status db_webhook_test(struct db *, uint64_t id, uint64_t user_id);

/* key.leaked for key id, found by scan by its secret (else by the key
 * alone), revoked or not: once per key and kind of find, for a user with a
 * webhook for it (else nothing is written). */
enum db_status db_webhook_leaked(struct db *, uint64_t key_id, int by_secret, int revoked);

#endif

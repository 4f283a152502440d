/* db_webhooks.h: the webhooks' queries: the routes' (db_webhooks.c) and the delivery run's (db_deliver.c). */
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

/* ------------------------------------------------------- the delivery run */

/* One due delivery with everything its POST needs. */
struct db_due {
	uint64_t	id;		/* the delivery */
	uint64_t	event_id;
	uint64_t	user_id;
	unsigned	attempts;	/* made before this one */
	char		url[DB_WH_URL_MAX];
	char		sealed[DB_WH_SEALED_MAX];
	char		type[DB_WH_TYPE_MAX];
	int64_t		created_at;	/* of the event */
	int		has_key;	/* the event carries a key snapshot */
	struct db_key	key;		/* the key as it was at the event */
	char		changes[DB_DETAILS_MAX];	/* updated: JSON array text */
	uint64_t	rotated_to;	/* rotated */
	long long	grace_seconds;
	long long	expires_in_days;	/* expiring */
	char		found[8];	/* leaked: "secret" or "key" */
	int		revoked;	/* leaked */
};

/*
 * Finds the due key.expiring (keys live, not rotated, expiring within days)
 * and key.usage_exhausted notices of users with a webhook for them, each
 * once (per expires_at value; per PATCH of remaining_uses), making their
 * events.  Sets *found to the notices made.
 */
enum db_status db_deliver_find_notices(struct db *, unsigned days, unsigned long long *found);

/* What one attempt gave: the HTTP status (0: no answer) and a short error
 * text (NULL when none).  Filled by the sender. */
struct db_attempt {
	int		status;
	char		error[DB_WH_ERROR_MAX];
};

/* Sends one claimed delivery; fills *out.  Cannot fail (a failure is an
 * outcome). */
typedef void db_deliver_cb(void *ctx, const struct db_due *, struct db_attempt *out);

/*
 * One delivery: in a transaction, locks the next pending delivery after
 * *after_id that is due (any pending one with all), skipping the rows
 * another run holds; hands it to send while the lock is held; records the
 * attempt (delivered on a 2xx; else pending until the retry schedule of
 * 9.2 runs out, then failed) and commits.  A run killed before the commit
 * leaves the delivery as it was.  *after_id gets the delivery's id.
 * DB_NOT_FOUND when nothing is left.
 */
enum db_status db_deliver_next(struct db *, uint64_t *after_id, int all, db_deliver_cb *send,
    void *ctx);

#endif

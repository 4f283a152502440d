/* db_deliver.h: the delivery run's queries (db_deliver.c): the notices found, each due delivery claimed and its attempt recorded. */
#ifndef APIKEYS_DB_DELIVER_H
#define APIKEYS_DB_DELIVER_H

#include "db_events.h"
#include "db_webhooks.h"

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

/* What became of the delivery db_deliver_next took. */
enum db_outcome {
	DB_DELIVERY_RECORDED,	/* sent, and the attempt recorded */
	DB_DELIVERY_SKIPPED,	/* not sent: claimed by a run on another node at once */
	DB_DELIVERY_GONE,	/* deleted with its webhook before or while it was sent: not recorded */
	DB_DELIVERY_RECLAIMED,	/* sent, but its lease had passed and another run claimed it: not recorded */
	DB_DELIVERY_NONE	/* none taken: the search lost to another node's write; call again */
};

/*
 * One delivery: in a short transaction, claims the next pending delivery
 * after *after_id that is due (any pending one with all) for a lease,
 * skipping the rows another run holds or has claimed; commits; hands it to
 * send with no lock held; records the attempt (delivered on a 2xx; else
 * pending until the retry schedule of 9.2 runs out, then failed) unless
 * the delivery is gone or claimed anew meanwhile.  A run killed before the
 * record leaves the delivery as it was, claimed until the lease passes.
 * *after_id gets the delivery's id, *what what became of it (a claim lost
 * to a run on another Galera node is skipped: that run sends it).
 * DB_NOT_FOUND when nothing is left.
 */
enum db_status db_deliver_next(struct db *, uint64_t *after_id, int all, db_deliver_cb *send,
    void *ctx, enum db_outcome *what);

/*
 * prune: deletes the deliveries delivered or failed and made more than days
 * ago (never a pending one), then the events as old that no delivery points
 * at, in batches of a bounded size, each committed alone.  Sets the counts.
 */
enum db_status db_deliver_prune(struct db *, unsigned days, unsigned long long *deliveries,
    unsigned long long *events);

#endif

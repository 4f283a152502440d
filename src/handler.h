/* handler.h: what the router hands every handler: the settings, the database, the request, who is calling, and the answer to fill. */
#ifndef APIKEYS_HANDLER_H
#define APIKEYS_HANDLER_H

#include <stdint.h>

#include "config.h"
#include "db.h"
#include "request.h"
#include "response.h"

/* What every handler may use: the settings and the database handle. */
struct app {
	const struct config	*cfg;
	struct db		*db;
};

/*
 * What the router established before the handler runs: the {id} of the
 * path (0 when it is not a plain decimal id in range, which matches no
 * key), the authenticated caller, and, for a route that asks for it, the
 * key {id} fetched with the token in the same round trip.
 */
struct call {
	uint64_t	id;
	uint64_t	user_id;	/* 0 for routes without a user */
	uint64_t	token_id;
	int		email_verified;
	int		key_found;	/* key holds the caller's key {id} */
	struct db_key	key;		/* undefined unless key_found */
};

typedef void route_handler(struct app *, const struct request *, const struct call *,
    struct response *);

/*
 * Answers a failed database call: 503 when the database cannot be reached,
 * else 500 with message (MSG_SERVER_ERROR when NULL); DB_NOT_FOUND is the
 * identical 404 of a key that is missing or another user's.  Returns 1 if
 * it answered, 0 for DB_OK.
 */
int handler_db_failed(struct response *, enum db_status, const char *message);

/* The audit trail's actor of a call: "token:<id>" and REMOTE_ADDR.  The
 * address points into the request.  Cannot fail. */
void handler_actor(const struct request *, const struct call *, struct db_actor *);

#endif

/* db_batch.h: several statements sent as one text query, one round trip (db_batch.c). */
#ifndef APIKEYS_DB_BATCH_H
#define APIKEYS_DB_BATCH_H

#include <stdint.h>

#include "db_driver.h"

/* What one statement of a text batch did. */
struct db_batch_result {
	unsigned long long	rows;		/* rows of its result set, else rows changed */
	uint64_t		insert_id;	/* AUTO_INCREMENT id it made, or 0 */
};

/*
 * Sends several statements as one text query (one round trip) and reads
 * every result, the first n into res.  Only for text the catalogue formats
 * from values the service made itself (numbers, [A-Za-z0-9] credentials),
 * never from a request.  The server runs no statement after a failed one;
 * *done gets how many succeeded.  A batch that begins with START
 * TRANSACTION marks the handle in a transaction (and, when the connection
 * is found lost at its first statement, reconnects and sends it once
 * more); one whose last statement is a COMMIT that succeeded ends it.
 * *retry is set for a deadlock.
 */
enum db_status db_batch_run(struct db *, const char *sql, struct db_batch_result *res,
    unsigned n, unsigned *done, int *retry);

#endif

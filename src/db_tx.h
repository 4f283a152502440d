/* db_tx.h: transactions for the query files (db_tx.c): a body run between START TRANSACTION and COMMIT, retried on a deadlock. */
#ifndef APIKEYS_DB_TX_H
#define APIKEYS_DB_TX_H

#include "db.h"

/* The statements of one transaction; sets *retry for a deadlock. */
typedef enum db_status db_tx_body(struct db *, void *ctx, int *retry);

/*
 * Runs body inside START TRANSACTION ... COMMIT.  Any failure rolls back, so
 * nothing is half-written; a deadlock or a Galera certification failure is
 * retried a bounded number of times with a random back-off.  what names the
 * transaction in the log.
 */
enum db_status db_tx_run(struct db *, db_tx_body *body, void *ctx, const char *what);

/*
 * As db_tx_run, for a body whose first statement begins the transaction
 * itself (a CALL of a stored procedure that starts it): no START
 * TRANSACTION round trip of its own.  The body marks the handle in a
 * transaction (db->in_tx) once it is; a transaction left open is committed
 * here; any failure rolls back.
 */
enum db_status db_tx_run_batched(struct db *, db_tx_body *body, void *ctx, const char *what);

/* Sleeps a random, widening while before retry attempt (1, 2, ...) of
 * something that hit a deadlock or a certification conflict. */
void db_backoff(int attempt);

#endif

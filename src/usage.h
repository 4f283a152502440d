/* usage.h: verify's outcomes counted per key and UTC hour in the responder's memory (two tables under a lock), until the writer thread puts them in the database (db_usage.c). */
#ifndef APIKEYS_USAGE_H
#define APIKEYS_USAGE_H

#include <stdint.h>

/* The outcomes, in the order of the contract's table (also their number in
 * the database's outcome column). */
enum usage_outcome {
	USAGE_VALID = 0,
	USAGE_INVALID_SECRET,
	USAGE_DISABLED,
	USAGE_EXPIRED,
	USAGE_REVOKED,
	USAGE_FORBIDDEN_IP,
	USAGE_FORBIDDEN_PERMISSIONS,
	USAGE_RATE_LIMITED,
	USAGE_USAGE_EXCEEDED,
	USAGE_UNKNOWN_KEY,	/* service-wide only: counted under key id 0 */
	USAGE__MAX
};

#define USAGE_KEY_OUTCOMES	9	/* the outcomes a key has (all but unknown_key) */

/*
 * The table's bound: at most this many distinct (key, hour, outcome)
 * counts wait in one table.  2048 slots of 32 bytes: 64 KiB, allocated
 * once; the process has two (usage_count), 128 KiB in all.  A table that
 * fills is written at once, so the bound limits only how long the
 * database may take no write (usage_count) before counts are lost: about
 * a second at 1,000 verifies a second of as many different keys.
 */
#define USAGE_TABLE_MAX		1024
#define USAGE_TABLE_SLOTS	2048

/* Counts are written once the oldest of them is this old: inside the
 * contract's 5 s with room for a slow statement and its retries, and
 * seldom enough that a busy responder writes one statement every 2 s. */
#define USAGE_FLUSH_AGE_US	2000000LL

/* A write that failed (the database away) is tried again this much later. */
#define USAGE_RETRY_US		1000000LL

/* One waiting count. */
struct usage_cell {
	uint64_t	key_id;		/* 0: a key that does not exist */
	uint64_t	user_id;
	uint32_t	hour;		/* whole hours since the epoch (UTC) */
	uint32_t	outcome;	/* enum usage_outcome */
	uint64_t	count;		/* 0: a free slot */
};

struct usage_table {
	struct usage_cell	slot[USAGE_TABLE_SLOTS];
	unsigned		n;		/* slots in use */
	int64_t			oldest_us;	/* time of the oldest waiting count */
};

/* The outcome's name as the contract spells it ("valid"); "" when out of
 * range.  Static storage; cannot fail. */
const char *usage_outcome_name(enum usage_outcome);

/* The outcome of a name, or -1. */
int usage_outcome_parse(const char *name);

/* Empties the table.  Cannot fail. */
void usage_clear(struct usage_table *);

/*
 * Adds n to the count of key_id (of user_id) and outcome in the hour of
 * now_us.  Returns 0, or -1 when the table is full (USAGE_TABLE_MAX
 * counts) and this one is not among them: nothing changed (usage_count
 * then counts in the process's other table).
 */
int usage_add(struct usage_table *, uint64_t key_id, uint64_t user_id, int64_t now_us,
    enum usage_outcome, uint64_t n);

/*
 * Milliseconds until the table is due to be written (0: due now), or -1
 * when it holds nothing.  Cannot fail.
 */
long usage_due_ms(const struct usage_table *, int64_t now_us);

/*
 * Copies the waiting counts into out (room for USAGE_TABLE_MAX), ordered
 * by key, hour, outcome (the order of the table's primary key, so that
 * concurrent writers lock rows in one order).  Returns how many.  The
 * table is unchanged: clear it once they are written.
 */
unsigned usage_snapshot(const struct usage_table *, struct usage_cell *out);

/*
 * The process's counts, shared by the threads that count (verify) and the
 * one that writes them (db_usage.c's writer): two tables under one lock.
 * Verify adds to the active table; the writer takes a table that is due
 * (its oldest count USAGE_FLUSH_AGE_US old), full or, after usage_stop,
 * not empty, swapping in the other (empty) one, and writes it outside the
 * lock.  The lock is held only for an addition or a swap, never across a
 * database call.
 */

/*
 * Adds one count to the active table.  When that table is full, it is
 * handed to the writer and the other one (empty unless the writer still
 * holds it) becomes active.  When both are full (the database has not
 * taken a write for as long as it took verify to fill a table with
 * USAGE_TABLE_MAX distinct counts) the count is dropped and counted
 * (usage_lost): verify never waits for the database.  Cannot fail.
 */
void usage_count(uint64_t key_id, uint64_t user_id, int64_t now_us, enum usage_outcome);

/* How usage_take takes. */
#define USAGE_WAIT	0x1	/* wait until a table is to be written */
#define USAGE_NOW	0x2	/* a table that is not due yet too */

/*
 * The writer's side.  Returns a table to be written (due, full, a failed
 * one's retry time, any after usage_stop), held by the caller until
 * usage_done; with USAGE_WAIT waits for one, else returns NULL when there
 * is none.  After usage_stop, returns NULL once both tables are empty.
 * One table is held at a time: while it is, another caller gets NULL, or
 * waits (USAGE_WAIT).
 */
struct usage_table *usage_take(int how);

/* Ends the hold of usage_take's table: written (emptied) or not (kept, to
 * be tried again USAGE_RETRY_US later).  Cannot fail. */
void usage_done(struct usage_table *, int written);

/* Asks the writer to write everything and end (usage_take returns what is
 * left at once, then NULL).  Async-signal-unsafe; cannot fail. */
void usage_stop(void);

/* 1 after usage_stop. */
int usage_stopping(void);

/* The counts dropped since the last call (both tables were full). */
unsigned long usage_lost(void);

#endif

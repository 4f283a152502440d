/* fake-db.h: an in-memory stand-in for the database layer (db.h), for handler tests: seeded tables, a call log, forced failures. */
#ifndef APIKEYS_FAKE_DB_H
#define APIKEYS_FAKE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "db_key_row.h"

/*
 * fake-db.c defines every query the handlers call (db_keys.h,
 * db_settings.h, db_generate.h, db_rotate.h, db_events.h) and db.h's
 * handle, so a test program that links fake-db.o before the library never
 * pulls the real database layer (nor the MySQL client) into its link.  State is global: one fake per program.
 */

#define FAKE_USERS	16
#define FAKE_TOKENS	32
#define FAKE_KEYS	256
#define FAKE_LOG	64
#define FAKE_LOG_LINE	320
#define FAKE_EVENTS	128

/* Empties every table and the log, clears a pending failure, and sets the
 * clock back to the real time.  Cannot fail. */
void fake_db_reset(void);

/* The time (microseconds since the epoch) the fake stamps revocations,
 * generated keys and the live/stale flags with, stamps taken in whole
 * seconds as the SQL's NOW(); 0 means the real clock.  Handlers keep their
 * own clock. */
void fake_db_set_now(int64_t now);

/* Adds a user; email_verified is what db_token_* report for its tokens. */
void fake_db_add_user(uint64_t id, int email_verified);

/*
 * Adds a Sanctum token row of user_id whose stored hash is hash (64 hex
 * digits; the test computes it).  An expired row is never found; a stale
 * one makes auth record its use (db_token_touch).
 */
void fake_db_add_token(uint64_t id, uint64_t user_id, const char *hash, int expired,
    int stale);

/* Sets a token's abilities (as the real query reads "*" and
 * "api-keys:read"/"api-keys:write") and its age in seconds (-1: no
 * created_at).  Tokens start able to do both, age 0. */
void fake_db_token_set(uint64_t id, int can_read, int can_write, int64_t age);

/* Stores a copy of k (every column; live and stale are computed on read).
 * Returns the stored row, which the test may change, or NULL when full. */
struct db_key *fake_db_add_key(const struct db_key *k);

/* The stored row of key id, or NULL. */
struct db_key *fake_db_key(uint64_t id);

/* The number of stored keys of a user; with first, the lowest-id one. */
size_t fake_db_user_keys(uint64_t user_id, struct db_key **first);

/*
 * Makes the next call of function fn (a query's name such as "db_key_create";
 * NULL: whichever query is called next) return rc without touching
 * the tables.  One shot; the call is still logged.
 */
void fake_db_fail(const char *fn, enum db_status rc);

/* Sets key id's token bucket: tokens uses left at time at (microseconds).
 * A key starts with a full bucket. */
void fake_db_bucket_set(uint64_t id, double tokens, int64_t at);

/* Event i of the audit trail (below) in short: "key=7 updated
 * {\"changes\":[\"name\"]}"; NULL past the end.  Static storage. */
const char *fake_db_event(size_t i);

/* The calls since the last reset or fake_db_log_clear, one line each, e.g.
 * "db_key_revoke id=7 user=1". */
size_t fake_db_log_count(void);
const char *fake_db_log_line(size_t i);

/* Every line joined by "; " ("" for none).  Static storage. */
const char *fake_db_log(void);

void fake_db_log_clear(void);

/* The audit trail's events recorded so far, oldest first, as the real table
 * keeps them (they outlive their key).  Line i reads "key=7 user=1
 * action=revoked actor=token:3 ip=127.0.0.1 details=-" ("-" for NULL);
 * NULL past the end.  Static storage. */
size_t fake_db_event_count(void);
const char *fake_db_event_line(size_t i);

/*
 * A stored row as a read of the real catalogue returns it (fake-row.c):
 * only the members of read's columns (db_key_row.h), with their flags;
 * every other member zero.  Verify's computed columns (live, stale,
 * bucket_micro) are copied as stored: the caller computes them.
 */
void fake_db_row_read(const struct db_key *row, struct db_key *k, enum key_read read);

/* The key a rotation pointed key id at (0: none), and setting it (in the
 * row too), as an earlier rotation would have. */
uint64_t fake_db_rotated_to(uint64_t id);
void fake_db_set_rotated(uint64_t id, uint64_t to);

#endif

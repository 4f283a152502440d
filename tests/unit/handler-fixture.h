/* handler-fixture.h: what the handler test programs (test-h-*.c) share: the seeded fake database, one request through router_dispatch and rendering, and the last answer. */
#ifndef APIKEYS_HANDLER_FIXTURE_H
#define APIKEYS_HANDLER_FIXTURE_H

#include <stdint.h>

#include "config.h"
#include "crypto.h"
#include "fake-db.h"
#include "handler.h"
#include "timeutil.h"

#define PEPPER		"unit-test-pepper-0123456789abcdef"

/* The fixture's clock (the fake's) and its times, in microseconds. */
#define T_NOW		(1780315200LL * TIME_US)	/* 2026-06-01T12:00:00Z */
#define T_CREATED	(1765929600LL * TIME_US)	/* 2025-12-17T00:00:00Z */
#define T_UPDATED	(1766050215LL * TIME_US)	/* 2025-12-18T09:30:15Z */
#define T_EXPIRES	(1923696000LL * TIME_US)	/* 2030-12-17T00:00:00Z */
#define T_USED		(1780214400LL * TIME_US)	/* 2026-05-31T08:00:00Z */
#define T_OLD		(1761991200LL * TIME_US)	/* 2025-11-01T10:00:00Z */
#define T_REVOKED	(1772506983LL * TIME_US)	/* 2026-03-03T03:03:03Z */
#define T_PAST		(1767225600LL * TIME_US)	/* 2026-01-01T00:00:00Z */

#define TOK1		"Bearer 5|tok-one-plain"
#define TOK2		"Bearer 6|tok-two-plain"
#define TOK3		"Bearer 7|tok-three-plain"	/* email not verified */

#define NOT_FOUND_404	"{\"success\":false,\"message\":\"API key not found\",\"code\":404}"
#define UNAUTH_401	"{\"success\":false,\"message\":\"Unauthenticated.\"}"
#define INVALID_401	"{\"success\":false,\"message\":\"Invalid API key.\"}"
#define UNAVAIL_503	"{\"success\":false,\"message\":\"Service Unavailable.\"}"
#define NOT_OBJECT_400	"{\"success\":false,\"message\":\"The request body must be a JSON object.\"}"

/* The settings and application the requests run with; seed() resets both. */
extern struct config cfg;
extern struct app app;
extern const char *remote_addr;	/* REMOTE_ADDR of the next requests; NULL: none */

/* Key values of the fixture: prefix + 40 characters (fixture_start). */
extern char k7[64], s7[64], k8[64], k9[64], s9[64], k10[64], s10[64];

/* The last answer, rendered. */
struct answer {
	int	status;		/* -1: the request or the rendering failed */
	char	raw[32768];
	char	head[2048];	/* the header lines, each ending in CRLF */
	char	body[32768];
};
extern struct answer r;
extern int length_mismatch;	/* renders whose Content-Length was not the body's */

/* Scratch space for an expected body. */
extern char want[8192];

/* Fills the key values above; 0 if each is 48 characters long, else -1. */
int fixture_start(void);

/* Closes the fake's handle; returns the number of answers whose
 * Content-Length was not their body's length. */
int fixture_finish(void);

/* 1 if the real database layer is not linked (the fake stands in). */
int fixture_fake_only(void);

/* The fixture every group starts from, with default settings. */
void seed(void);

/* Stores a key row (secret NULL: no hash, no hint); returns the fake's
 * copy, which the test may change. */
struct db_key *seed_key(uint64_t id, uint64_t user, const char *name, const char *key,
    const char *secret, const char *perms, int64_t expires, int64_t used,
    int64_t revoked, int64_t created, int64_t updated);

/* prefix, then start, padded with 'x' so that tail ends at character 40
 * (out holds 64 bytes). */
void make_value(char *out, const char *prefix, const char *start, const char *tail);

/* The pepper's HMAC-SHA-256 of secret in hex ("" on failure). */
void hmac_hex(const char *secret, char out[CRYPTO_HEX_SHA256 + 1]);

/* t as Laravel writes it ("?" if it cannot be written). */
void laravel(int64_t t, char out[TIME_LARAVEL_LEN + 1]);

/*
 * One request through the whole path: CGI variables, body, dispatch,
 * rendering.  clen NULL: CONTENT_LENGTH is the body's length (absent
 * without a body).  The answer lands in r; the fake's log is cleared first.
 */
void send_raw(const char *method, const char *uri, const char *auth, const char *clen,
    const char *body);
void send_req(const char *method, const char *uri, const char *auth, const char *body);

/* 1 if the last answer has the header line exactly. */
int has_header(const char *line);

/* Copies the 48-character value after "member":" in the last body: 0, or
 * -1 if there is none. */
int take_value(const char *member, char out[64]);

/* 1 if v is prefix followed by exactly 40 of [A-Za-z0-9]. */
int well_formed(const char *v, const char *prefix);

/* before, the SHA-256 hex of plain, then after: a log line to compare
 * (static storage, overwritten by the next call). */
const char *log_with_hash(const char *before, const char *plain, const char *after);

#endif

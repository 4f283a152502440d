/* test-handlers.c: every route through router_dispatch over a fake database: status, exact bytes, headers, and the queries asked for. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "config.h"
#include "crypto.h"
#include "fake-db.h"
#include "handler.h"
#include "request.h"
#include "response.h"
#include "router.h"
#include "tap.h"
#include "timeutil.h"

/* Defined only by the real database layer: linked, they would not be NULL. */
void db_run_prepared(void) __attribute__((weak));
void db_tx_run(void) __attribute__((weak));

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

static struct config cfg;
static struct app app;
static const char *remote_addr;	/* REMOTE_ADDR of the next requests; NULL: none */

/* Key values of the fixture: prefix + 40 characters. */
static char k7[64], s7[64], k8[64], k9[64], s9[64], k10[64], s10[64];

/* The last answer, rendered. */
static struct {
	int	status;
	char	raw[32768];
	char	head[2048];	/* the header lines, each ending in CRLF */
	char	body[32768];
} r;
static int length_mismatch;	/* renders whose Content-Length was not the body's */

/* ------------------------------------------------------------ helpers */

/* prefix, then start, padded with 'x' so that tail ends at character 40. */
static void
make_value(char *out, const char *prefix, const char *start, const char *tail)
{
	size_t used = strlen(start) + strlen(tail);

	snprintf(out, 64, "%s%s%.*s%s", prefix, start, (int)(40 - used),
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", tail);
}

static void
hmac_hex(const char *secret, char out[CRYPTO_HEX_SHA256 + 1])
{
	if (crypto_hmac_sha256_hex(PEPPER, strlen(PEPPER), secret, strlen(secret), out) != 0)
		out[0] = '\0';
}

static void
sha_hex(const char *plain, char out[CRYPTO_HEX_SHA256 + 1])
{
	if (crypto_sha256_hex(plain, strlen(plain), out) != 0)
		out[0] = '\0';
}

static void
laravel(int64_t t, char out[TIME_LARAVEL_LEN + 1])
{
	if (time_format_laravel_us(t, out) != 0)
		strcpy(out, "?");
}

static struct db_key *
seed_key(uint64_t id, uint64_t user, const char *name, const char *key, const char *secret,
    const char *perms, int64_t expires, int64_t used, int64_t revoked, int64_t created,
    int64_t updated)
{
	struct db_key k;

	memset(&k, 0, sizeof(k));
	k.id = id;
	k.user_id = user;
	k.name_null = name == NULL;
	snprintf(k.name, sizeof(k.name), "%s", name != NULL ? name : "");
	snprintf(k.key, sizeof(k.key), "%s", key);
	if (secret != NULL) {
		hmac_hex(secret, k.secret_hash);
		snprintf(k.secret_hint, sizeof(k.secret_hint), "%s",
		    secret + strlen(secret) - 4);
	}
	snprintf(k.permissions, sizeof(k.permissions), "%s", perms);
	k.expires_at = expires;
	k.last_used_at = used;
	k.revoked_at = revoked;
	k.created_at = created;
	k.updated_at = updated;
	return fake_db_add_key(&k);
}

static void
seed_token(uint64_t id, uint64_t user, const char *plain, int expired, int stale)
{
	char hash[CRYPTO_HEX_SHA256 + 1];

	sha_hex(plain, hash);
	fake_db_add_token(id, user, hash, expired, stale);
}

/* The fixture every group starts from, with default settings. */
static void
seed(void)
{
	config_defaults(&cfg);
	snprintf(cfg.pepper, sizeof(cfg.pepper), "%s", PEPPER);
	fake_db_reset();
	fake_db_set_now(T_NOW);
	fake_db_add_user(1, 1);
	fake_db_add_user(2, 1);
	fake_db_add_user(3, 0);
	seed_token(5, 1, "tok-one-plain", 0, 0);
	seed_token(6, 2, "tok-two-plain", 0, 0);
	seed_token(7, 3, "tok-three-plain", 0, 0);
	seed_token(8, 1, "barebearertoken", 0, 0);
	seed_token(9, 1, "another-plain", 0, 0);	/* presented as 9|guess */
	seed_token(10, 1, "tok-expired", 1, 0);
	seed_token(11, 1, "tok-stale", 0, 1);
	seed_token(12, 4, "tok-no-user", 0, 0);		/* user 4 does not exist */
	seed_key(7, 1, "Prod", k7, s7, "[\"read\",\"write\"]", T_EXPIRES, T_USED,
	    DB_TIME_NULL, T_CREATED, T_UPDATED);
	seed_key(8, 2, "Other", k8, NULL, "[]", T_EXPIRES, DB_TIME_NULL, DB_TIME_NULL,
	    T_PAST, T_PAST);
	/* Made by generate before hints existed, then revoked. */
	seed_key(9, 1, NULL, k9, s9, "[]", DB_TIME_NULL, DB_TIME_NULL, T_REVOKED, T_OLD,
	    T_REVOKED)->secret_hint[0] = '\0';
	/* Expired; created at the same second as key 9 (id breaks the tie). */
	seed_key(10, 1, "Old", k10, s10, "[]", T_PAST, DB_TIME_NULL, DB_TIME_NULL, T_OLD,
	    T_OLD);
	app.cfg = &cfg;
	app.db = db_open(&cfg, DB_FLAG_LAZY);
	fake_db_log_clear();
}

struct string_reader {
	const char	*s;
	size_t		 len, pos;
};

/* Hands out at most 7 bytes a call, so the body loop is exercised. */
static ssize_t
string_read(void *ctx, char *buf, size_t n)
{
	struct string_reader *sr = ctx;
	size_t left = sr->len - sr->pos;

	if (n > left)
		n = left;
	if (n > 7)
		n = 7;
	memcpy(buf, sr->s + sr->pos, n);
	sr->pos += n;
	return (ssize_t)n;
}

/*
 * One request through the whole path: CGI variables, body, dispatch,
 * rendering.  clen NULL: CONTENT_LENGTH is the body's length (absent
 * without a body).  The answer lands in r; the fake's log is cleared first.
 */
static void
send_raw(const char *method, const char *uri, const char *auth, const char *clen,
    const char *body)
{
	char e_method[64], e_uri[1024], e_auth[1024], e_len[64], e_addr[128];
	char *env[8];
	struct string_reader sr = { body, body != NULL ? strlen(body) : 0, 0 };
	struct request req;
	struct response res;
	const char *sep;
	char *out;
	size_t n = 0, len = 0;

	fake_db_log_clear();
	snprintf(e_method, sizeof(e_method), "REQUEST_METHOD=%s", method);
	snprintf(e_uri, sizeof(e_uri), "REQUEST_URI=%s", uri);
	env[n++] = e_method;
	env[n++] = e_uri;
	if (auth != NULL) {
		snprintf(e_auth, sizeof(e_auth), "HTTP_AUTHORIZATION=%s", auth);
		env[n++] = e_auth;
	}
	if (clen != NULL || body != NULL) {
		if (clen != NULL)
			snprintf(e_len, sizeof(e_len), "CONTENT_LENGTH=%s", clen);
		else
			snprintf(e_len, sizeof(e_len), "CONTENT_LENGTH=%zu", strlen(body));
		env[n++] = e_len;
	}
	if (remote_addr != NULL) {
		snprintf(e_addr, sizeof(e_addr), "REMOTE_ADDR=%s", remote_addr);
		env[n++] = e_addr;
	}
	env[n] = NULL;

	memset(&r, 0, sizeof(r));
	memset(&res, 0, sizeof(res));
	if (request_init(&req, env) != 0 ||
	    request_read_body(&req, string_read, &sr, cfg.max_body) != 0) {
		request_free(&req);
		r.status = -1;
		return;
	}
	router_dispatch(&app, &req, &res);
	out = response_render(&res, &len);
	response_clear(&res);
	request_free(&req);
	if (out == NULL) {
		r.status = -1;
		return;
	}
	snprintf(r.raw, sizeof(r.raw), "%s", out);
	free(out);
	if (sscanf(r.raw, "Status: %d ", &r.status) != 1)
		r.status = -1;
	if ((sep = strstr(r.raw, "\r\n\r\n")) != NULL) {
		char want[64];

		snprintf(r.head, sizeof(r.head), "%.*s", (int)(sep - r.raw + 2), r.raw);
		snprintf(r.body, sizeof(r.body), "%s", sep + 4);
		snprintf(want, sizeof(want), "\r\nContent-Length: %zu\r\n", strlen(r.body));
		if (strstr(r.head, want) == NULL)
			length_mismatch++;
	} else
		length_mismatch++;
}

static void
send_req(const char *method, const char *uri, const char *auth, const char *body)
{
	send_raw(method, uri, auth, NULL, body);
}

/* 1 if the last answer has the header line exactly. */
static int
has_header(const char *line)
{
	char want[512];

	snprintf(want, sizeof(want), "\r\n%s\r\n", line);
	return strstr(r.head, want) != NULL;
}

/* Copies the 48-character value after "member":" in the last body. */
static int
take_value(const char *member, char out[64])
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":\"", member);
	if ((p = strstr(r.body, pat)) == NULL)
		return -1;
	p += strlen(pat);
	if (strlen(p) < 49 || p[48] != '"')
		return -1;
	memcpy(out, p, 48);
	out[48] = '\0';
	return 0;
}

/* prefix followed by exactly 40 of [A-Za-z0-9]. */
static int
well_formed(const char *v, const char *prefix)
{
	size_t i, plen = strlen(prefix);

	if (strlen(v) != plen + 40 || strncmp(v, prefix, plen) != 0)
		return 0;
	for (i = plen; i < plen + 40; i++)
		if (!((v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= 'a' && v[i] <= 'z') ||
		    (v[i] >= '0' && v[i] <= '9')))
			return 0;
	return 1;
}

static char logbuf[4096];

/* before, the SHA-256 hex of plain, then after: a log line to compare. */
static const char *
log_with_hash(const char *before, const char *plain, const char *after)
{
	char hash[CRYPTO_HEX_SHA256 + 1];

	sha_hex(plain, hash);
	snprintf(logbuf, sizeof(logbuf), "%s%s%s", before, hash, after);
	return logbuf;
}

static char want[8192];

/* ------------------------------------------------------------ groups */

static void
test_routing(void)
{
	char expect[512];

	seed();
	send_req("GET", "/api/unknown", TOK1, NULL);
	is_int(r.status, 404, "unknown path: 404");
	is_str(r.body, "{\"success\":false,\"message\":\"Not Found.\"}", "unknown path: body");
	snprintf(expect, sizeof(expect), "Status: 404 Not Found\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n"
	    "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n%s",
	    strlen(r.body), "{\"success\":false,\"message\":\"Not Found.\"}");
	is_str(r.raw, expect, "unknown path: the whole rendered answer");
	is_str(fake_db_log(), "", "unknown path: no database call, not even auth");

	send_req("POST", "/api/api-keys/7", NULL, NULL);
	is_int(r.status, 405, "POST on a key: 405 before authentication");
	ok(has_header("Allow: GET, PATCH, DELETE"), "405 on a key: Allow: GET, PATCH, DELETE");
	is_str(r.body, "{\"success\":false,\"message\":\"Method Not Allowed.\"}", "405: body");
	ok(!has_header("WWW-Authenticate: Bearer"), "405 has no challenge");
	is_str(fake_db_log(), "", "405: no database call");

	send_req("DELETE", "/api/api-keys", TOK1, NULL);
	ok(r.status == 405 && has_header("Allow: GET, POST"), "DELETE on the list: Allow: GET, POST");
	send_req("GET", "/api/api-keys/verify", TOK1, NULL);
	ok(r.status == 405 && has_header("Allow: POST"), "GET verify: 405 Allow: POST, not a show");
	send_req("PUT", "/api/api-keys/generate", TOK1, NULL);
	ok(r.status == 405 && has_header("Allow: POST"), "PUT generate: 405 Allow: POST");
	send_req("GET", "/api-keys", TOK1, NULL);
	is_int(r.status, 404, "a route outside the base path: 404");
	send_req("GET", "/api/api-keys/7/extra", TOK1, NULL);
	is_int(r.status, 404, "two segments after api-keys: 404");

	send_req("GET", "/api/api-keys?page=2", TOK1, NULL);
	is_int(r.status, 200, "the query string is not part of the route");

	send_raw("POST", "/api/api-keys", TOK1, "70000", NULL);
	ok(r.status == 413 && strcmp(r.body,
	    "{\"success\":false,\"message\":\"Payload Too Large.\"}") == 0,
	    "a body over APIKEYS_MAX_BODY: 413 in the envelope");
	is_str(fake_db_log(), "", "413: no database call");
	send_raw("POST", "/api/api-keys", TOK1, "12x", "{}");
	ok(r.status == 400 && strcmp(r.body, "{\"success\":false,\"message\":\"Bad Request.\"}") == 0,
	    "a CONTENT_LENGTH that is not a number: 400");
}

static void
test_auth(void)
{
	seed();
	send_req("GET", "/api/api-keys", NULL, NULL);
	is_int(r.status, 401, "no Authorization: 401");
	is_str(r.body, UNAUTH_401, "401: body");
	ok(has_header("WWW-Authenticate: Bearer"), "401: WWW-Authenticate: Bearer");
	is_str(fake_db_log(), "", "no Authorization: no query");

	send_req("GET", "/api/api-keys", "Basic dXNlcjpwYXNz", NULL);
	ok(r.status == 401 && has_header("WWW-Authenticate: Bearer") &&
	    fake_db_log()[0] == '\0', "another scheme: 401 without a query");

	send_req("GET", "/api/api-keys", "Bearer 99|nope", NULL);
	ok(r.status == 401 && strcmp(r.body, UNAUTH_401) == 0 &&
	    has_header("WWW-Authenticate: Bearer"), "unknown token id: 401");
	is_str(fake_db_log(), "db_token_by_id id=99", "unknown token: looked up by id once");

	send_req("GET", "/api/api-keys", "Bearer 9|guess", NULL);
	ok(r.status == 401 && strcmp(r.body, UNAUTH_401) == 0,
	    "a token row whose hash is another plaintext's: 401");
	is_str(fake_db_log(), "db_token_by_id id=9", "hash refused: no touch, no handler query");

	send_req("GET", "/api/api-keys/7", "Bearer 9|guess", NULL);
	ok(r.status == 401 && strstr(r.body, k7) == NULL,
	    "show with a refused token: 401 and the joined key is not shown");

	send_req("GET", "/api/api-keys", "Bearer 10|tok-expired", NULL);
	is_int(r.status, 401, "expired token: 401");
	send_req("GET", "/api/api-keys", "Bearer 12|tok-no-user", NULL);
	is_int(r.status, 401, "token whose user row is gone: 401");
	send_req("GET", "/api/api-keys", "Bearer 0|tok-one-plain", NULL);
	ok(r.status == 401 && fake_db_log()[0] == '\0', "token id 0: malformed, no query");
	send_req("GET", "/api/api-keys", "Bearer 5|", NULL);
	ok(r.status == 401 && fake_db_log()[0] == '\0', "empty plaintext: no query");

	send_req("GET", "/api/api-keys", "Bearer barebearertoken", NULL);
	is_int(r.status, 200, "bare token (no id): found by its hash");
	is_str(fake_db_log(), log_with_hash("db_token_by_hash hash=",
	    "barebearertoken", "; db_keys_list user=1 limit=100"),
	    "bare token: looked up by the SHA-256 of the plaintext");

	send_req("GET", "/api/api-keys", "bearer   5|tok-one-plain  ", NULL);
	is_int(r.status, 200, "scheme in lower case, extra blanks: accepted");

	send_req("GET", "/api/api-keys", "Bearer 11|tok-stale", NULL);
	is_str(fake_db_log(), "db_token_by_id id=11; db_token_touch id=11; "
	    "db_keys_list user=1 limit=100", "a stale token's use is recorded");
	send_req("GET", "/api/api-keys", "Bearer 11|tok-stale", NULL);
	is_str(fake_db_log(), "db_token_by_id id=11; db_keys_list user=1 limit=100",
	    "once recorded, not again within the minute");
	send_req("GET", "/api/api-keys", TOK1, NULL);
	is_str(fake_db_log(), "db_token_by_id id=5; db_keys_list user=1 limit=100",
	    "a fresh token is not touched");

	seed();
	fake_db_fail("db_token_touch", DB_ERROR);
	send_req("GET", "/api/api-keys", "Bearer 11|tok-stale", NULL);
	is_int(r.status, 200, "a failed touch does not fail the request");

	fake_db_fail("db_token_by_id", DB_UNAVAILABLE);
	send_req("GET", "/api/api-keys", TOK1, NULL);
	is_int(r.status, 503, "database unavailable during auth: 503");
	is_str(r.body, UNAVAIL_503, "503: body");
	ok(!has_header("WWW-Authenticate: Bearer"), "503: no challenge");

	fake_db_fail("db_token_by_id", DB_ERROR);
	send_req("GET", "/api/api-keys", TOK1, NULL);
	ok(r.status == 500 && strcmp(r.body, "{\"success\":false,\"message\":\"Server Error.\"}") == 0,
	    "database error during auth: 500 Server Error.");

	fake_db_fail("db_token_with_key", DB_UNAVAILABLE);
	send_req("GET", "/api/api-keys/7", TOK1, NULL);
	ok(r.status == 503 && strcmp(r.body, UNAVAIL_503) == 0,
	    "show: database unavailable for the joined lookup: 503");
}

static void
test_generate(void)
{
	char key[64], secret[64], hash[CRYPTO_HEX_SHA256 + 1], first[64];
	struct db_key *row;
	size_t n;

	seed();
	send_req("POST", "/api/api-keys/generate", TOK1, "ignored, not even JSON");
	is_int(r.status, 200, "generate: 200");
	ok(take_value("key", key) == 0 && well_formed(key, "MTP_KEY_"),
	    "generate: key is MTP_KEY_ + 40 base62");
	ok(take_value("secret", secret) == 0 && well_formed(secret, "MTP_SEC_"),
	    "generate: secret is MTP_SEC_ + 40 base62");
	snprintf(want, sizeof(want), "{\"success\":true,\"message\":\"API key generated "
	    "successfully\",\"data\":{\"id\":11,\"key\":\"%s\",\"secret\":\"%s\"}}", key, secret);
	is_str(r.body, want, "generate: exact body, id of the new row");
	ok(has_header("Cache-Control: no-store"), "generate: Cache-Control: no-store");
	is_str(fake_db_log(), "db_token_by_id id=5; db_key_replace user=1",
	    "generate: one replace for the caller's user");
	n = fake_db_user_keys(1, &row);
	ok(n == 1 && row != NULL && row->id == 11 && strcmp(row->key, key) == 0,
	    "generate: the user has exactly the new key");
	hmac_hex(secret, hash);
	ok(row != NULL && strcmp(row->secret_hash, hash) == 0,
	    "generate: stored hash is HMAC-SHA-256(pepper, secret)");
	ok(row != NULL && strcmp(row->secret_hint, secret + 44) == 0,
	    "generate: stored hint is the secret's last 4");
	ok(row != NULL && strstr(row->secret_hash, secret + 8) == NULL &&
	    strcmp(row->key, secret) != 0, "generate: the secret itself is not stored");
	is_int(fake_db_user_keys(2, NULL), 1, "generate: other users' keys stay");

	snprintf(want, sizeof(want), "{\"key\":\"%s\",\"secret\":\"%s\"}", key, secret);
	send_req("POST", "/api/api-keys/verify", NULL, want);
	is_int(r.status, 200, "generate then verify: the new pair is valid");

	snprintf(first, sizeof(first), "%s", key);
	send_req("POST", "/api/api-keys/generate", TOK1, NULL);
	ok(r.status == 200 && take_value("key", key) == 0 && strcmp(key, first) != 0 &&
	    fake_db_user_keys(1, NULL) == 1, "generate again: another key, still one");

	seed();
	fake_db_fail("db_key_replace", DB_ERROR);
	send_req("POST", "/api/api-keys/generate", TOK1, NULL);
	is_int(r.status, 500, "generate: database error: 500");
	is_str(r.body, "{\"success\":false,\"message\":\"An error occurred while generating "
	    "the API key.\"}", "generate: 500 exact message");
	is_int(fake_db_user_keys(1, NULL), 3, "generate failed: the old keys stay");
	fake_db_fail("db_key_replace", DB_UNAVAILABLE);
	send_req("POST", "/api/api-keys/generate", TOK1, NULL);
	ok(r.status == 500 && strstr(r.body, "generating the API key") != NULL,
	    "generate: database gone mid-request: the same 500, as documented for generate");
	fake_db_fail("db_key_replace", DB_NOT_FOUND);
	send_req("POST", "/api/api-keys/generate", TOK1, NULL);
	is_int(r.status, 500, "generate: user row gone: 500, not 404");

	send_req("POST", "/api/api-keys/generate", TOK3, NULL);
	is_int(r.status, 200, "unverified email, switch off: 200");
	seed();
	cfg.require_verified_email = 1;
	send_req("POST", "/api/api-keys/generate", TOK3, NULL);
	is_int(r.status, 403, "APIKEYS_REQUIRE_VERIFIED_EMAIL, unverified: 403");
	is_str(r.body, "{\"success\":false,\"message\":\"You must confirm your email before "
	    "generating an API key.\"}", "403: exact body");
	is_str(fake_db_log(), "db_token_by_id id=7", "403: nothing is replaced");
	send_req("POST", "/api/api-keys/generate", TOK1, NULL);
	is_int(r.status, 200, "APIKEYS_REQUIRE_VERIFIED_EMAIL, verified: 200");
}

static void
test_show(void)
{
	static char expect[sizeof(want) + 256];
	const char *bad[] = { "abc", "0", "01", "-7", "7a", "18446744073709551616", "" };
	size_t i;
	int same = 1, no_key_query = 1;

	seed();
	send_req("GET", "/api/api-keys/7", TOK1, NULL);
	is_int(r.status, 200, "show: 200");
	snprintf(want, sizeof(want), "{\"success\":true,\"message\":\"API key fetched "
	    "successfully\",\"data\":{\"id\":7,\"user_id\":1,\"key\":\"%s\","
	    "\"permissions\":[\"read\",\"write\"],"
	    "\"expires_at\":\"2030-12-17T00:00:00.000000Z\","
	    "\"created_at\":\"2025-12-17T00:00:00.000000Z\","
	    "\"updated_at\":\"2025-12-18T09:30:15.000000Z\"}}", k7);
	is_str(r.body, want, "show: exact body, Laravel times");
	snprintf(expect, sizeof(expect), "Status: 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nCache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n\r\n%s", strlen(want), want);
	is_str(r.raw, expect, "show: the whole rendered answer");
	is_str(fake_db_log(), "db_token_with_key token=5 key=7",
	    "show: one round trip, db_token_with_key only");
	ok(strstr(r.body, s7) == NULL && strstr(r.body, "secret") == NULL,
	    "show: no secret, no hint");

	send_req("GET", "/api/api-keys/9", TOK1, NULL);
	snprintf(want, sizeof(want), "{\"success\":true,\"message\":\"API key fetched "
	    "successfully\",\"data\":{\"id\":9,\"user_id\":1,\"key\":\"%s\","
	    "\"permissions\":[],\"expires_at\":null,"
	    "\"created_at\":\"2025-11-01T10:00:00.000000Z\","
	    "\"updated_at\":\"2026-03-03T03:03:03.000000Z\"}}", k9);
	ok(r.status == 200 && strcmp(r.body, want) == 0,
	    "show: a revoked key still shows; unset expiry is null");

	send_req("GET", "/api/api-keys/8", TOK1, NULL);
	is_int(r.status, 404, "show another user's key: 404");
	is_str(r.body, NOT_FOUND_404, "show another user's key: exact body");
	is_str(fake_db_log(), "db_token_with_key token=5 key=8", "show other's key: one query");
	send_req("GET", "/api/api-keys/999", TOK1, NULL);
	ok(r.status == 404 && strcmp(r.body, NOT_FOUND_404) == 0, "show a missing key: same 404");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char uri[128];

		snprintf(uri, sizeof(uri), "/api/api-keys/%s", bad[i]);
		send_req("GET", uri, TOK1, NULL);
		if (r.status != 404 || strcmp(r.body, NOT_FOUND_404) != 0) {
			same = 0;
			printf("# show %s: %d %s\n", uri, r.status, r.body);
		}
		if (strcmp(fake_db_log(), "db_token_with_key token=5 key=0") != 0) {
			no_key_query = 0;
			printf("# show %s: log %s\n", uri, fake_db_log());
		}
	}
	ok(same, "show ids abc, 0, 01, -7, 7a, 2^64, empty: the identical 404");
	ok(no_key_query, "show of a bad id: the token lookup with key 0, nothing else");
	send_req("GET", "/api/api-keys/abc", TOK1, NULL);
	is_str(r.body, NOT_FOUND_404, "show abc: exact body");
	send_req("GET", "/api/api-keys/01", TOK1, NULL);
	is_str(r.body, NOT_FOUND_404, "show 01 (not a plain decimal): exact body");

	send_req("GET", "/api/api-keys/8", TOK2, NULL);
	ok(r.status == 200 && strstr(r.body, "\"id\":8,\"user_id\":2,") != NULL,
	    "show: the owner sees key 8");
	send_req("GET", "/api/api-keys/7", "Bearer barebearertoken", NULL);
	ok(r.status == 200 && strcmp(fake_db_log(), log_with_hash(
	    "db_token_with_key hash=", "barebearertoken", " key=7")) == 0,
	    "show with a bare token: the join by hash");
	send_req("GET", "/api/api-keys/7", "Bearer 11|tok-stale", NULL);
	is_str(fake_db_log(), "db_token_with_key token=11 key=7; db_token_touch id=11",
	    "show with a stale token: the join, then the touch");
}

static void
test_create(void)
{
	char key[64], secret[64], hash[CRYPTO_HEX_SHA256 + 1];
	char exp_txt[TIME_LARAVEL_LEN + 1], created_txt[TIME_LARAVEL_LEN + 1];
	char body[2048], name50[256], name51[64];
	const char *not_objects[] = { "[]", "\"str\"", "", "{bad", "42", "null",
	    "{\"name\":\"a\",\"name\":\"b\"}" };
	struct db_key *row;
	int64_t t0, t1, exp_at;
	size_t i;
	int all400 = 1;

	seed();
	/* Two years ahead on a whole day: inside the 5-year window. */
	t0 = time_now_us();
	exp_at = t0 - t0 % (86400 * TIME_US) + 2 * 365 * 86400 * TIME_US;
	laravel(exp_at, exp_txt);
	snprintf(body, sizeof(body), "{\"name\":\"  CI deploy  \",\"expires_at\":\"%s\","
	    "\"permissions\":[\"keys:read\",\"payments.write\"],\"other\":1}", exp_txt);
	send_req("POST", "/api/api-keys", TOK1, body);
	t1 = time_now_us();
	is_int(r.status, 201, "create: 201");
	ok(take_value("key", key) == 0 && well_formed(key, "MTP_KEY_") &&
	    take_value("secret", secret) == 0 && well_formed(secret, "MTP_SEC_"),
	    "create: key and secret well formed");
	row = fake_db_key(11);
	ok(row != NULL && row->created_at >= t0 && row->created_at <= t1,
	    "create: stored created_at is the request's time");
	laravel(row != NULL ? row->created_at : 0, created_txt);
	snprintf(want, sizeof(want), "{\"success\":true,\"message\":\"API key created "
	    "successfully\",\"data\":{\"id\":11,\"name\":\"CI deploy\",\"key\":\"%s\","
	    "\"secret\":\"%s\",\"permissions\":[\"keys:read\",\"payments.write\"],"
	    "\"expires_at\":\"%s\",\"created_at\":\"%s\"}}", key, secret, exp_txt, created_txt);
	is_str(r.body, want, "create: exact body, name trimmed, permissions in order");
	is_str(fake_db_log(), "db_token_by_id id=5; db_key_create user=1 name=CI deploy "
	    "perms=[\"keys:read\",\"payments.write\"] max=20",
	    "create: one insert with the caller, the trimmed name, the limit");
	hmac_hex(secret, hash);
	ok(row != NULL && strcmp(row->secret_hash, hash) == 0 &&
	    strcmp(row->secret_hint, secret + 44) == 0 && row->expires_at == exp_at,
	    "create: stored HMAC, hint and chosen expiry");
	is_int(fake_db_user_keys(1, NULL), 4, "create: deletes nothing");

	send_req("POST", "/api/api-keys", TOK1, "{\"name\":\"x\",\"expires_at\":null}");
	row = fake_db_key(12);
	ok(r.status == 201 && row != NULL && strstr(r.body, "\"permissions\":[],") != NULL &&
	    row->expires_at == time_add_years_us(row->created_at, 1),
	    "create: defaults: permissions [], expiry one year on");

	for (i = 0; i < 50; i++)
		memcpy(name50 + 2 * i, "\xc3\xa9", 2);
	name50[100] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name50);
	send_req("POST", "/api/api-keys", TOK1, body);
	ok(r.status == 201 && strstr(r.body, "\"name\":\"\\u00e9\\u00e9") != NULL,
	    "create: 50 two-byte characters fit (code points, not bytes)");

	for (i = 0; i < sizeof(not_objects) / sizeof(not_objects[0]); i++) {
		send_req("POST", "/api/api-keys", TOK1, not_objects[i]);
		if (r.status != 400 || strcmp(r.body, NOT_OBJECT_400) != 0 ||
		    strstr(fake_db_log(), "db_key_create") != NULL) {
			all400 = 0;
			printf("# create body '%s': %d %s\n", not_objects[i], r.status, r.body);
		}
	}
	ok(all400, "create: array, string, empty, invalid, number, null, duplicate: 400");
	send_req("POST", "/api/api-keys", TOK1, NULL);
	ok(r.status == 400 && strcmp(r.body, NOT_OBJECT_400) == 0, "create without a body: 400");

	seed();
	send_req("POST", "/api/api-keys", TOK1,
	    "{\"name\":\"   \",\"expires_at\":\"yesterday\",\"permissions\":[\"ok\",\"BAD\",\"ok\"]}");
	is_int(r.status, 422, "create: invalid fields: 422");
	is_str(r.body, "{\"success\":false,\"message\":\"The given data was invalid.\","
	    "\"errors\":{\"name\":[\"The name field is required.\"],"
	    "\"expires_at\":[\"The expires at field must be a valid date.\"],"
	    "\"permissions.1\":[\"The permissions.1 field format is invalid.\"],"
	    "\"permissions.2\":[\"The permissions.2 field has a duplicate value.\"]}}",
	    "422: every field, in field order, items by index");
	is_str(fake_db_log(), "db_token_by_id id=5", "422: no insert");

	send_req("POST", "/api/api-keys", TOK1,
	    "{\"name\":12,\"expires_at\":\"2000-01-01T00:00:00Z\",\"permissions\":\"all\"}");
	is_str(r.body, "{\"success\":false,\"message\":\"The given data was invalid.\","
	    "\"errors\":{\"name\":[\"The name field must be a string.\"],"
	    "\"expires_at\":[\"The expires at field must be a date after now.\"],"
	    "\"permissions\":[\"The permissions field must be an array.\"]}}",
	    "422: not a string, in the past, not an array");

	memset(name51, 'n', 51);
	name51[51] = '\0';
	laravel(t0 + 6 * 366 * 86400 * TIME_US, exp_txt);
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"expires_at\":\"%s\",\"permissions\":[",
	    name51, exp_txt);
	for (i = 0; i < 33; i++)
		snprintf(body + strlen(body), sizeof(body) - strlen(body), "%s\"p%zu\"",
		    i > 0 ? "," : "", i);
	snprintf(body + strlen(body), sizeof(body) - strlen(body), "]}");
	send_req("POST", "/api/api-keys", TOK1, body);
	is_str(r.body, "{\"success\":false,\"message\":\"The given data was invalid.\","
	    "\"errors\":{\"name\":[\"The name field must not be greater than 50 characters.\"],"
	    "\"expires_at\":[\"The expires at field must be a date before or equal to 5 years "
	    "from now.\"],"
	    "\"permissions\":[\"The permissions field must not have more than 32 items.\"]}}",
	    "422: too long, too far, too many");

	send_req("POST", "/api/api-keys", TOK1, "{\"name\":\"a\\u0001b\"}");
	is_str(r.body, "{\"success\":false,\"message\":\"The given data was invalid.\","
	    "\"errors\":{\"name\":[\"The name field format is invalid.\"]}}",
	    "422: a control character in the name");
	send_req("POST", "/api/api-keys", TOK1, "{\"permissions\":[]}");
	is_str(r.body, "{\"success\":false,\"message\":\"The given data was invalid.\","
	    "\"errors\":{\"name\":[\"The name field is required.\"]}}",
	    "422: name missing");

	fake_db_fail("db_key_create", DB_LIMIT);
	send_req("POST", "/api/api-keys", TOK1, "{\"name\":\"x\"}");
	is_int(r.status, 409, "create: the database says DB_LIMIT: 409");
	is_str(r.body, "{\"success\":false,\"message\":\"API key limit reached.\"}", "409: body");
	cfg.max_keys = 1;
	send_req("POST", "/api/api-keys", TOK1, "{\"name\":\"x\"}");
	ok(r.status == 409 && strstr(fake_db_log(), "max=1") != NULL,
	    "create: APIKEYS_MAX_KEYS reaches the insert (one live key, max 1: 409)");
	send_req("POST", "/api/api-keys", TOK2, "{\"name\":\"x\"}");
	ok(r.status == 409, "create: max 1 and user 2's live key: 409");
	cfg.max_keys = 20;

	fake_db_fail("db_key_create", DB_UNAVAILABLE);
	send_req("POST", "/api/api-keys", TOK1, "{\"name\":\"x\"}");
	ok(r.status == 503 && strcmp(r.body, UNAVAIL_503) == 0, "create: database gone: 503");
	fake_db_fail("db_key_create", DB_ERROR);
	send_req("POST", "/api/api-keys", TOK1, "{\"name\":\"x\"}");
	ok(r.status == 500 && strcmp(r.body, "{\"success\":false,\"message\":\"An error occurred "
	    "while creating the API key.\"}") == 0, "create: database error: 500 exact");
	fake_db_fail("db_key_create", DB_NOT_FOUND);
	send_req("POST", "/api/api-keys", TOK1, "{\"name\":\"x\"}");
	ok(r.status == 500 && strstr(r.body, "creating the API key") != NULL,
	    "create: user row gone: 500, not 404");

	cfg.require_verified_email = 1;
	send_req("POST", "/api/api-keys", TOK3, "[]");
	ok(r.status == 403 && strstr(r.body, "confirm your email") != NULL,
	    "create: unverified email checked before the body");
	cfg.require_verified_email = 0;

	/* A fraction of a second is kept: "...T22:34:56.5-08:00" two years on
	 * is "...T06:34:56.500000Z" the next day, in create, show and list. */
	seed();
	t0 = time_now_us();
	exp_at = t0 - t0 % (86400 * TIME_US) + 2 * 365 * 86400 * TIME_US +
	    (22 * 3600 + 34 * 60 + 56) * TIME_US;
	laravel(exp_at, exp_txt);
	snprintf(body, sizeof(body), "{\"name\":\"frac\",\"expires_at\":\"%.19s.5-08:00\"}",
	    exp_txt);
	exp_at += 8 * 3600 * TIME_US + 500000;
	laravel(exp_at, exp_txt);
	ok(strstr(exp_txt, ":56.500000Z") != NULL, "create: the expected answer has .500000Z");
	send_req("POST", "/api/api-keys", TOK1, body);
	row = fake_db_key(11);
	ok(r.status == 201 && row != NULL && row->expires_at == exp_at,
	    "create with .5: half a second stored");
	laravel(row != NULL ? row->created_at : 0, created_txt);
	ok(take_value("key", key) == 0 && take_value("secret", secret) == 0, "create with .5: 201");
	snprintf(want, sizeof(want), "{\"success\":true,\"message\":\"API key created "
	    "successfully\",\"data\":{\"id\":11,\"name\":\"frac\",\"key\":\"%s\","
	    "\"secret\":\"%s\",\"permissions\":[],\"expires_at\":\"%s\",\"created_at\":\"%s\"}}",
	    key, secret, exp_txt, created_txt);
	is_str(r.body, want, "create with .5: exact body, expires_at ends .500000Z");
	snprintf(want, sizeof(want), "\"expires_at\":\"%s\"", exp_txt);
	send_req("GET", "/api/api-keys/11", TOK1, NULL);
	ok(r.status == 200 && strstr(r.body, want) != NULL, "show: the same .500000Z");
	send_req("GET", "/api/api-keys", TOK1, NULL);
	ok(r.status == 200 && strstr(r.body, want) != NULL, "list: the same .500000Z");
}

static void
test_list(void)
{
	seed();
	send_req("GET", "/api/api-keys", TOK1, NULL);
	is_int(r.status, 200, "list: 200");
	snprintf(want, sizeof(want), "{\"success\":true,\"message\":\"API keys fetched "
	    "successfully\",\"data\":["
	    "{\"id\":7,\"name\":\"Prod\",\"key\":\"%s\",\"secret_hint\":\"MTP_SEC_\\u2026AbCd\","
	    "\"permissions\":[\"read\",\"write\"],\"expires_at\":\"2030-12-17T00:00:00.000000Z\","
	    "\"last_used_at\":\"2026-05-31T08:00:00.000000Z\",\"revoked_at\":null,"
	    "\"created_at\":\"2025-12-17T00:00:00.000000Z\","
	    "\"updated_at\":\"2025-12-18T09:30:15.000000Z\",\"enabled\":true,\"rate_limit\":null,\"remaining_uses\":null,\"allowed_ips\":null,\"rotated_to\":null},"
	    "{\"id\":10,\"name\":\"Old\",\"key\":\"%s\",\"secret_hint\":\"MTP_SEC_\\u2026Zz99\","
	    "\"permissions\":[],\"expires_at\":\"2026-01-01T00:00:00.000000Z\","
	    "\"last_used_at\":null,\"revoked_at\":null,"
	    "\"created_at\":\"2025-11-01T10:00:00.000000Z\","
	    "\"updated_at\":\"2025-11-01T10:00:00.000000Z\",\"enabled\":true,\"rate_limit\":null,\"remaining_uses\":null,\"allowed_ips\":null,\"rotated_to\":null},"
	    "{\"id\":9,\"name\":null,\"key\":\"%s\",\"secret_hint\":null,"
	    "\"permissions\":[],\"expires_at\":null,\"last_used_at\":null,"
	    "\"revoked_at\":\"2026-03-03T03:03:03.000000Z\","
	    "\"created_at\":\"2025-11-01T10:00:00.000000Z\","
	    "\"updated_at\":\"2026-03-03T03:03:03.000000Z\",\"enabled\":true,\"rate_limit\":null,\"remaining_uses\":null,\"allowed_ips\":null,\"rotated_to\":null}]}", k7, k10, k9);
	is_str(r.body, want, "list: exact body, newest first, hints, nulls");
	is_str(fake_db_log(), "db_token_by_id id=5; db_keys_list user=1 limit=100",
	    "list: the caller's 100 newest");
	ok(strstr(r.body, s7) == NULL && strstr(r.body, "\"secret\"") == NULL,
	    "list: never a secret");
	ok(has_header("Cache-Control: no-store"), "list: Cache-Control: no-store");

	send_req("GET", "/api/api-keys", TOK2, NULL);
	ok(r.status == 200 && strstr(r.body, "\"id\":8,") != NULL &&
	    strstr(r.body, "\"id\":7,") == NULL, "list: user 2 sees only key 8");
	send_req("GET", "/api/api-keys", TOK3, NULL);
	is_str(r.body, "{\"success\":true,\"message\":\"API keys fetched successfully\","
	    "\"data\":[]}", "list: no keys is an empty array");

	fake_db_fail("db_keys_list", DB_UNAVAILABLE);
	send_req("GET", "/api/api-keys", TOK1, NULL);
	ok(r.status == 503 && strcmp(r.body, UNAVAIL_503) == 0, "list: database gone: 503");
	fake_db_fail("db_keys_list", DB_ERROR);
	send_req("GET", "/api/api-keys", TOK1, NULL);
	ok(r.status == 500 && strcmp(r.body, "{\"success\":false,\"message\":\"Server Error.\"}") == 0,
	    "list: database error: 500 Server Error.");
}

static void
test_revoke(void)
{
	const char *revoked = "{\"success\":true,\"message\":\"API key revoked successfully\","
	    "\"data\":{\"id\":7,\"revoked_at\":\"2026-06-01T12:00:00.000000Z\"}}";

	seed();
	send_req("DELETE", "/api/api-keys/7", TOK1, NULL);
	is_int(r.status, 200, "revoke: 200");
	is_str(r.body, revoked, "revoke: exact body");
	is_str(fake_db_log(), "db_token_by_id id=5; db_key_revoke id=7 user=1",
	    "revoke: the key id and the caller");
	fake_db_set_now(T_NOW + 3600 * TIME_US);
	send_req("DELETE", "/api/api-keys/7", TOK1, NULL);
	ok(r.status == 200 && strcmp(r.body, revoked) == 0,
	    "revoke again: the same answer, the first time");
	snprintf(want, sizeof(want), "{\"key\":\"%s\",\"secret\":\"%s\"}", k7, s7);
	send_req("POST", "/api/api-keys/verify", NULL, want);
	is_int(r.status, 401, "a revoked key no longer verifies");
	send_req("GET", "/api/api-keys/7", TOK1, NULL);
	is_int(r.status, 200, "a revoked key still shows");

	send_req("DELETE", "/api/api-keys/8", TOK1, NULL);
	is_int(r.status, 404, "revoke another user's key: 404");
	is_str(r.body, NOT_FOUND_404, "revoke another user's key: exact body");
	is_str(fake_db_log(), "db_token_by_id id=5; db_key_revoke id=8 user=1",
	    "revoke: the owner is part of the query");
	ok(fake_db_key(8) != NULL && fake_db_key(8)->revoked_at == DB_TIME_NULL,
	    "revoke: another user's key is untouched");
	send_req("DELETE", "/api/api-keys/abc", TOK1, NULL);
	ok(r.status == 404 && strcmp(r.body, NOT_FOUND_404) == 0 &&
	    strcmp(fake_db_log(), "db_token_by_id id=5") == 0,
	    "revoke abc: 404 without a revoke query");
	send_req("DELETE", "/api/api-keys/999", TOK1, NULL);
	ok(r.status == 404 && strcmp(r.body, NOT_FOUND_404) == 0, "revoke a missing key: 404");
	fake_db_fail("db_key_revoke", DB_UNAVAILABLE);
	send_req("DELETE", "/api/api-keys/10", TOK1, NULL);
	ok(r.status == 503 && strcmp(r.body, UNAVAIL_503) == 0, "revoke: database gone: 503");
	send_req("DELETE", "/api/api-keys/10", NULL, NULL);
	ok(r.status == 401 && has_header("WWW-Authenticate: Bearer"),
	    "revoke without a token: 401");
}

/* Sanctum's abilities and expiration: 403 before the handler, nothing changes. */
static void
test_abilities(void)
{
	static const char no_ability[] =
	    "{\"success\":false,\"message\":\"Invalid ability provided.\"}";

	seed();
	fake_db_token_set(5, 1, 0, 0);		/* ["api-keys:read"] */
	send_req("GET", "/api/api-keys/7", "Bearer 5|tok-one-plain", NULL);
	is_int(r.status, 200, "read-only token: show 200");
	send_req("GET", "/api/api-keys", "Bearer 5|tok-one-plain", NULL);
	is_int(r.status, 200, "read-only token: list 200");
	send_req("POST", "/api/api-keys/generate", "Bearer 5|tok-one-plain", NULL);
	is_int(r.status, 403, "read-only token: generate 403");
	is_str(r.body, no_ability, "403: the exact body");
	ok(strstr(fake_db_log(), "db_key_replace") == NULL, "403: no key replaced");
	send_req("DELETE", "/api/api-keys/7", "Bearer 5|tok-one-plain", NULL);
	ok(r.status == 403 && strstr(fake_db_log(), "db_key_revoke") == NULL,
	    "read-only token: revoke 403, nothing revoked");
	send_req("POST", "/api/api-keys", "Bearer 5|tok-one-plain", "{\"name\":\"x\"}");
	ok(r.status == 403 && strstr(fake_db_log(), "db_key_create") == NULL,
	    "read-only token: create 403 before validation");

	fake_db_token_set(5, 0, 1, 0);		/* ["api-keys:write"] */
	send_req("GET", "/api/api-keys/7", "Bearer 5|tok-one-plain", NULL);
	ok(r.status == 403 && strcmp(r.body, no_ability) == 0 && strstr(r.body, k7) == NULL,
	    "write-only token: show 403 and the prefetched key is not shown");
	send_req("GET", "/api/api-keys", "Bearer 5|tok-one-plain", NULL);
	is_int(r.status, 403, "write-only token: list 403");
	send_req("DELETE", "/api/api-keys/7", "Bearer 5|tok-one-plain", NULL);
	is_int(r.status, 200, "write-only token: revoke 200");

	fake_db_token_set(5, 0, 0, 0);		/* NULL or another purpose's abilities */
	send_req("GET", "/api/api-keys/7", "Bearer 5|tok-one-plain", NULL);
	is_int(r.status, 403, "a token without either ability: show 403");
	send_req("GET", "/api/api-keys/abc", "Bearer 5|tok-one-plain", NULL);
	is_int(r.status, 403, "the ability is checked before the key (403, not 404)");
	send_req("GET", "/api/api-keys/7", "Bearer 5|nope", NULL);
	is_int(r.status, 401, "a wrong token is still 401, not 403");

	/* APIKEYS_TOKEN_EXPIRATION: minutes since the token's created_at. */
	seed();
	cfg.token_expiration = 60;
	fake_db_token_set(5, 1, 1, 3599);
	send_req("GET", "/api/api-keys/7", "Bearer 5|tok-one-plain", NULL);
	is_int(r.status, 200, "expiration 60 min: a token 59m59s old is accepted");
	fake_db_token_set(5, 1, 1, 3600);
	send_req("GET", "/api/api-keys/7", "Bearer 5|tok-one-plain", NULL);
	ok(r.status == 401 && strcmp(r.body, UNAUTH_401) == 0 &&
	    has_header("WWW-Authenticate: Bearer"), "expiration 60 min: a token 60 min old is 401");
	fake_db_token_set(5, 1, 1, -1);
	send_req("GET", "/api/api-keys/7", "Bearer 5|tok-one-plain", NULL);
	is_int(r.status, 401, "expiration set: a token without created_at is 401");
	cfg.token_expiration = 0;
	fake_db_token_set(5, 1, 1, 999999999);
	send_req("GET", "/api/api-keys/7", "Bearer 5|tok-one-plain", NULL);
	is_int(r.status, 200, "no expiration set: any age is accepted");
}

static void
test_verify(void)
{
	static char first[sizeof(r.raw)];
	char body[512], unknown[64];
	const char *malformed[] = { "not json", "[]", "{}", NULL, NULL, NULL };
	char m1[256], m2[256], m3[256];
	size_t i;
	int same = 1, same_work = 1;

	seed();
	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"secret\":\"%s\"}", k7, s7);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 200, "verify: 200");
	is_str(r.body, "{\"success\":true,\"message\":\"API key is valid\",\"data\":{\"id\":7,"
	    "\"user_id\":1,\"permissions\":[\"read\",\"write\"],"
	    "\"expires_at\":\"2030-12-17T00:00:00.000000Z\"}}", "verify: exact body");
	snprintf(want, sizeof(want), "db_key_by_value key=%s; db_key_touch id=7", k7);
	is_str(fake_db_log(), want, "verify: lookup by value, then the last use recorded");
	send_req("POST", "/api/api-keys/verify", NULL, body);
	snprintf(want, sizeof(want), "db_key_by_value key=%s", k7);
	ok(r.status == 200 && strcmp(fake_db_log(), want) == 0,
	    "verify again within the minute: no second write");

	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"secret\":\"%s\"}", k7, s9);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 401, "verify: wrong secret: 401");
	is_str(r.body, INVALID_401, "verify 401: exact body");
	ok(!has_header("WWW-Authenticate: Bearer"), "verify 401: no challenge");
	snprintf(first, sizeof(first), "%s", r.raw);

	snprintf(m1, sizeof(m1), "{\"key\":\"%s\"}", k7);
	snprintf(m2, sizeof(m2), "{\"key\":\"%s\",\"secret\":5}", k7);
	snprintf(m3, sizeof(m3), "{\"key\":[\"%s\"],\"secret\":\"%s\"}", k7, s7);
	malformed[3] = m1;
	malformed[4] = m2;
	malformed[5] = m3;
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		send_req("POST", "/api/api-keys/verify", NULL, malformed[i]);
		if (strcmp(r.raw, first) != 0) {
			same = 0;
			printf("# verify '%s': %s\n", malformed[i], r.raw);
		}
		if (strcmp(fake_db_log(), "db_key_by_value key=") != 0) {
			same_work = 0;
			printf("# verify '%s': log %s\n", malformed[i], fake_db_log());
		}
	}
	ok(same, "verify: malformed bodies get the byte-identical 401");
	ok(same_work, "verify: a malformed body still does the lookup (of \"\")");
	send_req("POST", "/api/api-keys/verify", NULL, NULL);
	ok(strcmp(r.raw, first) == 0, "verify without a body: the identical 401");

	make_value(unknown, "MTP_KEY_", "nosuchkey", "0");
	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"secret\":\"%s\"}", unknown, s7);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(strcmp(r.raw, first) == 0, "verify: unknown key: the identical 401");
	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"secret\":\"%s\"}", k9, s9);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(strcmp(r.raw, first) == 0, "verify: revoked key, right secret: the identical 401");
	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"secret\":\"%s\"}", k10, s10);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(strcmp(r.raw, first) == 0, "verify: expired key, right secret: the identical 401");
	snprintf(want, sizeof(want), "db_key_by_value key=%s", k10);
	is_str(fake_db_log(), want, "verify refused: no last-use write");
	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"secret\":\"%s\"}", k8, "");
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(strcmp(r.raw, first) == 0, "verify: a key with no stored hash and an empty secret: 401");

	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"secret\":\"%s\"}", k7, s7);
	fake_db_fail("db_key_by_value", DB_UNAVAILABLE);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(r.status == 503 && strcmp(r.body, UNAVAIL_503) == 0, "verify: database gone: 503");
	fake_db_fail("db_key_by_value", DB_ERROR);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 500, "verify: database error: 500");
	fake_db_key(7)->last_used_at = DB_TIME_NULL;
	fake_db_fail("db_key_touch", DB_ERROR);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 200, "verify: a failed last-use write does not fail the check");

	snprintf(cfg.verify_token, sizeof(cfg.verify_token), "%s", "vt-0123456789");
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 401, "APIKEYS_VERIFY_TOKEN set, no bearer: 401");
	is_str(r.body, UNAUTH_401, "verify without the service token: the Unauthenticated 401 body");
	ok(has_header("WWW-Authenticate: Bearer"), "verify without the service token: challenge");
	is_str(fake_db_log(), "", "verify without the service token: no lookup");
	send_req("POST", "/api/api-keys/verify", "Bearer vt-0123456780", body);
	ok(r.status == 401 && strcmp(r.body, UNAUTH_401) == 0, "verify with a wrong service token: 401");
	send_req("POST", "/api/api-keys/verify", TOK1, body);
	ok(r.status == 401 && strcmp(r.body, UNAUTH_401) == 0,
	    "verify with a user token instead of the service token: 401");
	send_req("POST", "/api/api-keys/verify", "Bearer vt-0123456789", body);
	is_int(r.status, 200, "verify with the service token: 200");
	cfg.verify_token[0] = '\0';
}

/* APIKEYS_LEGACY_KEYS: keys made before the checksum verify by default; with
 * 0, a key or secret whose checksum is wrong gets the one 401 unasked. */
static void
test_legacy_keys(void)
{
	/* Checksummed values (their last 6 characters computed with zlib). */
	const char *ck = "MTP_KEY_Q3kT9vLm2XbN7pRw4YcH8sJf1GdZ6aUe0h4TYule";
	const char *cs = "MTP_SEC_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9O02wRKL";
	char body[512], bad[64], first[sizeof(r.raw)];
	const char *bodies[6];
	char b0[256], b1[256], b2[256], b3[256];
	size_t i;
	int same = 1, none = 1;

	seed();
	is_int(cfg.legacy_keys, 1, "APIKEYS_LEGACY_KEYS defaults to 1");
	seed_key(20, 1, "New", ck, cs, "[]", T_EXPIRES, T_USED, DB_TIME_NULL, T_CREATED,
	    T_UPDATED);
	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"secret\":\"%s\"}", k7, s7);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 200, "legacy keys allowed (default): a key without checksum verifies");
	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"secret\":\"%s\"}", k7, s9);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	snprintf(first, sizeof(first), "%s", r.raw);
	ok(r.status == 401 && strcmp(r.body, INVALID_401) == 0, "legacy keys allowed: wrong secret: 401");

	cfg.legacy_keys = 0;
	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"secret\":\"%s\"}", ck, cs);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 200, "APIKEYS_LEGACY_KEYS=0: a checksummed pair verifies");
	snprintf(want, sizeof(want), "db_key_by_value key=%s; db_key_touch id=20", ck);
	is_str(fake_db_log(), want, "APIKEYS_LEGACY_KEYS=0: a checksummed pair is looked up");

	snprintf(bad, sizeof(bad), "%s", ck);
	bad[20] = bad[20] == 'a' ? 'b' : 'a';
	snprintf(b0, sizeof(b0), "{\"key\":\"%s\",\"secret\":\"%s\"}", k7, s7);
	snprintf(b1, sizeof(b1), "{\"key\":\"%s\",\"secret\":\"%s\"}", ck, s7);
	snprintf(b2, sizeof(b2), "{\"key\":\"%s\",\"secret\":\"%s\"}", bad, cs);
	snprintf(b3, sizeof(b3), "{\"key\":\"%s\",\"secret\":\"%s\"}", k7, cs);
	bodies[0] = b0;		/* legacy key and secret, both right */
	bodies[1] = b1;		/* checksummed key, legacy secret */
	bodies[2] = b2;		/* one character of the key changed */
	bodies[3] = b3;		/* legacy key, checksummed secret */
	bodies[4] = "{}";
	bodies[5] = "not json";
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		send_req("POST", "/api/api-keys/verify", NULL, bodies[i]);
		if (strcmp(r.raw, first) != 0) {
			same = 0;
			printf("# legacy 0, body %zu: %s\n", i, r.raw);
		}
		if (fake_db_log_count() != 0) {
			none = 0;
			printf("# legacy 0, body %zu: log %s\n", i, fake_db_log());
		}
	}
	ok(same, "APIKEYS_LEGACY_KEYS=0: a bad checksum gets the byte-identical 401");
	ok(none, "APIKEYS_LEGACY_KEYS=0: a bad checksum makes no database call");
	cfg.legacy_keys = 1;
	send_req("POST", "/api/api-keys/verify", NULL, b0);
	is_int(r.status, 200, "back to APIKEYS_LEGACY_KEYS=1: the legacy key verifies again");
}

/* PATCH: the order of checks, the changes and the event, no-change PATCHes. */
static void
test_patch(void)
{
	struct db_key *row;
	int64_t updated;

	seed();
	send_req("PATCH", "/api/api-keys/7", TOK1, "{\"name\":\" New \",\"enabled\":false,"
	    "\"remaining_uses\":5,\"rate_limit\":{\"limit\":3,\"window_seconds\":60},"
	    "\"allowed_ips\":[\"10.0.0.7/8\"],\"permissions\":[\"read\",\"write\"]}");
	is_int(r.status, 200, "patch: 200");
	snprintf(want, sizeof(want), "{\"success\":true,\"message\":\"API key updated "
	    "successfully\",\"data\":{\"id\":7,\"name\":\"New\",\"key\":\"%s\",\"secret_hint\":"
	    "\"MTP_SEC_\\u2026AbCd\",\"permissions\":[\"read\",\"write\"],\"expires_at\":"
	    "\"2030-12-17T00:00:00.000000Z\",\"last_used_at\":\"2026-05-31T08:00:00.000000Z\","
	    "\"revoked_at\":null,\"created_at\":\"2025-12-17T00:00:00.000000Z\",\"updated_at\":", k7);
	ok(strncmp(r.body, want, strlen(want)) == 0, "patch: the key as list shows it");
	ok(strstr(r.body, ",\"enabled\":false,\"rate_limit\":{\"limit\":3,\"window_seconds\":60},"
	    "\"remaining_uses\":5,\"allowed_ips\":[\"10.0.0.7\\/8\"],\"rotated_to\":null}}") != NULL,
	    "patch: the settings close the key, entries as given");
	is_str(fake_db_log(), "db_token_with_key token=5 key=7; db_key_update id=7 user=1 "
	    "actor=token:5 ip=-", "patch: the key fetched with the token, one update with the actor");
	is_int(fake_db_event_count(), 1, "patch: one event");
	is_str(fake_db_event(0), "key=7 updated {\"changes\":[\"name\",\"enabled\",\"rate_limit\","
	    "\"remaining_uses\",\"allowed_ips\"]}", "patch: the changed members in field order "
	    "(permissions sent as they were)");
	row = fake_db_key(7);
	ok(row != NULL && row->disabled && row->rate_limit == 3 && row->rate_window == 60 &&
	    row->has_remaining && row->remaining_uses == 5 && strcmp(row->name, "New") == 0 &&
	    strcmp(row->allowed_ips, "[\"10.0.0.7\\/8\"]") == 0, "patch: stored");
	updated = row != NULL ? row->updated_at : 0;
	ok(updated != T_UPDATED, "patch: updated_at moved");

	send_req("PATCH", "/api/api-keys/7", TOK1, "{}");
	ok(r.status == 200 && fake_db_event_count() == 1 && row->updated_at == updated,
	    "patch {}: 200, no event, updated_at kept");
	send_req("PATCH", "/api/api-keys/7", TOK1, "{\"name\":\"New\",\"enabled\":false,"
	    "\"remaining_uses\":5,\"rate_limit\":{\"limit\":3,\"window_seconds\":60},"
	    "\"allowed_ips\":[\"10.0.0.7/8\"],\"expires_at\":\"2030-12-17T00:00:00Z\"}");
	ok(r.status == 200 && fake_db_event_count() == 1 && row->updated_at == updated,
	    "patch with the values the key has: no change, no event");
	send_req("PATCH", "/api/api-keys/7", TOK1, "{\"rate_limit\":null,\"remaining_uses\":null,"
	    "\"allowed_ips\":[],\"permissions\":null}");
	ok(r.status == 200 && strstr(r.body, "\"permissions\":[],") != NULL &&
	    strstr(r.body, "\"rate_limit\":null,\"remaining_uses\":null,\"allowed_ips\":null,")
	    != NULL, "patch nulls: settings removed, permissions [], [] is no allowlist");
	is_str(fake_db_event(1), "key=7 updated {\"changes\":[\"permissions\",\"rate_limit\","
	    "\"remaining_uses\",\"allowed_ips\"]}", "patch nulls: their event");
	is_str(row->allowed_ips, "", "patch: allowed_ips [] stored as none");

	/* The order of checks. */
	send_req("PATCH", "/api/api-keys/8", TOK1, "nope");
	ok(r.status == 404 && strcmp(r.body, NOT_FOUND_404) == 0 &&
	    strcmp(fake_db_log(), "db_token_with_key token=5 key=8") == 0,
	    "patch another user's key, bad body: 404, no update");
	send_req("PATCH", "/api/api-keys/abc", TOK1, "{}");
	is_int(r.status, 404, "patch abc: 404");
	send_req("PATCH", "/api/api-keys/7", TOK1, "[]");
	ok(r.status == 400 && strcmp(r.body, NOT_OBJECT_400) == 0, "patch []: 400");
	send_req("PATCH", "/api/api-keys/9", TOK1, "{\"enabled\":1,\"name\":null,\"expires_at\":null}");
	is_int(r.status, 422, "patch a revoked key, bad body: 422 before the 409");
	is_str(r.body, "{\"success\":false,\"message\":\"The given data was invalid.\",\"errors\":"
	    "{\"name\":[\"The name field is required.\"],\"expires_at\":[\"The expires at field "
	    "must be a valid date.\"],\"enabled\":[\"The enabled field must be true or false.\"]}}",
	    "patch 422: null name, null expiry, enabled 1, in field order");
	send_req("PATCH", "/api/api-keys/9", TOK1, "{}");
	ok(r.status == 409 && strcmp(r.body, "{\"success\":false,\"message\":\"API key is "
	    "revoked.\"}") == 0 && fake_db_event_count() == 2, "patch a revoked key: 409, no event");
	fake_db_token_set(5, 1, 0, 0);
	send_req("PATCH", "/api/api-keys/7", TOK1, "nope");
	ok(r.status == 403 && fake_db_event_count() == 2, "patch with a read-only token: 403 first");
	fake_db_token_set(5, 1, 1, 0);
	fake_db_fail("db_key_update", DB_UNAVAILABLE);
	send_req("PATCH", "/api/api-keys/7", TOK1, "{\"name\":\"x\"}");
	ok(r.status == 503 && strcmp(r.body, UNAVAIL_503) == 0, "patch: database gone: 503");
}

/* Verify with a key's settings: 422 first, then 401, 403s, 429s, spending. */
static void
test_verify_settings(void)
{
	char cred[256], body[1024];
	struct db_key *row;

	seed();
	snprintf(cred, sizeof(cred), "\"key\":\"%s\",\"secret\":\"%s\"", k7, s7);
	row = fake_db_key(7);
	snprintf(body, sizeof(body), "{%s,\"cost\":1.0,\"client_ip\":\"1.2.3.4/32\","
	    "\"permissions\":[\"read\",7]}", cred);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 422, "verify settings: malformed members: 422");
	is_str(r.body, "{\"success\":false,\"message\":\"The given data was invalid.\",\"errors\":"
	    "{\"permissions\":[\"The permissions field must be an array.\"],\"client_ip\":[\"The "
	    "client ip field must be a valid IP address.\"],\"cost\":[\"The cost field must be an "
	    "integer between 0 and 1000.\"]}}", "verify 422: permissions, client_ip, cost");
	is_str(fake_db_log(), "", "verify 422: the key is not looked at");
	snprintf(cfg.verify_token, sizeof(cfg.verify_token), "vt-0123456789");
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(r.status == 401 && strcmp(r.body, UNAUTH_401) == 0,
	    "verify 422 body without APIKEYS_VERIFY_TOKEN: its 401 comes first");
	cfg.verify_token[0] = '\0';

	snprintf(body, sizeof(body), "{%s,\"permissions\":[\"admin\",\"write\",\"pay\"]}", cred);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(r.status == 403 && strcmp(r.body, "{\"success\":false,\"message\":\"API key lacks the "
	    "required permissions.\",\"missing\":[\"admin\",\"pay\"]}") == 0,
	    "verify: missing permissions: 403 listing them in the order asked");

	snprintf(row->allowed_ips, sizeof(row->allowed_ips), "[\"10.0.0.0\\/8\",\"::ffff:192.0.2.1\"]");
	snprintf(body, sizeof(body), "{%s,\"permissions\":[\"admin\"]}", cred);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(r.status == 403 && strcmp(r.body, "{\"success\":false,\"message\":\"API key is not "
	    "allowed from this address.\"}") == 0, "verify: an allowlist, no client_ip: 403 "
	    "(before the permissions)");
	snprintf(body, sizeof(body), "{%s,\"client_ip\":\"10.200.0.1\"}", cred);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 200, "verify: client_ip in a range: 200");
	snprintf(body, sizeof(body), "{%s,\"client_ip\":\"192.0.2.1\"}", cred);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 200, "verify: an IPv4-mapped entry matches its IPv4 address");
	snprintf(body, sizeof(body), "{%s,\"client_ip\":\"::ffff:10.0.0.1\"}", cred);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 200, "verify: an IPv4-mapped client_ip matches an IPv4 range");
	snprintf(body, sizeof(body), "{%s,\"client_ip\":\"11.0.0.1\"}", cred);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 403, "verify: client_ip outside: 403");
	row->allowed_ips[0] = '\0';

	row->disabled = 1;
	snprintf(body, sizeof(body), "{%s}", cred);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(r.status == 401 && strcmp(r.body, INVALID_401) == 0, "verify: a disabled key: the one 401");
	row->disabled = 0;

	row->has_remaining = 1;
	row->remaining_uses = 2;
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(r.status == 200 && strstr(r.body, "\"expires_at\":\"2030-12-17T00:00:00.000000Z\","
	    "\"remaining_uses\":1}}") != NULL, "verify with credits: 200, remaining_uses after");
	snprintf(want, sizeof(want), "db_key_by_value key=%s; db_key_spend id=7 cost=1", k7);
	is_str(fake_db_log(), want, "verify with credits: two calls, the spending records the use");
	snprintf(body, sizeof(body), "{%s,\"cost\":2}", cred);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(r.status == 429 && strcmp(r.body, "{\"success\":false,\"message\":\"Usage limit "
	    "exceeded.\"}") == 0 && strstr(r.head, "Retry-After") == NULL,
	    "verify: cost above the credits: 429 without Retry-After");
	snprintf(want, sizeof(want), "db_key_by_value key=%s", k7);
	is_str(fake_db_log(), want, "verify: a refusal seen in the read costs no second call");
	ok(row->remaining_uses == 1, "verify: the 429 spent nothing");
	row->has_remaining = 0;

	row->rate_limit = 2;
	row->rate_window = 60;
	snprintf(body, sizeof(body), "{%s}", cred);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(r.status == 200 && strstr(r.body, ",\"rate_limit\":{\"limit\":2,\"window_seconds\":60,"
	    "\"remaining\":1}}}") != NULL, "verify with a limit: 200, 1 left");
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(r.status == 200 && strstr(r.body, "\"remaining\":0}}}") != NULL, "then 0 left");
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(r.status == 429 && strcmp(r.body, "{\"success\":false,\"message\":\"Rate limit "
	    "exceeded.\"}") == 0, "the bucket empty: 429");
	ok(has_header("Retry-After: 30"), "Retry-After: one use of 2 per 60 s is 30 s");
	fake_db_bucket_set(7, 0.5, T_NOW);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(r.status == 429 && has_header("Retry-After: 15"), "half a use: Retry-After 15");
	fake_db_bucket_set(7, 0.9999999, T_NOW);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(r.status == 429 && has_header("Retry-After: 1"), "a hair below one use: at least 1");
	fake_db_bucket_set(7, 1, T_NOW - 600 * TIME_US);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(r.status == 200 && strstr(r.body, "\"remaining\":1}}}") != NULL,
	    "a bucket idle for long holds at most limit");
	fake_db_fail("db_key_spend", DB_UNAVAILABLE);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	ok(r.status == 503 && strcmp(r.body, UNAVAIL_503) == 0, "verify: spending fails: 503");
}

/* ------------------------------------------------------------ rotate, events */

#define ROTATE_409	"{\"success\":false,\"message\":\"API key cannot be rotated.\"}"
#define GRACE_422	"{\"success\":false,\"message\":\"The given data was invalid.\"," \
	"\"errors\":{\"grace_seconds\":[\"The grace seconds field must be an integer " \
	"between 0 and 604800.\"]}}"

static void
test_rotate(void)
{
	char key[64], secret[64], exp_txt[TIME_LARAVEL_LEN + 1], cre_txt[TIME_LARAVEL_LEN + 1];
	char old_exp[TIME_LARAVEL_LEN + 1], body[512];
	const char *bad_grace[] = { "604801", "-1", "\"5\"", "5.0", "true", "[]", "{}" };
	const char *not_objects[] = { "[]", "null", "\"x\"", "{bad", "7", " " };
	struct db_key *nk, *old;
	int64_t t0 = time_now_us(), t1;
	size_t i;
	int all = 1;

	seed();
	remote_addr = "203.0.113.9";
	send_req("POST", "/api/api-keys/7/rotate", TOK1, NULL);
	t1 = time_now_us();
	is_int(r.status, 201, "rotate without a body: 201");
	nk = fake_db_key(11);
	old = fake_db_key(7);
	ok(take_value("key", key) == 0 && well_formed(key, "MTP_KEY_") &&
	    take_value("secret", secret) == 0 && well_formed(secret, "MTP_SEC_") &&
	    nk != NULL && strcmp(nk->key, key) == 0, "rotate: a new key and secret, stored");
	ok(nk != NULL && nk->created_at >= t0 && nk->created_at <= t1 &&
	    nk->expires_at == time_add_years_us(nk->created_at, 1),
	    "rotate: created now, expires one year on by default");
	laravel(nk != NULL ? nk->created_at : 0, cre_txt);
	laravel(nk != NULL ? nk->expires_at : 0, exp_txt);
	laravel(T_EXPIRES, old_exp);
	snprintf(want, sizeof(want), "{\"success\":true,\"message\":\"API key rotated "
	    "successfully\",\"data\":{\"id\":11,\"name\":\"Prod\",\"key\":\"%s\",\"secret\":\"%s\","
	    "\"permissions\":[\"read\",\"write\"],\"expires_at\":\"%s\",\"created_at\":\"%s\","
	    "\"rotated_from\":7,\"previous\":{\"id\":7,\"expires_at\":\"%s\",\"revoked_at\":\"%s\"}}}",
	    key, secret, exp_txt, cre_txt, old_exp, cre_txt);
	is_str(r.body, want, "rotate: exact body; grace 0 revokes now, the expiry stays");
	ok(old != NULL && old->revoked_at == (nk != NULL ? nk->created_at : -1) &&
	    old->expires_at == T_EXPIRES && fake_db_rotated_to(7) == 11,
	    "rotate: the old key is revoked and points at the new one");
	ok(nk != NULL && strcmp(nk->name, "Prod") == 0 &&
	    strcmp(nk->permissions, "[\"read\",\"write\"]") == 0,
	    "rotate: name and permissions copied");
	is_str(fake_db_log(), "db_token_with_key token=5 key=7; db_key_rotate id=7 user=1 "
	    "grace=0 actor=token:5", "rotate: the key with the token, then one rotation");
	is_int(fake_db_event_count(), 2, "rotate: two events");
	is_str(fake_db_event_line(0), "key=7 user=1 action=rotated actor=token:5 "
	    "ip=203.0.113.9 details={\"rotated_to\":11,\"grace_seconds\":0}",
	    "rotate: rotated on the old key, with the new id and the grace");
	is_str(fake_db_event_line(1), "key=11 user=1 action=created actor=token:5 "
	    "ip=203.0.113.9 details={\"rotated_from\":7}",
	    "rotate: created on the new key, with the old id (no separate revoked)");
	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"secret\":\"%s\"}", key, secret);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 200, "rotate: the new pair verifies");
	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"secret\":\"%s\"}", k7, s7);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 401, "rotate with grace 0: the old pair no longer verifies");
	send_req("POST", "/api/api-keys/7/rotate", TOK1, NULL);
	ok(r.status == 409 && strcmp(r.body, ROTATE_409) == 0 && fake_db_event_count() == 2,
	    "rotate an already rotated key: 409, no event");

	/* A grace: the old key lives on until now + grace. */
	seed();
	send_req("POST", "/api/api-keys/7/rotate", TOK1, "{\"grace_seconds\":60,\"other\":1}");
	nk = fake_db_key(11);
	old = fake_db_key(7);
	is_int(r.status, 201, "rotate with a grace: 201");
	ok(nk != NULL && old != NULL && old->revoked_at == DB_TIME_NULL &&
	    old->expires_at == nk->created_at + 60 * TIME_US,
	    "rotate with a grace: not revoked, expires at now + grace");
	laravel(old != NULL ? old->expires_at : 0, old_exp);
	snprintf(body, sizeof(body), "\"previous\":{\"id\":7,\"expires_at\":\"%s\","
	    "\"revoked_at\":null}}}", old_exp);
	ok(strlen(r.body) > strlen(body) &&
	    strcmp(r.body + strlen(r.body) - strlen(body), body) == 0,
	    "rotate with a grace: previous shows the cut expiry, revoked_at null");
	is_str(fake_db_event_line(0), "key=7 user=1 action=rotated actor=token:5 "
	    "ip=203.0.113.9 details={\"rotated_to\":11,\"grace_seconds\":60}",
	    "rotate with a grace: the event's grace");
	snprintf(body, sizeof(body), "{\"key\":\"%s\",\"secret\":\"%s\"}", k7, s7);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 200, "rotate with a grace: the old pair verifies during the overlap");
	fake_db_set_now(nk != NULL ? nk->created_at + 61 * TIME_US : 0);
	send_req("POST", "/api/api-keys/verify", NULL, body);
	is_int(r.status, 401, "rotate with a grace: and not after it");
	fake_db_set_now(T_NOW);
	/* A grace longer than the key's own life leaves its expiry. */
	seed();
	fake_db_key(7)->expires_at = T_NOW + 30 * TIME_US;
	fake_db_set_now(T_NOW - 3600 * TIME_US);
	send_req("POST", "/api/api-keys/7/rotate", TOK1, "{\"grace_seconds\":604800,"
	    "\"expires_at\":null}");
	ok(r.status == 201 && fake_db_key(7)->expires_at == T_NOW + 30 * TIME_US,
	    "rotate: the old key's expiry is the earlier of its own and now + grace");
	fake_db_set_now(T_NOW);

	/* Statuses, in the order of checks. */
	seed();
	send_req("POST", "/api/api-keys/9/rotate", TOK1, NULL);
	ok(r.status == 409 && strcmp(r.body, ROTATE_409) == 0, "rotate a revoked key: 409");
	send_req("POST", "/api/api-keys/10/rotate", TOK1, NULL);
	ok(r.status == 409 && strcmp(r.body, ROTATE_409) == 0, "rotate an expired key: 409");
	send_req("POST", "/api/api-keys/9/rotate", TOK1, "{\"grace_seconds\":-1}");
	ok(r.status == 422 && strcmp(r.body, GRACE_422) == 0,
	    "rotate a revoked key with a bad body: 422 before 409");
	send_req("POST", "/api/api-keys/8/rotate", TOK1, "not json");
	ok(r.status == 404 && strcmp(r.body, NOT_FOUND_404) == 0,
	    "rotate another user's key: 404, before the body's 400");
	ok(strstr(fake_db_log(), "db_key_rotate") == NULL, "404: no rotation asked for");
	send_req("POST", "/api/api-keys/999/rotate", TOK1, NULL);
	ok(r.status == 404 && strcmp(r.body, NOT_FOUND_404) == 0, "rotate a missing key: 404");
	send_req("POST", "/api/api-keys/abc/rotate", TOK1, NULL);
	ok(r.status == 404 && strcmp(r.body, NOT_FOUND_404) == 0, "rotate key abc: 404");
	for (i = 0; i < sizeof(not_objects) / sizeof(not_objects[0]); i++) {
		send_req("POST", "/api/api-keys/7/rotate", TOK1, not_objects[i]);
		if (r.status != 400 || strcmp(r.body, NOT_OBJECT_400) != 0) {
			all = 0;
			printf("# body %s: %d %s\n", not_objects[i], r.status, r.body);
		}
	}
	ok(all && fake_db_rotated_to(7) == 0, "rotate: a body that is not an object is 400");
	all = 1;
	for (i = 0; i < sizeof(bad_grace) / sizeof(bad_grace[0]); i++) {
		snprintf(body, sizeof(body), "{\"grace_seconds\":%s}", bad_grace[i]);
		send_req("POST", "/api/api-keys/7/rotate", TOK1, body);
		if (r.status != 422 || strcmp(r.body, GRACE_422) != 0) {
			all = 0;
			printf("# grace %s: %d %s\n", bad_grace[i], r.status, r.body);
		}
	}
	ok(all && fake_db_rotated_to(7) == 0, "rotate: grace_seconds other than 0..604800: 422");
	send_req("POST", "/api/api-keys/7/rotate", TOK1,
	    "{\"grace_seconds\":1e3,\"expires_at\":\"2000-01-01T00:00:00Z\"}");
	is_str(r.body, "{\"success\":false,\"message\":\"The given data was invalid.\","
	    "\"errors\":{\"grace_seconds\":[\"The grace seconds field must be an integer between "
	    "0 and 604800.\"],\"expires_at\":[\"The expires at field must be a date after "
	    "now.\"]}}", "rotate: every failure at once, grace first, create's expiry message");
	send_raw("POST", "/api/api-keys/7/rotate", TOK1, "0", NULL);
	is_int(r.status, 201, "rotate with Content-Length 0: 201");
	send_req("POST", "/api/api-keys/11/rotate", TOK1,
	    "{\"grace_seconds\":604800,\"expires_at\":null}");
	is_int(r.status, 201, "rotate the new key with the longest grace, expires_at null: 201");

	/* Not counted against the limit. */
	seed();
	cfg.max_keys = 1;
	send_req("POST", "/api/api-keys", TOK1, "{\"name\":\"one more\"}");
	is_int(r.status, 409, "limit 1 with one live key: create is 409");
	send_req("POST", "/api/api-keys/7/rotate", TOK1, "{\"grace_seconds\":300}");
	is_int(r.status, 201, "rotate at the limit, with a grace (two live keys): 201");

	seed();
	fake_db_fail("db_key_rotate", DB_UNAVAILABLE);
	send_req("POST", "/api/api-keys/7/rotate", TOK1, NULL);
	ok(r.status == 503 && strcmp(r.body, UNAVAIL_503) == 0, "rotate: database gone: 503");
	fake_db_fail("db_key_rotate", DB_ERROR);
	send_req("POST", "/api/api-keys/7/rotate", TOK1, NULL);
	is_str(r.body, "{\"success\":false,\"message\":\"An error occurred while rotating the "
	    "API key.\"}", "rotate: database error: 500");
	fake_db_fail("db_key_rotate", DB_NOT_FOUND);
	send_req("POST", "/api/api-keys/7/rotate", TOK1, NULL);
	ok(r.status == 404 && strcmp(r.body, NOT_FOUND_404) == 0,
	    "rotate: the key gone since the token's lookup: 404");
	fake_db_token_set(5, 1, 0, 0);
	send_req("POST", "/api/api-keys/7/rotate", TOK1, NULL);
	ok(r.status == 403 && strstr(fake_db_log(), "db_key_rotate") == NULL,
	    "rotate with a read-only token: 403, nothing rotated");
	send_req("POST", "/api/api-keys/7/rotate", NULL, NULL);
	is_int(r.status, 401, "rotate without a token: 401");
	remote_addr = NULL;
}

static void
test_events(void)
{
	char t1[TIME_LARAVEL_LEN + 1], t2[TIME_LARAVEL_LEN + 1];
	size_t n;

	seed();
	remote_addr = "2001:db8::5";
	send_req("GET", "/api/api-keys/7/events", TOK1, NULL);
	is_str(r.body, "{\"success\":true,\"message\":\"API key events fetched successfully\","
	    "\"data\":[]}", "events of a key without any: an empty list");
	send_req("DELETE", "/api/api-keys/7", TOK1, NULL);
	fake_db_set_now(T_NOW + 5 * TIME_US);
	send_req("DELETE", "/api/api-keys/7", TOK1, NULL);
	is_int(fake_db_event_count(), 1, "a second revoke records nothing");
	send_req("GET", "/api/api-keys/7/events", TOK1, NULL);
	laravel(T_NOW, t1);
	snprintf(want, sizeof(want), "{\"success\":true,\"message\":\"API key events fetched "
	    "successfully\",\"data\":[{\"id\":1,\"action\":\"revoked\",\"actor\":\"token:5\","
	    "\"ip\":\"2001:db8::5\",\"details\":null,\"created_at\":\"%s\"}]}", t1);
	is_str(r.body, want, "events: exact body of a revocation");
	is_str(fake_db_log(), "db_token_with_key token=5 key=7; db_key_events id=7 user=1 "
	    "limit=100", "events: the key with the token, then at most 100 events");

	/* Order: by time, then by id, newest first. */
	send_req("POST", "/api/api-keys/10/rotate", TOK1, NULL);	/* expired: nothing */
	remote_addr = NULL;
	fake_db_set_now(T_NOW);		/* an earlier time than the revoke's second one */
	send_req("POST", "/api/api-keys", TOK1, "{\"name\":\"later\"}");
	is_str(fake_db_event_line(1), "key=11 user=1 action=created actor=token:5 ip=- "
	    "details=-", "create records created; no REMOTE_ADDR is a null ip");
	send_req("POST", "/api/api-keys/11/rotate", TOK1, "{\"grace_seconds\":10}");
	send_req("GET", "/api/api-keys/11/events", TOK1, NULL);
	laravel(T_NOW, t2);
	snprintf(want, sizeof(want), "{\"success\":true,\"message\":\"API key events fetched "
	    "successfully\",\"data\":[{\"id\":3,\"action\":\"rotated\",\"actor\":\"token:5\","
	    "\"ip\":null,\"details\":{\"rotated_to\":12,\"grace_seconds\":10},"
	    "\"created_at\":\"%s\"},{\"id\":2,\"action\":\"created\",\"actor\":\"token:5\","
	    "\"ip\":null,\"details\":null,\"created_at\":\"%s\"}]}", t2, t2);
	is_str(r.body, want, "events: same time, higher id first; details as objects");
	send_req("GET", "/api/api-keys/12/events", TOK1, NULL);
	ok(strstr(r.body, "\"details\":{\"rotated_from\":11}") != NULL,
	    "events: the new key's created names the old key");

	/* Generate deletes the keys; their events stay, the route is 404. */
	send_req("POST", "/api/api-keys/generate", TOK1, NULL);
	n = fake_db_event_count();
	ok(n == 10 && strcmp(fake_db_event_line(n - 1), "key=13 user=1 action=generated "
	    "actor=token:5 ip=- details=-") == 0 && strstr(fake_db_event_line(n - 2),
	    "action=deleted") != NULL, "generate: deleted for each old key, then generated");
	send_req("GET", "/api/api-keys/7/events", TOK1, NULL);
	ok(r.status == 404 && strcmp(r.body, NOT_FOUND_404) == 0,
	    "events of a key generate deleted: 404");
	ok(strstr(fake_db_event_line(0), "key=7 ") != NULL, "and its events are kept");
	send_req("GET", "/api/api-keys/8/events", TOK1, NULL);
	ok(r.status == 404 && strcmp(r.body, NOT_FOUND_404) == 0 &&
	    strstr(fake_db_log(), "db_key_events") == NULL, "events of another user's key: 404");
	send_req("GET", "/api/api-keys/abc/events", TOK1, NULL);
	is_int(r.status, 404, "events of key abc: 404");
	fake_db_fail("db_key_events", DB_UNAVAILABLE);
	send_req("GET", "/api/api-keys/13/events", TOK1, NULL);
	ok(r.status == 503 && strcmp(r.body, UNAVAIL_503) == 0, "events: database gone: 503");
	fake_db_token_set(5, 1, 0, 0);
	send_req("GET", "/api/api-keys/13/events", TOK1, NULL);
	is_int(r.status, 200, "events with a read-only token: 200");
	fake_db_token_set(5, 0, 1, 0);
	send_req("GET", "/api/api-keys/13/events", TOK1, NULL);
	is_int(r.status, 403, "events without api-keys:read: 403");

	/* The routes' other methods. */
	send_req("GET", "/api/api-keys/13/rotate", TOK1, NULL);
	ok(r.status == 405 && has_header("Allow: POST"), "GET rotate: 405 Allow: POST");
	send_req("DELETE", "/api/api-keys/13/events", TOK1, NULL);
	ok(r.status == 405 && has_header("Allow: GET"), "DELETE events: 405 Allow: GET");
	send_req("GET", "/api/api-keys/13/other", TOK1, NULL);
	is_int(r.status, 404, "another word after a key: 404");
	send_req("POST", "/api/api-keys/13/rotate/x", TOK1, NULL);
	is_int(r.status, 404, "a segment after rotate: 404");
	fake_db_set_now(T_NOW);
}

int
main(void)
{
	make_value(k7, "MTP_KEY_", "Prod7", "7");
	make_value(s7, "MTP_SEC_", "0123456789abcdefghij", "AbCd");
	make_value(k8, "MTP_KEY_", "Other8", "8");
	make_value(k9, "MTP_KEY_", "Gen9", "9");
	make_value(s9, "MTP_SEC_", "nine", "Qq11");
	make_value(k10, "MTP_KEY_", "Old10", "10");
	make_value(s10, "MTP_SEC_", "ten", "Zz99");
	ok(strlen(k7) == 48 && strlen(s7) == 48 && strlen(k10) == 48, "fixture values are 48 long");

	test_routing();
	test_auth();
	test_generate();
	test_show();
	test_create();
	test_list();
	test_revoke();
	test_verify();
	test_abilities();
	test_legacy_keys();
	test_patch();
	test_verify_settings();
	test_rotate();
	test_events();

	is_int(length_mismatch, 0, "every answer's Content-Length is its body's length");
	ok(db_run_prepared == NULL && db_tx_run == NULL,
	    "the real database layer is not linked (the fake stands in)");
	db_close(app.db);
	return tap_done();
}

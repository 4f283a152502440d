/* test-h-verify.c: POST /api/verify through router_dispatch over the fake database: credentials, keys without a checksum, a key's settings (addresses, rate limit, spending). */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handler-fixture.h"
#include "tap.h"

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
		/* A well-formed key without a good secret is looked up (its
		 * usage counts invalid_secret); anything else looks up "". */
		snprintf(want, sizeof(want), "db_key_by_value key=%s",
		    malformed[i] == m1 || malformed[i] == m2 ? k7 : "");
		if (strcmp(fake_db_log(), want) != 0) {
			same_work = 0;
			printf("# verify '%s': log %s\n", malformed[i], fake_db_log());
		}
	}
	ok(same, "verify: malformed bodies get the byte-identical 401");
	ok(same_work, "verify: a malformed body still does the one lookup (its key's, or \"\")");
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

int
main(void)
{
	ok(fixture_start() == 0, "fixture values are 48 long");
	test_verify();
	test_legacy_keys();
	test_verify_settings();
	is_int(fixture_finish(), 0, "every answer's Content-Length is its body's length");
	ok(fixture_fake_only(), "the real database layer is not linked (the fake stands in)");
	return tap_done();
}

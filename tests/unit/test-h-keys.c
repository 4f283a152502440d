/* test-h-keys.c: show, list and revoke of /api/api-keys through router_dispatch over the fake database, and the token ability each route needs. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handler-fixture.h"
#include "tap.h"

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

int
main(void)
{
	ok(fixture_start() == 0, "fixture values are 48 long");
	test_show();
	test_list();
	test_revoke();
	test_abilities();
	is_int(fixture_finish(), 0, "every answer's Content-Length is its body's length");
	ok(fixture_fake_only(), "the real database layer is not linked (the fake stands in)");
	return tap_done();
}

/* test-h-routing.c: the route table and Sanctum authentication through router_dispatch over the fake database: 404 and 405 before dispatch, bearer tokens. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handler-fixture.h"
#include "tap.h"

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

int
main(void)
{
	ok(fixture_start() == 0, "fixture values are 48 long");
	test_routing();
	test_auth();
	is_int(fixture_finish(), 0, "every answer's Content-Length is its body's length");
	ok(fixture_fake_only(), "the real database layer is not linked (the fake stands in)");
	return tap_done();
}

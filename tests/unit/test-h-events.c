/* test-h-events.c: GET /api/api-keys/{id}/events (a key's audit trail) through router_dispatch over the fake database. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handler-fixture.h"
#include "tap.h"

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
	ok(fixture_start() == 0, "fixture values are 48 long");
	test_events();
	is_int(fixture_finish(), 0, "every answer's Content-Length is its body's length");
	ok(fixture_fake_only(), "the real database layer is not linked (the fake stands in)");
	return tap_done();
}

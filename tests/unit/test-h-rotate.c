/* test-h-rotate.c: POST /api/api-keys/{id}/rotate through router_dispatch over the fake database: the new key, the grace period, the old key's end. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handler-fixture.h"
#include "tap.h"

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

/* Rotating the key a rotation made ends the overlap of the key before it:
 * at most two live keys a chain, the older one revoked with its event. */
static void
test_rotate_chain(void)
{
	struct db_key *a, *b;
	size_t n;

	seed();
	send_req("POST", "/api/api-keys/7/rotate", TOK1, "{\"grace_seconds\":300}");
	is_int(r.status, 201, "chain: 7 rotated to 11 with a grace");
	a = fake_db_key(7);
	ok(a != NULL && a->revoked_at == DB_TIME_NULL, "chain: 7 lives on in its overlap");
	n = fake_db_event_count();
	remote_addr = "198.51.100.4";
	send_req("POST", "/api/api-keys/11/rotate", TOK1, "{\"grace_seconds\":300}");
	is_int(r.status, 201, "chain: 11 rotated to 12 with a grace");
	a = fake_db_key(7);
	b = fake_db_key(11);
	ok(a != NULL && a->revoked_at != DB_TIME_NULL, "chain: 7's overlap ended (revoked)");
	ok(b != NULL && b->revoked_at == DB_TIME_NULL && fake_db_rotated_to(11) == 12,
	    "chain: 11 lives on in its own overlap");
	is_int(fake_db_event_count(), n + 3, "chain: revoked, rotated, created");
	is_str(fake_db_event_line(n), "key=7 user=1 action=revoked actor=token:5 "
	    "ip=198.51.100.4 details=-", "chain: 7 revoked first, by the same actor");
	is_str(fake_db_event_line(n + 1), "key=11 user=1 action=rotated actor=token:5 "
	    "ip=198.51.100.4 details={\"rotated_to\":12,\"grace_seconds\":300}",
	    "chain: then 11 rotated");
	remote_addr = NULL;

	/* A key whose overlap already ran out is left as it is. */
	seed();
	send_req("POST", "/api/api-keys/7/rotate", TOK1, "{\"grace_seconds\":60}");
	b = fake_db_key(11);
	fake_db_set_now(b != NULL ? b->created_at + 61 * TIME_US : 0);
	n = fake_db_event_count();
	send_req("POST", "/api/api-keys/11/rotate", TOK1, NULL);
	is_int(r.status, 201, "chain after the overlap: 201");
	ok(fake_db_key(7) != NULL && fake_db_key(7)->revoked_at == DB_TIME_NULL &&
	    fake_db_event_count() == n + 2, "chain after the overlap: the expired key untouched");
	fake_db_set_now(T_NOW);
}

int
main(void)
{
	ok(fixture_start() == 0, "fixture values are 48 long");
	test_rotate();
	test_rotate_chain();
	is_int(fixture_finish(), 0, "every answer's Content-Length is its body's length");
	ok(fixture_fake_only(), "the real database layer is not linked (the fake stands in)");
	return tap_done();
}

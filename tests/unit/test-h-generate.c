/* test-h-generate.c: POST /api/api-keys/generate and POST /api/api-keys (create) through router_dispatch over the fake database: the new key, its fields, the limits. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handler-fixture.h"
#include "tap.h"

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

int
main(void)
{
	ok(fixture_start() == 0, "fixture values are 48 long");
	test_generate();
	test_create();
	is_int(fixture_finish(), 0, "every answer's Content-Length is its body's length");
	ok(fixture_fake_only(), "the real database layer is not linked (the fake stands in)");
	return tap_done();
}

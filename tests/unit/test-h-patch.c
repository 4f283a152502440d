/* test-h-patch.c: PATCH /api/api-keys/{id} through router_dispatch over the fake database: the order of checks, the changes and their event. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handler-fixture.h"
#include "tap.h"

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

/* A rotated key in its overlap (rotated_to set, not revoked) is retired as
 * the real database sees it: 409, nothing written. */
static void
test_patch_rotated(void)
{
	struct db_key *row;
	int64_t updated;

	seed();
	send_req("POST", "/api/api-keys/7/rotate", TOK1, "{\"grace_seconds\":300}");
	is_int(r.status, 201, "patch rotated: the key rotated with a grace");
	row = fake_db_key(7);
	ok(row != NULL && row->revoked_at == DB_TIME_NULL && row->rotated_to == 11,
	    "patch rotated: the old key is live, in its overlap");
	updated = row != NULL ? row->updated_at : 0;
	fake_db_log_clear();
	send_req("PATCH", "/api/api-keys/7", TOK1, "{\"name\":\"again\"}");
	is_int(r.status, 409, "patch a rotated key: 409");
	is_str(r.body, "{\"success\":false,\"message\":\"API key was rotated.\"}",
	    "patch a rotated key: its message");
	ok(row != NULL && strcmp(row->name, "Prod") == 0 && row->updated_at == updated,
	    "patch a rotated key: nothing changed");
	is_int(fake_db_event_count(), 2, "patch a rotated key: no event (rotated, created)");
	is_str(fake_db_log(), "db_token_with_key token=5 key=7; db_key_update id=7 user=1 "
	    "actor=token:5 ip=-", "patch a rotated key: the database decides, in the update");
}

int
main(void)
{
	ok(fixture_start() == 0, "fixture values are 48 long");
	test_patch();
	test_patch_rotated();
	is_int(fixture_finish(), 0, "every answer's Content-Length is its body's length");
	ok(fixture_fake_only(), "the real database layer is not linked (the fake stands in)");
	return tap_done();
}

/* test-validate.c: the create rules of contract section 7 through the declared field table. */
#include "ac-config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "timeutil.h"
#include "validate.h"

struct input {
	char			name[204];
	struct valid_time	expires_at;
	json_t			*permissions;
};

static const struct field_rule rules[] = {
	{ "name", "name", validate_text, offsetof(struct input, name), 204, 50, 0, NULL },
	{ "expires_at", "expires at", validate_future_time,
	    offsetof(struct input, expires_at), 0, 5, 0, NULL },
	{ "permissions", "permissions", validate_string_set,
	    offsetof(struct input, permissions), 0, 32, 64,
	    "abcdefghijklmnopqrstuvwxyz0123456789_.:-" },
};

/* 2026-01-15T12:00:00Z */
#define NOW 1768478400

static struct input in;
static char errtext[4096];

static enum valid_result
run(const char *body)
{
	json_t *errors = NULL;
	enum valid_result r;
	char *s;

	validate_release(rules, 3, &in);
	memset(&in, 0, sizeof(in));
	errtext[0] = '\0';
	r = validate_body(body, strlen(body), rules, 3, &in, NOW, &errors);
	if (errors != NULL) {
		s = json_dumps(errors, JSON_COMPACT);
		snprintf(errtext, sizeof(errtext), "%s", s);
		free(s);
		json_decref(errors);
	}
	return r;
}

int
main(void)
{
	char body[1024], name[512];
	int i;

	is_int(run("{\"name\":\"Prod\"}"), VALID_OK, "a name alone is enough");
	is_str(in.name, "Prod", "name stored");
	ok(!in.expires_at.set, "expiry defaults");
	ok(json_is_array(in.permissions) && json_array_size(in.permissions) == 0,
	    "permissions default to []");
	is_int(run("{\"name\":\" \\t Prod key \\n\"}"), VALID_OK, "blank around a name");
	is_str(in.name, "Prod key", "name trimmed at both ends only");
	is_int(run("{\"name\":\"\\u00a0\\u3000x\\ufeff\"}"), VALID_OK, "Unicode blanks trimmed");
	is_str(in.name, "x", "to the single character");

	/* 50 code points of two bytes each: 100 bytes, still valid. */
	strcpy(body, "{\"name\":\"");
	for (i = 0; i < 50; i++)
		strcat(body, "\xc3\xa9");
	strcat(body, "\"}");
	is_int(run(body), VALID_OK, "50 two-byte characters are 50 characters");
	is_int(strlen(in.name), 100, "stored as 100 bytes");
	strcpy(body, "{\"name\":\"");
	for (i = 0; i < 50; i++)
		strcat(body, "\xf0\x9f\x94\x91");
	strcat(body, "\"}");
	is_int(run(body), VALID_OK, "50 four-byte characters are 50 characters");
	memset(name, 'a', 51);
	name[51] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	is_int(run(body), VALID_INVALID, "51 characters are too many");
	is_str(errtext, "{\"name\":[\"The name field must not be greater than 50 characters.\"]}",
	    "max message");

	is_int(run("{}"), VALID_INVALID, "name missing");
	is_str(errtext, "{\"name\":[\"The name field is required.\"]}", "required message");
	is_int(run("{\"name\":null}"), VALID_INVALID, "name null");
	is_str(errtext, "{\"name\":[\"The name field is required.\"]}", "null is missing");
	is_int(run("{\"name\":\"   \"}"), VALID_INVALID, "name blank");
	is_str(errtext, "{\"name\":[\"The name field is required.\"]}", "blank is missing");
	is_int(run("{\"name\":12}"), VALID_INVALID, "name a number");
	is_str(errtext, "{\"name\":[\"The name field must be a string.\"]}", "string message");
	is_int(run("{\"name\":\"a\\u0007b\"}"), VALID_INVALID, "a control character");
	is_str(errtext, "{\"name\":[\"The name field format is invalid.\"]}", "format message");
	is_int(run("{\"name\":\"a\\u0000b\"}"), VALID_INVALID, "a NUL inside the name");
	is_int(run("{\"name\":\"a\\u0085b\"}"), VALID_INVALID, "a C1 control character");

	is_int(run("{\"name\":\"x\",\"expires_at\":\"2026-06-01T00:00:00Z\"}"), VALID_OK,
	    "a future expiry");
	ok(in.expires_at.set && in.expires_at.value == 1780272000, "stored as UTC");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2026-06-01T02:00:00+02:00\"}"), VALID_OK,
	    "an expiry with an offset");
	is_int(in.expires_at.value, 1780272000, "offset applied");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2028-02-29T00:00:00Z\"}"), VALID_OK,
	    "a leap day");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2027-02-29T00:00:00Z\"}"), VALID_INVALID,
	    "not a leap year");
	is_str(errtext, "{\"expires_at\":[\"The expires at field must be a valid date.\"]}",
	    "valid-date message");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2026-01-15T12:00:00Z\"}"), VALID_INVALID,
	    "now is not after now");
	is_str(errtext, "{\"expires_at\":[\"The expires at field must be a date after now.\"]}",
	    "after-now message");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2031-01-15T12:00:00Z\"}"), VALID_OK,
	    "exactly 5 years ahead");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2031-01-15T12:00:01Z\"}"), VALID_INVALID,
	    "one second past 5 years");
	is_str(errtext, "{\"expires_at\":[\"The expires at field must be a date before or equal "
	    "to 5 years from now.\"]}", "5-year message");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2031-01-15T13:00:00+01:00\"}"), VALID_OK,
	    "5 years with an offset");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2026-06-01\"}"), VALID_INVALID, "a date alone");
	is_int(run("{\"name\":\"x\",\"expires_at\":1780272000}"), VALID_INVALID, "a number");
	is_int(run("{\"name\":\"x\",\"expires_at\":null}"), VALID_OK, "null means the default");

	is_int(run("{\"name\":\"x\",\"permissions\":[\"payments:read\",\"a.b_c-d\"]}"), VALID_OK,
	    "permissions");
	ok(json_array_size(in.permissions) == 2 &&
	    strcmp(json_string_value(json_array_get(in.permissions, 0)), "payments:read") == 0,
	    "order kept");
	is_int(run("{\"name\":\"x\",\"permissions\":\"read\"}"), VALID_INVALID, "not an array");
	is_str(errtext, "{\"permissions\":[\"The permissions field must be an array.\"]}",
	    "array message");
	strcpy(body, "{\"name\":\"x\",\"permissions\":[");
	for (i = 0; i < 33; i++)
		sprintf(body + strlen(body), "%s\"p%d\"", i ? "," : "", i);
	strcat(body, "]}");
	is_int(run(body), VALID_INVALID, "33 items");
	is_str(errtext, "{\"permissions\":[\"The permissions field must not have more than 32 "
	    "items.\"]}", "items message");
	is_int(run("{\"name\":\"x\",\"permissions\":[\"a\",\"B\",\"a\",7,\"\",\"a\"]}"),
	    VALID_INVALID, "bad and repeated items");
	is_str(errtext, "{\"permissions.1\":[\"The permissions.1 field format is invalid.\"],"
	    "\"permissions.2\":[\"The permissions.2 field has a duplicate value.\"],"
	    "\"permissions.3\":[\"The permissions.3 field format is invalid.\"],"
	    "\"permissions.4\":[\"The permissions.4 field format is invalid.\"],"
	    "\"permissions.5\":[\"The permissions.5 field has a duplicate value.\"]}",
	    "item messages by index, first rule only");
	memset(name, 'a', 65);
	name[65] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"x\",\"permissions\":[\"%s\"]}", name);
	is_int(run(body), VALID_INVALID, "an item of 65 characters");
	name[64] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"x\",\"permissions\":[\"%s\"]}", name);
	is_int(run(body), VALID_OK, "an item of 64 characters");

	is_int(run("{\"name\":7,\"expires_at\":\"soon\",\"permissions\":[\"ok\",\"NO\"],"
	    "\"other\":1}"), VALID_INVALID, "every field wrong at once");
	is_str(errtext, "{\"name\":[\"The name field must be a string.\"],"
	    "\"expires_at\":[\"The expires at field must be a valid date.\"],"
	    "\"permissions.1\":[\"The permissions.1 field format is invalid.\"]}",
	    "all errors, fields in order, then items");

	is_int(run(""), VALID_NOT_OBJECT, "empty body");
	is_int(run("[]"), VALID_NOT_OBJECT, "an array");
	is_int(run("\"name\""), VALID_NOT_OBJECT, "a string");
	is_int(run("{\"name\":"), VALID_NOT_OBJECT, "invalid JSON");
	is_int(run("{\"name\":\"a\",\"name\":\"b\"}"), VALID_NOT_OBJECT, "duplicate member");
	is_int(run("{\"name\":\"\xff\"}"), VALID_NOT_OBJECT, "invalid UTF-8");
	strcpy(body, "");
	for (i = 0; i < 300; i++)
		strcat(body, "[");
	is_int(run(body), VALID_NOT_OBJECT, "deep nesting");
	is_int(utf8_length("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x91", 10), 4, "utf8_length");
	validate_release(rules, 3, &in);
	return tap_done();
}

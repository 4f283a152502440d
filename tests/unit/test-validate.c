/* test-validate.c: the documented create rules (docs/openapi.yaml) through the real field table of api_keys.c, and the other field kinds. */
#include "ac-config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_keys.h"
#include "key_input.h"
#include "tap.h"
#include "timeutil.h"
#include "utf8.h"
#include "validate.h"

/* 2026-01-15T12:00:00Z, in microseconds; now_us is what runs use. */
#define NOW (1768478400 * TIME_US)

static int64_t now_us = NOW;

static struct key_input in;
static struct valid_errors errs;
static char errtext[8192];

/* Writes the errors as the 422 does; "" when there are none. */
static size_t
errors_text(const struct valid_errors *e, char *out, size_t size)
{
	struct jw w;
	const char *t;
	size_t len = 0;

	memset(&w, 0, sizeof(w));
	out[0] = '\0';
	if (e->n > 0) {
		validate_errors_write(&w, e);
		if ((t = jw_text(&w, &len)) != NULL)
			snprintf(out, size, "%s", t);
		else
			snprintf(out, size, "(writer failed)");
	}
	jw_reset(&w);
	return len;
}

static enum valid_result
runn(const char *body, size_t len)
{
	enum valid_result r;

	memset(&in, 0, sizeof(in));
	memset(&errs, 0x5a, sizeof(errs));	/* validate_body must set n */
	r = validate_body(body, len, keys_create_rules, keys_create_nrules, &in, now_us, &errs);
	errors_text(&errs, errtext, sizeof(errtext));
	return r;
}

static enum valid_result
run(const char *body)
{
	return runn(body, strlen(body));
}

/* The stored permissions as the writer re-encodes them. */
static const char *
stored(const char *text)
{
	static char out[512];
	struct jw w;
	const char *t;
	size_t len;

	memset(&w, 0, sizeof(w));
	validate_stored_write(&w, text);
	t = jw_text(&w, &len);
	snprintf(out, sizeof(out), "%s", t != NULL ? t : "(writer failed)");
	jw_reset(&w);
	return out;
}

static void
test_table(void)
{
	size_t i;

	/* The table itself: the members, in the order errors are listed. */
	is_int(keys_create_nrules, 6, "create has six rules");
	if (keys_create_nrules != 6)
		return;
	is_str(keys_create_rules[0].member, "name", "name first");
	is_int(keys_create_rules[0].kind, FIELD_TEXT, "name is text");
	ok(keys_create_rules[0].size <= sizeof(in.name) &&
	    keys_create_rules[0].size >= 4 * keys_create_rules[0].max + 1,
	    "the name's buffer holds max code points of four bytes");
	is_str(keys_create_rules[1].member, "expires_at", "expires_at second");
	is_int(keys_create_rules[1].kind, FIELD_FUTURE_TIME, "expires_at is a future time");
	is_str(keys_create_rules[2].member, "permissions", "permissions third");
	is_int(keys_create_rules[2].kind, FIELD_STRING_SET, "permissions is a set");
	ok(keys_create_rules[2].max <= VALID_SET_MAX &&
	    keys_create_rules[2].item_max <= VALID_ITEM_MAX, "the set's bounds fit valid_set");
	for (i = 0; i < keys_create_nrules; i++)
		if (keys_create_rules[i].offset >= sizeof(in))
			break;
	is_int(i, keys_create_nrules, "every offset is inside struct key_input");
}

static void
test_name(void)
{
	char body[1024], name[512];
	int i;

	is_int(run("{\"name\":\"Prod\"}"), VALID_OK, "a name alone is enough");
	is_int(errs.n, 0, "no errors");
	is_str(in.name, "Prod", "name stored");
	ok(!in.expires_at.set, "expiry defaults");
	is_int(in.permissions.n, 0, "permissions default to none");
	is_int(run("{\"name\":\" \\t Prod key \\n\"}"), VALID_OK, "blank around a name");
	is_str(in.name, "Prod key", "name trimmed at both ends only");
	is_int(run("{\"name\":\"\\u00a0\\u3000x\\ufeff\"}"), VALID_OK, "Unicode blanks trimmed");
	is_str(in.name, "x", "to the single character");
	is_int(run("{\"name\":\"\\u2028a b\\u0085\\u200b\"}"), VALID_OK,
	    "line separator, NEL and zero-width space trimmed too");
	is_str(in.name, "a b", "the inner blank kept");

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
	is_int(strlen(in.name), 200, "stored as 200 bytes");
	strcpy(body, "{\"name\":\"");
	for (i = 0; i < 51; i++)
		strcat(body, "\xe2\x82\xac");
	strcat(body, "\"}");
	is_int(run(body), VALID_INVALID, "51 three-byte characters are too many");
	is_str(errtext, "{\"name\":[\"The name field must not be greater than 50 characters.\"]}",
	    "max message");
	ok(in.name[0] == '\0', "a refused name is not stored");
	memset(name, 'a', 51);
	name[51] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	is_int(run(body), VALID_INVALID, "51 ASCII characters are too many");
	is_str(errtext, "{\"name\":[\"The name field must not be greater than 50 characters.\"]}",
	    "max message");
	snprintf(body, sizeof(body), "{\"name\":\"  %.50s  \"}", name);
	is_int(run(body), VALID_OK, "50 characters once trimmed");

	is_int(run("{}"), VALID_INVALID, "name missing");
	is_int(errs.n, 1, "one error");
	is_str(errtext, "{\"name\":[\"The name field is required.\"]}", "required message");
	is_int(run("{\"name\":null}"), VALID_INVALID, "name null");
	is_str(errtext, "{\"name\":[\"The name field is required.\"]}", "null is missing");
	is_int(run("{\"name\":\"   \"}"), VALID_INVALID, "name blank");
	is_str(errtext, "{\"name\":[\"The name field is required.\"]}", "blank is missing");
	is_int(run("{\"name\":\"\"}"), VALID_INVALID, "name empty");
	is_str(errtext, "{\"name\":[\"The name field is required.\"]}", "empty is missing");
	is_int(run("{\"name\":12}"), VALID_INVALID, "name a number");
	is_str(errtext, "{\"name\":[\"The name field must be a string.\"]}", "string message");
	is_int(run("{\"name\":[\"a\"]}"), VALID_INVALID, "name an array");
	is_str(errtext, "{\"name\":[\"The name field must be a string.\"]}", "string message");
	is_int(run("{\"name\":\"a\\u0007b\"}"), VALID_INVALID, "a control character");
	is_str(errtext, "{\"name\":[\"The name field format is invalid.\"]}", "format message");
	is_int(run("{\"name\":\"a\\u0000b\"}"), VALID_INVALID, "a NUL inside the name");
	is_str(errtext, "{\"name\":[\"The name field format is invalid.\"]}", "format message");
	is_int(run("{\"name\":\"a\\u0085b\"}"), VALID_INVALID, "a C1 control character");
	is_int(run("{\"name\":\"a\\u007fb\"}"), VALID_INVALID, "DEL");
	is_int(run("{\"name\":\"a\\tb\"}"), VALID_INVALID, "a tab inside");
	is_int(run("{\"name\":\"caf\\u00e9 \\ud83d\\udd11\"}"), VALID_OK,
	    "escaped non-ASCII and a surrogate pair");
	is_str(in.name, "caf\xc3\xa9 \xf0\x9f\x94\x91", "stored as UTF-8");
}

static void
test_expiry(void)
{
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2026-06-01T00:00:00Z\"}"), VALID_OK,
	    "a future expiry");
	ok(in.expires_at.set && in.expires_at.value == 1780272000 * TIME_US, "stored as UTC");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2026-06-01T02:00:00+02:00\"}"), VALID_OK,
	    "an expiry with an offset");
	is_int(in.expires_at.value, 1780272000 * TIME_US, "offset applied");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2028-02-29T00:00:00Z\"}"), VALID_OK,
	    "a leap day");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2027-02-29T00:00:00Z\"}"), VALID_INVALID,
	    "not a leap year");
	is_str(errtext, "{\"expires_at\":[\"The expires at field must be a valid date.\"]}",
	    "valid-date message");
	ok(!in.expires_at.set, "a refused expiry is not set");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2026-01-15T12:00:00Z\"}"), VALID_INVALID,
	    "now is not after now");
	is_str(errtext, "{\"expires_at\":[\"The expires at field must be a date after now.\"]}",
	    "after-now message");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2020-01-01T00:00:00Z\"}"), VALID_INVALID,
	    "a past date");
	is_str(errtext, "{\"expires_at\":[\"The expires at field must be a date after now.\"]}",
	    "after-now message");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2026-01-15T12:00:01Z\"}"), VALID_OK,
	    "one second after now");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2031-01-15T12:00:00Z\"}"), VALID_OK,
	    "exactly 5 years ahead");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2031-01-15T12:00:01Z\"}"), VALID_INVALID,
	    "one second past 5 years");
	is_str(errtext, "{\"expires_at\":[\"The expires at field must be a date before or equal "
	    "to 5 years from now.\"]}", "5-year message");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2040-01-01T00:00:00Z\"}"), VALID_INVALID,
	    "far more than 5 years");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2031-01-15T13:00:00+01:00\"}"), VALID_OK,
	    "5 years with an offset");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2026-06-01\"}"), VALID_INVALID, "a date alone");
	is_str(errtext, "{\"expires_at\":[\"The expires at field must be a valid date.\"]}",
	    "valid-date message");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2026-06-01T00:00:00\"}"), VALID_INVALID,
	    "no offset");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2026-06-01 00:00:00Z\"}"), VALID_INVALID,
	    "a space for T");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"tomorrow\"}"), VALID_INVALID, "words");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"\"}"), VALID_INVALID, "empty string");
	is_int(run("{\"name\":\"x\",\"expires_at\":1780272000}"), VALID_INVALID, "a number");
	is_str(errtext, "{\"expires_at\":[\"The expires at field must be a valid date.\"]}",
	    "valid-date message");
	is_int(run("{\"name\":\"x\",\"expires_at\":null}"), VALID_OK, "null means the default");
	ok(!in.expires_at.set, "not set");

	/* Fractions are kept, and the comparisons see them. */
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2028-06-15T22:34:56.5-08:00\"}"),
	    VALID_OK, "a fraction of a second");
	ok(in.expires_at.set && in.expires_at.value == 1844750096 * TIME_US + 500000,
	    "the fraction is stored (microseconds)");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2026-01-15T12:00:00.000001Z\"}"), VALID_OK,
	    "one microsecond after now");
	is_int(in.expires_at.value, NOW + 1, "one microsecond after now, stored");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2031-01-15T12:00:00.000001Z\"}"),
	    VALID_INVALID, "one microsecond past 5 years");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2031-01-15T12:00:00.000000Z\"}"), VALID_OK,
	    "exactly 5 years ahead, written with a fraction");
	now_us = NOW + 500000;
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2026-01-15T12:00:00.4Z\"}"), VALID_INVALID,
	    "before a now that has a fraction");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2026-01-15T12:00:00.500001Z\"}"), VALID_OK,
	    "a microsecond after a now that has a fraction");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2031-01-15T12:00:00.5Z\"}"), VALID_OK,
	    "5 years after a now that has a fraction");
	is_int(run("{\"name\":\"x\",\"expires_at\":\"2031-01-15T12:00:00.500001Z\"}"),
	    VALID_INVALID, "a microsecond past 5 years after a now that has a fraction");
	now_us = NOW;
}

static void
test_permissions(void)
{
	char body[4096], name[80];
	int i;

	is_int(run("{\"name\":\"x\",\"permissions\":[\"payments:read\",\"a.b_c-d\"]}"), VALID_OK,
	    "permissions");
	ok(in.permissions.n == 2 && strcmp(in.permissions.item[0], "payments:read") == 0 &&
	    strcmp(in.permissions.item[1], "a.b_c-d") == 0, "order kept");
	is_int(run("{\"name\":\"x\",\"permissions\":[]}"), VALID_OK, "an empty list");
	is_int(in.permissions.n, 0, "no items");
	is_int(run("{\"name\":\"x\",\"permissions\":null}"), VALID_OK, "null permissions");
	is_int(run("{\"name\":\"x\",\"permissions\":\"read\"}"), VALID_INVALID, "not an array");
	is_str(errtext, "{\"permissions\":[\"The permissions field must be an array.\"]}",
	    "array message");
	is_int(run("{\"name\":\"x\",\"permissions\":{\"0\":\"read\"}}"), VALID_INVALID,
	    "an object");
	is_str(errtext, "{\"permissions\":[\"The permissions field must be an array.\"]}",
	    "array message");

	strcpy(body, "{\"name\":\"x\",\"permissions\":[");
	for (i = 0; i < 32; i++)
		sprintf(body + strlen(body), "%s\"p%d\"", i ? "," : "", i);
	strcat(body, "]}");
	is_int(run(body), VALID_OK, "32 items");
	ok(in.permissions.n == 32 && strcmp(in.permissions.item[31], "p31") == 0, "all 32 kept");

	strcpy(body, "{\"name\":\"x\",\"permissions\":[");
	for (i = 0; i < 33; i++)
		sprintf(body + strlen(body), "%s\"p%d\"", i ? "," : "", i);
	strcat(body, "]}");
	is_int(run(body), VALID_INVALID, "33 items");
	is_str(errtext, "{\"permissions\":[\"The permissions field must not have more than 32 "
	    "items.\"]}", "items message");
	is_int(in.permissions.n, 0, "nothing stored");

	/* Over the cap the field fails and the items the reader kept (the
	 * first 33) are still checked, in index order, as Laravel does. */
	strcpy(body, "{\"name\":\"x\",\"permissions\":[");
	for (i = 0; i < 40; i++)
		sprintf(body + strlen(body), "%s%s", i ? "," : "",
		    i % 3 == 0 ? "\"BAD\"" : i % 3 == 1 ? "7" : "\"a\"");
	strcat(body, "]}");
	is_int(run(body), VALID_INVALID, "40 bad and repeated items");
	is_int(errs.n, 33, "the field and 32 of the 33 kept items (one is good)");
	is_str(errs.e[0].key, "permissions", "the field first");
	is_str(errs.e[0].message, "The permissions field must not have more than 32 items.",
	    "its message");
	is_str(errs.e[1].key, "permissions.0", "then item 0");
	is_str(errs.e[1].message, "The permissions.0 field format is invalid.", "a bad item");
	is_str(errs.e[2].key, "permissions.1", "item 1 (2 is the first a)");
	is_str(errs.e[5].message, "The permissions.5 field has a duplicate value.", "a repeat");
	is_str(errs.e[32].key, "permissions.32", "the 33rd item is the last checked");
	is_str(errs.e[32].message, "The permissions.32 field has a duplicate value.",
	    "its message");
	is_int(in.permissions.n, 0, "nothing stored");

	/* 33 good items: the cap alone. */
	strcpy(body, "{\"name\":\"x\",\"permissions\":[");
	for (i = 0; i < 40; i++)
		sprintf(body + strlen(body), "%s\"q%d\"", i ? "," : "", i);
	strcat(body, "]}");
	is_int(run(body), VALID_INVALID, "40 good items");
	is_str(errtext, "{\"permissions\":[\"The permissions field must not have more than 32 "
	    "items.\"]}", "the cap alone");

	/* Addresses: the same. */
	strcpy(body, "{\"name\":\"x\",\"allowed_ips\":[");
	for (i = 0; i < 34; i++)
		sprintf(body + strlen(body), "%s%s", i ? "," : "",
		    i == 1 || i == 32 ? "\"nope\"" : i == 33 ? "5" : "\"10.0.0.1\"");
	strcat(body, "]}");
	is_int(run(body), VALID_INVALID, "34 addresses, bad ones among them");
	is_str(errtext, "{\"allowed_ips\":[\"The allowed ips field must not have more than 32 "
	    "items.\"],\"allowed_ips.1\":[\"The allowed_ips.1 field must be a valid IP address "
	    "or range.\"],\"allowed_ips.32\":[\"The allowed_ips.32 field must be a valid IP "
	    "address or range.\"]}", "the cap, then the kept bad items (not the 34th)");

	is_int(run("{\"name\":\"x\",\"permissions\":[\"a\",\"B\",\"a\",7,\"\",\"a\"]}"),
	    VALID_INVALID, "bad and repeated items");
	is_str(errtext, "{\"permissions.1\":[\"The permissions.1 field format is invalid.\"],"
	    "\"permissions.2\":[\"The permissions.2 field has a duplicate value.\"],"
	    "\"permissions.3\":[\"The permissions.3 field format is invalid.\"],"
	    "\"permissions.4\":[\"The permissions.4 field format is invalid.\"],"
	    "\"permissions.5\":[\"The permissions.5 field has a duplicate value.\"]}",
	    "item messages by index, first rule only");
	is_int(in.permissions.n, 0, "a refused set is stored empty");
	is_int(run("{\"name\":\"x\",\"permissions\":[\"b\",\"a\",\"b\"]}"), VALID_INVALID,
	    "a duplicate item");
	is_str(errtext, "{\"permissions.2\":[\"The permissions.2 field has a duplicate value.\"]}",
	    "duplicate message on the later item");
	is_int(run("{\"name\":\"x\",\"permissions\":[\"a b\"]}"), VALID_INVALID, "a blank inside");
	is_str(errtext, "{\"permissions.0\":[\"The permissions.0 field format is invalid.\"]}",
	    "format message");
	is_int(run("{\"name\":\"x\",\"permissions\":[\"a\\u0000\"]}"), VALID_INVALID,
	    "a NUL inside an item");
	is_int(run("{\"name\":\"x\",\"permissions\":[\"\\u00e9\"]}"), VALID_INVALID,
	    "a non-ASCII item");
	is_int(run("{\"name\":\"x\",\"permissions\":[[\"a\"]]}"), VALID_INVALID, "a nested array");
	is_int(run("{\"name\":\"x\",\"permissions\":[null]}"), VALID_INVALID, "a null item");
	memset(name, 'a', 65);
	name[65] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"x\",\"permissions\":[\"%s\"]}", name);
	is_int(run(body), VALID_INVALID, "an item of 65 characters");
	is_str(errtext, "{\"permissions.0\":[\"The permissions.0 field format is invalid.\"]}",
	    "format message");
	name[64] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"x\",\"permissions\":[\"%s\"]}", name);
	is_int(run(body), VALID_OK, "an item of 64 characters");
	is_int(strlen(in.permissions.item[0]), 64, "stored whole");

	/* Many hash collisions or none, the duplicate check finds them all. */
	strcpy(body, "{\"name\":\"x\",\"permissions\":[");
	for (i = 0; i < 32; i++)
		sprintf(body + strlen(body), "%s\"%c\"", i ? "," : "", "abcdefgh"[i % 8]);
	strcat(body, "]}");
	is_int(run(body), VALID_INVALID, "32 items of 8 values");
	is_int(errs.n, 24, "24 duplicates");
	is_str(errs.e[0].key, "permissions.8", "the first duplicate is item 8");
	is_str(errs.e[23].key, "permissions.31", "the last is item 31");
}

static void
test_order(void)
{
	char body[4096];
	int i;

	is_int(run("{\"name\":7,\"expires_at\":\"soon\",\"permissions\":[\"ok\",\"NO\"],"
	    "\"other\":1}"), VALID_INVALID, "every field wrong at once");
	is_str(errtext, "{\"name\":[\"The name field must be a string.\"],"
	    "\"expires_at\":[\"The expires at field must be a valid date.\"],"
	    "\"permissions.1\":[\"The permissions.1 field format is invalid.\"]}",
	    "all errors, fields in order, then items");
	is_int(run("{\"permissions\":[\"x\",\"x\",\"Y\"],\"expires_at\":\"2020-01-01T00:00:00Z\"}"),
	    VALID_INVALID, "members in another order");
	is_str(errtext, "{\"name\":[\"The name field is required.\"],"
	    "\"expires_at\":[\"The expires at field must be a date after now.\"],"
	    "\"permissions.1\":[\"The permissions.1 field has a duplicate value.\"],"
	    "\"permissions.2\":[\"The permissions.2 field format is invalid.\"]}",
	    "errors in table order, not body order");
	is_int(run("{\"permissions\":5,\"name\":\"\"}"), VALID_INVALID, "two fields wrong");
	is_str(errtext, "{\"name\":[\"The name field is required.\"],"
	    "\"permissions\":[\"The permissions field must be an array.\"]}",
	    "name before permissions");

	/* Every rule and every item failing: 34 errors, all listed. */
	strcpy(body, "{\"expires_at\":\"x\",\"permissions\":[");
	for (i = 0; i < 32; i++)
		sprintf(body + strlen(body), "%s%d", i ? "," : "", i);
	strcat(body, "]}");
	is_int(run(body), VALID_INVALID, "34 failures");
	is_int(errs.n, 34, "34 errors");
	is_str(errs.e[0].key, "name", "name first");
	is_str(errs.e[1].key, "expires_at", "then expires_at");
	is_str(errs.e[2].key, "permissions.0", "then the items");
	is_str(errs.e[33].key, "permissions.31", "by index");
	is_str(errs.e[33].message, "The permissions.31 field format is invalid.", "its message");
}

static void
test_not_object(void)
{
	char body[400];
	int i;

	is_int(run(""), VALID_NOT_OBJECT, "empty body");
	is_int(errs.n, 0, "no errors for a 400");
	is_int(run("[]"), VALID_NOT_OBJECT, "an array");
	is_int(run("\"name\""), VALID_NOT_OBJECT, "a string");
	is_int(run("null"), VALID_NOT_OBJECT, "null");
	is_int(run("{\"name\":"), VALID_NOT_OBJECT, "invalid JSON");
	is_int(run("{\"name\":\"x\"} {}"), VALID_NOT_OBJECT, "two documents");
	is_int(run("{\"name\":\"a\",\"name\":\"b\"}"), VALID_NOT_OBJECT, "duplicate member");
	is_int(run("{\"name\":\"\xff\"}"), VALID_NOT_OBJECT, "invalid UTF-8");
	is_int(runn("{\"name\":\"x\"}\0", 15), VALID_NOT_OBJECT, "a NUL after the object");
	is_int(runn("{\"name\":\"x\"}garbage", 12), VALID_OK, "only len bytes are read");
	is_str(in.name, "x", "the name as given");
	strcpy(body, "");
	for (i = 0; i < 300; i++)
		strcat(body, "[");
	/* 33 levels are met before the missing ends. */
	is_int(run(body), VALID_TOO_COMPLEX, "deep nesting: too complex");
	is_int(utf8_length("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x91", 10), 4, "utf8_length");
	is_int(utf8_length("", 0), 0, "utf8_length of nothing");
}

/*
 * A body at the 64 KiB cap holding ~11,000 distinct permissions: refused
 * with the single items message, its items never checked, and the 422's
 * errors stay small.
 */
static void
test_huge_list(void)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789_.:-";
	size_t cap = 65536, len, n = 0, k = strlen(chars), a, b, c, w;
	char *body, item[4], text[512];

	if ((body = malloc(cap + 1)) == NULL) {
		ok(0, "malloc");
		return;
	}
	len = (size_t)snprintf(body, cap, "{\"name\":\"x\",\"permissions\":[");
	/* Every 1-, then 2-, then 3-character item while the body fits. */
	for (w = 1; w <= 3; w++)
		for (a = 0; a < k; a++)
			for (b = 0; b < (w > 1 ? k : 1); b++)
				for (c = 0; c < (w > 2 ? k : 1); c++) {
					item[0] = chars[a];
					item[1] = chars[b];
					item[2] = chars[c];
					item[w] = '\0';
					if (len + w + 3 + 2 > cap)
						goto full;
					len += (size_t)sprintf(body + len, "%s\"%s\"",
					    n ? "," : "", item);
					n++;
				}
full:
	memcpy(body + len, "]}", 3);
	len += 2;
	ok(len <= cap && len > cap - 16, "a body of 64 KiB");
	ok(n > 10500 && n < 12000, "with about 11,000 permissions");
	printf("# %zu bytes, %zu permissions\n", len, n);
	is_int(runn(body, len), VALID_INVALID, "refused");
	is_int(errs.n, 1, "with exactly one error");
	is_str(errs.e[0].key, "permissions", "on the list");
	is_str(errs.e[0].message, "The permissions field must not have more than 32 items.",
	    "the items message");
	w = errors_text(&errs, text, sizeof(text));
	ok(w > 0 && w < 200, "the 422's errors are under 200 bytes");
	is_int(in.permissions.n, 0, "nothing stored");

	/* The same size of body made of one repeated bad item. */
	len = (size_t)snprintf(body, cap, "{\"name\":\"x\",\"permissions\":[");
	for (n = 0; len + 6 + 2 <= cap; n++)
		len += (size_t)sprintf(body + len, "%s\"A\"", n ? "," : "");
	memcpy(body + len, "]}", 3);
	len += 2;
	is_int(runn(body, len), VALID_INVALID, "64 KiB of one bad item repeated");
	is_int(errs.n, 34, "the list's error and the 33 kept items' only");
	is_str(errs.e[33].key, "permissions.32", "the last is item 32");
	w = errors_text(&errs, text, sizeof(text));
	ok(w > 0 && w < 4096, "under 4 KiB");
	free(body);
}

/* A table of FIELD_STRING (credentials): required, a string, bounded, no NUL. */
struct cred_input {
	char	key[16];
	char	secret[8];
};

static const struct field_rule cred_rules[] = {
	{ "key", "key", FIELD_STRING, offsetof(struct cred_input, key), 16, 0, 0, NULL, 0, 0, 0 },
	{ "secret", "secret", FIELD_STRING, offsetof(struct cred_input, secret), 8, 0, 0, NULL, 0, 0, 0 },
};

static enum valid_result
cred(const char *body, size_t len, struct cred_input *out)
{
	memset(out, 0, sizeof(*out));
	return validate_body(body, len, cred_rules, 2, out, NOW, &errs);
}

/* A literal body, NULs included. */
#define CRED(lit) cred((lit), sizeof(lit) - 1, &c)

static void
test_field_string(void)
{
	struct cred_input c;
	char text[1024];

	is_int(CRED("{\"key\":\"MTP_KEY_abc\",\"secret\":\"s\"}"), VALID_OK,
	    "key and secret");
	is_str(c.key, "MTP_KEY_abc", "key stored");
	is_str(c.secret, "s", "secret stored");
	is_int(CRED("{\"key\":\"  k \",\"secret\":\"1234567\"}"), VALID_OK,
	    "not trimmed; size - 1 bytes fit");
	is_str(c.key, "  k ", "stored as is");
	is_str(c.secret, "1234567", "7 bytes in 8");
	is_int(CRED("{\"key\":\"k\",\"secret\":\"12345678\"}"), VALID_INVALID,
	    "size bytes do not fit");
	errors_text(&errs, text, sizeof(text));
	is_str(text, "{\"secret\":[\"The secret field must be a string.\"]}",
	    "too long is not a string");
	ok(c.secret[0] == '\0', "nothing stored");
	is_int(CRED("{\"secret\":5}"), VALID_INVALID, "missing and a number");
	errors_text(&errs, text, sizeof(text));
	is_str(text, "{\"key\":[\"The key field is required.\"],"
	    "\"secret\":[\"The secret field must be a string.\"]}", "both messages in order");
	is_int(CRED("{\"key\":null,\"secret\":\"a\\u0000b\"}"), VALID_INVALID,
	    "null and a NUL inside");
	errors_text(&errs, text, sizeof(text));
	is_str(text, "{\"key\":[\"The key field is required.\"],"
	    "\"secret\":[\"The secret field must be a string.\"]}", "a NUL is not a string");
	is_int(CRED("{\"key\":\"\",\"secret\":\"\"}"), VALID_OK,
	    "empty strings are strings");
}

static void
test_stored(void)
{
	is_str(stored("[]"), "[]", "[] as is");
	is_str(stored("[\"payments:read\",\"a/b\"]"), "[\"payments:read\",\"a\\/b\"]",
	    "an array of strings, / escaped");
	is_str(stored("[ \"a\" , \"b\" ]"), "[\"a\",\"b\"]", "spaces dropped");
	is_str(stored("[\"\\u00E9\",\"\xe2\x82\xac\"]"), "[\"\\u00e9\",\"\\u20ac\"]",
	    "non-ASCII as lowercase escapes");
	is_str(stored("[1,-2,true,false,null,[],{}]"), "[1,-2,true,false,null,[],{}]",
	    "other values kept");
	is_str(stored("[{\"k\":\"v\"}]"), "[{\"k\":\"v\"}]", "an object inside");
	is_str(stored("{\"a\":1}"), "[]", "an object is written as []");
	is_str(stored("\"read\""), "[]", "a string is written as []");
	is_str(stored("7"), "[]", "a number is written as []");
	is_str(stored("null"), "[]", "null is written as []");
	is_str(stored(""), "[]", "empty text is written as []");
	is_str(stored("[\"a\""), "[]", "broken JSON is written as []");
}

/* FIELD_UINT (rotate's grace) and the stored details of an event. */
static void
test_uint_and_details(void)
{
	struct count_input {
		struct valid_uint	n;
	} c;
	static const struct field_rule rules[] = {
		{ .member = "grace_seconds", .label = "grace seconds", .kind = FIELD_UINT, .max = 604800 },
	};
	static const struct {
		const char	*body;
		int		 ok, set;
		uint64_t	 value;
	} cases[] = {
		{ "{}", 1, 0, 0 },
		{ "{\"grace_seconds\":null}", 1, 0, 0 },
		{ "{\"grace_seconds\":0}", 1, 1, 0 },
		{ "{\"grace_seconds\":604800}", 1, 1, 604800 },
		{ "{\"grace_seconds\":604801}", 0, 0, 0 },
		{ "{\"grace_seconds\":-1}", 0, 0, 0 },
		{ "{\"grace_seconds\":5.0}", 0, 0, 0 },
		{ "{\"grace_seconds\":\"5\"}", 0, 0, 0 },
		{ "{\"grace_seconds\":false}", 0, 0, 0 },
		{ "{\"grace_seconds\":9223372036854775807}", 0, 0, 0 },
	};
	struct jw w;
	const char *t;
	size_t i, len;
	int all = 1;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum valid_result r;

		memset(&c, 0, sizeof(c));
		r = validate_body(cases[i].body, strlen(cases[i].body), rules, 1, &c, now_us,
		    &errs);
		errors_text(&errs, errtext, sizeof(errtext));
		if (cases[i].ok ? r != VALID_OK || c.n.set != cases[i].set ||
		    c.n.value != cases[i].value : r != VALID_INVALID || strcmp(errtext,
		    "{\"grace_seconds\":[\"The grace seconds field must be an integer between 0 "
		    "and 604800.\"]}") != 0) {
			all = 0;
			printf("# %s: %d %s\n", cases[i].body, (int)r, errtext);
		}
	}
	ok(all, "FIELD_UINT: 0..max JSON integers, null absent, anything else its message");
	/* A known limit: an integer beyond 64 bits is no JSON the parser
	 * takes, so the body is refused whole (400), not field by field. */
	is_int(validate_body("{\"grace_seconds\":99999999999999999999}", 38, rules, 1, &c,
	    now_us, &errs), VALID_NOT_OBJECT, "FIELD_UINT: beyond 64 bits the body is refused");

	memset(&w, 0, sizeof(w));
	jw_array_begin(&w);
	validate_stored_object_write(&w, "{\"rotated_to\":12,\"grace_seconds\":0}");
	validate_stored_object_write(&w, "{\"changes\":[\"name\",\"enabled\"]}");
	validate_stored_object_write(&w, NULL);
	validate_stored_object_write(&w, "[1]");
	validate_stored_object_write(&w, "{bad");
	validate_stored_object_write(&w, "{\"a\":1,\"a\":2}");
	jw_array_end(&w);
	t = jw_text(&w, &len);
	is_str(t != NULL ? t : "(failed)", "[{\"rotated_to\":12,\"grace_seconds\":0},"
	    "{\"changes\":[\"name\",\"enabled\"]},null,null,null,null]",
	    "stored details: an object in its order, anything else null");
	jw_reset(&w);
}

/* Members missing from an object member (the reader answers NULL for
 * them): each is its own failure, never a crash. */
static void
test_missing_members(void)
{
	static const char *const bodies[] = {
		"{\"name\":\"x\",\"rate_limit\":{}}",
		"{\"name\":\"x\",\"rate_limit\":{\"limit\":1}}",
		"{\"name\":\"x\",\"rate_limit\":{\"window_seconds\":1}}",
	};
	static const unsigned want[] = { 2, 1, 1 };
	struct key_input ci;
	struct valid_errors e;
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		memset(&ci, 0, sizeof(ci));
		ok(validate_body(bodies[i], strlen(bodies[i]), keys_create_rules,
		    keys_create_nrules, &ci, 1700000000000000LL, &e) == VALID_INVALID &&
		    e.n == want[i] && strncmp(e.e[0].key, "rate_limit.", 11) == 0,
		    "rate_limit without its members: one failure per missing member");
	}
	/* NUL is refused in a member name, though allowed in a value. */
	memset(&ci, 0, sizeof(ci));
	ok(validate_body("{\"na\\u0000me\":\"x\"}", 18, keys_create_rules, keys_create_nrules,
	    &ci, 1700000000000000LL, &e) == VALID_NOT_OBJECT,
	    "a member name holding \\u0000: not an object (400)");
}

int
main(void)
{
	validate_library_init();
	test_missing_members();
	test_table();
	test_name();
	test_expiry();
	test_permissions();
	test_order();
	test_not_object();
	test_huge_list();
	test_field_string();
	test_stored();
	test_uint_and_details();
	return tap_done();
}

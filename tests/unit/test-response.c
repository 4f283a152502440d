/* test-response.c: the JSON writer against jansson's dumper, the envelopes byte for byte, and the headers every answer carries. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonw.h"
#include "response.h"
#include "tap.h"
#include "timeutil.h"
#include "validate.h"

static char *
render(struct response *r)
{
	size_t len = 0;
	char *out = response_render(r, &len);

	if (out != NULL && strlen(out) != len) {
		free(out);
		return NULL;
	}
	return out;
}

static const char *
body_of(const char *whole)
{
	const char *b = whole ? strstr(whole, "\r\n\r\n") : NULL;

	return b ? b + 4 : "";
}

/* The status line of a rendered answer, as "NNN". */
static int
status_of(const char *whole)
{
	return whole != NULL && strncmp(whole, "Status: ", 8) == 0 ? atoi(whole + 8) : -1;
}

/* The reference the writer must equal: jansson's dumper with PHP's
 * flags, then \u escapes lowercased as PHP writes them. */
static char *
reference_json(const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ESCAPE_SLASH |
	    JSON_ENCODE_ANY | JSON_PRESERVE_ORDER), *p;
	int i;

	for (p = s; p != NULL && (p = strchr(p, '\\')) != NULL;) {
		if (p[1] == 'u') {
			for (i = 2; i < 6; i++)
				if (p[i] >= 'A' && p[i] <= 'F')
					p[i] = (char)(p[i] - 'A' + 'a');
			p += 6;
		} else
			p += 2;
	}
	return s;
}

/* Writes a jansson value through the writer, member order kept. */
static void
write_json(struct jw *w, json_t *v)
{
	const char *k;
	json_t *item;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		jw_object_begin(w);
		json_object_foreach(v, k, item) {
			jw_key(w, k);
			write_json(w, item);
		}
		jw_object_end(w);
		break;
	case JSON_ARRAY:
		jw_array_begin(w);
		json_array_foreach(v, i, item)
			write_json(w, item);
		jw_array_end(w);
		break;
	case JSON_STRING:
		jw_stringn(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		jw_int(w, (long long)json_integer_value(v));
		break;
	case JSON_TRUE:
		jw_bool(w, 1);
		break;
	case JSON_FALSE:
		jw_bool(w, 0);
		break;
	case JSON_NULL:
		jw_null(w);
		break;
	case JSON_REAL:
		abort();	/* never generated */
	}
}

/* A random UTF-8 string of up to 24 code points from every range the
 * escaper treats apart (ASCII, escapes, controls, NUL, 2-, 3- and 4-byte). */
static void
random_utf8(unsigned *seed, char *out, size_t *outlen)
{
	static const unsigned picks[] = { 'a', '"', '\\', '/', '\b', '\f', '\n', '\r',
	    '\t', 0x00, 0x01, 0x1f, 0x7f, 0xe9, 0x7ff, 0x800, 0x20ac, 0xfffd, 0x10000,
	    0x1f600, 0x10ffff, ' ', 'Z', '0' };
	unsigned char *buf = (unsigned char *)out;
	size_t n = 0;
	int i, len = (int)(rand_r(seed) % 25);
	unsigned cp;

	for (i = 0; i < len; i++) {
		cp = picks[(unsigned)rand_r(seed) % (sizeof(picks) / sizeof(picks[0]))];
		if (cp < 0x80)
			buf[n++] = (unsigned char)cp;
		else if (cp < 0x800) {
			buf[n++] = (unsigned char)(0xc0 | cp >> 6);
			buf[n++] = (unsigned char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			buf[n++] = (unsigned char)(0xe0 | cp >> 12);
			buf[n++] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
			buf[n++] = (unsigned char)(0x80 | (cp & 0x3f));
		} else {
			buf[n++] = (unsigned char)(0xf0 | cp >> 18);
			buf[n++] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
			buf[n++] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
			buf[n++] = (unsigned char)(0x80 | (cp & 0x3f));
		}
	}
	*outlen = n;
}

/* A random value: nested objects and arrays, strings, integers at the
 * extremes, booleans and null.  Member names are written by jw_key as
 * literals, so they are drawn from plain ASCII names. */
static json_t *
random_value(unsigned *seed, int depth)
{
	static const json_int_t ints[] = { 0, 1, -1, 7, 404, 2147483648LL,
	    -9223372036854775807LL - 1, 9223372036854775807LL };
	static const char *const names[] = { "id", "name", "data", "a_b", "x-y",
	    "permissions", "Z9", "" };
	char buf[24 * 4 + 1];
	size_t n;
	json_t *v;
	int i, k;

	switch (depth > 3 ? rand_r(seed) % 4 : rand_r(seed) % 6) {
	case 0:
		random_utf8(seed, buf, &n);
		return json_stringn(buf, n);
	case 1: return json_integer(ints[(unsigned)rand_r(seed) % 8]);
	case 2: return rand_r(seed) % 2 ? json_true() : json_false();
	case 3: return json_null();
	case 4:
		v = json_array();
		k = rand_r(seed) % 4;
		for (i = 0; i < k; i++)
			json_array_append_new(v, random_value(seed, depth + 1));
		return v;
	default:
		v = json_object();
		k = rand_r(seed) % 4;
		for (i = 0; i < k; i++)
			json_object_set_new(v, names[(unsigned)rand_r(seed) % 8],
			    random_value(seed, depth + 1));
		return v;
	}
}

/* The writer's text of one string value, or NULL if the writer failed. */
static char *
string_text(const char *s, size_t n)
{
	struct jw w;
	const char *t;
	char *copy;
	size_t len;

	memset(&w, 0, sizeof(w));
	jw_stringn(&w, s, n);
	t = jw_text(&w, &len);
	copy = t != NULL ? strdup(t) : NULL;
	jw_reset(&w);
	return copy;
}

static int
string_refused(const char *s)
{
	char *t = string_text(s, strlen(s));
	int refused = t == NULL;

	if (t != NULL)
		printf("#   accepted as %s\n", t);
	free(t);
	return refused;
}

static void
test_writer(void)
{
	struct jw w;
	const char *t;
	size_t len;
	char *s;
	int i;

	memset(&w, 0, sizeof(w));
	jw_array_begin(&w);
	jw_array_begin(&w);
	jw_int(&w, 1);
	jw_int(&w, 2);
	jw_array_end(&w);
	jw_array_begin(&w);
	jw_array_end(&w);
	jw_object_begin(&w);
	jw_key(&w, "a");
	jw_array_begin(&w);
	jw_int(&w, 3);
	jw_object_begin(&w);
	jw_object_end(&w);
	jw_array_end(&w);
	jw_key(&w, "b");
	jw_null(&w);
	jw_key(&w, "c");
	jw_object_begin(&w);
	jw_key(&w, "d");
	jw_bool(&w, 1);
	jw_key(&w, "e");
	jw_raw(&w, "1.5", 3);
	jw_object_end(&w);
	jw_object_end(&w);
	jw_string(&w, "s");
	jw_array_end(&w);
	is_str(jw_text(&w, &len), "[[1,2],[],{\"a\":[3,{}],\"b\":null,\"c\":{\"d\":true,\"e\":1.5}},\"s\"]",
	    "commas in nested arrays and objects, none after an opener or a key");
	is_int(len, strlen("[[1,2],[],{\"a\":[3,{}],\"b\":null,\"c\":{\"d\":true,\"e\":1.5}},\"s\"]"),
	    "jw_text's length");
	jw_reset(&w);
	ok(w.p == NULL && w.len == 0 && !w.failed && w.depth == 0, "jw_reset empties the writer");

	jw_array_begin(&w);
	jw_time(&w, TIME_NULL);
	jw_time(&w, 0);
	jw_time(&w, 1781654400 * TIME_US);
	jw_time(&w, 1781654400 * TIME_US + 500000);
	jw_time(&w, -62167219200LL * TIME_US - 1);	/* 0000-01-01 minus 1 us: year -1 */
	jw_time(&w, 253402300800LL * TIME_US);	/* 10000-01-01 */
	jw_array_end(&w);
	is_str(jw_text(&w, &len), "[null,\"1970-01-01T00:00:00.000000Z\","
	    "\"2026-06-17T00:00:00.000000Z\",\"2026-06-17T00:00:00.500000Z\",null,null]",
	    "jw_time (microseconds): null for TIME_NULL and years outside 0..9999, "
	    "Laravel's format else, with the fraction");
	jw_reset(&w);

	jw_array_begin(&w);
	jw_int(&w, -9223372036854775807LL - 1);
	jw_int(&w, 9223372036854775807LL);
	jw_int(&w, 0);
	jw_bool(&w, 0);
	jw_stringn(&w, "a\0b", 3);
	jw_string(&w, "");
	jw_array_end(&w);
	is_str(jw_text(&w, &len), "[-9223372036854775808,9223372036854775807,0,false,"
	    "\"a\\u0000b\",\"\"]", "integer extremes, false, a NUL inside a string, empty");
	jw_reset(&w);

	/* A bare value at the top, as json_encode("x") gives. */
	jw_string(&w, "x/y");
	is_str(jw_text(&w, &len), "\"x\\/y\"", "a bare string at the top");
	jw_reset(&w);
	is_str(jw_text(&w, &len), "", "an empty writer has the empty text");
	is_int(len, 0, "of length 0");
	jw_reset(&w);

	/* Invalid UTF-8 marks the writer failed; every later call does nothing. */
	jw_array_begin(&w);
	jw_string(&w, "ok");
	jw_string(&w, "caf\xff");
	ok(w.failed, "a string with 0xff marks the writer failed");
	jw_array_end(&w);
	ok(jw_text(&w, &len) == NULL, "a failed writer has no text");
	jw_reset(&w);
	ok(!w.failed && w.p == NULL, "jw_reset makes a failed writer usable again");
	jw_string(&w, "again");
	is_str(jw_text(&w, &len), "\"again\"", "and it writes");
	jw_reset(&w);

	ok(string_refused("\x80"), "a lone continuation byte is refused");
	ok(string_refused("ab\xc3"), "a sequence cut short by the end is refused");
	ok(string_refused("\xe2\x82"), "a 3-byte sequence cut short is refused");
	ok(string_refused("\xf8\x88\x80\x80\x80"), "a 5-byte lead is refused");
	ok(string_refused("\xfe"), "0xfe is refused");
	/* Well-formed lead bytes in malformed sequences (RFC 3629). */
	ok(string_refused("\xc3" "A"), "a lead byte followed by ASCII is refused");
	ok(string_refused("\xc0\x80"), "an overlong NUL is refused");
	ok(string_refused("\xed\xa0\x80"), "an encoded surrogate is refused");
	ok(string_refused("\xf4\x90\x80\x80"), "a code point past U+10FFFF is refused");

	/* Unbalanced or misplaced calls. */
	jw_array_end(&w);
	ok(w.failed, "an end with nothing open fails");
	jw_reset(&w);
	jw_object_begin(&w);
	jw_key(&w, "a");
	jw_object_end(&w);
	ok(w.failed, "an end right after a key fails");
	jw_reset(&w);

	/* JW_DEPTH_MAX levels are fine, one more fails. */
	for (i = 0; i < JW_DEPTH_MAX; i++)
		jw_array_begin(&w);
	for (i = 0; i < JW_DEPTH_MAX; i++)
		jw_array_end(&w);
	t = jw_text(&w, &len);
	ok(t != NULL && len == 2 * JW_DEPTH_MAX && t[JW_DEPTH_MAX - 1] == '[' &&
	    t[JW_DEPTH_MAX] == ']', "JW_DEPTH_MAX nested arrays");
	jw_reset(&w);
	for (i = 0; i < JW_DEPTH_MAX + 1; i++)
		jw_object_begin(&w), jw_key(&w, "k");
	ok(w.failed, "one level more fails");
	ok(jw_text(&w, &len) == NULL, "and leaves no text");
	jw_reset(&w);

	/* A long string grows the buffer past its first block. */
	if ((s = malloc(100001)) != NULL) {
		memset(s, 'x', 100000);
		s[100000] = '\0';
		jw_array_begin(&w);
		jw_string(&w, s);
		jw_string(&w, "\xe2\x82\xac");
		jw_array_end(&w);
		t = jw_text(&w, &len);
		ok(t != NULL && len == 100000 + 13 && memcmp(t + 100002, "\",\"\\u20ac\"]", 11) == 0,
		    "a 100000-byte string, then more");
		jw_reset(&w);
		free(s);
	}
}

/* The writer equals jansson + lowercase escapes on random values. */
static void
test_random_values(void)
{
	unsigned seed = 12345;
	int i, same = 0, trials = 3000;
	const char *mine;
	char *ref;
	size_t len;
	struct jw w;
	json_t *v;

	memset(&w, 0, sizeof(w));
	for (i = 0; i < trials; i++) {
		v = random_value(&seed, 0);
		write_json(&w, v);
		mine = jw_text(&w, &len);
		ref = reference_json(v);
		if (mine != NULL && ref != NULL && strcmp(mine, ref) == 0 && strlen(mine) == len)
			same++;
		else if (same == i)
			printf("#   first difference:\n#   mine: %s\n#   ref:  %s\n",
			    mine ? mine : "(null)", ref ? ref : "(null)");
		free(ref);
		jw_reset(&w);
		json_decref(v);
	}
	is_int(same, trials, "3000 random values: the writer equals jansson + lowercase escapes");

	v = json_pack("{s:s, s:i, s:[s, n, b]}", "z", "\xf0\x9f\x98\x80\x01", "a", -5,
	    "m", "x/y", 0);
	write_json(&w, v);
	is_str(jw_text(&w, &len), "{\"z\":\"\\ud83d\\ude00\\u0001\",\"a\":-5,\"m\":[\"x\\/y\",null,false]}",
	    "astral plane as a lowercase surrogate pair, controls as \\u00xx, insertion order");
	jw_reset(&w);
	json_decref(v);
}

static void
test_envelopes(void)
{
	struct valid_errors errs;
	struct response r;
	struct jw *w;
	char *out;

	memset(&r, 0, sizeof(r));
	response_unauthenticated(&r);
	out = render(&r);
	ok(out != NULL && strncmp(out, "Status: 401 Unauthorized\r\n", 26) == 0, "401 status line");
	is_str(body_of(out), "{\"success\":false,\"message\":\"Unauthenticated.\"}", "401 body");
	ok(out && strstr(out, "\r\nWWW-Authenticate: Bearer\r\n") != NULL, "401 challenge");
	ok(out && strstr(out, "\r\nContent-Type: application/json\r\n") != NULL, "JSON type");
	ok(out && strstr(out, "\r\nCache-Control: no-store\r\n") != NULL, "no-store");
	ok(out && strstr(out, "\r\nX-Content-Type-Options: nosniff\r\n") != NULL, "nosniff");
	ok(out && strstr(out, "\r\nContent-Length: 46\r\n") != NULL, "Content-Length");
	ok(out && strstr(out, "Allow:") == NULL, "no Allow without methods");
	free(out);
	response_clear(&r);
	ok(r.status == 0 && !r.challenge && r.body.p == NULL, "response_clear resets all");

	response_error_code(&r, 404, MSG_KEY_NOT_FOUND);
	out = render(&r);
	is_int(status_of(out), 404, "404 status");
	is_str(body_of(out), "{\"success\":false,\"message\":\"API key not found\",\"code\":404}",
	    "404 body with code");
	ok(out && strstr(out, "WWW-Authenticate") == NULL, "no challenge on 404");
	free(out);
	response_clear(&r);

	snprintf(r.allow, sizeof(r.allow), "GET, DELETE");
	response_error(&r, 405, "Method Not Allowed.");
	out = render(&r);
	ok(out && strstr(out, "\r\nAllow: GET, DELETE\r\n") != NULL, "Allow header");
	ok(out && strncmp(out, "Status: 405 Method Not Allowed\r\n", 32) == 0, "405 status");
	is_str(body_of(out), "{\"success\":false,\"message\":\"Method Not Allowed.\"}", "405 body");
	free(out);
	response_clear(&r);

	/* Only a 405 lists methods, whatever a caller left in allow. */
	snprintf(r.allow, sizeof(r.allow), "GET");
	response_error(&r, 409, "Conflict.");
	out = render(&r);
	ok(out && strstr(out, "Allow:") == NULL, "no Allow on a 409 even with allow set");
	free(out);
	response_clear(&r);
	snprintf(r.allow, sizeof(r.allow), "GET, PATCH");
	w = response_open(&r, 201, 1, "API key created successfully");
	response_close(&r);
	out = render(&r);
	ok(out && strstr(out, "Allow:") == NULL, "no Allow on a 201 even with allow set");
	free(out);
	response_clear(&r);

	w = response_open(&r, 200, 1, "API key generated successfully");
	jw_key(w, "data");
	jw_object_begin(w);
	jw_key(w, "id");
	jw_int(w, 7);
	jw_key(w, "key");
	jw_string(w, "MTP_KEY_a");
	jw_key(w, "secret");
	jw_string(w, "MTP_SEC_b");
	jw_key(w, "expires_at");
	jw_time(w, TIME_NULL);
	jw_object_end(w);
	response_close(&r);
	out = render(&r);
	ok(out != NULL && strncmp(out, "Status: 200 OK\r\n", 16) == 0, "200 status line");
	is_str(body_of(out), "{\"success\":true,\"message\":\"API key generated successfully\","
	    "\"data\":{\"id\":7,\"key\":\"MTP_KEY_a\",\"secret\":\"MTP_SEC_b\",\"expires_at\":null}}",
	    "success envelope keeps member order, no spaces");
	ok(out && strstr(out, "\r\nCache-Control: no-store\r\n") != NULL, "no-store on a success");
	ok(out && strstr(out, "WWW-Authenticate") == NULL, "no challenge on a success");
	free(out);
	response_clear(&r);

	w = response_open(&r, 201, 1, "x");
	jw_key(w, "data");
	jw_object_begin(w);
	jw_key(w, "name");
	jw_string(w, "caf\xc3\xa9/\xe2\x82\xac\\u00AB");
	jw_object_end(w);
	response_close(&r);
	out = render(&r);
	ok(out != NULL && strncmp(out, "Status: 201 Created\r\n", 21) == 0, "201 status line");
	is_str(body_of(out), "{\"success\":true,\"message\":\"x\",\"data\":{\"name\":\"caf\\u00e9\\/\\u20ac\\\\u00AB\"}}",
	    "non-ASCII and / escaped as Laravel does; a literal backslash-u kept");
	free(out);
	response_clear(&r);

	/* A second answer replaces the first. */
	response_error(&r, 400, "first");
	response_error(&r, 409, "second");
	out = render(&r);
	is_int(status_of(out), 409, "a later answer replaces an earlier one");
	is_str(body_of(out), "{\"success\":false,\"message\":\"second\"}", "its body only");
	free(out);
	response_clear(&r);

	/* The fallback 500: nothing answered, an envelope left open, a member
	 * without a value, a failed writer. */
	out = render(&r);
	ok(out && strncmp(out, "Status: 500 Internal Server Error\r\n", 35) == 0,
	    "an unanswered request is a 500");
	is_str(body_of(out), "{\"success\":false,\"message\":\"Server Error.\"}", "fallback body");
	ok(out && strstr(out, "\r\nContent-Length: 43\r\n") != NULL, "fallback Content-Length");
	free(out);

	w = response_open(&r, 200, 1, "x");
	jw_key(w, "data");
	jw_object_begin(w);
	response_close(&r);
	out = render(&r);
	is_int(status_of(out), 500, "an envelope left unbalanced becomes 500");
	is_str(body_of(out), "{\"success\":false,\"message\":\"Server Error.\"}",
	    "with the fallback body, nothing of the half-written one");
	free(out);
	response_clear(&r);

	response_open(&r, 200, 1, "x");
	out = render(&r);
	is_int(status_of(out), 500, "an envelope never closed becomes 500");
	free(out);
	response_clear(&r);

	w = response_open(&r, 200, 1, "x");
	jw_key(w, "data");
	response_close(&r);
	out = render(&r);
	is_int(status_of(out), 500, "a member without a value becomes 500");
	free(out);
	response_clear(&r);

	w = response_open(&r, 201, 1, "x");
	jw_key(w, "data");
	jw_string(w, "MTP_SEC_\xff");
	response_close(&r);
	r.challenge = 1;
	out = render(&r);
	is_int(status_of(out), 500, "a failed writer becomes 500");
	ok(out && strstr(out, "MTP_SEC_") == NULL, "nothing of the failed body is sent");
	is_str(body_of(out), "{\"success\":false,\"message\":\"Server Error.\"}", "fallback body");
	free(out);
	response_clear(&r);

	response_error(&r, 401, "x");
	response_close(&r);	/* closed twice: unbalanced */
	out = render(&r);
	is_int(status_of(out), 500, "an extra close becomes 500");
	free(out);
	response_clear(&r);

	memset(&errs, 0, sizeof(errs));
	errs.n = 2;
	snprintf(errs.e[0].key, sizeof(errs.e[0].key), "name");
	snprintf(errs.e[0].message, sizeof(errs.e[0].message), "The name field is required.");
	snprintf(errs.e[1].key, sizeof(errs.e[1].key), "permissions.3");
	snprintf(errs.e[1].message, sizeof(errs.e[1].message),
	    "The permissions.3 field has a duplicate value.");
	w = response_open(&r, 422, 0, "The given data was invalid.");
	jw_key(w, "errors");
	validate_errors_write(w, &errs);
	response_close(&r);
	out = render(&r);
	ok(out && strncmp(out, "Status: 422 Unprocessable Content\r\n", 35) == 0, "422 status");
	is_str(body_of(out), "{\"success\":false,\"message\":\"The given data was invalid.\","
	    "\"errors\":{\"name\":[\"The name field is required.\"],"
	    "\"permissions.3\":[\"The permissions.3 field has a duplicate value.\"]}}",
	    "422 envelope");
	free(out);
	response_clear(&r);

	is_str(response_reason(413), "Payload Too Large", "reason phrase");
	is_str(response_reason(503), "Service Unavailable", "503 reason");
	is_str(response_reason(599), "Server Error", "unknown 5xx reason");
	is_str(response_reason(499), "Error", "unknown 4xx reason");
}

int
main(void)
{
	test_writer();
	test_random_values();
	test_envelopes();
	return tap_done();
}

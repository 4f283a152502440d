/* test-response.c: the envelopes byte for byte, and the headers every answer carries. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "response.h"
#include "tap.h"

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

/* The reference the renderer must equal: jansson's dumper with PHP's
 * flags, then \u escapes lowercased as PHP writes them. */
static char *
reference_json(const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ESCAPE_SLASH |
	    JSON_ENCODE_ANY), *p;
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

/* A random UTF-8 string of up to 24 code points from every range the
 * escaper treats apart (ASCII, escapes, controls, 2-, 3- and 4-byte). */
static json_t *
random_string(unsigned *seed)
{
	static const unsigned picks[] = { 'a', '"', '\\', '/', '\b', '\f', '\n', '\r',
	    '\t', 0x01, 0x1f, 0x7f, 0xe9, 0x7ff, 0x800, 0x20ac, 0xfffd, 0x10000,
	    0x1f600, 0x10ffff, ' ', 'Z', '0' };
	unsigned char buf[24 * 4 + 1];
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
	return json_stringn((const char *)buf, n);
}

/* A random value: nested objects and arrays, strings, integers at the
 * extremes, booleans and null. */
static json_t *
random_value(unsigned *seed, int depth)
{
	static const json_int_t ints[] = { 0, 1, -1, 7, 404, 2147483648LL,
	    -9223372036854775807LL - 1, 9223372036854775807LL };
	json_t *v, *s;
	int i, n;

	switch (depth > 3 ? rand_r(seed) % 4 : rand_r(seed) % 6) {
	case 0: return random_string(seed);
	case 1: return json_integer(ints[(unsigned)rand_r(seed) % 8]);
	case 2: return rand_r(seed) % 2 ? json_true() : json_false();
	case 3: return json_null();
	case 4:
		v = json_array();
		n = rand_r(seed) % 4;
		for (i = 0; i < n; i++)
			json_array_append_new(v, random_value(seed, depth + 1));
		return v;
	default:
		v = json_object();
		n = rand_r(seed) % 4;
		for (i = 0; i < n; i++) {
			s = random_string(seed);
			json_object_set_new(v, json_string_value(s), random_value(seed, depth + 1));
			json_decref(s);
		}
		return v;
	}
}

static const char *
body_of(const char *whole)
{
	const char *b = whole ? strstr(whole, "\r\n\r\n") : NULL;

	return b ? b + 4 : "";
}

int
main(void)
{
	struct response r;
	char *out;

	response_library_init();
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
	free(out);
	response_clear(&r);

	response_error_code(&r, 404, MSG_KEY_NOT_FOUND);
	out = render(&r);
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
	free(out);
	response_clear(&r);

	response_success(&r, 200, "API key generated successfully",
	    json_pack("{s:i, s:s, s:s}", "id", 7, "key", "MTP_KEY_a", "secret", "MTP_SEC_b"));
	out = render(&r);
	is_str(body_of(out), "{\"success\":true,\"message\":\"API key generated successfully\","
	    "\"data\":{\"id\":7,\"key\":\"MTP_KEY_a\",\"secret\":\"MTP_SEC_b\"}}",
	    "success envelope keeps member order, no spaces");
	free(out);
	response_clear(&r);

	response_success(&r, 200, "x", json_pack("{s:s}", "name", "caf\xc3\xa9/\xe2\x82\xac\\u00AB"));
	out = render(&r);
	is_str(body_of(out), "{\"success\":true,\"message\":\"x\",\"data\":{\"name\":\"caf\\u00e9\\/\\u20ac\\\\u00AB\"}}",
	    "non-ASCII and / escaped as Laravel does; a literal backslash-u kept");
	free(out);
	response_clear(&r);

	response_success(&r, 200, "x", NULL);
	out = render(&r);
	ok(out && strncmp(out, "Status: 500", 11) == 0, "success without data becomes 500");
	free(out);
	response_clear(&r);

	out = render(&r);
	ok(out && strncmp(out, "Status: 500", 11) == 0, "an unanswered request is a 500");
	is_str(body_of(out), "{\"success\":false,\"message\":\"Server Error.\"}", "fallback body");
	free(out);

	response_invalid(&r, "The given data was invalid.",
	    json_pack("{s:[s]}", "name", "The name field is required."));
	out = render(&r);
	is_str(body_of(out), "{\"success\":false,\"message\":\"The given data was invalid.\","
	    "\"errors\":{\"name\":[\"The name field is required.\"]}}", "422 envelope");
	free(out);
	response_clear(&r);
	is_str(response_reason(413), "Payload Too Large", "reason phrase");

	/* The renderer's own JSON writer equals jansson's with PHP's flags on
	 * every kind of value, escapes and member order included. */
	{
		unsigned seed = 12345;
		int i, same = 0, trials = 3000;
		char *mine, *ref;
		size_t len;
		json_t *v;

		for (i = 0; i < trials; i++) {
			v = random_value(&seed, 0);
			mine = response_body_json(v, &len);
			ref = reference_json(v);
			if (mine != NULL && ref != NULL && strcmp(mine, ref) == 0 && strlen(mine) == len)
				same++;
			else if (same == i)
				printf("#   first difference:\n#   mine: %s\n#   ref:  %s\n",
				    mine ? mine : "(null)", ref ? ref : "(null)");
			free(mine);
			free(ref);
			json_decref(v);
		}
		is_int(same, trials, "3000 random values: the writer equals jansson + lowercase escapes");
		v = json_pack("{s:s, s:i, s:[s, n, b]}", "z", "\xf0\x9f\x98\x80\x01", "a", -5,
		    "m", "x/y", 0);
		mine = response_body_json(v, &len);
		is_str(mine, "{\"z\":\"\\ud83d\\ude00\\u0001\",\"a\":-5,\"m\":[\"x\\/y\",null,false]}",
		    "astral plane as a lowercase surrogate pair, controls as \\u00xx, insertion order");
		free(mine);
		json_decref(v);
	}
	return tap_done();
}

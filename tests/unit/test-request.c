/* test-request.c: CGI variables to a request: path, credentials, CONTENT_LENGTH states, bounded body; the number parsers they use. */
#include "ac-config.h"

#include <string.h>

#include "number.h"
#include "request.h"
#include "tap.h"

struct feed {
	const char *data;
	size_t len, pos, chunk;
};

static ssize_t
reader(void *ctx, char *buf, size_t n)
{
	struct feed *f = ctx;
	size_t k = f->len - f->pos;

	if (k > n)
		k = n;
	if (k > f->chunk)
		k = f->chunk;
	memcpy(buf, f->data + f->pos, k);
	f->pos += k;
	return (ssize_t)k;
}

static int
id(const char *s, uint64_t *out)
{
	return num_parse_id(s, strlen(s), out);
}

static int
u64(const char *s, uint64_t *out)
{
	return num_parse_u64(s, out);
}

int
main(void)
{
	struct request req;
	struct feed f;
	uint64_t v;
	char *env1[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/api/api-keys/generate?x=1&y",
	    "HTTP_AUTHORIZATION=Bearer t", "CONTENT_LENGTH=5", NULL };
	char *env2[] = { "REQUEST_METHOD=GET", "SCRIPT_NAME=/api", "PATH_INFO=/api-keys/3", NULL };
	char *env3[] = { "REQUEST_METHOD=BREW", "REQUEST_URI=/x", "CONTENT_LENGTH=-1", NULL };
	char *env4[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/x",
	    "CONTENT_LENGTH=99999999999999999999999", NULL };
	char *env5[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/x", "CONTENT_LENGTH=100", NULL };
	char *env6[] = { "REQUEST_URI_X=/no", "REQUEST_METHOD=DELETE", "REQUEST_URI=/a?b#c",
	    "REMOTE_ADDR=127.0.0.1", "REDIRECT_HTTP_AUTHORIZATION=Bearer r",
	    "REDIRECT_STATUS=404", "CONTENT_LENGTH=0", NULL };
	char *env7[] = { "REQUEST_METHOD=get", "REQUEST_URI=/x", "REDIRECT_STATUS=200",
	    "CONTENT_LENGTH=18446744073709551615", NULL };
	char *env8[] = { NULL };
	int m;

	ok(request_init(&req, env1) == 0, "init");
	is_int(req.method, METHOD_POST, "method");
	is_str(req.path, "/api/api-keys/generate", "query removed from the path");
	is_str(req.authorization, "Bearer t", "authorization");
	is_int(req.body_state, BODY_UNREAD, "a body is announced");
	f = (struct feed){ "hello", 5, 0, 2 };
	ok(request_read_body(&req, reader, &f, 1024) == 0, "read body");
	is_int(req.body_state, BODY_OK, "whole body read in chunks");
	is_str(req.body, "hello", "body bytes");
	request_free(&req);
	request_free(&req);
	ok(req.body == NULL && req.path == NULL, "free twice is safe");

	request_init(&req, env1);
	f = (struct feed){ "hel", 3, 0, 64 };
	request_read_body(&req, reader, &f, 1024);
	is_int(req.body_state, BODY_SHORT, "fewer bytes than announced");
	request_free(&req);

	request_init(&req, env1);
	f = (struct feed){ "hello", 5, 0, 64 };
	request_read_body(&req, reader, &f, 4);
	is_int(req.body_state, BODY_TOO_LARGE, "over the cap: too large");
	ok(req.body == NULL && f.pos == 0, "nothing read when too large");
	request_free(&req);

	request_init(&req, env2);
	is_int(req.method, METHOD_GET, "GET");
	is_str(req.path, "/api/api-keys/3", "path rebuilt from SCRIPT_NAME + PATH_INFO");
	ok(req.authorization == NULL, "no authorization");
	is_int(req.body_state, BODY_NONE, "no body");
	request_free(&req);

	request_init(&req, env3);
	is_int(req.method, METHOD_OTHER, "unknown method");
	is_int(req.body_state, BODY_BAD_LENGTH, "negative CONTENT_LENGTH");
	request_free(&req);
	request_init(&req, env4);
	is_int(req.body_state, BODY_BAD_LENGTH, "CONTENT_LENGTH past 64 bits");
	request_free(&req);
	request_init(&req, env5);
	f = (struct feed){ "", 0, 0, 64 };
	request_read_body(&req, reader, &f, 64);
	is_int(req.body_state, BODY_TOO_LARGE, "an absurd length is refused unread");
	request_free(&req);

	request_init(&req, env6);
	is_int(req.method, METHOD_DELETE, "DELETE");
	is_str(req.path, "/a", "query cut, a lookalike variable ignored");
	is_str(req.remote_addr, "127.0.0.1", "REMOTE_ADDR borrowed");
	is_str(req.authorization, "Bearer r", "Authorization after an internal redirect");
	is_int(req.redirect_status, 404, "a web server's error status");
	is_int(req.body_state, BODY_NONE, "CONTENT_LENGTH 0 is no body");
	request_free(&req);
	request_init(&req, env7);
	is_int(req.method, METHOD_OTHER, "methods are case-sensitive");
	is_int(req.redirect_status, 0, "a success status is no error page");
	ok(req.remote_addr == NULL, "no REMOTE_ADDR");
	ok(req.body_state == BODY_UNREAD && req.content_length == 18446744073709551615ULL,
	    "CONTENT_LENGTH 2^64-1 is read");
	request_free(&req);
	ok(request_init(&req, env8) == 0, "an empty environment");
	ok(req.path != NULL && req.method == METHOD_OTHER && req.body_state == BODY_NONE,
	    "gives a path, no method, no body");
	request_free(&req);

	is_str(http_method_name(METHOD_GET), "GET", "GET's name");
	is_str(http_method_name(METHOD_OPTIONS), "OPTIONS", "OPTIONS's name");
	is_str(http_method_name(METHOD_OTHER), "", "no name for others");
	is_str(http_method_name(METHOD__MAX), "", "nor out of range");
	for (m = 0; m < METHOD_OTHER; m++) {
		char e1[32], *env[] = { e1, "REQUEST_URI=/", NULL };

		snprintf(e1, sizeof(e1), "REQUEST_METHOD=%s", http_method_name((enum http_method)m));
		request_init(&req, env);
		if (req.method != (enum http_method)m)
			break;
		request_free(&req);
	}
	is_int(m, METHOD_OTHER, "every name parses back to its method");

	ok(id("1", &v) == 0 && v == 1, "id 1");
	ok(id("9223372036854775807", &v) == 0, "largest id");
	ok(id("9223372036854775808", &v) != 0, "2^63 refused");
	ok(id("18446744073709551616", &v) != 0, "past 64 bits refused");
	ok(id("0", &v) != 0, "0 refused");
	ok(id("01", &v) != 0, "leading zero refused");
	ok(id("-1", &v) != 0, "sign refused");
	ok(id("+1", &v) != 0, "plus refused");
	ok(id("1.0", &v) != 0, "decimal point refused");
	ok(id("1e3", &v) != 0, "exponent refused");
	ok(id(" 1", &v) != 0, "blank refused");
	ok(id("%31", &v) != 0, "percent-encoding refused");
	ok(id("", &v) != 0, "empty refused");
	ok(id("\xd9\xa1", &v) != 0, "unicode digit refused");
	v = 42;
	ok(num_parse_id("123", 2, &v) == 0 && v == 12, "only len bytes are read");
	ok(num_parse_id("12a", 3, &v) != 0 && v == 12, "*out untouched on failure");

	ok(u64("0", &v) == 0 && v == 0, "u64 0");
	ok(u64("000123", &v) == 0 && v == 123, "u64 leading zeros");
	ok(u64("18446744073709551609", &v) == 0 && v == 18446744073709551609ULL,
	    "u64 2^64-7");
	ok(u64("18446744073709551615", &v) == 0 && v == 18446744073709551615ULL,
	    "u64 2^64-1 fits in 64 bits");
	ok(u64("18446744073709551616", &v) != 0, "u64 2^64 refused");
	ok(u64("99999999999999999999999", &v) != 0, "u64 far past 64 bits refused");
	ok(u64("", &v) != 0, "u64 empty refused");
	ok(u64("-1", &v) != 0, "u64 sign refused");
	ok(u64("1 ", &v) != 0, "u64 blank refused");

	/* Formatting: every width from 1 to 20 digits, read back by the
	 * parser (the usage counts' statement is written this way). */
	{
		static const uint64_t vals[] = { 0, 7, 10, 99, 4294967295ULL, 4294967296ULL,
			9999999999999999999ULL, 18446744073709551615ULL };
		char buf[NUM_U64_DIGITS + 1];
		size_t i, n, bad = 0;
		uint64_t p = 1;

		for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
			n = num_format_u64(buf, vals[i]);
			buf[n] = '\0';
			bad += u64(buf, &v) != 0 || v != vals[i] || (n > 1 && buf[0] == '0');
		}
		is_int(bad, 0, "u64 formatted and read back");
		n = num_format_u64(buf, 18446744073709551615ULL);
		buf[n] = '\0';
		is_str(buf, "18446744073709551615", "u64 2^64-1 formatted: 20 digits");
		for (i = 1, bad = 0; i <= 19; i++, p *= 10)
			bad += num_format_u64(buf, p) != i;
		is_int(bad, 0, "u64 10^k formats in k+1 digits");
	}
	return tap_done();
}

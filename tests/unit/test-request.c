/* test-request.c: CGI variables to a request: path, credentials, CONTENT_LENGTH states, bounded body. */
#include "ac-config.h"

#include <string.h>

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
	return parse_decimal_id(s, strlen(s), out);
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

	ok(request_init(&req, env1) == 0, "init");
	is_int(req.method, METHOD_POST, "method");
	is_str(req.path, "/api/api-keys/generate", "query removed from the path");
	is_str(req.authorization, "Bearer t", "authorization");
	is_int(req.body_state, BODY_SHORT, "a body is announced");
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
	return tap_done();
}

/* fuzz-request.c: libFuzzer target for CGI variables and the bounded body reader, through dispatch to 404/405/413. */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "response.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

struct feed {
	const unsigned char *p;
	size_t left;
};

static ssize_t
reader(void *ctx, char *buf, size_t n)
{
	struct feed *f = ctx;

	if (n > f->left)
		n = f->left;
	if (n > 7)
		n = 7;	/* short reads, as a socket gives them */
	memcpy(buf, f->p, n);
	f->p += n;
	f->left -= n;
	return (ssize_t)n;
}

/* Input: four '\n'-terminated values (method, URI, CONTENT_LENGTH,
 * Authorization), then the body stream. */
int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char *names[] = { "REQUEST_METHOD=", "REQUEST_URI=",
	    "CONTENT_LENGTH=", "HTTP_AUTHORIZATION=" };
	char *env[5] = { NULL };
	struct request req;
	struct feed f;
	size_t pos = 0, i, len;
	char *out;

	for (i = 0; i < 4; i++) {
		const unsigned char *nl = memchr(data + pos, '\n', size - pos);
		size_t vlen = nl ? (size_t)(nl - (data + pos)) : size - pos;

		if ((env[i] = malloc(strlen(names[i]) + vlen + 1)) == NULL)
			goto done;
		memcpy(env[i], names[i], strlen(names[i]));
		memcpy(env[i] + strlen(names[i]), data + pos, vlen);
		env[i][strlen(names[i]) + vlen] = '\0';
		pos += vlen + (nl != NULL);
	}
	f.p = data + pos;
	f.left = size - pos;
	if (request_init(&req, env) == 0 &&
	    request_read_body(&req, reader, &f, 4096) == 0) {
		if (req.body_state == BODY_OK && (req.body_len != req.content_length ||
		    req.body[req.body_len] != '\0'))
			abort();
		if (req.body_len > 4096)
			abort();
		response_error(&req.res, 404, "Not Found.");
		if ((out = response_render(&req.res, &len)) != NULL)
			free(out);
	}
	request_free(&req);
done:
	for (i = 0; i < 4; i++)
		free(env[i]);
	return 0;
}

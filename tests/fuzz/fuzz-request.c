/* fuzz-request.c: libFuzzer target for the CGI variables of a request and its bounded body reader. */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "response.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

/*
 * Input layout: one flags byte, then '\n'-terminated values (a value the
 * input ends before is an absent variable), then the body stream:
 *
 *	flags METHOD \n URI \n CONTENT_LENGTH \n AUTHORIZATION \n
 *	[REDIRECT_STATUS \n] body...
 *
 * flags bit 0: pass URI as SCRIPT_NAME + PATH_INFO, split at its second
 *	'/', as front ends without REQUEST_URI do
 * flags bit 1: pass AUTHORIZATION as REDIRECT_HTTP_AUTHORIZATION (the
 *	name mod_rewrite's [E=...] gets after an internal redirect)
 * flags bit 2: the reader fails (-1) at the end of the stream instead of
 *	reporting the end (0), as a client that goes away does
 * flags bit 3: a REDIRECT_STATUS line follows AUTHORIZATION
 * flags bits 4-7: the reader hands out at most 1 + 2 * n bytes a call
 *
 * REMOTE_ADDR is always set (to a fixed address) and must come back as
 * the very pointer into the environment.
 */
#define F_SCRIPT	0x01
#define F_REDIRECT_AUTH	0x02
#define F_READ_ERROR	0x04
#define F_STATUS	0x08

#define BODY_CAP	4096
#define PATH_CAP	8192	/* request.c cuts longer paths */
#define NENV		9
#define REMOTE		"192.0.2.7"

enum { V_METHOD, V_URI, V_LENGTH, V_AUTH, V_STATUS, NVALUES };

static const char *const method_names[METHOD_OTHER] = {
	"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"
};

static const char *remote;	/* REMOTE_ADDR's value in the environment */

struct feed {
	const unsigned char	*p;
	size_t			 left;
	size_t			 chunk;
	int			 fail;
	int			 ended;	/* the reader said 0 or -1 once */
};

/* Hands out the stream in short pieces, as a socket does. */
static ssize_t
reader(void *ctx, char *buf, size_t n)
{
	struct feed *f = ctx;

	if (f->ended)
		abort();	/* called again after the end */
	if (n == 0)
		abort();	/* a zero-byte read would look like the end */
	if (f->left == 0) {
		f->ended = 1;
		return f->fail ? -1 : 0;
	}
	if (n > f->left)
		n = f->left;
	if (n > f->chunk)
		n = f->chunk;
	memcpy(buf, f->p, n);
	f->p += n;
	f->left -= n;
	return (ssize_t)n;
}

/* "NAME=" + len bytes of value, NUL-terminated; NULL on out of memory. */
static char *
env_var(const char *name, const unsigned char *value, size_t len)
{
	size_t n = strlen(name);
	char *s;

	if ((s = malloc(n + 1 + len + 1)) == NULL)
		return NULL;
	memcpy(s, name, n);
	s[n] = '=';
	memcpy(s + n + 1, value, len);
	s[n + 1 + len] = '\0';
	return s;
}

/*
 * CONTENT_LENGTH as request.h promises to read it: -1 unless digits only;
 * 1 for a number so large (over 10^18) that refusing it as malformed is
 * as good as refusing it as too large; else 0 and the value.
 */
static int
model_length(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;
	int huge = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > 100000000000000000ULL)
			huge = 1;
		else
			v = v * 10 + (unsigned long long)(*s - '0');
	}
	*out = v;
	return huge;
}

static void
check_init(const struct request *req, const char *method, const char *uri,
    const char *script, const char *info, const char *length, const char *auth,
    const char *status)
{
	unsigned long long cl = 0;
	size_t n, sl, il;
	int i, rc;

	/* The method: one of the names exactly, else OTHER. */
	for (i = 0; i < METHOD_OTHER; i++)
		if (method != NULL && strcmp(method, method_names[i]) == 0)
			break;
	if (req->method != (enum http_method)i)
		abort();
	/* The name given back is the one parsed, or "" for others. */
	if (strcmp(http_method_name(req->method), i < METHOD_OTHER ? method_names[i] : "") != 0)
		abort();
	if (req->remote_addr != remote)
		abort();

	/* Borrowed, so the very pointer into the environment. */
	if (req->authorization != auth)
		abort();

	/* The path: the URI up to '?' or '#', else script + info. */
	if (req->path == NULL)
		abort();
	if (uri != NULL) {
		n = strcspn(uri, "?#");
		if (n > PATH_CAP)
			n = PATH_CAP;
		if (strlen(req->path) != n || memcmp(req->path, uri, n) != 0)
			abort();
	} else {
		sl = script != NULL ? strnlen(script, PATH_CAP) : 0;
		il = info != NULL ? strnlen(info, PATH_CAP) : 0;
		if (strlen(req->path) != sl + il ||
		    (sl > 0 && memcmp(req->path, script, sl) != 0) ||
		    (il > 0 && memcmp(req->path + sl, info, il) != 0))
			abort();
	}

	/* A web server's error status: 400..599 spelled with three digits. */
	if (status != NULL && strlen(status) == 3 && status[0] >= '4' &&
	    status[0] <= '5' && status[1] >= '0' && status[1] <= '9' &&
	    status[2] >= '0' && status[2] <= '9') {
		if (req->redirect_status != atoi(status))
			abort();
	} else if (req->redirect_status != 0)
		abort();

	if (req->body != NULL || req->body_len != 0)
		abort();
	if (length == NULL || *length == '\0') {
		if (req->body_state != BODY_NONE)
			abort();
	} else if ((rc = model_length(length, &cl)) == -1) {
		if (req->body_state != BODY_BAD_LENGTH)
			abort();
	} else if (rc == 1) {
		if (req->body_state != BODY_BAD_LENGTH && (req->body_state != BODY_UNREAD ||
		    req->content_length <= 100000000000000000ULL))
			abort();
	} else if (req->content_length != cl ||
	    req->body_state != (cl > 0 ? BODY_UNREAD : BODY_NONE))
		abort();
}

static void
check_body(const struct request *req, enum body_state before,
    const unsigned char *stream, size_t streamlen)
{
	size_t want;

	if (before != BODY_UNREAD) {
		/* Nothing announced, or announced wrong: nothing read. */
		if (req->body_state != before || req->body != NULL || req->body_len != 0)
			abort();
		return;
	}
	if (req->content_length > BODY_CAP) {
		if (req->body_state != BODY_TOO_LARGE || req->body != NULL ||
		    req->body_len != 0)
			abort();
		return;
	}
	want = (size_t)req->content_length;
	if (req->body == NULL || req->body_len > want || req->body[req->body_len] != '\0')
		abort();
	/* What arrived is the stream's start, byte for byte. */
	if (req->body_len != (want < streamlen ? want : streamlen) ||
	    memcmp(req->body, stream, req->body_len) != 0)
		abort();
	if (req->body_state != (req->body_len == want ? BODY_OK : BODY_SHORT))
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const unsigned char *val[NVALUES] = { NULL };
	size_t vlen[NVALUES] = { 0 }, pos = 1, i, nvalues, ne = 0, cut, len;
	const char *uri = NULL, *script = NULL, *info = NULL, *auth = NULL;
	const char *method = NULL, *length = NULL, *status = NULL, *slash;
	char *env[NENV + 1] = { NULL };
	struct request req;
	struct response res;
	enum body_state before;
	struct feed f;
	unsigned flags;

	if (size < 1)
		return 0;
	flags = data[0];
	nvalues = (flags & F_STATUS) ? NVALUES : V_STATUS;
	for (i = 0; i < nvalues && pos < size; i++) {
		const unsigned char *nl = memchr(data + pos, '\n', size - pos);

		val[i] = data + pos;
		vlen[i] = nl != NULL ? (size_t)(nl - (data + pos)) : size - pos;
		pos += vlen[i] + (nl != NULL);
	}

	/* The environment, in an order that puts decoys first: a variable
	 * whose name only starts like a real one must not be taken for it. */
	if ((env[ne++] = env_var("REQUEST_URI_X", (const unsigned char *)"/api", 4)) == NULL)
		goto done;
	if ((env[ne] = env_var("REMOTE_ADDR", (const unsigned char *)REMOTE,
	    strlen(REMOTE))) == NULL)
		goto done;
	remote = env[ne++] + strlen("REMOTE_ADDR=");
	if (val[V_METHOD] != NULL) {
		if ((env[ne] = env_var("REQUEST_METHOD", val[V_METHOD], vlen[V_METHOD])) == NULL)
			goto done;
		method = env[ne++] + strlen("REQUEST_METHOD=");
	}
	if (val[V_URI] != NULL && !(flags & F_SCRIPT)) {
		if ((env[ne] = env_var("REQUEST_URI", val[V_URI], vlen[V_URI])) == NULL)
			goto done;
		uri = env[ne++] + strlen("REQUEST_URI=");
	} else if (val[V_URI] != NULL) {
		/* "/api/api-keys/1" becomes "/api" + "/api-keys/1". */
		slash = vlen[V_URI] > 1 ?
		    memchr(val[V_URI] + 1, '/', vlen[V_URI] - 1) : NULL;
		cut = slash != NULL ? (size_t)(slash - (const char *)val[V_URI]) : vlen[V_URI];
		if ((env[ne] = env_var("SCRIPT_NAME", val[V_URI], cut)) == NULL)
			goto done;
		script = env[ne++] + strlen("SCRIPT_NAME=");
		if ((env[ne] = env_var("PATH_INFO", val[V_URI] + cut,
		    vlen[V_URI] - cut)) == NULL)
			goto done;
		info = env[ne++] + strlen("PATH_INFO=");
	}
	if (val[V_LENGTH] != NULL) {
		if ((env[ne] = env_var("CONTENT_LENGTH", val[V_LENGTH], vlen[V_LENGTH])) == NULL)
			goto done;
		length = env[ne++] + strlen("CONTENT_LENGTH=");
	}
	if (val[V_AUTH] != NULL) {
		const char *name = (flags & F_REDIRECT_AUTH) ?
		    "REDIRECT_HTTP_AUTHORIZATION" : "HTTP_AUTHORIZATION";

		if ((env[ne] = env_var(name, val[V_AUTH], vlen[V_AUTH])) == NULL)
			goto done;
		auth = env[ne++] + strlen(name) + 1;
	}
	if (val[V_STATUS] != NULL) {
		if ((env[ne] = env_var("REDIRECT_STATUS", val[V_STATUS], vlen[V_STATUS])) == NULL)
			goto done;
		status = env[ne++] + strlen("REDIRECT_STATUS=");
	}
	env[ne] = NULL;

	if (request_init(&req, env) != 0) {
		request_free(&req);
		goto done;
	}
	check_init(&req, method, uri, script, info, length, auth, status);

	f.p = data + pos;
	f.left = size - pos;
	f.chunk = 1 + 2 * (size_t)(flags >> 4);
	f.fail = (flags & F_READ_ERROR) != 0;
	f.ended = 0;
	before = req.body_state;
	if (request_read_body(&req, reader, &f, BODY_CAP) == 0)
		check_body(&req, before, data + pos, size - pos);

	/* What main does with a request it cannot route: a 404, rendered. */
	memset(&res, 0, sizeof(res));
	response_error(&res, 404, "Not Found.");
	free(response_render(&res, &len));
	response_clear(&res);
	if (res.body.p != NULL || res.status != 0)
		abort();

	request_free(&req);
	request_free(&req);	/* documented as safe */
	if (req.body != NULL || req.path != NULL)
		abort();
done:
	for (i = 0; i < ne; i++)
		free(env[i]);
	return 0;
}

/* request.c: reads a request's method, path, credentials and bounded body from CGI variables. */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "number.h"
#include "request.h"

#define PATH_MAX_LEN	8192

static const char *const method_names[METHOD__MAX] = {
	"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", ""
};

static enum http_method
method_parse(const char *s)
{
	int i;

	if (s == NULL)
		return METHOD_OTHER;
	for (i = 0; i < METHOD_OTHER; i++)
		if (strcmp(s, method_names[i]) == 0)
			return (enum http_method)i;
	return METHOD_OTHER;
}

const char *
http_method_name(enum http_method m)
{
	return m >= 0 && m < METHOD__MAX ? method_names[m] : "";
}

/* The CGI variables request_init() reads, found in one pass. */
struct cgi_vars {
	const char	*method, *authorization, *redirect_authorization, *uri;
	const char	*script, *info, *redirect_status, *content_length, *remote_addr;
	const char	*query;
};

/* If entry is "NAME=value", points *slot at the value. */
#define TAKE(entry, lit, slot) do {					\
	if (strncmp((entry), lit "=", sizeof(lit)) == 0 && *(slot) == NULL)	\
		*(slot) = (entry) + sizeof(lit);			\
} while (0)

/* One pass over the environment (it is scanned on every request, and holds
 * dozens of variables); the first occurrence of a name wins, as getenv's. */
static void
cgi_vars_scan(char *const *envp, struct cgi_vars *v)
{
	const char *e;

	memset(v, 0, sizeof(*v));
	for (; envp != NULL && (e = *envp) != NULL; envp++) {
		switch (e[0]) {
		case 'C':
			TAKE(e, "CONTENT_LENGTH", &v->content_length);
			break;
		case 'H':
			TAKE(e, "HTTP_AUTHORIZATION", &v->authorization);
			break;
		case 'P':
			TAKE(e, "PATH_INFO", &v->info);
			break;
		case 'Q':
			TAKE(e, "QUERY_STRING", &v->query);
			break;
		case 'R':
			TAKE(e, "REQUEST_METHOD", &v->method);
			TAKE(e, "REQUEST_URI", &v->uri);
			TAKE(e, "REDIRECT_STATUS", &v->redirect_status);
			TAKE(e, "REDIRECT_HTTP_AUTHORIZATION", &v->redirect_authorization);
			TAKE(e, "REMOTE_ADDR", &v->remote_addr);
			break;
		case 'S':
			TAKE(e, "SCRIPT_NAME", &v->script);
			break;
		}
	}
}

int
request_init(struct request *req, char *const *envp)
{
	struct cgi_vars v;
	const char *uri, *cl;
	uint64_t len64;
	size_t len;

	memset(req, 0, sizeof(*req));
	cgi_vars_scan(envp, &v);
	req->method = method_parse(v.method);
	req->authorization = v.authorization;
	req->remote_addr = v.remote_addr;
	/* Shared hosting passes the header with mod_rewrite's [E=...], which an
	 * internal redirect renames. */
	if (req->authorization == NULL)
		req->authorization = v.redirect_authorization;

	uri = v.uri;
	if (uri != NULL) {
		len = strcspn(uri, "?#");
		if (len > PATH_MAX_LEN)
			len = PATH_MAX_LEN;	/* too long to match any route */
		if ((req->path = malloc(len + 1)) == NULL)
			return -1;
		memcpy(req->path, uri, len);
		req->path[len] = '\0';
		/* The query as the client sent it (a rewrite may have changed
		 * QUERY_STRING); it ends at the string's end or a '#'. */
		if ((uri = strchr(uri, '?')) != NULL)
			req->query = uri + 1;
	} else {
		/* Front ends that do not pass REQUEST_URI: rebuild it. */
		const char *script = v.script, *info = v.info;
		size_t sl = script ? strnlen(script, PATH_MAX_LEN) : 0;
		size_t il = info ? strnlen(info, PATH_MAX_LEN) : 0;

		if ((req->path = malloc(sl + il + 1)) == NULL)
			return -1;
		if (sl > 0)
			memcpy(req->path, script, sl);
		if (il > 0)
			memcpy(req->path + sl, info, il);
		req->path[sl + il] = '\0';
		req->query = v.query;
	}

	/* Apache's ErrorDocument sends its own errors here, so that they too
	 * are JSON; REDIRECT_STATUS carries the status it is answering. */
	if ((cl = v.redirect_status) != NULL && strlen(cl) == 3 &&
	    cl[0] >= '4' && cl[0] <= '5' && cl[1] >= '0' && cl[1] <= '9' &&
	    cl[2] >= '0' && cl[2] <= '9')
		req->redirect_status = (cl[0] - '0') * 100 + (cl[1] - '0') * 10 + (cl[2] - '0');

	cl = v.content_length;
	if (cl == NULL || *cl == '\0')
		req->body_state = BODY_NONE;
	else if (num_parse_u64(cl, &len64) != 0)
		req->body_state = BODY_BAD_LENGTH;
	else
		req->body_state = (req->content_length = len64) > 0 ? BODY_UNREAD : BODY_NONE;
	return 0;
}

int
request_read_body(struct request *req, request_reader *reader, void *ctx, size_t max)
{
	size_t want, got = 0;
	ssize_t n;

	if (req->body_state != BODY_UNREAD)
		return 0;
	if (req->content_length > max) {
		req->body_state = BODY_TOO_LARGE;
		return 0;
	}
	want = (size_t)req->content_length;
	if ((req->body = malloc(want + 1)) == NULL)
		return -1;
	while (got < want && (n = reader(ctx, req->body + got, want - got)) > 0)
		got += (size_t)n;
	req->body[got] = '\0';
	req->body_len = got;
	req->body_state = got == want ? BODY_OK : BODY_SHORT;
	return 0;
}

void
request_free(struct request *req)
{
	if (req->body != NULL) {
		crypto_wipe(req->body, req->body_len);
		free(req->body);
		req->body = NULL;
	}
	free(req->path);
	req->path = NULL;
}

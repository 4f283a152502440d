/* request.h: one request from its CGI variables: method, path, credentials, client address, a bounded body (the answer is response.h's). */
#ifndef APIKEYS_REQUEST_H
#define APIKEYS_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum http_method {
	METHOD_GET = 0,
	METHOD_POST,
	METHOD_PUT,
	METHOD_PATCH,
	METHOD_DELETE,
	METHOD_HEAD,
	METHOD_OPTIONS,
	METHOD_OTHER,
	METHOD__MAX
};

enum body_state {
	BODY_NONE = 0,		/* no body announced */
	BODY_OK,		/* body[0..body_len) holds all of it */
	BODY_TOO_LARGE,		/* announced length over the cap: nothing read */
	BODY_UNREAD,		/* announced, not read yet (request_read_body) */
	BODY_SHORT,		/* read: fewer bytes arrived than announced */
	BODY_BAD_LENGTH		/* CONTENT_LENGTH is not a decimal number */
};

/*
 * Everything one request owns.  Strings marked "borrowed" point into the
 * FastCGI environment and are valid only until the request is finished;
 * request_free releases everything else.
 */
struct request {
	enum http_method method;
	const char	*authorization;	/* borrowed; NULL if absent */
	char		*path;		/* owned; the client's path, query removed */
	char		*body;		/* owned; NUL-terminated when BODY_OK */
	size_t		 body_len;
	enum body_state	 body_state;
	unsigned long long content_length;
	int		 redirect_status;	/* web server error page: 400..599, else 0 */
	const char	*remote_addr;	/* borrowed; REMOTE_ADDR, NULL if absent */
	const char	*query;		/* borrowed; the query string (after '?' of
					 * REQUEST_URI, else QUERY_STRING; it may
					 * run on to a '#'), NULL if none */
};

/* Reads up to n bytes into buf; returns the count, 0 at end, -1 on error. */
typedef ssize_t request_reader(void *ctx, char *buf, size_t n);

/*
 * Fills req from CGI variables (REQUEST_METHOD, REQUEST_URI or else
 * SCRIPT_NAME + PATH_INFO, HTTP_AUTHORIZATION, CONTENT_LENGTH).  Returns 0,
 * or -1 on out of memory (req is then safe to free).
 */
int request_init(struct request *, char *const *envp);

/*
 * Reads the announced body if it is at most max bytes, through reader.
 * Sets body_state; returns -1 only on out of memory.
 */
int request_read_body(struct request *, request_reader *, void *ctx, size_t max);

/* Frees (and wipes) what the request owns.  Safe to call twice. */
void request_free(struct request *);

/* The method's name as HTTP spells it ("GET"); "" for METHOD_OTHER.
 * Static storage; cannot fail. */
const char *http_method_name(enum http_method);

#endif

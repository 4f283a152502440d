/* http_client.h: one HTTPS POST to a checked address, for apikeys-admin deliver (http_client.c, the only libcurl user; the responder never links it). */
#ifndef APIKEYS_HTTP_CLIENT_H
#define APIKEYS_HTTP_CLIENT_H

#include <stddef.h>

struct http_post {
	const char		*url;
	const char		*host;		/* the URL's host, without [ ] */
	unsigned		 port;
	const char		*addr;		/* the checked address: the only one connected to */
	int			 allow_http;	/* else https:// only */
	const char		*ca_file;	/* NULL or "": the system's CA bundle */
	unsigned		 timeout;	/* seconds for the whole exchange */
	const char		*body;
	size_t			 body_len;
	const char *const	*headers;	/* "Name: value", NULL-terminated */
};

struct http_result {
	int	status;			/* the answer's HTTP status; 0: no answer */
	char	error[128];		/* why there was no answer ("" when one came) */
};

/* Once per process, before any post.  Returns 0 or -1. */
int http_client_init(void);
void http_client_cleanup(void);

/*
 * POSTs body to url over a connection to addr alone (TLS verified: chain
 * and host name; no redirect followed; no proxy), within timeout seconds.
 * Returns 0 when an answer came (any status), else -1 with error set.
 */
int http_client_post(const struct http_post *, struct http_result *);

#endif

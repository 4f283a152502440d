/* response.h: a response under construction: status, headers, the JSON envelope, and its CGI rendering. */
#ifndef APIKEYS_RESPONSE_H
#define APIKEYS_RESPONSE_H

#include <stddef.h>

#include "jsonw.h"

struct response {
	int		 status;	/* 0 until a handler answers */
	struct jw	 body;		/* the whole envelope, once closed */
	char		 allow[64];	/* sent as Allow on a 405 when not empty */
	int		 challenge;	/* send WWW-Authenticate: Bearer */
	unsigned	 retry_after;	/* seconds, sent as Retry-After when not 0 */
};

/* Messages used by more than one module. */
#define MSG_UNAUTHENTICATED	"Unauthenticated."
#define MSG_KEY_NOT_FOUND	"API key not found"
#define MSG_UNAVAILABLE		"Service Unavailable."
#define MSG_SERVER_ERROR	"Server Error."

/*
 * Starts the envelope {"success":...,"message":message and returns its
 * writer, inside the envelope's object: the caller adds members (jw_key,
 * then a value) and calls response_close.  Replaces any earlier answer.
 * Cannot fail: a failed writer makes the renderer send a fixed 500.
 */
struct jw *response_open(struct response *, int status, int success, const char *message);

/* Ends the envelope that response_open started. */
void response_close(struct response *);

/* {"success":false,"message":message}.  Replaces any earlier answer. */
void response_error(struct response *, int status, const char *message);

/* {"success":false,"message":message,"code":status}. */
void response_error_code(struct response *, int status, const char *message);

/* The 401 of an unknown bearer token, with the Bearer challenge. */
void response_unauthenticated(struct response *);

/* The 404 of a key that does not exist or is another user's (every key
 * route answers it alike). */
void response_key_not_found(struct response *);

/*
 * Renders the CGI/FastCGI response (Status, headers, blank line, body) into
 * a new buffer the caller frees (and should wipe: it may hold a secret).  A
 * response nobody answered, or whose envelope failed, becomes a 500.
 * Returns NULL only on out of memory.
 */
char *response_render(const struct response *, size_t *len);

/* The reason phrase for a status code ("OK", "Not Found", ...). */
const char *response_reason(int status);

/* Frees (and wipes) what the response owns; it can be reused afterwards. */
void response_clear(struct response *);

#endif

/* response.h: a response under construction, its JSON envelopes, and its CGI rendering. */
#ifndef APIKEYS_RESPONSE_H
#define APIKEYS_RESPONSE_H

#include <stddef.h>

#include <jansson.h>

struct response {
	int		 status;	/* 0 until a handler answers */
	json_t		*body;		/* owned; the whole envelope */
	char		 allow[64];	/* sent as Allow when not empty */
	int		 challenge;	/* send WWW-Authenticate: Bearer */
};

/* Messages used by more than one module. */
#define MSG_UNAUTHENTICATED	"Unauthenticated."
#define MSG_KEY_NOT_FOUND	"API key not found"
#define MSG_UNAVAILABLE		"Service Unavailable."
#define MSG_SERVER_ERROR	"Server Error."

/*
 * An object of the members given as name, value pairs in order, ended by a
 * NULL name: json_members("id", json_integer(7), (const char *)NULL).  Takes
 * every value (new references).  Returns NULL if any value is NULL or on
 * out of memory, having freed them all.  Names must be ASCII literals.
 */
json_t *json_members(const char *name, ...);

/*
 * Sets {"success":false,"message":message}.  Replaces any earlier answer.
 * If building the JSON fails, the renderer falls back to a fixed 500 body.
 */
void response_error(struct response *, int status, const char *message);

/* Sets {"success":false,"message":message,"code":status}. */
void response_error_code(struct response *, int status, const char *message);

/* The 401 of section 2, with the Bearer challenge. */
void response_unauthenticated(struct response *);

/*
 * Sets {"success":true,"message":message,"data":data}.  Takes ownership of
 * data (a new reference; NULL means the JSON could not be built: 500).
 */
void response_success(struct response *, int status, const char *message, json_t *data);

/*
 * Sets {"success":false,"message":message,"errors":errors} (422).  Takes
 * ownership of errors.
 */
void response_invalid(struct response *, const char *message, json_t *errors);

/*
 * Renders the CGI/FastCGI response (Status, headers, blank line, body) into
 * a new buffer the caller frees.  A response nobody answered becomes a 500.
 * Returns NULL only on out of memory.
 */
char *response_render(const struct response *, size_t *len);

/*
 * The JSON text of v exactly as PHP's json_encode() writes it (what
 * response_render() sends): a new NUL-terminated buffer the caller frees,
 * its length in *len.  Returns NULL on out of memory.
 */
char *response_body_json(const json_t *v, size_t *len);

/* Makes jansson wipe every block it frees.  Call once before any JSON is
 * built.  Cannot fail. */
void response_library_init(void);

/* The reason phrase for a status code ("OK", "Not Found", ...). */
const char *response_reason(int status);

/* Frees what the response owns; it can be reused afterwards. */
void response_clear(struct response *);

#endif

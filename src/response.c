/* response.c: the JSON envelopes (success and error) and the headers every answer carries. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <malloc.h>

#include "crypto.h"
#include "response.h"

/* Laravel's json_encode output: compact, members in insertion order,
 * non-ASCII escaped as \uxxxx (lowercase, see below) and '/' as "\/". */
#define JSON_FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ESCAPE_SLASH)

static const char fallback_body[] =
    "{\"success\":false,\"message\":\"" MSG_SERVER_ERROR "\"}";

/* jansson's free does not wipe: a secret placed in a JSON string would stay
 * in freed heap memory.  Wipe every block it frees. */
static void
json_wiping_free(void *p)
{
	if (p != NULL) {
		crypto_wipe(p, malloc_usable_size(p));
		free(p);
	}
}

void
response_library_init(void)
{
	json_set_alloc_funcs(malloc, json_wiping_free);
}

const char *
response_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 408: return "Request Timeout";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 422: return "Unprocessable Content";
	case 500: return "Internal Server Error";
	case 431: return "Request Header Fields Too Large";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	}
	return status >= 500 ? "Server Error" : "Error";
}

void
response_clear(struct response *r)
{
	json_decref(r->body);
	memset(r, 0, sizeof(*r));
}

static void
set_body(struct response *r, int status, json_t *body)
{
	json_decref(r->body);
	r->status = status;
	r->body = body;
}

void
response_error(struct response *r, int status, const char *message)
{
	set_body(r, status, json_pack("{s:b, s:s}", "success", 0, "message", message));
}

void
response_error_code(struct response *r, int status, const char *message)
{
	set_body(r, status, json_pack("{s:b, s:s, s:i}", "success", 0,
	    "message", message, "code", status));
}

void
response_unauthenticated(struct response *r)
{
	response_error(r, 401, MSG_UNAUTHENTICATED);
	r->challenge = 1;
}

void
response_success(struct response *r, int status, const char *message, json_t *data)
{
	if (data == NULL) {
		response_error(r, 500, MSG_SERVER_ERROR);
		return;
	}
	set_body(r, status, json_pack("{s:b, s:s, s:o}", "success", 1,
	    "message", message, "data", data));
}

void
response_invalid(struct response *r, const char *message, json_t *errors)
{
	if (errors == NULL) {
		response_error(r, 500, MSG_SERVER_ERROR);
		return;
	}
	set_body(r, 422, json_pack("{s:b, s:s, s:o}", "success", 0,
	    "message", message, "errors", errors));
}

/* jansson writes \u00E9 where PHP writes \u00e9: lowercase the hex digits
 * of every \u escape.  Cannot fail. */
static void
lowercase_escapes(char *s)
{
	int i;

	while ((s = strchr(s, '\\')) != NULL) {
		if (s[1] == 'u') {
			for (i = 2; i < 6 && s[i] != '\0'; i++)
				if (s[i] >= 'A' && s[i] <= 'F')
					s[i] = (char)(s[i] - 'A' + 'a');
			s += i;
		} else
			s += s[1] != '\0' ? 2 : 1;
	}
}

char *
response_render(const struct response *r, size_t *len)
{
	char head[512], *body = NULL, *out;
	const char *text = fallback_body;
	size_t bodylen, headlen;
	int status = r->status, n;

	if (status != 0 && r->body != NULL &&
	    (body = json_dumps(r->body, JSON_FLAGS)) != NULL) {
		lowercase_escapes(body);
		text = body;
	}
	else
		status = 500;
	bodylen = strlen(text);
	n = snprintf(head, sizeof(head),
	    "Status: %d %s\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "%s%s%s"
	    "%s"
	    "\r\n",
	    status, response_reason(status), bodylen,
	    r->allow[0] != '\0' ? "Allow: " : "",
	    r->allow,
	    r->allow[0] != '\0' ? "\r\n" : "",
	    r->challenge ? "WWW-Authenticate: Bearer\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(head)) {
		free(body);
		return NULL;
	}
	headlen = (size_t)n;
	if ((out = malloc(headlen + bodylen + 1)) != NULL) {
		memcpy(out, head, headlen);
		memcpy(out + headlen, text, bodylen + 1);
		*len = headlen + bodylen;
	}
	if (body != NULL) {
		/* The body may hold a freshly generated secret. */
		crypto_wipe(body, bodylen);
		free(body);
	}
	return out;
}

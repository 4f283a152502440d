/* response.c: the JSON envelopes (success and error) and the headers every answer carries. */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "response.h"

static const char fallback_body[] =
    "{\"success\":false,\"message\":\"" MSG_SERVER_ERROR "\"}";

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
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 417: return "Expectation Failed";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	}
	return status >= 500 ? "Server Error" : "Error";
}

void
response_clear(struct response *r)
{
	jw_reset(&r->body);
	memset(r, 0, sizeof(*r));
}

struct jw *
response_open(struct response *r, int status, int success, const char *message)
{
	struct jw *w = &r->body;

	jw_reset(w);
	r->status = status;
	jw_object_begin(w);
	jw_key(w, "success");
	jw_bool(w, success);
	jw_key(w, "message");
	jw_string(w, message);
	return w;
}

void
response_close(struct response *r)
{
	jw_object_end(&r->body);
}

void
response_error(struct response *r, int status, const char *message)
{
	response_open(r, status, 0, message);
	response_close(r);
}

void
response_error_code(struct response *r, int status, const char *message)
{
	struct jw *w = response_open(r, status, 0, message);

	jw_key(w, "code");
	jw_int(w, status);
	response_close(r);
}

void
response_unauthenticated(struct response *r)
{
	response_error(r, 401, MSG_UNAUTHENTICATED);
	r->challenge = 1;
}

void
response_key_not_found(struct response *r)
{
	response_error_code(r, 404, MSG_KEY_NOT_FOUND);
}

/* Decimal digits of a status or length.  Cannot fail (bounded). */
static size_t
format_uint(char *buf, size_t size, unsigned long long v)
{
	char *e = buf + size, *d = e;

	do {
		*--d = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && d > buf);
	memmove(buf, d, (size_t)(e - d));
	return (size_t)(e - d);
}

#define APPEND(s, n) do { memcpy(out + len, (s), (n)); len += (n); } while (0)
#define APPEND_LIT(s) APPEND((s), sizeof(s) - 1)

char *
response_render(const struct response *r, size_t *lenp)
{
	const char *text = NULL, *reason;
	size_t bodylen = 0, len = 0, allowlen, n;
	char num[24], *out;
	int status = r->status;

	if (status != 0 && r->body.p != NULL && !r->body.failed &&
	    r->body.depth == 0 && !r->body.after_key) {
		text = r->body.p;
		bodylen = r->body.len;
	}
	if (text == NULL || bodylen == 0) {
		text = fallback_body;
		bodylen = sizeof(fallback_body) - 1;
		status = 500;
	}
	reason = response_reason(status);
	allowlen = strnlen(r->allow, sizeof(r->allow));
	/* Room for the headers and the body at once: one allocation. */
	if ((out = malloc(320 + allowlen + strlen(reason) + bodylen + 1)) == NULL)
		return NULL;
	APPEND_LIT("Status: ");
	n = format_uint(num, sizeof(num), (unsigned)status);
	APPEND(num, n);
	APPEND_LIT(" ");
	APPEND(reason, strlen(reason));
	APPEND_LIT("\r\nContent-Type: application/json\r\nContent-Length: ");
	n = format_uint(num, sizeof(num), bodylen);
	APPEND(num, n);
	APPEND_LIT("\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n");
	/* Allow belongs to a 405 only (RFC 9110, 15.5.6), whatever is left
	 * in allow. */
	if (status != 405)
		allowlen = 0;
	if (allowlen > 0) {
		APPEND_LIT("Allow: ");
		APPEND(r->allow, allowlen);
		APPEND_LIT("\r\n");
	}
	if (r->challenge)
		APPEND_LIT("WWW-Authenticate: Bearer\r\n");
	if (r->retry_after != 0 && status == r->status) {
		APPEND_LIT("Retry-After: ");
		n = format_uint(num, sizeof(num), r->retry_after);
		APPEND(num, n);
		APPEND_LIT("\r\n");
	}
	APPEND_LIT("\r\n");
	APPEND(text, bodylen);
	out[len] = '\0';
	*lenp = len;
	return out;
}

/* response.c: the JSON envelopes (success and error) and the headers every answer carries. */
#include "ac-config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <malloc.h>

#include "crypto.h"
#include "response.h"

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
	case 411: return "Length Required";
	case 417: return "Expectation Failed";
	case 408: return "Request Timeout";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 422: return "Unprocessable Content";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 505: return "HTTP Version Not Supported";
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

json_t *
json_members(const char *name, ...)
{
	va_list ap;
	json_t *obj = json_object(), *v;
	int failed = obj == NULL;

	va_start(ap, name);
	for (; name != NULL; name = va_arg(ap, const char *)) {
		v = va_arg(ap, json_t *);
		if (failed)
			json_decref(v);
		/* set_new takes v even when it fails, and a NULL v fails. */
		else if (json_object_set_new_nocheck(obj, name, v) != 0)
			failed = 1;
	}
	va_end(ap);
	if (failed) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

void
response_error(struct response *r, int status, const char *message)
{
	set_body(r, status, json_members("success", json_false(),
	    "message", json_string(message), (const char *)NULL));
}

void
response_error_code(struct response *r, int status, const char *message)
{
	set_body(r, status, json_members("success", json_false(),
	    "message", json_string(message), "code", json_integer(status),
	    (const char *)NULL));
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
	set_body(r, status, json_members("success", json_true(),
	    "message", json_string(message), "data", data, (const char *)NULL));
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

/* ------------------------------------------------------------ rendering */

/*
 * The response is written into one growing buffer: headers, then the body.
 * The body is serialised here rather than with json_dumps(): the output must
 * be PHP's json_encode() byte for byte (compact, members in insertion order,
 * every non-ASCII character as a lowercase \uxxxx escape, '/' as "\/"), and
 * this walk costs a tenth of jansson's generic dumper on the hot path.
 */
struct outbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 failed;	/* an allocation failed: the result is unusable */
};

static int
out_reserve(struct outbuf *o, size_t n)
{
	char *np;
	size_t cap;

	if (o->failed)
		return -1;
	if (o->cap - o->len >= n)
		return 0;
	cap = o->cap ? o->cap : 512;
	while (cap - o->len < n) {
		if (cap > ((size_t)-1) / 2)
			goto fail;
		cap *= 2;
	}
	if ((np = malloc(cap)) == NULL)
		goto fail;
	if (o->p != NULL) {
		memcpy(np, o->p, o->len);
		/* The old block may hold a secret already written. */
		crypto_wipe(o->p, o->cap);
		free(o->p);
	}
	o->p = np;
	o->cap = cap;
	return 0;
fail:
	o->failed = 1;
	return -1;
}

static void
out_mem(struct outbuf *o, const char *s, size_t n)
{
	if (out_reserve(o, n) == 0) {
		memcpy(o->p + o->len, s, n);
		o->len += n;
	}
}

#define out_lit(o, s)	out_mem((o), (s), sizeof(s) - 1)

static void
out_str(struct outbuf *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

/* Decimal digits of v, sign included.  Cannot fail (bounded). */
static void
out_int(struct outbuf *o, long long v)
{
	char tmp[24], *e = tmp + sizeof(tmp), *d = e;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		*--d = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--d = '-';
	out_mem(o, d, (size_t)(e - d));
}

static void
out_u16_escape(struct outbuf *o, unsigned v)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 'u', hex[(v >> 12) & 15], hex[(v >> 8) & 15],
	    hex[(v >> 4) & 15], hex[v & 15] };

	out_mem(o, e, sizeof(e));
}

/* 1 for the bytes written as they are: printable ASCII but '"', '\\', '/'. */
static const unsigned char plain_ascii[256] = {
	[0x20] = 1, [0x21] = 1, [0x23 ... 0x2e] = 1, [0x30 ... 0x5b] = 1,
	[0x5d ... 0x7f] = 1,
};

/*
 * A JSON string as PHP writes it.  jansson holds only valid UTF-8 (it
 * refuses anything else when a string is made), so the decoder below trusts
 * the sequence lengths.
 */
static void
out_json_string(struct outbuf *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run;
	unsigned cp;

	out_lit(o, "\"");
	while (p < end) {
		run = p;
		while (p < end && plain_ascii[*p])
			p++;
		out_mem(o, (const char *)run, (size_t)(p - run));
		if (p == end)
			break;
		switch (*p) {
		case '"': out_lit(o, "\\\""); p++; continue;
		case '\\': out_lit(o, "\\\\"); p++; continue;
		case '/': out_lit(o, "\\/"); p++; continue;
		case '\b': out_lit(o, "\\b"); p++; continue;
		case '\f': out_lit(o, "\\f"); p++; continue;
		case '\n': out_lit(o, "\\n"); p++; continue;
		case '\r': out_lit(o, "\\r"); p++; continue;
		case '\t': out_lit(o, "\\t"); p++; continue;
		}
		if (*p < 0x80) {
			out_u16_escape(o, *p++);
			continue;
		}
		if (*p < 0xe0 && p + 1 < end) {
			cp = (unsigned)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
			p += 2;
		} else if (*p < 0xf0 && p + 2 < end) {
			cp = (unsigned)(p[0] & 0x0f) << 12 | (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
			p += 3;
		} else if (p + 3 < end) {
			cp = (unsigned)(p[0] & 0x07) << 18 | (unsigned)(p[1] & 0x3f) << 12 |
			    (unsigned)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
			p += 4;
		} else {
			/* A truncated sequence cannot come from jansson. */
			o->failed = 1;
			return;
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			out_u16_escape(o, 0xd800 | (cp >> 10));
			out_u16_escape(o, 0xdc00 | (cp & 0x3ff));
		} else
			out_u16_escape(o, cp);
	}
	out_lit(o, "\"");
}

static void
out_json(struct outbuf *o, const json_t *v, int depth)
{
	const char *k;
	json_t *item;
	size_t i, n;
	char real[32];
	int len;

	if (depth > 64) {	/* the service builds nothing this deep */
		o->failed = 1;
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		out_lit(o, "{");
		n = 0;
		json_object_foreach((json_t *)(uintptr_t)v, k, item) {
			if (n++ > 0)
				out_lit(o, ",");
			out_json_string(o, k, strlen(k));
			out_lit(o, ":");
			out_json(o, item, depth + 1);
		}
		out_lit(o, "}");
		break;
	case JSON_ARRAY:
		out_lit(o, "[");
		n = json_array_size(v);
		for (i = 0; i < n; i++) {
			if (i > 0)
				out_lit(o, ",");
			out_json(o, json_array_get(v, i), depth + 1);
		}
		out_lit(o, "]");
		break;
	case JSON_STRING:
		out_json_string(o, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		out_int(o, (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		/* As jansson writes a real; the service sends none today. */
		len = snprintf(real, sizeof(real), "%.17g", json_real_value(v));
		if (len <= 0 || (size_t)len >= sizeof(real)) {
			o->failed = 1;
			return;
		}
		out_mem(o, real, (size_t)len);
		if (strpbrk(real, ".eE") == NULL)
			out_lit(o, ".0");
		break;
	case JSON_TRUE:
		out_lit(o, "true");
		break;
	case JSON_FALSE:
		out_lit(o, "false");
		break;
	case JSON_NULL:
		out_lit(o, "null");
		break;
	}
}

char *
response_body_json(const json_t *v, size_t *len)
{
	struct outbuf o = { NULL, 0, 0, 0 };

	out_json(&o, v, 0);
	if (out_reserve(&o, 1) == 0)
		o.p[o.len] = '\0';
	if (o.failed) {
		if (o.p != NULL) {
			crypto_wipe(o.p, o.cap);
			free(o.p);
		}
		return NULL;
	}
	*len = o.len;
	return o.p;
}

char *
response_render(const struct response *r, size_t *len)
{
	struct outbuf o = { NULL, 0, 0, 0 };
	struct outbuf body = { NULL, 0, 0, 0 };
	const char *text = fallback_body;
	size_t bodylen = sizeof(fallback_body) - 1;
	int status = r->status;

	if (status != 0 && r->body != NULL) {
		out_json(&body, r->body, 0);
		if (!body.failed) {
			text = body.p;
			bodylen = body.len;
		}
	}
	if (text == fallback_body)
		status = 500;
	/* Room for the headers and the body at once: one allocation. */
	if (out_reserve(&o, 256 + sizeof(r->allow) + bodylen + 1) == 0) {
		out_lit(&o, "Status: ");
		out_int(&o, status);
		out_lit(&o, " ");
		out_str(&o, response_reason(status));
		out_lit(&o, "\r\nContent-Type: application/json\r\nContent-Length: ");
		out_int(&o, (long long)bodylen);
		out_lit(&o, "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n");
		if (r->allow[0] != '\0') {
			out_lit(&o, "Allow: ");
			out_mem(&o, r->allow, strnlen(r->allow, sizeof(r->allow)));
			out_lit(&o, "\r\n");
		}
		if (r->challenge)
			out_lit(&o, "WWW-Authenticate: Bearer\r\n");
		out_lit(&o, "\r\n");
		out_mem(&o, text, bodylen);
	}
	if (body.p != NULL) {
		/* The body may hold a freshly generated secret. */
		crypto_wipe(body.p, body.cap);
		free(body.p);
	}
	if (out_reserve(&o, 1) != 0 || o.p == NULL) {
		if (o.p != NULL) {
			crypto_wipe(o.p, o.cap);
			free(o.p);
		}
		return NULL;
	}
	o.p[o.len] = '\0';
	*len = o.len;
	return o.p;
}

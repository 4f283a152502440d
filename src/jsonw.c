/* jsonw.c: the JSON writer: PHP's json_encode() output (compact, \u escapes, "\/"), buffers wiped on free. */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "jsonw.h"
#include "number.h"
#include "timeutil.h"
#include "utf8.h"

static int
reserve(struct jw *w, size_t n)
{
	char *np;
	size_t cap;

	if (w->failed)
		return -1;
	if (w->cap - w->len > n)	/* keeps a byte for the final NUL */
		return 0;
	cap = w->cap ? w->cap : 512;
	while (cap - w->len <= n) {
		if (cap > ((size_t)-1) / 2)
			goto fail;
		cap *= 2;
	}
	if ((np = malloc(cap)) == NULL)
		goto fail;
	if (w->p != NULL) {
		memcpy(np, w->p, w->len);
		/* The old block may hold a secret already written (in its
		 * first len bytes: nothing is written past them). */
		crypto_wipe(w->p, w->len);
		free(w->p);
	}
	w->p = np;
	w->cap = cap;
	return 0;
fail:
	w->failed = 1;
	return -1;
}

static void
put(struct jw *w, const char *s, size_t n)
{
	if (reserve(w, n) == 0) {
		memcpy(w->p + w->len, s, n);
		w->len += n;
	}
}

#define put_lit(w, s)	put((w), (s), sizeof(s) - 1)

/* The separator a value or a member name needs where it starts. */
static void
separate(struct jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0) {
		if (!w->first[w->depth])
			put_lit(w, ",");
		w->first[w->depth] = 0;
	}
}

static void
open_(struct jw *w, const char *c)
{
	separate(w);
	if (w->depth >= JW_DEPTH_MAX) {
		w->failed = 1;
		return;
	}
	put(w, c, 1);
	w->first[++w->depth] = 1;
}

static void
close_(struct jw *w, const char *c)
{
	if (w->depth == 0 || w->after_key) {
		w->failed = 1;
		return;
	}
	w->depth--;
	put(w, c, 1);
}

void jw_object_begin(struct jw *w) { open_(w, "{"); }
void jw_object_end(struct jw *w) { close_(w, "}"); }
void jw_array_begin(struct jw *w) { open_(w, "["); }
void jw_array_end(struct jw *w) { close_(w, "]"); }

static void
u16_escape(struct jw *w, unsigned v)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 'u', hex[(v >> 12) & 15], hex[(v >> 8) & 15],
	    hex[(v >> 4) & 15], hex[v & 15] };

	put(w, e, sizeof(e));
}

/* 1 for the bytes written as they are: printable ASCII but '"', '\\', '/'. */
static const unsigned char plain_ascii[256] = {
	[0x20] = 1, [0x21] = 1, [0x23 ... 0x2e] = 1, [0x30 ... 0x5b] = 1,
	[0x5d ... 0x7f] = 1,
};

static void
string_body(struct jw *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run;
	unsigned cp;
	size_t step;

	put_lit(w, "\"");
	while (p < end) {
		run = p;
		while (p < end && plain_ascii[*p])
			p++;
		put(w, (const char *)run, (size_t)(p - run));
		if (p == end)
			break;
		switch (*p) {
		case '"': put_lit(w, "\\\""); p++; continue;
		case '\\': put_lit(w, "\\\\"); p++; continue;
		case '/': put_lit(w, "\\/"); p++; continue;
		case '\b': put_lit(w, "\\b"); p++; continue;
		case '\f': put_lit(w, "\\f"); p++; continue;
		case '\n': put_lit(w, "\\n"); p++; continue;
		case '\r': put_lit(w, "\\r"); p++; continue;
		case '\t': put_lit(w, "\\t"); p++; continue;
		}
		step = utf8_decode(p, (size_t)(end - p), &cp);
		if (step == 1 && *p >= 0x80) {
			/* Not UTF-8: PHP's encoder refuses it too. */
			w->failed = 1;
			return;
		}
		p += step;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u16_escape(w, 0xd800 | (cp >> 10));
			u16_escape(w, 0xdc00 | (cp & 0x3ff));
		} else
			u16_escape(w, cp);
	}
	put_lit(w, "\"");
}

void
jw_key(struct jw *w, const char *name)
{
	separate(w);
	put_lit(w, "\"");
	put(w, name, strlen(name));
	put_lit(w, "\":");
	w->after_key = 1;
}

void
jw_stringn(struct jw *w, const char *s, size_t n)
{
	separate(w);
	string_body(w, s, n);
}

void
jw_string(struct jw *w, const char *s)
{
	jw_stringn(w, s, strlen(s));
}

void
jw_int(struct jw *w, long long v)
{
	char tmp[1 + NUM_U64_DIGITS];
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	size_t n = 0;

	separate(w);
	if (v < 0)
		tmp[n++] = '-';
	n += num_format_u64(tmp + n, (uint64_t)u);
	put(w, tmp, n);
}

void
jw_bool(struct jw *w, int v)
{
	separate(w);
	if (v)
		put_lit(w, "true");
	else
		put_lit(w, "false");
}

void
jw_null(struct jw *w)
{
	separate(w);
	put_lit(w, "null");
}

void
jw_time(struct jw *w, int64_t us)
{
	char buf[TIME_LARAVEL_LEN + 1];

	if (us == TIME_NULL || time_format_laravel_us(us, buf) != 0)
		jw_null(w);
	else {
		separate(w);
		put_lit(w, "\"");
		put(w, buf, TIME_LARAVEL_LEN);
		put_lit(w, "\"");
	}
}

void
jw_raw(struct jw *w, const char *text, size_t n)
{
	separate(w);
	put(w, text, n);
}

const char *
jw_text(struct jw *w, size_t *len)
{
	if (reserve(w, 0) != 0 || w->p == NULL)
		return NULL;
	w->p[w->len] = '\0';
	*len = w->len;
	return w->p;
}

void
jw_reset(struct jw *w)
{
	if (w->p != NULL) {
		/* The text and its terminator (jw_text): the bytes written. */
		crypto_wipe(w->p, w->len < w->cap ? w->len + 1 : w->cap);
		free(w->p);
	}
	memset(w, 0, sizeof(*w));
}

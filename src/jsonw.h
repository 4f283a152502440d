/* jsonw.h: a streaming JSON writer whose output is PHP's json_encode() byte for byte. */
#ifndef APIKEYS_JSONW_H
#define APIKEYS_JSONW_H

#include <stddef.h>
#include <stdint.h>

#define JW_DEPTH_MAX 16		/* the service writes nothing deeper */

/*
 * A document being written into one growing buffer.  Zero it (or call
 * jw_reset) before use.  Commas and colons are placed by the writer: call
 * jw_key before each member's value, and the value functions in order.
 * Any failure (out of memory, nesting too deep, a string that is not UTF-8,
 * an unbalanced end) marks the document failed: every later call does
 * nothing and jw_text answers NULL.  So callers write without checking and
 * look once at the end.
 */
struct jw {
	char		*p;
	size_t		 len;
	size_t		 cap;
	int		 failed;
	int		 after_key;
	unsigned	 depth;
	unsigned char	 first[JW_DEPTH_MAX + 1];
};

void jw_object_begin(struct jw *);
void jw_object_end(struct jw *);
void jw_array_begin(struct jw *);
void jw_array_end(struct jw *);

/* A member name: plain ASCII that needs no escape (a literal). */
void jw_key(struct jw *, const char *name);

/* A string value: valid UTF-8, written with PHP's escapes (every non-ASCII
 * character as a lowercase \uxxxx, '/' as "\/"). */
void jw_string(struct jw *, const char *s);
void jw_stringn(struct jw *, const char *s, size_t n);

void jw_int(struct jw *, long long v);
void jw_bool(struct jw *, int v);
void jw_null(struct jw *);

/* A time in microseconds as Laravel writes it ("2026-12-17T00:00:00.500000Z"),
 * or null for TIME_NULL or a year outside 0..9999. */
void jw_time(struct jw *, int64_t us);

/* A value given as n bytes of text that is already JSON (a number). */
void jw_raw(struct jw *, const char *text, size_t n);

/* The text so far, NUL-terminated, its length in *len; NULL if failed.
 * The buffer stays owned by the writer. */
const char *jw_text(struct jw *, size_t *len);

/* Wipes and frees the buffer (it may hold a secret); the writer is empty
 * and usable again.  Cannot fail. */
void jw_reset(struct jw *);

#endif

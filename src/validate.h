/* validate.h: JSON request bodies checked against a declared table of fields and rules, Laravel-style. */
#ifndef APIKEYS_VALIDATE_H
#define APIKEYS_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum valid_result {
	VALID_OK = 0,
	VALID_NOT_OBJECT,	/* 400: empty, invalid, not an object, duplicate member */
	VALID_INVALID,		/* 422: *errors holds every failed rule */
	VALID_NOMEM
};

/* A checked optional time: set is 0 when the member was absent or null. */
struct valid_time {
	int64_t	value;		/* epoch seconds UTC */
	int	set;
};

struct field_rule;

/*
 * Checks one member (value is NULL when absent) and, if it passes, stores
 * the checked value at out + rule->offset.  On failure adds its messages to
 * errors (the member's own) and item_errors ("member.N" keys).  Returns 0
 * or -1 on out of memory.
 */
typedef int field_check(const struct field_rule *, json_t *value, void *out,
    json_t *errors, json_t *item_errors, int64_t now);

struct field_rule {
	const char	*member;	/* JSON member and error key */
	const char	*label;		/* as Laravel words it: "expires at" */
	field_check	*check;
	size_t		 offset;	/* of the checked value in the output */
	size_t		 size;		/* of that output (text rules) */
	unsigned	 max;		/* characters, items, or years ahead */
	unsigned	 item_max;	/* bytes of an item (sets) */
	const char	*item_chars;	/* allowed item bytes (sets) */
};

/*
 * Required text: trimmed (Unicode white space, as Laravel's TrimStrings),
 * 1..max code points, no control characters; stored NUL-terminated in a
 * char[size] (size must hold max code points of UTF-8).
 */
field_check validate_text;

/* Optional RFC 3339 time with an offset, after now, at most max years
 * ahead; stored as struct valid_time. */
field_check validate_future_time;

/* Optional array of at most max distinct strings of 1..item_max bytes drawn
 * from item_chars, order kept; stored as a new json_t * reference (the
 * caller decrefs; [] when absent). */
field_check validate_string_set;

/*
 * Parses body (len bytes) as one JSON object (duplicate members refused)
 * and runs every rule, in table order, collecting every failure.  On
 * VALID_INVALID, *errors is a new object (caller decrefs) with the fields
 * in table order, then the item errors by index.  out must be zeroed by the
 * caller; on any result other than VALID_OK its contents must be released
 * with validate_release.
 */
enum valid_result validate_body(const char *body, size_t len,
    const struct field_rule *rules, size_t nrules, void *out, int64_t now,
    json_t **errors);

/* Releases the json_t references a validation stored in out. */
void validate_release(const struct field_rule *rules, size_t nrules, void *out);

/* Code points of a valid UTF-8 string of len bytes. */
size_t utf8_length(const char *s, size_t len);

#endif

/* validate.h: JSON request bodies read into checked C values by declared field tables (validate.c; JSON stored in the database is stored.h's). */
#ifndef APIKEYS_VALIDATE_H
#define APIKEYS_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "ipnet.h"
#include "jsonw.h"

#define VALID_SET_MAX		32	/* items of a string set */
#define VALID_ITEM_MAX		64	/* bytes of one item */
#define VALID_ERRORS_MAX	80	/* failures reported at most (two full sets) */

enum valid_result {
	VALID_OK = 0,
	VALID_NOT_OBJECT,	/* 400: empty, invalid, not an object, duplicate member */
	VALID_TOO_COMPLEX,	/* 400: an object of over 64 members, or over 32 levels */
	VALID_INVALID,		/* 422: the errors hold every failed rule */
	VALID_NOMEM
};

/* A checked optional time: set is 0 when the member was absent or null. */
struct valid_time {
	int64_t	value;		/* microseconds since the epoch, UTC */
	int	set;
};

/* A checked optional count: set is 0 when the member was absent or null. */
struct valid_uint {
	uint64_t value;
	int	 set;
};

/* A checked set of strings, in the order given.  present: the member was
 * in the body (null included; null and [] leave n at 0). */
struct valid_set {
	unsigned	n;
	char		item[VALID_SET_MAX][VALID_ITEM_MAX + 1];
	int		present;
};

/* A checked optional integer: present (null included), is_null. */
struct valid_int {
	long long	value;
	int		present;
	int		is_null;
};

/* A checked optional boolean. */
struct valid_bool {
	int	value;
	int	present;
};

/* A checked optional rate limit: {"limit": n, "window_seconds": n} or null. */
struct valid_rate {
	unsigned	limit;
	unsigned	window;
	int		present;
	int		is_null;
};

/* A checked optional single address (no range). */
struct valid_ip {
	struct ipnet	addr;
	int		present;	/* given and not null */
};

/* The failures of a body, Laravel's way: a key ("name", "permissions.3")
 * and the message of its first failing rule, fields in table order, then
 * the items of sets by index. */
struct valid_errors {
	unsigned	n;
	struct {
		char	key[64];
		char	message[160];
	} e[VALID_ERRORS_MAX];
};

enum field_kind {
	/* Required text: trimmed (Unicode white space, as Laravel's
	 * TrimStrings), 1..max code points, no control characters; stored
	 * NUL-terminated in a char[size] (size must hold max code points). */
	FIELD_TEXT,
	/* Optional RFC 3339 time with an offset, after now, at most max years
	 * ahead; stored as struct valid_time. */
	FIELD_FUTURE_TIME,
	/* Optional array of at most max (<= VALID_SET_MAX) distinct strings of
	 * 1..item_max (<= VALID_ITEM_MAX) bytes drawn from item_chars; stored as
	 * struct valid_set (empty when absent or null).  Over max items, the
	 * field fails and the first JR_ITEMS_KEPT items are still checked
	 * (the reader keeps no more). */
	FIELD_STRING_SET,
	/* Required string without NUL of at most size - 1 bytes, stored as is
	 * in a char[size] (credentials: the caller wipes it). */
	FIELD_STRING,
	/* Optional JSON integer (not 5.0, not "5") from min to max; stored as
	 * struct valid_int. */
	FIELD_INT,
	/* Optional true or false (not null, not 1); stored as struct valid_bool. */
	FIELD_BOOL,
	/* Optional rate limit object or null: "limit" 1..max and
	 * "window_seconds" 1..item_max, each failure keyed "member.limit";
	 * stored as struct valid_rate. */
	FIELD_RATE,
	/* Optional array (or null) of at most max addresses or CIDR ranges,
	 * kept as given (struct valid_set); an item that does not parse is
	 * keyed "member.N". */
	FIELD_IP_LIST,
	/* Optional single address (struct valid_ip); null is absent. */
	FIELD_IP,
	/* Optional array (or null) of at most max strings of at most
	 * VALID_ITEM_MAX bytes, repeats allowed (struct valid_set); any other
	 * value fails as "must be an array". */
	FIELD_STRING_LIST,
	/* Optional JSON integer from 0 to max (not 5.0, not "5"); null is
	 * absent; stored as struct valid_uint. */
	FIELD_UINT
};

/* Flags of a rule. */
#define FIELD_F_OPTIONAL	0x1	/* FIELD_TEXT: absent is allowed (dst stays "") */
#define FIELD_F_NULL_INVALID	0x2	/* FIELD_FUTURE_TIME: null fails as not a date */

struct field_rule {
	const char	*member;	/* JSON member and error key */
	const char	*label;		/* as Laravel words it: "expires at" */
	enum field_kind	 kind;
	size_t		 offset;	/* of the checked value in the output */
	size_t		 size;		/* of that output (text and strings) */
	unsigned	 max;		/* characters, items, or years ahead */
	unsigned	 item_max;	/* bytes of an item (sets) */
	const char	*item_chars;	/* allowed item bytes (sets) */
	long long	 min;		/* FIELD_INT: smallest value */
	long long	 lmax;		/* FIELD_INT: largest value */
	unsigned	 flags;		/* FIELD_F_* */
};

/*
 * Parses body (len bytes) as one JSON object (duplicate members refused)
 * and runs every rule, in table order, collecting every failure into
 * *errors (a field's item and member failures right after the field's).  out must be zeroed by the caller; it holds plain C values, so
 * nothing needs releasing.  VALID_OK only when every rule passed.
 */
enum valid_result validate_body(const char *body, size_t len,
    const struct field_rule *rules, size_t nrules, void *out, int64_t now,
    struct valid_errors *errors);

/* Writes the errors as a JSON object of arrays ({"name":["..."]}). */
void validate_errors_write(struct jw *, const struct valid_errors *);

#endif

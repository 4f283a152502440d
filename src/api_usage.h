/* api_usage.h: GET {base}/api-keys/{id}/usage and GET {base}/usage, and the query they share. */
#ifndef APIKEYS_API_USAGE_H
#define APIKEYS_API_USAGE_H

#include <stddef.h>
#include <stdint.h>

#include "handler.h"
#include "validate.h"

#define USAGE_HOUR_US		(3600LL * 1000000LL)
#define USAGE_DAY_US		(24 * USAGE_HOUR_US)
#define USAGE_MAX_HOURS		744	/* hourly buckets of one read */
#define USAGE_MAX_DAYS		400	/* daily buckets of one read */

/* The buckets a query asks for: [first, first + n) of bucket_us each. */
struct usage_range {
	int64_t		bucket_us;	/* USAGE_HOUR_US or USAGE_DAY_US */
	int64_t		first;		/* bucket number: start / bucket_us */
	int64_t		n;
	int		day;		/* granularity day */
};

/*
 * Reads from, to and granularity from a query string (NULL: none):
 * percent-decoded, '+' a space, unknown parameters ignored, the last of a
 * repeated one kept, an empty value the same as none.  Fills out and
 * returns 0, or fills errs (the 422's members, in the order from, to,
 * granularity) and returns -1; -2 (errs empty) when memory ran out.  A
 * value is read whole, whatever its length; a NUL decoded in a name makes
 * it no known name, in a value makes the value invalid.  now_us is the
 * default of to.
 */
int usage_range_parse(const char *query, int64_t now_us, struct usage_range *out,
    struct valid_errors *errs);

/* Decodes one query component (len bytes) into out (size outsz, NUL-
 * terminated); returns -1, out holding a prefix, when it does not fit or
 * holds a NUL ("%00"). */
int usage_query_decode(const char *s, size_t len, char *out, size_t outsz);

route_handler usage_key;	/* GET {base}/api-keys/{id}/usage */
route_handler usage_user;	/* GET {base}/usage */

#endif

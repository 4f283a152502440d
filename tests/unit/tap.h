/* tap.h: a minimal TAP producer for the unit test programs (one "ok"/"not ok" line per check). */
#ifndef APIKEYS_TAP_H
#define APIKEYS_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

static void
tap_ok(int cond, const char *desc, const char *file, int line)
{
	tap_count++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_count, desc);
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
}

#define ok(cond, desc) tap_ok((cond) ? 1 : 0, (desc), __FILE__, __LINE__)

/* Compares two strings; prints both on failure. */
#define is_str(got, want, desc) do {					\
	const char *is_g_ = (got), *is_w_ = (want);			\
	int is_ok_ = is_g_ != NULL && is_w_ != NULL && strcmp(is_g_, is_w_) == 0; \
	ok(is_ok_, (desc));						\
	if (!is_ok_)							\
		printf("#   got:  '%s'\n#   want: '%s'\n",		\
		    is_g_ ? is_g_ : "(null)", is_w_ ? is_w_ : "(null)");	\
} while (0)

#define is_int(got, want, desc) do {					\
	long long is_g_ = (long long)(got), is_w_ = (long long)(want);	\
	ok(is_g_ == is_w_, (desc));					\
	if (is_g_ != is_w_)						\
		printf("#   got:  %lld\n#   want: %lld\n", is_g_, is_w_);	\
} while (0)

/* Prints the plan; the exit status says whether every check passed. */
static int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed == 0 ? 0 : 1;
}

#endif

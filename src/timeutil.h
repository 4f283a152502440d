/* timeutil.h: UTC times as Laravel writes them, and RFC 3339 input, without the C library's time zone. */
#ifndef APIKEYS_TIMEUTIL_H
#define APIKEYS_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define TIME_LARAVEL_LEN 27	/* "2026-12-17T00:00:00.000000Z" */
#define TIME_NULL	INT64_MIN	/* an unset time (a NULL column) */

struct civil_time {
	int year, month, day, hour, minute, second;
};

/* Seconds since 1970-01-01T00:00:00Z of a UTC civil time (proleptic Gregorian). */
int64_t time_from_civil(const struct civil_time *);

/* The UTC civil time of an epoch second.  Cannot fail. */
void time_to_civil(int64_t epoch, struct civil_time *);

/*
 * Writes epoch as "YYYY-MM-DDTHH:MM:SS.000000Z" plus NUL into out.  Returns 0,
 * or -1 if the year is outside 0..9999.
 */
int time_format_laravel(int64_t epoch, char out[TIME_LARAVEL_LEN + 1]);

/*
 * Parses an RFC 3339 date-time ("2026-04-15T12:00:00Z",
 * "2026-04-15T14:00:00.5+02:00"): a time zone offset is required, fractional
 * seconds are truncated.  Checks days per month with leap years.  Returns 0
 * and the UTC epoch second in *out, or -1.
 */
int time_parse_rfc3339(const char *s, size_t len, int64_t *out);

/* t plus a number of calendar years, as MariaDB's "+ INTERVAL n YEAR" does
 * (Feb 29 becomes Feb 28).  Cannot fail. */
int64_t time_add_years(int64_t t, unsigned years);

/* 1 if year is a Gregorian leap year. */
int time_is_leap(int year);

/* Days in the month (1..12) of year. */
int time_days_in_month(int year, int month);

#endif

/* timeutil.h: UTC times as Laravel writes them, and RFC 3339 input, without the C library's time zone. */
#ifndef APIKEYS_TIMEUTIL_H
#define APIKEYS_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define TIME_LARAVEL_LEN 27	/* "2026-12-17T00:00:00.000000Z" */
#define TIME_NULL	INT64_MIN	/* an unset time (a NULL column) */
#define TIME_US		1000000LL	/* microseconds in a second */

/*
 * The service's times are int64 microseconds since 1970-01-01T00:00:00Z
 * (the precision of the contract's format and of TIMESTAMP(6)); the civil
 * conversions below work on whole seconds.
 */

struct civil_time {
	int year, month, day, hour, minute, second;
};

/* Seconds since 1970-01-01T00:00:00Z of a UTC civil time (proleptic Gregorian). */
int64_t time_from_civil(const struct civil_time *);

/* The UTC civil time of an epoch second.  Cannot fail. */
void time_to_civil(int64_t epoch, struct civil_time *);

/*
 * Writes a time in microseconds as "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" plus NUL
 * into out.  Returns 0, or -1 if the year is outside 0..9999.
 */
int time_format_laravel_us(int64_t us, char out[TIME_LARAVEL_LEN + 1]);

/*
 * Parses an RFC 3339 date-time ("2026-04-15T12:00:00Z",
 * "2026-04-15T14:00:00.5+02:00"): a time zone offset is required; up to six
 * fractional digits are kept, further ones truncated.  Checks days per month
 * with leap years.  Returns 0 and the UTC time in microseconds in *out, or -1.
 */
int time_parse_rfc3339_us(const char *s, size_t len, int64_t *out);

/* A time in microseconds plus a number of calendar years, as MariaDB's
 * "+ INTERVAL n YEAR" does (Feb 29 becomes Feb 28; the fraction is kept).
 * Cannot fail. */
int64_t time_add_years_us(int64_t us, unsigned years);

/* The current time in microseconds (the system's real-time clock). */
int64_t time_now_us(void);

/* 1 if year is a Gregorian leap year. */
int time_is_leap(int year);

/* Days in the month (1..12) of year. */
int time_days_in_month(int year, int month);

#endif

/* test-timeutil.c: Laravel time output and RFC 3339 input, leap years included. */
#include "ac-config.h"

#include <string.h>

#include "tap.h"
#include "timeutil.h"

static int64_t
parse(const char *s)
{
	int64_t t = -1;

	if (time_parse_rfc3339_us(s, strlen(s), &t) != 0)
		return -999;
	return t;
}

int
main(void)
{
	char buf[TIME_LARAVEL_LEN + 1];
	struct civil_time c;
	int64_t t;
	int roundtrip = 1;

	ok(time_format_laravel_us(0, buf) == 0, "format epoch");
	is_str(buf, "1970-01-01T00:00:00.000000Z", "epoch in Laravel's format");
	time_format_laravel_us(1797465600 * TIME_US, buf);
	is_str(buf, "2026-12-17T00:00:00.000000Z", "the seed's expires_at");
	time_format_laravel_us(1709251199 * TIME_US, buf);
	is_str(buf, "2024-02-29T23:59:59.000000Z", "leap day, last second");
	time_format_laravel_us(-TIME_US, buf);
	is_str(buf, "1969-12-31T23:59:59.000000Z", "before the epoch");
	is_int(strlen(buf), TIME_LARAVEL_LEN, "27 characters");
	time_format_laravel_us(1844750096 * TIME_US + 500000, buf);
	is_str(buf, "2028-06-16T06:34:56.500000Z", "half a second");
	time_format_laravel_us(1844750096 * TIME_US + 123456, buf);
	is_str(buf, "2028-06-16T06:34:56.123456Z", "six digits of microseconds");
	time_format_laravel_us(1844750096 * TIME_US + 7, buf);
	is_str(buf, "2028-06-16T06:34:56.000007Z", "leading zeros of the fraction");
	time_format_laravel_us(-1, buf);
	is_str(buf, "1969-12-31T23:59:59.999999Z", "a microsecond before the epoch");
	time_format_laravel_us(253402300799 * TIME_US + 999999, buf);
	is_str(buf, "9999-12-31T23:59:59.999999Z", "the last microsecond of year 9999");
	ok(time_format_laravel_us(253402300800 * TIME_US, buf) != 0, "year 10000 refused");

	for (t = -86400LL * 800; t < 86400LL * 365 * 600; t += 86400 * 7 + 3601) {
		time_to_civil(t, &c);
		if (time_from_civil(&c) != t)
			roundtrip = 0;
	}
	ok(roundtrip, "civil time round-trips over 600 years");

	is_int(parse("2026-12-17T00:00:00Z"), 1797465600 * TIME_US, "Z");
	is_int(parse("2026-12-17T00:00:00z"), 1797465600 * TIME_US, "lower-case z");
	is_int(parse("2026-12-17t00:00:00Z"), 1797465600 * TIME_US, "lower-case t");
	is_int(parse("2026-12-17T02:00:00+02:00"), 1797465600 * TIME_US, "positive offset");
	is_int(parse("2026-12-16T19:00:00-05:00"), 1797465600 * TIME_US, "negative offset");
	is_int(parse("2026-12-17T05:30:00+05:30"), 1797465600 * TIME_US, "half-hour offset");
	is_int(parse("2028-06-15T22:34:56.5-08:00"), 1844750096 * TIME_US + 500000,
	    "the issue's example: .5 is half a second");
	is_int(parse("2026-12-17T00:00:00.999999Z"), 1797465600 * TIME_US + 999999,
	    "six fractional digits kept");
	is_int(parse("2026-12-17T00:00:00.1234567Z"), 1797465600 * TIME_US + 123456,
	    "a seventh digit truncated");
	is_int(parse("2026-12-17T00:00:00.000001+01:00"), 1797462000 * TIME_US + 1,
	    "one microsecond with an offset");
	is_int(parse("2026-12-17T00:00:00.05Z"), 1797465600 * TIME_US + 50000,
	    "two digits are hundredths");
	is_int(parse("2024-02-29T23:59:59Z"), 1709251199 * TIME_US, "leap day 2024");
	is_int(parse("2000-03-01T00:00:00Z"), 951868800 * TIME_US, "2000 is a leap year");
	ok(parse("2000-02-29T00:00:00Z") >= 0, "2000-02-29 is valid");
	is_int(parse("2023-02-29T00:00:00Z"), -999, "2023-02-29 is not a date");
	is_int(parse("2100-02-29T00:00:00Z"), -999, "2100 is not a leap year");
	is_int(parse("2026-04-31T00:00:00Z"), -999, "April has 30 days");
	is_int(parse("2026-12-17T00:00:00"), -999, "an offset is required");
	is_int(parse("2026-12-17 00:00:00Z"), -999, "a space is not T");
	is_int(parse("2026-12-17"), -999, "a date alone");
	is_int(parse("2026-12-17T24:00:00Z"), -999, "hour 24");
	is_int(parse("2026-12-17T00:60:00Z"), -999, "minute 60");
	is_int(parse("2026-13-01T00:00:00Z"), -999, "month 13");
	is_int(parse("2026-00-01T00:00:00Z"), -999, "month 0");
	is_int(parse("2026-12-17T00:00:00+2:00"), -999, "short offset");
	is_int(parse("2026-12-17T00:00:00.Z"), -999, "empty fraction");
	is_int(parse("2026-12-17T00:00:00Zjunk"), -999, "trailing junk");
	is_int(parse("+2026-12-17T00:00:00Z"), -999, "a sign before the year");
	is_int(parse(""), -999, "empty");
	ok(time_parse_rfc3339_us("2026-12-17T00:00:00Z", 10, &t) != 0, "length is honoured");
	is_int(time_add_years_us(1709251199 * TIME_US + 250000, 1), 1740787199 * TIME_US + 250000,
	    "Feb 29 plus a year is Feb 28, the fraction kept");
	is_int(time_add_years_us(-1, 1), 31535999 * TIME_US + 999999,
	    "a year after the microsecond before the epoch");
	ok(time_now_us() > 1767225600 * TIME_US && time_now_us() % TIME_US >= 0,
	    "now is in microseconds");
	ok(time_is_leap(2024) && !time_is_leap(1900) && time_is_leap(2000), "leap rule");
	is_int(time_days_in_month(2024, 2), 29, "February of a leap year");
	return tap_done();
}

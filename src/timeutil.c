/* timeutil.c: UTC civil-time arithmetic, Laravel's output format and RFC 3339 input. */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timeutil.h"

int
time_is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int
time_days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12)
		return 0;
	return days[month - 1] + (month == 2 && time_is_leap(year));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t
time_from_civil(const struct civil_time *t)
{
	return days_from_civil(t->year, t->month, t->day) * 86400 +
	    t->hour * 3600 + t->minute * 60 + t->second;
}

void
time_to_civil(int64_t epoch, struct civil_time *t)
{
	int64_t days = epoch / 86400, secs = epoch % 86400;
	int64_t era, doe, yoe, y, doy, mp;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	t->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	t->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	t->year = (int)(y + (t->month <= 2));
	t->hour = (int)(secs / 3600);
	t->minute = (int)(secs % 3600 / 60);
	t->second = (int)(secs % 60);
}

/* Two decimal digits of v (0 to 99).  Cannot fail. */
static void
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* The whole second (rounded down) and the microseconds (0..999999) of us. */
static void
split_us(int64_t us, int64_t *sec, int *frac)
{
	int64_t s = us / TIME_US, f = us % TIME_US;

	if (f < 0) {
		f += TIME_US;
		s--;
	}
	*sec = s;
	*frac = (int)f;
}

int
time_format_laravel_us(int64_t us, char out[TIME_LARAVEL_LEN + 1])
{
	struct civil_time t;
	int64_t sec;
	int frac;

	split_us(us, &sec, &frac);
	time_to_civil(sec, &t);
	if (t.year < 0 || t.year > 9999)
		return -1;
	/* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ", digit by digit: this runs three
	 * times in every show. */
	memcpy(out, "0000-00-00T00:00:00.000000Z", TIME_LARAVEL_LEN + 1);
	put2(out, t.year / 100);
	put2(out + 2, t.year % 100);
	put2(out + 5, t.month);
	put2(out + 8, t.day);
	put2(out + 11, t.hour);
	put2(out + 14, t.minute);
	put2(out + 17, t.second);
	put2(out + 20, frac / 10000);
	put2(out + 22, frac / 100 % 100);
	put2(out + 24, frac % 100);
	return 0;
}

/* Reads exactly n decimal digits at s[*pos]; returns -1 if any is missing. */
static int
digits(const char *s, size_t len, size_t *pos, int n)
{
	int v = 0;

	if (*pos + (size_t)n > len)
		return -1;
	while (n-- > 0) {
		char ch = s[(*pos)++];

		if (ch < '0' || ch > '9')
			return -1;
		v = v * 10 + (ch - '0');
	}
	return v;
}

static int
expect(const char *s, size_t len, size_t *pos, char want)
{
	if (*pos >= len || s[*pos] != want)
		return -1;
	(*pos)++;
	return 0;
}

int
time_parse_rfc3339_us(const char *s, size_t len, int64_t *out)
{
	struct civil_time t;
	size_t pos = 0;
	int offset = 0, frac = 0, scale = 100000;

	if ((t.year = digits(s, len, &pos, 4)) < 0 || expect(s, len, &pos, '-') ||
	    (t.month = digits(s, len, &pos, 2)) < 0 || expect(s, len, &pos, '-') ||
	    (t.day = digits(s, len, &pos, 2)) < 0)
		return -1;
	if (pos >= len || (s[pos] != 'T' && s[pos] != 't'))
		return -1;
	pos++;
	if ((t.hour = digits(s, len, &pos, 2)) < 0 || expect(s, len, &pos, ':') ||
	    (t.minute = digits(s, len, &pos, 2)) < 0 || expect(s, len, &pos, ':') ||
	    (t.second = digits(s, len, &pos, 2)) < 0)
		return -1;
	if (pos < len && s[pos] == '.') {
		size_t start = ++pos;

		/* Six digits are kept (microseconds), the rest truncated. */
		for (; pos < len && s[pos] >= '0' && s[pos] <= '9'; pos++) {
			frac += (s[pos] - '0') * scale;
			scale /= 10;
		}
		if (pos == start)
			return -1;
	}
	if (pos < len && (s[pos] == 'Z' || s[pos] == 'z'))
		pos++;
	else if (pos < len && (s[pos] == '+' || s[pos] == '-')) {
		int sign = s[pos++] == '-' ? -1 : 1, oh, om;

		if ((oh = digits(s, len, &pos, 2)) < 0 || expect(s, len, &pos, ':') ||
		    (om = digits(s, len, &pos, 2)) < 0 || oh > 23 || om > 59)
			return -1;
		offset = sign * (oh * 3600 + om * 60);
	} else
		return -1;
	if (pos != len)
		return -1;
	if (t.year < 1 || t.month < 1 || t.month > 12 || t.day < 1 ||
	    t.day > time_days_in_month(t.year, t.month) || t.hour > 23 ||
	    t.minute > 59 || t.second > 59)
		return -1;
	*out = (time_from_civil(&t) - offset) * TIME_US + frac;
	return 0;
}

int64_t
time_add_years_us(int64_t us, unsigned years)
{
	struct civil_time c;
	int64_t sec;
	int dim, frac;

	split_us(us, &sec, &frac);
	time_to_civil(sec, &c);
	c.year += (int)years;
	dim = time_days_in_month(c.year, c.month);
	if (c.day > dim)
		c.day = dim;
	return time_from_civil(&c) * TIME_US + frac;
}

int64_t
time_now_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (int64_t)time(NULL) * TIME_US;
	return (int64_t)ts.tv_sec * TIME_US + ts.tv_nsec / 1000;
}

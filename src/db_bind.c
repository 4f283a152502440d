/* db_bind.c: MySQL parameter and result binds over caller storage, and times between MYSQL_TIME and epoch seconds. */
#include "ac-config.h"

#include <string.h>

#include "db_bind.h"
#include "db_driver.h"
#include "timeutil.h"

void
db_bind_u64(MYSQL_BIND *b, uint64_t *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
	b->is_unsigned = 1;
}

void
db_bind_in_str(MYSQL_BIND *b, const char *s, size_t len)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)(uintptr_t)s;
	b->buffer_length = (unsigned long)len;
}

void
db_bind_out_str(MYSQL_BIND *b, char *buf, size_t size, unsigned long *len, my_bool *null)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = buf;
	b->buffer_length = (unsigned long)size;
	b->length = len;
	b->is_null = null;
}

void
db_bind_out_int(MYSQL_BIND *b, int *v, my_bool *null)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONG;
	b->buffer = v;
	b->is_null = null;
}

void
db_bind_out_i64(MYSQL_BIND *b, long long *v, my_bool *null)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
	b->is_null = null;
}

void
db_bind_out_time(MYSQL_BIND *b, MYSQL_TIME *t, my_bool *null)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_TIMESTAMP;
	b->buffer = t;
	b->is_null = null;
}

void
db_bind_in_time(MYSQL_BIND *b, MYSQL_TIME *t, int64_t us)
{
	struct civil_time c;
	int64_t sec = us / TIME_US, frac = us % TIME_US;

	memset(b, 0, sizeof(*b));
	memset(t, 0, sizeof(*t));
	if (frac < 0) {
		frac += TIME_US;
		sec--;
	}
	time_to_civil(sec, &c);
	t->year = (unsigned)c.year;
	t->month = (unsigned)c.month;
	t->day = (unsigned)c.day;
	t->hour = (unsigned)c.hour;
	t->minute = (unsigned)c.minute;
	t->second = (unsigned)c.second;
	t->second_part = (unsigned long)frac;
	t->time_type = MYSQL_TIMESTAMP_DATETIME;
	b->buffer_type = MYSQL_TYPE_DATETIME;
	b->buffer = t;
}

int64_t
db_time_us(const MYSQL_TIME *t, my_bool null)
{
	struct civil_time c;

	if (null)
		return DB_TIME_NULL;
	c.year = (int)t->year;
	c.month = (int)t->month;
	c.day = (int)t->day;
	c.hour = (int)t->hour;
	c.minute = (int)t->minute;
	c.second = (int)t->second;
	return time_from_civil(&c) * TIME_US + (int64_t)(t->second_part % TIME_US);
}

/* test-usage.c: the responder's usage table (bound, hours, merging, order, when due) and the usage routes' query (decoding, defaults, alignment, limits, 422 order). */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_usage.h"
#include "tap.h"
#include "timeutil.h"
#include "usage.h"

#define H	(3600LL * 1000000LL)
#define T0	(1767225600LL * 1000000LL)	/* 2026-01-01T00:00:00Z */

static struct usage_table table;
static struct usage_cell cells[USAGE_TABLE_MAX];
static struct valid_errors errs;

/* The errors as "key:message|key:message". */
static const char *
errors_text(void)
{
	static char buf[1024];
	size_t used = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < errs.n && used < sizeof(buf); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s:%s",
		    i > 0 ? "|" : "", errs.e[i].key, errs.e[i].message);
	return buf;
}

static void
test_table(void)
{
	unsigned n, i;
	uint64_t k;
	int full = 0;

	usage_clear(&table);
	is_int(usage_due_ms(&table, T0), -1, "an empty table is never due");
	ok(usage_add(&table, 7, 3, T0 + 5, USAGE_VALID, 1) == 0, "a count is added");
	ok(usage_add(&table, 7, 3, T0 + 10, USAGE_VALID, 2) == 0, "the same cell again");
	ok(usage_add(&table, 7, 3, T0 + H - 1, USAGE_REVOKED, 1) == 0, "another outcome");
	ok(usage_add(&table, 7, 3, T0 + H, USAGE_VALID, 1) == 0, "the next hour");
	ok(usage_add(&table, 2, 3, T0, USAGE_INVALID_SECRET, 1) == 0, "another key");
	ok(usage_add(&table, 0, 0, T0, USAGE_UNKNOWN_KEY, 1) == 0, "an unknown key");
	is_int(table.n, 5, "five cells");
	is_int(usage_due_ms(&table, T0 + 5), USAGE_FLUSH_AGE_US / 1000, "due USAGE_FLUSH_AGE_US after the oldest count");
	is_int(usage_due_ms(&table, T0 + 500000), USAGE_FLUSH_AGE_US / 1000 - 500, "half a second later, half a second less");
	is_int(usage_due_ms(&table, T0 + USAGE_FLUSH_AGE_US + 5), 0, "due after USAGE_FLUSH_AGE_US");
	ok(USAGE_FLUSH_AGE_US <= 2500000, "the age leaves half the contract's 5 s for writing");
	is_int(usage_due_ms(&table, T0 + 5000000), 0, "still due later");
	n = usage_snapshot(&table, cells);
	is_int(n, 5, "the snapshot holds every cell");
	ok(cells[0].key_id == 0 && cells[1].key_id == 2 && cells[2].key_id == 7 &&
	    cells[2].outcome == USAGE_VALID && cells[3].outcome == USAGE_REVOKED &&
	    cells[4].hour == cells[2].hour + 1, "ordered by key, hour, outcome");
	is_int(cells[2].count, 3, "counts of one cell add up");
	is_int(cells[2].hour, T0 / H, "hours since the epoch");
	is_int(cells[3].hour, T0 / H, "the last microsecond of an hour is in it");
	is_int(cells[2].user_id, 3, "the user is kept");
	is_int(table.n, 5, "a snapshot leaves the table as it was");
	usage_clear(&table);
	is_int(table.n, 0, "cleared");

	/* The bound: USAGE_TABLE_MAX cells, then a new one is refused and an
	 * existing one still counts. */
	for (k = 1; k <= USAGE_TABLE_MAX + 1; k++)
		if (usage_add(&table, k, 1, T0, USAGE_VALID, 1) != 0)
			full++;
	is_int(full, 1, "the cell past the bound is refused");
	is_int(table.n, USAGE_TABLE_MAX, "the table holds its bound");
	ok(usage_add(&table, 1, 1, T0, USAGE_VALID, 1) == 0, "a full table still counts a cell it has");
	n = usage_snapshot(&table, cells);
	is_int(n, USAGE_TABLE_MAX, "a full snapshot");
	for (i = 1; i < n && cells[i - 1].key_id < cells[i].key_id; i++)
		;
	is_int(i, n, "a full snapshot is ordered");
	is_int(cells[0].count, 2, "the cell counted twice");
	usage_clear(&table);
	/* Many hours and keys: the table never grows past its bound. */
	for (k = 0; k < 100000; k++) {
		if (usage_add(&table, k % 977, 1, T0 + (int64_t)(k % 50) * H,
		    (enum usage_outcome)(k % USAGE__MAX), 1) != 0)
			usage_clear(&table);
	}
	ok(table.n <= USAGE_TABLE_MAX, "100000 counts over many keys and hours stay bounded");
	is_str(usage_outcome_name(USAGE_FORBIDDEN_PERMISSIONS), "forbidden_permissions", "names");
	is_int(usage_outcome_parse("usage_exceeded"), USAGE_USAGE_EXCEEDED, "parse a name");
	is_int(usage_outcome_parse("nope"), -1, "an unknown name");
}

/* The process's two tables: verify's side never waits, the writer's side
 * takes one at a time, a full table is handed over, both full drop and
 * count, a stop hands over everything. */
static void
test_tables(void)
{
	struct usage_table *t, *t2;
	int64_t now = time_now_us();
	uint64_t k;
	unsigned long lost;

	usage_count(7, 3, now, USAGE_VALID);
	ok(usage_take(0) == NULL, "a table not yet due is not taken");
	t = usage_take(USAGE_NOW);
	ok(t != NULL && t->n == 1, "taken now: the one count");
	ok(usage_take(USAGE_NOW) == NULL, "one table is held at a time");
	usage_count(7, 3, now, USAGE_VALID);
	usage_done(t, 0);
	t = usage_take(USAGE_NOW);
	ok(t != NULL && t->n == 1 && t->slot[0].count + t->slot[1].count + t->slot[USAGE_TABLE_SLOTS - 1].count <= 1,
	    "a failed write is kept and taken again first");
	usage_done(t, 1);
	t = usage_take(USAGE_NOW);
	ok(t != NULL && t->n == 1, "then the table counted meanwhile");
	/* Held: verify fills the active table, then both are full. */
	for (k = 1; k <= USAGE_TABLE_MAX + 3; k++)
		usage_count(1000 + k, 1, now, USAGE_VALID);
	lost = usage_lost();
	is_int(lost, 3, "both tables full: the counts past them are dropped and counted");
	is_int(usage_lost(), 0, "usage_lost takes the figure");
	usage_done(t, 1);
	usage_count(1, 1, now, USAGE_VALID);
	t = usage_take(USAGE_NOW);
	ok(t != NULL && t->n == USAGE_TABLE_MAX, "the full table goes to the writer");
	usage_count(2, 1, now, USAGE_VALID);
	usage_done(t, 1);
	for (k = 1; k <= USAGE_TABLE_MAX; k++)
		usage_count(5000 + k, 1, now, USAGE_VALID);
	t = usage_take(0);
	ok(t != NULL && t->n == USAGE_TABLE_MAX, "a table that filled is handed over at once, not when due");
	t2 = usage_take(USAGE_NOW);
	ok(t2 == NULL, "while held, nothing more is taken");
	usage_done(t, 1);
	ok(!usage_stopping(), "not stopping");
	usage_stop();
	ok(usage_stopping(), "stopping");
	t = usage_take(USAGE_WAIT);
	ok(t != NULL && t->n == 2, "after a stop the waiting counts are taken at once");
	usage_done(t, 1);
	ok(usage_take(USAGE_WAIT) == NULL, "then nothing: the writer ends");
}

/* Parses q at T0 + 30 minutes; returns the result. */
static int
range(const char *q, struct usage_range *r)
{
	return usage_range_parse(q, T0 + H / 2, r, &errs);
}

static void
test_query(void)
{
	struct usage_range r;
	char out[16];

	ok(usage_query_decode("a%2Bb+c%zz%4", 12, out, sizeof(out)) == 0, "decode");
	is_str(out, "a+b c%zz%4", "percent, plus, and stray percent signs");
	ok(usage_query_decode("0123456789abcdefg", 17, out, sizeof(out)) != 0, "too long");

	ok(range(NULL, &r) == 0, "no query");
	is_int(r.n, 25, "the last 24 hours: 25 hourly buckets (now is mid-hour)");
	is_int(r.first, T0 / H - 24, "the first holds from");
	ok(range("granularity=day", &r) == 0 && r.day && r.n == 2, "a day back: two days");
	ok(range("from=2025-12-31T00:00:00Z&to=2026-01-01T00:00:00Z", &r) == 0 && r.n == 24 &&
	    r.first == T0 / H - 24, "to on a boundary: its bucket is not included");
	ok(range("from=2025-12-31T00:30:00%2B01:00&to=2025-12-31T01:00:00.000001Z", &r) == 0 &&
	    r.first == T0 / H - 25 && r.n == 3, "an offset, aligned to UTC hours");
	ok(range("to=2026-01-01T00:00:00Z&from=x&from=2025-12-31T23:00:00Z&x=1", &r) == 0 &&
	    r.n == 1, "the last of a repeated one; unknown ignored");
	ok(range("fr%6Fm=2025-12-31T23:00:00Z&to=2026-01-01T00:00:00Z", &r) == 0 && r.n == 1,
	    "names are decoded too");
	ok(range("from=&granularity=", &r) == 0 && r.n == 25, "empty values are none");
	ok(range("from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z", &r) == 0 && r.n == 744,
	    "744 hours are allowed");
	ok(range("from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:01Z", &r) != 0, "745 are not");
	is_str(errors_text(), "to:The to field must be at most 744 hours after from.", "its message");
	ok(range("from=2026-01-01T00:00:00Z&to=2027-02-05T00:00:00Z&granularity=day", &r) == 0 &&
	    r.n == 400, "400 days are allowed");
	ok(range("from=2026-01-01T00:00:00Z&to=2027-02-05T00:00:01Z&granularity=day", &r) != 0,
	    "401 are not");
	is_str(errors_text(), "to:The to field must be at most 400 days after from.", "its message");
	ok(range("from=bad&to=bad&granularity=week", &r) != 0, "all three wrong");
	is_str(errors_text(), "from:The from field must be a valid date.|"
	    "to:The to field must be a valid date.|"
	    "granularity:The selected granularity is invalid.", "in order from, to, granularity");
	ok(range("from=bad&to=2020-01-01T00:00:00Z", &r) != 0, "bad from, early to");
	is_str(errors_text(), "from:The from field must be a valid date.",
	    "after-from is checked only with a valid from");
	ok(range("from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", &r) != 0, "to equal to from");
	is_str(errors_text(), "to:The to field must be a date after from.", "its message");
	ok(range("from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&granularity=Hour", &r) != 0,
	    "granularity is case-sensitive");
	is_str(errors_text(), "granularity:The selected granularity is invalid.",
	    "no limit without a valid granularity");
	ok(range("from=2026-01-01T00:00:00+01:00", &r) != 0, "an unencoded + is a space");
	is_str(errors_text(), "from:The from field must be a valid date.", "invalid date");
	ok(range("from=2026-01-01T00:00:00", &r) != 0, "an offset is required");
	ok(range("from=2027-01-01T00:00:00Z", &r) != 0, "from after the default to (now)");
	is_str(errors_text(), "to:The to field must be a date after from.", "is an error of to");
}

int
main(void)
{
	test_table();
	test_tables();
	test_query();
	return tap_done();
}

/* admin_usage.c: apikeys-admin usage (a user's counts, or the service's with unknown keys) and the pruning of old counts. */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "admin_shared.h"
#include "admin_usage.h"
#include "api_usage.h"
#include "db_usage.h"
#include "timeutil.h"

#define HOURS_PER_DAY	24
#define QUERY_MAX	512

/* The command line of usage, read. */
struct usage_args {
	const char	*user;		/* NULL with --all */
	int		 all;
	int		 csv;
	char		 query[QUERY_MAX];	/* from, to, granularity, as a query */
};

/* Appends name=value to the query, percent-encoding what a query reads
 * otherwise ('+', '&', '%', '#', '='). */
static int
query_add(char *q, const char *name, const char *value)
{
	size_t used = strlen(q);
	int n = snprintf(q + used, QUERY_MAX - used, "%s%s=", used > 0 ? "&" : "", name);

	if (n < 0 || (size_t)n >= QUERY_MAX - used)
		return -1;
	used += (size_t)n;
	for (; *value != '\0'; value++) {
		n = strchr("+&%#=", *value) != NULL ?
		    snprintf(q + used, QUERY_MAX - used, "%%%02X", (unsigned char)*value) :
		    snprintf(q + used, QUERY_MAX - used, "%c", *value);
		if (n < 0 || (size_t)n >= QUERY_MAX - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}

/* Reads EMAIL|--all [--from T] [--to T] [--granularity G] [--csv]; -1 if
 * the line is wrong (checked again by the range's rules). */
static int
args_read(int nargs, char **args, struct usage_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < nargs; i++) {
		if (strcmp(args[i], "--csv") == 0 && !a->csv)
			a->csv = 1;
		else if (strcmp(args[i], "--all") == 0 && !a->all && a->user == NULL)
			a->all = 1;
		else if ((strcmp(args[i], "--from") == 0 || strcmp(args[i], "--to") == 0 ||
		    strcmp(args[i], "--granularity") == 0) && i + 1 < nargs) {
			if (query_add(a->query, args[i] + 2, args[i + 1]) != 0)
				return -1;
			i++;
		} else if (args[i][0] != '-' && a->user == NULL && !a->all)
			a->user = args[i];
		else
			return -1;
	}
	/* --all prints totals only: no buckets, no CSV. */
	if (a->all && (a->csv || strstr(a->query, "granularity=") != NULL))
		return -1;
	return a->all || a->user != NULL ? 0 : -1;
}

int
admin_usage_args_ok(int nargs, char **args)
{
	static struct valid_errors errs;
	struct usage_args a;
	struct usage_range r;
	unsigned i;

	if (args_read(nargs, args, &a) != 0)
		return 0;
	if (usage_range_parse(a.query, time_now_us(), &r, &errs) != 0) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "apikeys-admin: usage: %s\n", errs.e[i].message);
		return 0;
	}
	return 1;
}

/* What the rows of a read print. */
struct printer {
	const struct usage_range *r;
	int		csv;
	uint64_t	key;		/* the row being gathered (plain text) */
	uint32_t	bucket;
	int		open;
	uint64_t	counts[USAGE__MAX];
	uint64_t	total[USAGE__MAX];
};

static void
print_start(uint32_t bucket, const struct usage_range *r)
{
	char t[TIME_LARAVEL_LEN + 1];

	if (time_format_laravel_us((int64_t)bucket * r->bucket_us, t) != 0)
		snprintf(t, sizeof(t), "-");
	fputs(t, stdout);
}

static void
line_flush(struct printer *p)
{
	unsigned o;

	if (!p->open)
		return;
	printf("%llu\t", (unsigned long long)p->key);
	print_start(p->bucket, p->r);
	for (o = 0; o < USAGE_KEY_OUTCOMES; o++)
		printf("\t%llu", (unsigned long long)p->counts[o]);
	putchar('\n');
	memset(p->counts, 0, sizeof(p->counts));
	p->open = 0;
}

static int
print_row(void *ctx, const struct db_usage_row *row)
{
	struct printer *p = ctx;

	if (row->count == 0 || row->outcome >= USAGE__MAX)
		return 0;
	p->total[row->outcome] += row->count;
	if (p->csv) {
		printf("%llu,", (unsigned long long)row->key_id);
		print_start(row->bucket, p->r);
		printf(",%s,%llu\n", usage_outcome_name((enum usage_outcome)row->outcome),
		    (unsigned long long)row->count);
		return 0;
	}
	if (p->open && (p->key != row->key_id || p->bucket != row->bucket))
		line_flush(p);
	p->open = 1;
	p->key = row->key_id;
	p->bucket = row->bucket;
	p->counts[row->outcome] += row->count;
	return 0;
}

static int
sum_row(void *ctx, const struct db_usage_row *row)
{
	struct printer *p = ctx;

	if (row->outcome < USAGE__MAX)
		p->total[row->outcome] += row->count;
	return 0;
}

int
admin_usage(struct db *db, int nargs, char **args)
{
	static struct valid_errors errs;
	static struct printer p;
	struct usage_args a;
	struct usage_range r;
	uint64_t uid = 0;
	int64_t per, from_h, to_h;
	unsigned o;

	if (args_read(nargs, args, &a) != 0 ||
	    usage_range_parse(a.query, time_now_us(), &r, &errs) != 0)
		return admin_fail("wrong arguments for usage (try apikeys-admin help)") + 1;
	if (!a.all && admin_find_user(db, a.user, &uid) != 0)
		return 1;
	per = r.bucket_us / USAGE_HOUR_US;
	from_h = r.first * per;
	to_h = (r.first + r.n) * per;
	if (from_h < 0)
		from_h = 0;
	if (to_h < 0)
		to_h = 0;
	if (to_h > (int64_t)UINT32_MAX)
		to_h = UINT32_MAX;
	memset(&p, 0, sizeof(p));
	p.r = &r;
	p.csv = a.csv;
	if (a.csv)
		puts("key_id,start,outcome,count");
	else if (!a.all) {
		printf("key_id\tstart");
		for (o = 0; o < USAGE_KEY_OUTCOMES; o++)
			printf("\t%s", usage_outcome_name((enum usage_outcome)o));
		putchar('\n');
	}
	if (db_usage_read(db, a.all ? DB_USAGE_SERVICE : DB_USAGE_USER_ALL, uid,
	    (uint32_t)from_h, (uint32_t)to_h, (unsigned)per,
	    a.all ? sum_row : print_row, &p) != DB_OK)
		return admin_fail("cannot read the usage (see above)");
	if (a.all) {
		/* The service's totals, unknown keys last. */
		for (o = 0; o < USAGE__MAX; o++)
			printf("%s %llu\n", usage_outcome_name((enum usage_outcome)o),
			    (unsigned long long)p.total[o]);
		return 0;
	}
	line_flush(&p);
	return 0;
}

int
admin_usage_prune(struct db *db, unsigned days)
{
	unsigned long long n = 0;
	int64_t now_h = time_now_us() / USAGE_HOUR_US;
	int64_t before = now_h - (int64_t)days * HOURS_PER_DAY;

	if (before <= 0)
		return 0;
	if (db_usage_prune(db, (uint32_t)before, &n) != DB_OK)
		return admin_fail("cannot prune the usage counts (see above)");
	/* Said only when there were some: prune's one line stays as it was. */
	if (n > 0)
		printf("deleted %llu usage rows older than %u days\n", n, days);
	return 0;
}

/* bucket-oracle.c: the fake database's token bucket against the real statements: "sql UID" prints the cases as SQL for the server (SQL_KEY_BUCKET_MICRO and SQL_KEY_SPEND of db_sql.h, at a fixed NOW(6)); "check" reads the server's answers on stdin and compares the fake's, as TAP (tests/bucket-oracle.test). */
#include "ac-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_keys.h"
#include "db_settings.h"
#include "db_sql.h"
#include "fake-db.h"
#include "tap.h"
#include "timeutil.h"

/* NOW(6) of every case: 2026-06-01T12:00:00.123456Z. */
#define NOW_US		1780315200123456LL
/* SQL_KEY_SPEND's answer: (remaining_uses * 2^21 + whole uses left) * 2 + 1. */
#define SPEND_BUCKET_BITS	21
#define RANDOM_CASES	200
#define CASES_MAX	(RANDOM_CASES + 32)

struct bucket_case {
	unsigned	limit, window;
	int		null;		/* bucket never spent: NULL */
	double		tokens;		/* bucket_tokens */
	long long	elapsed;	/* NOW(6) - bucket_at, microseconds */
	int		has_remaining;
	unsigned long long remaining;
};

/* Cases chosen where a careless copy goes wrong: division order, a clock
 * behind bucket_at, the cap, levels a hair under 1, credits beside. */
static const struct bucket_case fixed[] = {
	{ 5, 60, 1, 0, 0, 0, 0 },
	{ 1, 3, 0, 0, 1995, 0, 0 },
	{ 1, 3, 0, 0, 28914, 0, 0 },
	{ 2, 7, 0, 0.5, 1234567, 0, 0 },
	{ 1, 60, 0, 1.0, -10000000, 0, 0 },
	{ 10, 60, 0, 0.9999999, 0, 0, 0 },
	{ 3, 1, 0, 0.25, 10000000, 0, 0 },
	{ 1000, 86400, 0, 2.75, 3600000000LL, 0, 0 },
	{ 7, 11, 0, 0, 1571429, 0, 0 },
	{ 3, 7, 0, 0, 2333333, 0, 0 },
	{ 4, 9, 0, 1.5, 500000, 1, 5 },
	{ 100000, 1, 0, 0, 604800000000LL, 0, 0 },
};

static struct bucket_case cases[CASES_MAX];
static size_t ncases;
static unsigned long long seed = 20261207;

/* A fixed pseudo-random sequence: the same cases on every run. */
static unsigned long long
rnd(unsigned long long n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (seed >> 33) % n;
}

static void
make_cases(void)
{
	struct bucket_case *c;
	size_t i;

	memcpy(cases, fixed, sizeof(fixed));
	ncases = sizeof(fixed) / sizeof(fixed[0]);
	for (i = 0; i < RANDOM_CASES; i++) {
		c = &cases[ncases++];
		c->limit = 1 + (unsigned)rnd(1000);
		c->window = 1 + (unsigned)rnd(86400);
		c->null = rnd(10) == 0;
		c->tokens = (c->limit - 1) * ((double)rnd(1000003) / 1000003.0);
		c->elapsed = (long long)rnd(3ULL * c->window * 1000000) - 5000000;
		c->has_remaining = rnd(4) == 0;
		c->remaining = rnd(10);
	}
}

/* Prints a time in microseconds as seconds with six decimals. */
static void
print_seconds(long long us)
{
	printf("%lld.%06lld", us / 1000000, us % 1000000);
}

/* Prints s as the body of a single-quoted SQL string. */
static void
print_quoted(const char *s)
{
	for (; *s != '\0'; s++)
		printf(*s == '\'' ? "''" : *s == '\\' ? "\\\\" : "%c", *s);
}

static void
print_sql(const char *uid)
{
	const struct bucket_case *c;
	size_t i;

	printf("SET time_zone = '+00:00';\nSET @c = 1;\nPREPARE spend FROM '");
	print_quoted(SQL_KEY_SPEND);
	printf("';\n");
	for (i = 0; i < ncases; i++) {
		c = &cases[i];
		printf("INSERT INTO api_keys (user_id, `key`, secret_hash, permissions, rate_limit, "
		    "rate_window, bucket_tokens, bucket_at, remaining_uses, created_at, updated_at) "
		    "VALUES (%s, 'MTP_KEY_bucket%04zu', REPEAT('a', 64), '[]', %u, %u, ",
		    uid, i, c->limit, c->window);
		if (c->null)
			printf("NULL, NULL, ");
		else {
			/* A DOUBLE literal (an exponent), read back bit for bit. */
			printf("%.17e, FROM_UNIXTIME(", c->tokens);
			print_seconds(NOW_US - c->elapsed);
			printf("), ");
		}
		if (c->has_remaining)
			printf("%llu", c->remaining);
		else
			printf("NULL");
		printf(", NOW(), NOW());\nSET @id = LAST_INSERT_ID();\nSET TIMESTAMP = ");
		print_seconds(NOW_US);
		printf(";\nSELECT 'before', %zu, CAST(%s AS SIGNED) FROM api_keys WHERE id = @id;\n",
		    i, SQL_KEY_BUCKET_MICRO);
		printf("DO LAST_INSERT_ID(0);\nEXECUTE spend USING @c, @id, @c;\n");
		printf("SELECT 'spend', %zu, LAST_INSERT_ID();\n", i);
		printf("SELECT 'after', %zu, CAST(%s AS SIGNED) FROM api_keys WHERE id = @id;\n",
		    i, SQL_KEY_BUCKET_MICRO);
		printf("SET TIMESTAMP = DEFAULT;\n");
	}
}

/* The fake's answers for case c: bucket_micro before, the spending as
 * SQL_KEY_SPEND's LAST_INSERT_ID (0: refused), bucket_micro after. */
static void
fake_answers(size_t i, long long out[3])
{
	const struct bucket_case *c = &cases[i];
	struct db_key k, got;
	uint64_t left_uses, left_bucket;
	int spent;

	fake_db_reset();
	fake_db_set_now(NOW_US);
	memset(&k, 0, sizeof(k));
	k.id = 1;
	k.user_id = 1;
	snprintf(k.key, sizeof(k.key), "MTP_KEY_bucket%04zu", i);
	snprintf(k.permissions, sizeof(k.permissions), "[]");
	k.expires_at = k.last_used_at = k.revoked_at = DB_TIME_NULL;
	k.created_at = k.updated_at = NOW_US;
	k.rate_limit = c->limit;
	k.rate_window = c->window;
	k.has_remaining = c->has_remaining;
	k.remaining_uses = c->remaining;
	fake_db_add_key(&k);
	if (!c->null)
		fake_db_bucket_set(1, c->tokens, NOW_US - c->elapsed);
	out[0] = out[1] = out[2] = -1;
	if (db_key_by_value(NULL, k.key, &got) == DB_OK)
		out[0] = got.bucket_micro;
	if (db_key_spend(NULL, 1, 1, &spent, &left_uses, &left_bucket) == DB_OK)
		out[1] = !spent ? 0 : (long long)(((left_uses << SPEND_BUCKET_BITS) +
		    left_bucket) * 2 + 1);
	if (db_key_by_value(NULL, k.key, &got) == DB_OK)
		out[2] = got.bucket_micro;
}

static int
check(void)
{
	static const char *const kinds[3] = { "before", "spend", "after" };
	long long sql[CASES_MAX][3], fake[3], v;
	char kind[16], desc[160];
	size_t i, j, got = 0, n;
	int seen[CASES_MAX][3];

	memset(seen, 0, sizeof(seen));
	while (scanf("%15s %zu %lld", kind, &n, &v) == 3) {
		for (j = 0; j < 3 && strcmp(kind, kinds[j]) != 0; j++)
			;
		if (j == 3 || n >= ncases || seen[n][j])
			continue;
		sql[n][j] = v;
		seen[n][j] = 1;
		got++;
	}
	is_int((long long)got, (long long)ncases * 3, "the server answered every case");
	for (i = 0; i < ncases; i++) {
		const struct bucket_case *c = &cases[i];

		fake_answers(i, fake);
		snprintf(desc, sizeof(desc), "case %zu (limit %u per %u s, bucket %s%.17g, "
		    "%lld us since): before, spending, after", i, c->limit, c->window,
		    c->null ? "NULL " : "", c->tokens, c->elapsed);
		for (j = 0; j < 3; j++)
			if (!seen[i][j] || sql[i][j] != fake[j])
				break;
		ok(j == 3, desc);
		if (j < 3)
			printf("#   %s: server %lld, fake %lld\n", kinds[j],
			    seen[i][j] ? sql[i][j] : -1, fake[j]);
	}
	return tap_done();
}

int
main(int argc, char *argv[])
{
	make_cases();
	if (argc == 3 && strcmp(argv[1], "sql") == 0) {
		print_sql(argv[2]);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "check") == 0)
		return check();
	fprintf(stderr, "usage: bucket-oracle sql UID | bucket-oracle check\n");
	return 2;
}

/* db-ceiling.c: the benchmark's database ceiling: the SQL of show and of generate (its CALL and COMMIT), and the floor of a durable write (one audit row, committed), issued by a C loop straight to MariaDB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

/* The statements the responder prepares, from the one place they are
 * written (src/db_sql.h). */
#include "db_sql.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static MYSQL_STMT *
prep(MYSQL *c, const char *sql)
{
	MYSQL_STMT *st = mysql_stmt_init(c);

	if (st == NULL || mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		fprintf(stderr, "db-ceiling: prepare: %s\n", mysql_error(c));
		exit(1);
	}
	return st;
}

/* A statement of two u64 parameters, a and b (show's read, the floor's
 * insert): binds them, executes, reads the answer. */
static void
run2(MYSQL_STMT *st, unsigned long long *a, unsigned long long *b)
{
	MYSQL_BIND p[2];
	int i;

	memset(p, 0, sizeof(p));
	for (i = 0; i < 2; i++) {
		p[i].buffer_type = MYSQL_TYPE_LONGLONG;
		p[i].is_unsigned = 1;
		p[i].buffer = i == 0 ? a : b;
	}
	if (mysql_stmt_bind_param(st, p) != 0 || mysql_stmt_execute(st) != 0) {
		fprintf(stderr, "db-ceiling: execute: %s\n", mysql_stmt_error(st));
		exit(1);
	}
	mysql_stmt_store_result(st);
	mysql_stmt_free_result(st);
}

/* Generate's CALL (user, key, secret hash, hint, actor, address, OUT id),
 * its answer read to the end; the caller commits. */
static int
generate(MYSQL_STMT *st, unsigned long long *id, const char *key)
{
	static const char hash[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	const char *s[5] = { key, hash, "abcd", "token:1", "127.0.0.1" };
	MYSQL_BIND p[7];
	int i;

	memset(p, 0, sizeof(p));
	p[0].buffer_type = MYSQL_TYPE_LONGLONG;
	p[0].is_unsigned = 1;
	p[0].buffer = id;
	for (i = 0; i < 5; i++) {
		p[i + 1].buffer_type = MYSQL_TYPE_STRING;
		p[i + 1].buffer = (void *)s[i];
		p[i + 1].buffer_length = strlen(s[i]);
	}
	p[6].buffer_type = MYSQL_TYPE_NULL;	/* OUT */
	if (mysql_stmt_bind_param(st, p) != 0 || mysql_stmt_execute(st) != 0) {
		if (mysql_stmt_errno(st) == 1213)
			return -1;	/* a deadlock: the caller retries, as the responder does */
		fprintf(stderr, "db-ceiling: call: %s\n", mysql_stmt_error(st));
		exit(1);
	}
	do {
		mysql_stmt_store_result(st);
		mysql_stmt_free_result(st);
	} while (mysql_stmt_next_result(st) == 0);
	return 0;
}

/* The floor of any write: one row of the audit trail, with no other
 * index, trigger or routine than the table's own, committed on its own
 * (autocommit): a durable write costs MariaDB at least this. */
#define SQL_FLOOR_INSERT \
	"INSERT INTO api_key_events (key_id, user_id, action, actor, ip, details, created_at) " \
	"VALUES (?, ?, 'created', 'db-ceiling', NULL, NULL, NOW(6))"

/* usage: db-ceiling show|generate|insert SOCKET USER PASSWORD DB USERS SECONDS;
 * prints the rate and the count */
int
main(int argc, char **argv)
{
	MYSQL *c;
	MYSQL_STMT *st, *gen, *ins;
	unsigned long long n = 0, users, offset, id, kid;
	double t0, secs;
	char key[96];

	if (argc != 8)
		return 2;
	users = strtoull(argv[6], NULL, 10);
	/* Generate works on its own users (BENCH_OFFSET), never show's. */
	offset = getenv("BENCH_OFFSET") ? strtoull(getenv("BENCH_OFFSET"), NULL, 10) : 0;
	secs = atof(argv[7]);
	c = mysql_init(NULL);
	if (!mysql_real_connect(c, NULL, argv[3], argv[4], argv[5], 0, argv[2], 0)) {
		fprintf(stderr, "db-ceiling: connect: %s\n", mysql_error(c));
		return 1;
	}
	mysql_query(c, "SET time_zone = '+00:00'");
	st = prep(c, SQL_TOKEN_KEY_BY_ID);
	gen = prep(c, SQL_GENERATE);
	ins = prep(c, SQL_FLOOR_INSERT);
	n = (unsigned long long)getpid() * 7919;	/* clients start apart */
	t0 = now();
	while (now() - t0 < secs) {
		id = 1 + offset + n % users;
		kid = id;
		if (strcmp(argv[1], "show") == 0)
			run2(st, &kid, &id);
		else if (strcmp(argv[1], "insert") == 0)
			run2(ins, &kid, &id);
		else {
			snprintf(key, sizeof(key), "MTP_KEY_ceiling_%llu_%llu", id, n);
			if (generate(gen, &id, key) != 0 || mysql_commit(c) != 0) {
				mysql_rollback(c);
				continue;
			}
		}
		n++;
	}
	n -= (unsigned long long)getpid() * 7919;
	printf("%.0f %llu\n", n / (now() - t0), n);
	mysql_close(c);
	return 0;
}

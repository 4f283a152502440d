/* db-ceiling.c: the benchmark's database ceiling: the SQL of show and of generate, issued by a C loop straight to MariaDB. */
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

/* Binds u64 parameters a (and b when two) and the string k (when the
 * statement has three or four), then executes. */
static int
run(MYSQL_STMT *st, unsigned long long *a, unsigned long long *b, const char *k, int fetch)
{
	MYSQL_BIND p[4];
	unsigned long np = mysql_stmt_param_count(st), i;

	memset(p, 0, sizeof(p));
	for (i = 0; i < np && i < 4; i++) {
		if (i == 0 || (i == 1 && k == NULL)) {
			p[i].buffer_type = MYSQL_TYPE_LONGLONG;
			p[i].is_unsigned = 1;
			p[i].buffer = i == 0 ? a : b;
		} else {
			const char *v = i == 3 ? "abcd" : k;	/* the hint is short */

			p[i].buffer_type = MYSQL_TYPE_STRING;
			p[i].buffer = (void *)v;
			p[i].buffer_length = strlen(v);
		}
	}
	if (mysql_stmt_bind_param(st, p) != 0 || mysql_stmt_execute(st) != 0) {
		if (mysql_stmt_errno(st) == 1213)
			return -1;	/* a deadlock: the caller retries, as the responder does */
		fprintf(stderr, "db-ceiling: execute: %s\n", mysql_stmt_error(st));
		exit(1);
	}
	if (fetch) {
		mysql_stmt_store_result(st);
		mysql_stmt_free_result(st);
	}
	return 0;
}

/* usage: db-ceiling show|generate SOCKET USER PASSWORD DB USERS SECONDS */
int
main(int argc, char **argv)
{
	MYSQL *c;
	MYSQL_STMT *st, *lock, *del, *ins;
	unsigned long long n = 0, users, offset, id, kid, none = 0;
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
	lock = prep(c, SQL_USER_LOCK);
	del = prep(c, SQL_KEYS_DELETE_USER);
	ins = prep(c, SQL_KEY_INSERT);
	n = (unsigned long long)getpid() * 7919;	/* clients start apart */
	t0 = now();
	while (now() - t0 < secs) {
		id = 1 + offset + n % users;
		kid = id;
		if (strcmp(argv[1], "show") == 0)
			run(st, &kid, &id, NULL, 1);
		else {
			/* generate's transaction, statement for statement */
			snprintf(key, sizeof(key), "MTP_KEY_ceiling_%llu_%llu", id, n);
			mysql_query(c, "START TRANSACTION");
			if (run(lock, &id, &none, NULL, 1) != 0 || run(del, &id, &none, NULL, 0) != 0 ||
			    run(ins, &id, &none, key, 0) != 0) {
				mysql_rollback(c);
				continue;
			}
			mysql_commit(c);
		}
		n++;
	}
	printf("%.0f\n", (n - (unsigned long long)getpid() * 7919) / (now() - t0));
	mysql_close(c);
	return 0;
}

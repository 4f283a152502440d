/* test-deliver-yield.c: how apikeys-admin deliver ends when its searches keep losing to another run (two Galera nodes): after 101 losses in a row it ends as done, with its line; a delivery taken between losses starts the count again; a database error still fails the run. The database layer of the delivery run is faked here (db_deliver.h): the loss it stands for needs a Galera brute-force abort on a SELECT, which no test can force. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin_deliver.h"
#include "config.h"
#include "db_deliver.h"
#include "tap.h"

/* The fake: each call of db_deliver_next takes the next step of script. */
enum step { LOST = 'l', SKIP = 's', END = 'e', FAIL = 'f' };
static const char *script;
static size_t calls;

enum db_status
db_deliver_find_notices(struct db *db, unsigned days, unsigned long long *found)
{
	(void)db;
	(void)days;
	*found = 0;
	return DB_OK;
}

enum db_status
db_deliver_next(struct db *db, uint64_t *after_id, int all, db_deliver_cb *send, void *ctx,
    enum db_outcome *what)
{
	char s = script[calls];

	(void)db;
	(void)all;
	(void)send;
	(void)ctx;
	calls++;
	switch (s) {
	case LOST:
		*what = DB_DELIVERY_NONE;	/* lost before a row was taken */
		return DB_OK;
	case SKIP:
		*what = DB_DELIVERY_SKIPPED;	/* a row, claimed by the other run at once */
		(*after_id)++;
		return DB_OK;
	case FAIL:
		return DB_ERROR;
	default:
		return DB_NOT_FOUND;	/* nothing left (END, or past the script) */
	}
}

enum db_status
db_deliver_prune(struct db *db, unsigned days, unsigned long long *deliveries,
    unsigned long long *events)
{
	(void)db;
	(void)days;
	*deliveries = *events = 0;
	return DB_OK;
}

/* Runs deliver over the script; its summary line (stdout) into line. */
static int
run(const char *s, char *line, size_t size)
{
	struct config cfg;
	FILE *tmp = tmpfile();
	int saved, rc;
	size_t n;

	memset(&cfg, 0, sizeof(cfg));
	script = s;
	calls = 0;
	line[0] = '\0';
	if (tmp == NULL)
		return -1;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fileno(tmp), STDOUT_FILENO);
	rc = admin_deliver(NULL, &cfg, 0);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(line, 1, size - 1, tmp);
	line[n] = '\0';
	fclose(tmp);
	return rc;
}

#define LINE	"notices 0, delivered 0, retrying 0, failed 0"
#define ENDED	", ended after 101 searches lost to another run"

/* Each case: its steps (up to three runs of one step), how the run ends,
 * after how many searches, and its summary line (printed on failure too). */
static const struct {
	const char	*what;
	struct { char step; size_t n; } runs[3];
	int		 exit;
	size_t		 calls;
	const char	*line;
} cases[] = {
	{ "100 lost searches in a row, then nothing left: done, the line says nothing of them",
	  { { LOST, 100 }, { END, 1 } }, 0, 101, LINE "\n" },
	{ "101 lost searches in a row: done (exit 0, not an error) at the 101st, and said",
	  { { LOST, 200 } }, 0, 101, LINE ENDED "\n" },
	{ "60 losses, a row taken, then losses: the count begins again after the row",
	  { { LOST, 60 }, { SKIP, 1 }, { LOST, 200 } }, 0, 60 + 1 + 101,
	  LINE ", skipped 1 (claimed by another run at once)" ENDED "\n" },
	{ "10 losses, then a database error: the run fails at the error",
	  { { LOST, 10 }, { FAIL, 1 } }, 1, 11, LINE "\n" },
};

int
main(void)
{
	char s[512], line[512], desc[160];
	size_t i, j, at;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (at = 0, j = 0; j < 3 && cases[i].runs[j].n > 0; j++) {
			memset(s + at, cases[i].runs[j].step, cases[i].runs[j].n);
			at += cases[i].runs[j].n;
		}
		s[at] = '\0';
		rc = run(s, line, sizeof(line));
		snprintf(desc, sizeof(desc), "%s: exit %d", cases[i].what, cases[i].exit);
		is_int(rc, cases[i].exit, desc);
		snprintf(desc, sizeof(desc), "%s: after %zu searches", cases[i].what, cases[i].calls);
		is_int(calls, cases[i].calls, desc);
		snprintf(desc, sizeof(desc), "%s: its line", cases[i].what);
		is_str(line, cases[i].line, desc);
	}
	return tap_done();
}

/* db-session.c: the connections as the responder and the admin tool open them, on a real MariaDB (tests/db-session.test): every statement prepares; only the admin tool's takes several statements in one text; generate's CALL on the responder's; a statement first used on a connection that died is prepared on a new one (TAP). */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db_driver.h"
#include "db_generate.h"
#include "db_keys.h"
#include "unit/tap.h"

#define TWO_STATEMENTS	"SELECT 1; SELECT 2"
#define ER_PARSE	1064	/* the server's syntax error */

/* Sends TWO_STATEMENTS as one text query and reads every answer; returns
 * the server's error number, 0 when both ran. */
static unsigned
send_two(struct db *db)
{
	MYSQL_RES *r;
	int more;

	if (mysql_real_query(db->conn, TWO_STATEMENTS, strlen(TWO_STATEMENTS)) != 0)
		return mysql_errno(db->conn);
	do {
		if ((r = mysql_store_result(db->conn)) != NULL)
			mysql_free_result(r);
	} while ((more = mysql_next_result(db->conn)) == 0);
	return more > 0 ? mysql_errno(db->conn) : 0;
}

/* usage: db-session USER_ID (a user of the database, with no keys) */
int
main(int argc, char **argv)
{
	struct config cfg;
	struct db *responder, *admin;
	struct db_actor actor = { "token:1", "192.0.2.1" };
	char err[256], desc[160];
	uint64_t user, id1 = 0, id2 = 0, id3 = 0;
	unsigned e;

	if (argc != 2) {
		printf("Bail out! usage: db-session USER_ID\n");
		return 1;
	}
	user = strtoull(argv[1], NULL, 10);

	if (config_load(&cfg, 1, err, sizeof(err)) != CONFIG_OK) {
		printf("Bail out! settings: %s\n", err);
		return 1;
	}
	/* As main.c opens it (statements are prepared on first use); then
	 * every statement of db_sql.h prepared at once, so that every
	 * migration, the procedure of 007 included, is known to be there. */
	responder = db_open(&cfg, 0);
	ok(responder != NULL && db_connect(responder) == DB_OK,
	    "the responder's connection opens");
	ok(responder != NULL && db_prepare_all(responder) == DB_OK,
	    "every statement of db_sql.h prepares against the migrated schema");
	e = responder != NULL && responder->conn != NULL ? send_two(responder) : 0;
	snprintf(desc, sizeof(desc), "the responder's connection refuses a text of two "
	    "statements (error %u, want %u)", e, ER_PARSE);
	ok(e == ER_PARSE, desc);
	/* Generate's CALL on that connection, again (the connection must be
	 * ready for the next statement after its answer), and for a user who
	 * is not there. */
	ok(db_key_replace(responder, user, "MTP_KEY_session1", "00", "0001", &actor, &id1) ==
	    DB_OK && id1 > 0, "generate's CALL answers the new key's id");
	ok(db_key_replace(responder, user, "MTP_KEY_session2", "00", "0002", &actor, &id2) ==
	    DB_OK && id2 > id1, "and a second one on the same connection, a newer id");
	actor.ip = NULL;
	ok(db_key_replace(responder, user + 1000000, "MTP_KEY_session3", "00", "0003", &actor,
	    &id3) == DB_NOT_FOUND && id3 == 0, "a user who is not there: DB_NOT_FOUND");
	/* A second responder connection, used once (one statement prepared),
	 * then killed by the server while idle: a read whose statement it
	 * never prepared is prepared and run on a new connection, not
	 * answered "unavailable". */
	{
		static struct db_key k;
		struct db *r2 = db_open(&cfg, 0);
		struct db_token t;
		char kill[64];
		unsigned long tid = 0;

		ok(r2 != NULL && db_token_by_id(r2, 0, &t) == DB_NOT_FOUND && r2->conn != NULL,
		    "a second connection runs its first statement");
		if (r2 != NULL && r2->conn != NULL)
			tid = mysql_thread_id(r2->conn);
		snprintf(kill, sizeof(kill), "KILL CONNECTION %lu", tid);
		ok(tid > 0 && responder != NULL && db_text_exec(responder, kill, NULL, NULL) == DB_OK,
		    "the server kills it while it is idle");
		ok(r2 != NULL && db_key_by_value(r2, "MTP_KEY_session2", &k) == DB_OK && k.id == id2,
		    "a read first used after that: prepared on a new connection, answered");
		ok(r2 != NULL && r2->conn != NULL && mysql_thread_id(r2->conn) != tid,
		    "and it was a new connection (the killed one was not used)");
		db_close(r2);
	}
	/* The admin tool's connection (migrations are files of statements). */
	admin = db_open(&cfg, DB_FLAG_ADMIN | DB_FLAG_LAZY);
	ok(admin != NULL && db_connect(admin) == DB_OK, "the admin tool's connection opens");
	e = admin != NULL && admin->conn != NULL ? send_two(admin) : 1;
	snprintf(desc, sizeof(desc), "the admin tool's connection runs a text of two "
	    "statements (error %u)", e);
	ok(e == 0, desc);
	db_close(responder);
	db_close(admin);
	config_wipe(&cfg);
	return tap_done();
}

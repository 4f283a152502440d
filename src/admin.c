/* admin.c: apikeys-admin, the operator's tool: its command line and dispatch, schema migrations, users and tokens (keys: admin_keys.c, scanner: admin_scan.c). */
#include "ac-config.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_deliver.h"
#include "admin_events.h"
#include "admin_keys.h"
#include "admin_scan.h"
#include "admin_shared.h"
#include "admin_usage.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "db_admin.h"
#include "log.h"
#include "number.h"
#include "timeutil.h"

#ifndef APIKEYS_MIGRATIONS_DIR
#define APIKEYS_MIGRATIONS_DIR "/usr/local/share/apikeys/sql/migrations"
#endif

#define MIGRATIONS_MAX	1000
#define SQL_FILE_MAX	(1024 * 1024)
#define TOKEN_RANDOM	48
#define PRUNE_DAYS	30		/* prune's default age */
#define PRUNE_DAYS_MAX	36500

/*
 * The commands: what "help" prints for each (its arguments, then what it
 * does, "\n" between lines) and how many arguments each takes (options
 * included), so that a wrong command line exits 2 before any connection
 * is tried.  help is printed from this table alone: a command added here
 * cannot be missing from it.
 */
static const struct command {
	const char *name, *args, *what;
	int min_args, max_args;
} commands[] = {
	{ "migrate", "[--dir DIR]", "apply the numbered SQL files not yet applied", 0, 2 },
	{ "user-add", "EMAIL [NAME] [--verified]", "add a user; prints its id", 1, 3 },
	{ "token-issue", "USER [--name NAME] [--expires-days N]",
	    "issue a bearer token for USER (id or email);\nprints it once, as id|plaintext",
	    1, 5 },
	{ "token-revoke", "TOKEN_ID", "delete a bearer token", 1, 1 },
	{ "keys-list", "USER", "list a user's keys (never a secret)", 1, 1 },
	{ "key-revoke", "KEY_ID", "revoke one key, whoever owns it", 1, 1 },
	{ "keys-revoke-user", "USER", "revoke every key of a user (compromised account)",
	    1, 1 },
	{ "events", "USER", "a user's key events, newest first, deleted keys too", 1, 1 },
	{ "db-status", "", "connect as the service does; print the TLS cipher", 0, 0 },
	{ "prune", "[--older-than DAYS]", "delete the keys revoked or expired more than\n"
	    "DAYS (1 to 36500, default 30) days ago, the\n"
	    "webhook deliveries done that long ago, and the\n"
	    "usage counts older than APIKEYS_USAGE_DAYS", 0, 2 },
	{ "keys-legacy-count", "", "print how many live keys lack a valid checksum",
	    0, 0 },
	{ "scan", "[--revoke] [--] [FILE...]", "print the keys and secrets found in FILEs\n"
	    "(standard input for none or -; directories\nrecursively); "
	    "exit 1 if one is live; --revoke\nrevokes the live ones", 0, 1 << 30 },
	{ "usage", "USER|--all [--from T] [--to T] [--granularity hour|day] [--csv]",
	    "a user's verify outcomes per key and hour or day;\n"
	    "--all: the service's totals per outcome, unknown\nkeys too", 1, 8 },
	{ "deliver", "[--all-pending]", "send the webhook deliveries that are due\n"
	    "(--all-pending: every pending one now)", 0, 1 },
	{ "help", "", "this text", 0, 0 },
};

#define HELP_COLUMN	31	/* where the description of a command starts */

/* Prints help to f: every command of the table, then the settings. */
static void
print_help(FILE *f)
{
	const struct command *c;
	const char *line, *nl;
	size_t i;
	int used;

	fputs("usage: apikeys-admin COMMAND [ARGS]\n\n", f);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		c = &commands[i];
		used = fprintf(f, "  %s%s%s", c->name, c->args[0] != '\0' ? " " : "", c->args);
		if (used < 0 || used >= HELP_COLUMN) {
			fputc('\n', f);
			used = 0;
		}
		for (line = c->what; line != NULL; line = nl != NULL ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			fprintf(f, "%*s%.*s\n", HELP_COLUMN - used, "",
			    nl != NULL ? (int)(nl - line) : (int)strlen(line), line);
			used = 0;
		}
	}
	fputs("\n"
	    "Settings: the APIKEYS_DB_* environment variables and the file named by\n"
	    "APIKEYS_CONFIG, as for apikeys.fcgi.  Migrations are read from --dir, else\n"
	    "APIKEYS_MIGRATIONS_DIR, else " APIKEYS_MIGRATIONS_DIR ".\n", f);
}

static int
usage(void)
{
	print_help(stderr);
	return 2;
}

/* prune's age in days from its arguments (none, or --older-than DAYS);
 * -1 if they are wrong. */
static long
prune_days(int nargs, char **args)
{
	uint64_t d;

	if (nargs == 0)
		return PRUNE_DAYS;
	if (nargs != 2 || strcmp(args[0], "--older-than") != 0 ||
	    num_parse_id(args[1], strlen(args[1]), &d) != 0 || d < 1 || d > PRUNE_DAYS_MAX)
		return -1;
	return (long)d;
}

/* Exit status 2 with one line on stderr for a command line that cannot be
 * right: an unknown command, too few or too many arguments, migrate
 * with anything but --dir DIR, prune with anything but --older-than and
 * a number of days from 1 to 36500, or scan with an unknown option.  (The options of user-add and token-issue are
 * checked when they are read.) */
static int
check_usage(const char *cmd, int nargs, char **args)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(cmd, commands[i].name) != 0)
			continue;
		if (nargs >= commands[i].min_args && nargs <= commands[i].max_args &&
		    (strcmp(cmd, "migrate") != 0 || nargs == 0 ||
		    (nargs == 2 && strcmp(args[0], "--dir") == 0)) &&
		    (strcmp(cmd, "prune") != 0 || prune_days(nargs, args) > 0) &&
		    (strcmp(cmd, "scan") != 0 || admin_scan_args_ok(nargs, args)) &&
		    (strcmp(cmd, "usage") != 0 || admin_usage_args_ok(nargs, args)))
			return 0;
		fprintf(stderr, "apikeys-admin: wrong arguments for %s "
		    "(try apikeys-admin help)\n", cmd);
		return 2;
	}
	fprintf(stderr, "apikeys-admin: unknown command %s (try apikeys-admin help)\n",
	    cmd);
	return 2;
}

/* A migration file name: three digits, '-', [a-z0-9-_]+, ".sql". */
static int
migration_version(const char *name, unsigned *version)
{
	size_t len = strlen(name), i;

	if (len < 9 || strcmp(name + len - 4, ".sql") != 0 || name[3] != '-')
		return -1;
	for (i = 0; i < 3; i++)
		if (name[i] < '0' || name[i] > '9')
			return -1;
	for (i = 4; i < len - 4; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '-' || name[i] == '_'))
			return -1;
	*version = (unsigned)((name[0] - '0') * 100 + (name[1] - '0') * 10 + (name[2] - '0'));
	return *version > 0 ? 0 : -1;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;

	if (f == NULL)
		return NULL;
	if ((buf = malloc(SQL_FILE_MAX + 1)) != NULL) {
		*len = fread(buf, 1, SQL_FILE_MAX + 1, f);
		if (ferror(f) || *len > SQL_FILE_MAX) {
			free(buf);
			buf = NULL;
		} else
			buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static int
cmd_migrate(struct db *db, const char *dir)
{
	char *names[MIGRATIONS_MAX], path[4096];
	size_t n = 0, i, len;
	unsigned version, last = 0, applied_now = 0;
	struct dirent *de;
	DIR *d;
	int applied, rc = 1;

	if ((d = opendir(dir)) == NULL)
		return admin_fail("cannot open migrations directory %s", dir);
	while ((de = readdir(d)) != NULL && n < MIGRATIONS_MAX)
		if (migration_version(de->d_name, &version) == 0 &&
		    (names[n] = strdup(de->d_name)) != NULL)
			n++;
	closedir(d);
	if (n == 0)
		return admin_fail("no migrations (NNN-name.sql) in %s", dir);
	qsort(names, n, sizeof(names[0]), cmp_names);
	if (db_admin_migrations_init(db) != DB_OK) {
		admin_fail("cannot create the migrations table (see above)");
		goto out;
	}
	for (i = 0; i < n; i++) {
		char *sql;

		(void)migration_version(names[i], &version);
		if (version == last) {
			admin_fail("two migrations share the number of %s", names[i]);
			goto out;
		}
		last = version;
		if (db_admin_migration_applied(db, version, &applied) != DB_OK) {
			admin_fail("cannot read the migrations table (see above)");
			goto out;
		}
		if (applied)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((sql = read_file(path, &len)) == NULL) {
			admin_fail("cannot read %s", path);
			goto out;
		}
		if (db_admin_exec(db, sql, len) != DB_OK ||
		    db_admin_migration_record(db, version, names[i]) != DB_OK) {
			free(sql);
			admin_fail("migration %s failed (see above)", names[i]);
			goto out;
		}
		free(sql);
		printf("applied %s\n", names[i]);
		applied_now++;
	}
	printf("schema up to date: %zu migrations, %u applied now\n", n, applied_now);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

static int
cmd_user_add(struct db *db, int argc, char **argv)
{
	const char *email = NULL, *name = NULL;
	uint64_t id = 0;
	int verified = 0, i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--verified") == 0)
			verified = 1;
		else if (email == NULL)
			email = argv[i];
		else if (name == NULL)
			name = argv[i];
		else
			return usage();
	}
	if (email == NULL || strchr(email, '@') == NULL || strlen(email) > 255)
		return admin_fail("user-add needs an email address");
	if (name == NULL)
		name = email;
	if (db_admin_user_add(db, email, name, verified, &id) != DB_OK)
		return admin_fail("cannot add user %s (taken, or see above)", email);
	printf("%llu\n", (unsigned long long)id);
	return 0;
}

static int
cmd_token_issue(struct db *db, int argc, char **argv)
{
	char plain[TOKEN_RANDOM + 1], hash[CRYPTO_HEX_SHA256 + 1];
	const char *user = NULL, *name = "apikeys-admin";
	uint64_t uid = 0, tid = 0;
	unsigned days = 0;
	enum db_status rc;
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--expires-days") == 0 && i + 1 < argc) {
			uint64_t d;

			if (num_parse_id(argv[i + 1], strlen(argv[i + 1]), &d) != 0 ||
			    d > 36500)
				return admin_fail("--expires-days needs a number from 1 to 36500");
			days = (unsigned)d;
			i++;
		} else if (user == NULL)
			user = argv[i];
		else
			return usage();
	}
	if (user == NULL)
		return usage();
	if ((rc = db_admin_user_find(db, user, &uid)) != DB_OK)
		return rc == DB_NOT_FOUND ? admin_fail("no user %s", user) :
		    admin_fail("cannot look up user %s", user);
	if (crypto_random_base62(plain, TOKEN_RANDOM) != 0)
		return admin_fail("random generator failed");
	plain[TOKEN_RANDOM] = '\0';
	if (crypto_sha256_hex(plain, TOKEN_RANDOM, hash) != 0 ||
	    db_admin_token_add(db, uid, name, hash, days, &tid) != DB_OK) {
		crypto_wipe(plain, sizeof(plain));
		return admin_fail("cannot store the token (see above)");
	}
	printf("%llu|%s\n", (unsigned long long)tid, plain);
	crypto_wipe(plain, sizeof(plain));
	return 0;
}

static int
cmd_token_revoke(struct db *db, const char *arg)
{
	uint64_t id;
	enum db_status rc;

	if (num_parse_id(arg, strlen(arg), &id) != 0)
		return admin_fail("token-revoke needs a token id, not %s", arg);
	rc = db_admin_token_delete(db, id);
	if (rc == DB_NOT_FOUND)
		return admin_fail("no token %s", arg);
	if (rc != DB_OK)
		return admin_fail("cannot revoke token %s (see above)", arg);
	printf("revoked token %s\n", arg);
	return 0;
}

int
main(int argc, char *argv[])
{
	static struct config cfg;
	const char *cmd, *dir;
	char err[512];
	struct db *db;
	int rc, scan;

	log_set_program("apikeys-admin");
	if (argc < 2)
		return usage();
	cmd = argv[1];
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0) {
		print_help(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		puts(PACKAGE_STRING);
		return 0;
	}
	if ((rc = check_usage(cmd, argc - 2, argv + 2)) != 0)
		return rc;
	/* scan hashes the secrets it finds (the pepper), keeps 1 for "a live
	 * credential found" and so exits 2 on every error; it connects only
	 * when it has something to look up. */
	scan = strcmp(cmd, "scan") == 0;
	/* deliver opens the webhooks' sealed secrets: it needs the pepper. */
	if (config_load(&cfg, scan || strcmp(cmd, "deliver") == 0, err,
	    sizeof(err)) != CONFIG_OK)
		return admin_fail("%s", err) + scan;
	db = db_open(&cfg, DB_FLAG_ADMIN | DB_FLAG_LAZY);
	if (db == NULL)
		return admin_fail("out of memory") + scan;
	if (scan) {
		rc = admin_scan(db, &cfg, argc - 2, argv + 2);
		db_close(db);
		config_wipe(&cfg);
		return rc;
	}
	if (db_connect(db) != DB_OK) {
		db_close(db);
		return admin_fail("cannot connect to the database %s (see above)", cfg.db_name);
	}
	if (strcmp(cmd, "migrate") == 0) {
		dir = getenv("APIKEYS_MIGRATIONS_DIR");
		if (dir == NULL || *dir == '\0')
			dir = APIKEYS_MIGRATIONS_DIR;
		if (argc == 4 && strcmp(argv[2], "--dir") == 0)
			dir = argv[3];
		rc = argc == 2 || (argc == 4 && dir == argv[3]) ?
		    cmd_migrate(db, dir) : usage();
	} else if (strcmp(cmd, "db-status") == 0) {
		char cipher[128];

		if (argc != 2)
			rc = usage();
		else if (db_admin_session_cipher(db, cipher, sizeof(cipher)) != DB_OK)
			rc = admin_fail("cannot read the session status");
		else {
			printf("tls: %s\n", cipher[0] != '\0' ? cipher : "none");
			rc = 0;
		}
	} else if (strcmp(cmd, "user-add") == 0)
		rc = cmd_user_add(db, argc - 2, argv + 2);
	else if (strcmp(cmd, "token-issue") == 0)
		rc = cmd_token_issue(db, argc - 2, argv + 2);
	else if (strcmp(cmd, "prune") == 0)
		rc = admin_prune(db, (unsigned)prune_days(argc - 2, argv + 2)) ||
		    admin_usage_prune(db, cfg.usage_days) ||
		    admin_deliver_prune(db, (unsigned)prune_days(argc - 2, argv + 2));
	else if (strcmp(cmd, "usage") == 0)
		rc = admin_usage(db, argc - 2, argv + 2);
	else if (strcmp(cmd, "keys-legacy-count") == 0)
		rc = admin_keys_legacy_count(db);
	else if (strcmp(cmd, "deliver") == 0)
		rc = argc == 2 || strcmp(argv[2], "--all-pending") == 0 ?
		    admin_deliver(db, &cfg, argc == 3) : usage();
	else if (argc != 3)
		rc = usage();
	else if (strcmp(cmd, "token-revoke") == 0)
		rc = cmd_token_revoke(db, argv[2]);
	else if (strcmp(cmd, "keys-list") == 0)
		rc = admin_keys_list(db, argv[2]);
	else if (strcmp(cmd, "key-revoke") == 0)
		rc = admin_key_revoke(db, argv[2]);
	else if (strcmp(cmd, "events") == 0)
		rc = admin_events(db, argv[2]);
	else
		rc = admin_keys_revoke_user(db, argv[2]);
	db_close(db);
	config_wipe(&cfg);
	return rc;
}

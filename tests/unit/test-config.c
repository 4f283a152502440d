/* test-config.c: defaults, file syntax, environment over file, refusal of readable secrets and of writable or foreign files, pepper rule. */
#include "ac-config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "tap.h"

static char path[] = "/tmp/apikeys-test-config-XXXXXX";

static void
write_file(const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void
clear_env(void)
{
	static const char *names[] = { "APIKEYS_CONFIG", "APIKEYS_DB_HOST",
	    "APIKEYS_DB_PORT", "APIKEYS_DB_PASSWORD", "APIKEYS_PEPPER",
	    "APIKEYS_INSECURE_DEV", "APIKEYS_BASE_PATH", "APIKEYS_MAX_BODY" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unsetenv(names[i]);
}

/* The start-up warnings: settings that work, but not as a careful
 * deployment means them.  Returns every line, joined by '|'. */
static const char *
warn_all(const struct config *c)
{
	static char all[1024];
	char line[256];
	unsigned i;

	all[0] = '\0';
	for (i = 0; config_warning(c, i, line, sizeof(line)) != NULL; i++)
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s",
		    i > 0 ? "|" : "", line);
	return all;
}

static void
warnings(void)
{
	struct config c;

	config_defaults(&c);
	ok(strstr(warn_all(&c), "APIKEYS_VERIFY_TOKEN is not set") != NULL,
	    "verify open by default: said at start");
	snprintf(c.verify_token, sizeof(c.verify_token), "t0ken");
	is_str(warn_all(&c), "", "defaults with a verify token: nothing to say");
	snprintf(c.db_host, sizeof(c.db_host), "db.example.com");
	ok(strstr(warn_all(&c), "APIKEYS_DB_HOST=db.example.com") != NULL &&
	    strstr(warn_all(&c), "without TLS") != NULL, "a remote host without TLS settings");
	snprintf(c.db_socket, sizeof(c.db_socket), "/run/mysqld/mysqld.sock");
	is_str(warn_all(&c), "", "the socket wins over the host: nothing to say");
	c.db_socket[0] = '\0';
	snprintf(c.db_ssl_ca, sizeof(c.db_ssl_ca), "/etc/ssl/ca.pem");
	is_str(warn_all(&c), "", "a remote host with a CA: nothing to say");
	c.db_ssl_ca[0] = '\0';
	snprintf(c.db_ssl_cert, sizeof(c.db_ssl_cert), "/etc/ssl/client.pem");
	is_str(warn_all(&c), "", "a remote host with a client certificate: TLS");
	c.db_ssl_cert[0] = '\0';
	snprintf(c.db_host, sizeof(c.db_host), "::1");
	is_str(warn_all(&c), "", "::1 is local");
	snprintf(c.db_host, sizeof(c.db_host), "127.0.0.1");
	is_str(warn_all(&c), "", "127.0.0.1 is local");
	snprintf(c.db_host, sizeof(c.db_host), "10.0.0.5");
	ok(strstr(warn_all(&c), "APIKEYS_DB_HOST=10.0.0.5") != NULL, "10.0.0.5 is remote");
	snprintf(c.db_host, sizeof(c.db_host), "localhost");
	snprintf(c.db_ssl_key, sizeof(c.db_ssl_key), "/etc/ssl/client.key");
	ok(strstr(warn_all(&c), "APIKEYS_DB_SSL_KEY is set without APIKEYS_DB_SSL_CERT") != NULL,
	    "a client key without its certificate");
	snprintf(c.db_ssl_cert, sizeof(c.db_ssl_cert), "/etc/ssl/client.pem");
	is_str(warn_all(&c), "", "a client key with its certificate: nothing to say");
	ok(strstr(warn_all(&c), "t0ken") == NULL, "no warning shows the verify token");
}

int
main(void)
{
	struct config c;
	char err[256];
	int secret = 0, fd;
	const char *t;

	fd = mkstemp(path);
	close(fd);
	clear_env();

	config_defaults(&c);
	is_str(c.db_host, "localhost", "default host");
	is_int(c.db_port, 3306, "default port");
	is_str(c.db_user, "apikeys", "default user");
	is_str(c.db_name, "apikeys", "default database");
	is_str(c.db_password, "", "default password empty");
	is_str(c.base_path, "/api", "default base path");
	is_str(c.db_socket, "", "no socket by default");
	is_int(c.max_body, 65536, "default body cap");
	is_int(c.max_keys, 20, "default key limit");

	t = "# comment\n\n  APIKEYS_DB_HOST = db.internal  \nAPIKEYS_DB_PORT=3307\r\n"
	    "APIKEYS_DB_NAME=\"quoted name\"\nAPIKEYS_BASE_PATH=/v1/\n";
	is_int(config_parse(&c, t, strlen(t), &secret, err, sizeof(err)), CONFIG_OK, "parse a file");
	is_str(c.db_host, "db.internal", "value trimmed");
	is_int(c.db_port, 3307, "number parsed");
	is_str(c.db_name, "quoted name", "quotes removed");
	is_str(c.base_path, "/v1", "trailing slash of the base removed");
	is_int(secret, 0, "no secret in that file");
	t = "APIKEYS_DB_PASSWORD=hunter2\n";
	config_parse(&c, t, strlen(t), &secret, err, sizeof(err));
	is_int(secret, 1, "a password is a secret");
	t = "APIKEYS_DB_PORT=70000\n";
	is_int(config_parse(&c, t, strlen(t), &secret, err, sizeof(err)), CONFIG_ERR_VALUE,
	    "port out of range");
	ok(strstr(err, "line 1") != NULL, "error names the line");
	t = "APIKEYS_DB_PORT=12a\n";
	is_int(config_parse(&c, t, strlen(t), &secret, err, sizeof(err)), CONFIG_ERR_VALUE,
	    "port not a number");
	t = "APIKEYS_NOPE=1\n";
	is_int(config_parse(&c, t, strlen(t), &secret, err, sizeof(err)), CONFIG_ERR_UNKNOWN,
	    "unknown key refused");
	t = "just words\n";
	is_int(config_parse(&c, t, strlen(t), &secret, err, sizeof(err)), CONFIG_ERR_SYNTAX,
	    "a line without =");
	t = "APIKEYS_BASE_PATH=api\n";
	is_int(config_parse(&c, t, strlen(t), &secret, err, sizeof(err)), CONFIG_ERR_VALUE,
	    "a base path must start with /");
	{
		char longline[600];

		memset(longline, 'x', sizeof(longline));
		memcpy(longline, "APIKEYS_DB_HOST=", 16);
		is_int(config_parse(&c, longline, sizeof(longline), &secret, err, sizeof(err)),
		    CONFIG_ERR_VALUE, "an over-long value is refused, not cut");
	}
	{
		const char nul[] = "APIKEYS_DB_HOST=a\0b\n";

		is_int(config_parse(&c, nul, sizeof(nul) - 1, &secret, err, sizeof(err)),
		    CONFIG_ERR_SYNTAX, "a NUL byte is refused");
	}

	/* The whole load: file, then environment, then the pepper rule. */
	write_file("APIKEYS_DB_HOST=from-file\nAPIKEYS_DB_PORT=4000\n", 0644);
	setenv("APIKEYS_CONFIG", path, 1);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_ERR_PEPPER, "no pepper: refused");
	setenv("APIKEYS_PEPPER", "short", 1);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_ERR_PEPPER, "a short pepper: refused");
	setenv("APIKEYS_PEPPER", "0123456789abcdef0123", 1);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_OK, "with a pepper: loads");
	is_str(c.db_host, "from-file", "file value applied");
	setenv("APIKEYS_DB_HOST", "from-env", 1);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_OK, "loads again");
	is_str(c.db_host, "from-env", "environment overrides the file");
	is_int(c.db_port, 4000, "file value kept where the environment is silent");
	unsetenv("APIKEYS_PEPPER");
	setenv("APIKEYS_INSECURE_DEV", "1", 1);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_OK, "the development switch allows no pepper");
	unsetenv("APIKEYS_INSECURE_DEV");
	is_int(config_load(&c, 0, err, sizeof(err)), CONFIG_OK, "tools that hash nothing need no pepper");

	write_file("APIKEYS_DB_PASSWORD=hunter2\n", 0644);
	setenv("APIKEYS_PEPPER", "0123456789abcdef0123", 1);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_ERR_PERMS,
	    "a world-readable file with a password is refused");
	ok(strstr(err, "hunter2") == NULL, "the error does not show the password");
	write_file("APIKEYS_DB_PASSWORD=hunter2\n", 0640);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_ERR_PERMS,
	    "a group-readable file with a password is refused");
	write_file("APIKEYS_DB_PASSWORD=hunter2\n", 0600);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_OK, "mode 600 is accepted");
	is_str(c.db_password, "hunter2", "password read");
	write_file("APIKEYS_PEPPER=0123456789abcdef0123\n", 0604);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_ERR_PERMS,
	    "a readable file with the pepper is refused");

	/* Whoever can write the file can point the service at another
	 * database: a writable file is refused even without a secret. */
	write_file("APIKEYS_DB_HOST=db.internal\n", 0644);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_OK,
	    "mode 644 without a secret is accepted");
	write_file("APIKEYS_DB_HOST=rogue.example\n", 0664);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_ERR_UNSAFE,
	    "a group-writable file is refused (no secret in it)");
	ok(strstr(err, "writable") != NULL && strchr(err, '\n') == NULL,
	    "one line that says why");
	write_file("APIKEYS_DB_HOST=rogue.example\n", 0646);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_ERR_UNSAFE,
	    "a world-writable file is refused (no secret in it)");
	write_file("APIKEYS_DB_PASSWORD=hunter2\n", 0620);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_ERR_UNSAFE,
	    "a group-writable file with a password is refused");
	write_file("APIKEYS_DB_HOST=db.internal\n", 0600);
	if (geteuid() == 0) {
		/* Root may give the file away: owned by another user, it is
		 * refused even with mode 600. */
		if (chown(path, 65534, 65534) == 0) {
			is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_ERR_UNSAFE,
			    "a file owned by another user is refused");
			if (chown(path, 0, 0) != 0)
				ok(0, "chown the test file back to root");
		} else
			ok(0, "chown of the test file");
		is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_OK,
		    "the same file owned by root is accepted");
	} else {
		printf("ok %d # SKIP a file owned by another user (needs root to give it away)\n",
		    ++tap_count);
		is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_OK,
		    "a file owned by the running user is accepted");
	}
	setenv("APIKEYS_CONFIG", "/nonexistent/apikeys.conf", 1);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_ERR_FILE, "a missing file is an error");
	setenv("APIKEYS_CONFIG", path, 1);
	write_file("", 0644);
	setenv("APIKEYS_DB_PORT", "x", 1);
	is_int(config_load(&c, 1, err, sizeof(err)), CONFIG_ERR_VALUE, "a bad environment value");
	config_wipe(&c);
	is_str(c.db_password, "", "wipe clears the password");
	unlink(path);
	warnings();
	return tap_done();
}

/* config.h: the service's settings: defaults, then an optional file, then the environment. */
#ifndef APIKEYS_CONFIG_H
#define APIKEYS_CONFIG_H

#include <stddef.h>

#define CONFIG_STR_MAX 256

struct config {
	char		db_host[CONFIG_STR_MAX];
	unsigned	db_port;
	char		db_socket[CONFIG_STR_MAX];	/* empty: use host and port */
	char		db_user[CONFIG_STR_MAX];
	char		db_password[CONFIG_STR_MAX];
	char		db_name[CONFIG_STR_MAX];
	unsigned	db_timeout;		/* seconds: connect, read, write, lock waits */
	unsigned	db_sync_wait;		/* Galera wsrep_sync_wait for reads; 0 = off */
	char		db_ssl_ca[CONFIG_STR_MAX];	/* CA file: TLS to the database */
	unsigned	db_ssl_verify;		/* check the server's certificate and name */
	char		db_ssl_cert[CONFIG_STR_MAX];	/* client certificate (optional) */
	char		db_ssl_key[CONFIG_STR_MAX];	/* its private key */
	char		base_path[CONFIG_STR_MAX];	/* "" or "/api": no trailing slash */
	char		pepper[CONFIG_STR_MAX];	/* keys the stored secret hashes */
	unsigned	insecure_dev;		/* allows running without a pepper */
	unsigned	max_body;		/* bytes of request body accepted */
	unsigned	max_keys;		/* live keys per user (create) */
	char		verify_token[CONFIG_STR_MAX];	/* empty: verify needs no bearer */
	unsigned	require_verified_email;
	unsigned	token_expiration;	/* minutes a Sanctum token lives; 0: no limit */
	unsigned	legacy_keys;		/* 0: verify refuses, unasked, a key or
						 * secret without a valid checksum */
	unsigned	usage_days;		/* days usage counts are kept (prune) */
	unsigned	usage_count;		/* 0: verify counts no usage */
	unsigned	webhook_allow_http;	/* webhooks may use http:// URLs */
	unsigned	webhook_allow_private;	/* deliver to loopback/private addresses */
	unsigned	expiry_notice_days;	/* key.expiring this many days ahead */
	char		webhook_ca_file[CONFIG_STR_MAX];	/* "": the system's CA bundle */
};

enum config_err {
	CONFIG_OK = 0,
	CONFIG_ERR_FILE,	/* the file could not be read */
	CONFIG_ERR_PERMS,	/* the file holds a secret and others can read it */
	CONFIG_ERR_SYNTAX,	/* a line is not KEY=VALUE */
	CONFIG_ERR_UNKNOWN,	/* a key that is not a setting */
	CONFIG_ERR_VALUE,	/* a value out of range or too long */
	CONFIG_ERR_PEPPER,	/* no usable pepper and no development switch */
	CONFIG_ERR_UNSAFE	/* the file is writable by group or others, or
				 * owned by neither root nor the running user */
};

/* Sets every default.  Cannot fail. */
void config_defaults(struct config *);

/*
 * Applies "KEY=VALUE" lines from buf (len bytes, need not be NUL-terminated):
 * blank lines and lines starting with '#' are skipped, whitespace around key
 * and value is trimmed, one pair of matching quotes around the value is
 * removed.  On error returns the code and writes a one-line reason (never a
 * value) to err.  *has_secret is set when a password or pepper was given.
 */
enum config_err config_parse(struct config *, const char *buf, size_t len,
    int *has_secret, char *err, size_t errlen);

/*
 * The whole load: defaults, then the file named by APIKEYS_CONFIG (refused if
 * group or others can write it, if neither root nor the running user owns
 * it, or if it holds a password or pepper and group or others can read it), then
 * every APIKEYS_* environment variable, then the checks (pepper).
 * need_pepper is 0 for tools that never hash a secret.
 */
enum config_err config_load(struct config *, int need_pepper, char *err, size_t errlen);

/*
 * The i-th (from 0) warning about loaded settings that work but not as a
 * careful deployment means them (verify open to anyone, a remote database
 * without TLS, a client key without its certificate), written to buf as
 * one line that names settings, never a secret.  Returns buf, or NULL when
 * there is no i-th warning.  Pure.
 */
const char *config_warning(const struct config *, unsigned i, char *buf, size_t len);

/* Wipes the secrets held in the settings. */
void config_wipe(struct config *);

#endif

/* config.c: every default in one table, then the config file, then the environment. */
#include "ac-config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>



#include "config.h"
#include "crypto.h"

#define CONFIG_FILE_MAX	65536
#define PEPPER_MIN	16

enum setting_type { SET_STR, SET_UINT, SET_BOOL, SET_PATH };

struct setting {
	const char		*name;
	enum setting_type	 type;
	size_t			 offset;
	const char		*def;
	unsigned		 min, max;	/* SET_UINT range */
	int			 secret;	/* refuse a readable file holding it */
};

#define OFF(f) offsetof(struct config, f)

/* The one place where every setting and its default is declared. */
static const struct setting settings[] = {
	{ "APIKEYS_DB_HOST", SET_STR, OFF(db_host), "localhost", 0, 0, 0 },
	{ "APIKEYS_DB_PORT", SET_UINT, OFF(db_port), "3306", 1, 65535, 0 },
	{ "APIKEYS_DB_SOCKET", SET_STR, OFF(db_socket), "", 0, 0, 0 },
	{ "APIKEYS_DB_USER", SET_STR, OFF(db_user), "apikeys", 0, 0, 0 },
	{ "APIKEYS_DB_PASSWORD", SET_STR, OFF(db_password), "", 0, 0, 1 },
	{ "APIKEYS_DB_NAME", SET_STR, OFF(db_name), "apikeys", 0, 0, 0 },
	{ "APIKEYS_DB_TIMEOUT", SET_UINT, OFF(db_timeout), "5", 1, 3600, 0 },
	{ "APIKEYS_DB_SYNC_WAIT", SET_UINT, OFF(db_sync_wait), "0", 0, 15, 0 },
	{ "APIKEYS_DB_SSL_CA", SET_STR, OFF(db_ssl_ca), "", 0, 0, 0 },
	{ "APIKEYS_DB_SSL_VERIFY", SET_BOOL, OFF(db_ssl_verify), "1", 0, 1, 0 },
	{ "APIKEYS_DB_SSL_CERT", SET_STR, OFF(db_ssl_cert), "", 0, 0, 0 },
	{ "APIKEYS_DB_SSL_KEY", SET_STR, OFF(db_ssl_key), "", 0, 0, 0 },
	{ "APIKEYS_BASE_PATH", SET_PATH, OFF(base_path), "/api", 0, 0, 0 },
	{ "APIKEYS_PEPPER", SET_STR, OFF(pepper), "", 0, 0, 1 },
	{ "APIKEYS_INSECURE_DEV", SET_BOOL, OFF(insecure_dev), "0", 0, 1, 0 },
	{ "APIKEYS_MAX_BODY", SET_UINT, OFF(max_body), "65536", 16, 16777216, 0 },
	{ "APIKEYS_MAX_KEYS", SET_UINT, OFF(max_keys), "20", 1, 100000, 0 },
	{ "APIKEYS_VERIFY_TOKEN", SET_STR, OFF(verify_token), "", 0, 0, 1 },
	{ "APIKEYS_REQUIRE_VERIFIED_EMAIL", SET_BOOL, OFF(require_verified_email), "0", 0, 1, 0 },
	{ "APIKEYS_TOKEN_EXPIRATION", SET_UINT, OFF(token_expiration), "0", 0, 52560000, 0 },
	{ "APIKEYS_LEGACY_KEYS", SET_BOOL, OFF(legacy_keys), "1", 0, 1, 0 },
	{ "APIKEYS_USAGE_DAYS", SET_UINT, OFF(usage_days), "400", 1, 36500, 0 },
	{ "APIKEYS_USAGE_COUNT", SET_BOOL, OFF(usage_count), "1", 0, 1, 0 },
	{ "APIKEYS_WEBHOOK_ALLOW_HTTP", SET_BOOL, OFF(webhook_allow_http), "0", 0, 1, 0 },
	{ "APIKEYS_WEBHOOK_ALLOW_PRIVATE", SET_BOOL, OFF(webhook_allow_private), "0", 0, 1, 0 },
	{ "APIKEYS_EXPIRY_NOTICE_DAYS", SET_UINT, OFF(expiry_notice_days), "30", 1, 3650, 0 },
	{ "APIKEYS_WEBHOOK_CA_FILE", SET_STR, OFF(webhook_ca_file), "", 0, 0, 0 },
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static const struct setting *
setting_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NSETTINGS; i++)
		if (strlen(settings[i].name) == len &&
		    memcmp(settings[i].name, name, len) == 0)
			return &settings[i];
	return NULL;
}

/* Parses a decimal unsigned within [min, max]; returns 0 on success. */
static int
parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	unsigned long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -1;
	}
	if (v < min)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static enum config_err
setting_apply(struct config *c, const struct setting *s, const char *value,
    char *err, size_t errlen)
{
	char *field = (char *)c + s->offset;
	unsigned *num = (unsigned *)(void *)field;
	size_t len = strlen(value);

	switch (s->type) {
	case SET_PATH:
		/* "/" and "" both mean the routes sit at the root. */
		while (len > 0 && value[len - 1] == '/')
			len--;
		if (len > 0 && value[0] != '/') {
			seterr(err, errlen, "%s must start with '/'", s->name);
			return CONFIG_ERR_VALUE;
		}
		/* FALLTHROUGH */
	case SET_STR:
		if (len >= CONFIG_STR_MAX) {
			seterr(err, errlen, "%s is longer than %d bytes",
			    s->name, CONFIG_STR_MAX - 1);
			return CONFIG_ERR_VALUE;
		}
		memcpy(field, value, len);
		field[len] = '\0';
		return CONFIG_OK;
	case SET_BOOL:
		if (strcmp(value, "1") == 0 || strcasecmp(value, "true") == 0 ||
		    strcasecmp(value, "yes") == 0 || strcasecmp(value, "on") == 0)
			*num = 1;
		else if (strcmp(value, "0") == 0 || strcasecmp(value, "false") == 0 ||
		    strcasecmp(value, "no") == 0 || strcasecmp(value, "off") == 0 ||
		    *value == '\0')
			*num = 0;
		else {
			seterr(err, errlen, "%s must be 0 or 1", s->name);
			return CONFIG_ERR_VALUE;
		}
		return CONFIG_OK;
	case SET_UINT:
		if (parse_uint(value, s->min, s->max, num) != 0) {
			seterr(err, errlen, "%s must be a number from %u to %u",
			    s->name, s->min, s->max);
			return CONFIG_ERR_VALUE;
		}
		return CONFIG_OK;
	}
	return CONFIG_ERR_VALUE;
}

void
config_defaults(struct config *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NSETTINGS; i++)
		(void)setting_apply(c, &settings[i], settings[i].def, NULL, 0);
}

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

enum config_err
config_parse(struct config *c, const char *buf, size_t len, int *has_secret,
    char *err, size_t errlen)
{
	char value[CONFIG_STR_MAX];
	size_t pos = 0, lineno = 0;
	enum config_err rc = CONFIG_OK;

	*has_secret = 0;
	while (pos < len && rc == CONFIG_OK) {
		const char *line = buf + pos, *eol, *eq, *k, *ke, *v, *ve;
		const struct setting *s;

		eol = memchr(line, '\n', len - pos);
		if (eol == NULL)
			eol = buf + len;
		pos = (size_t)(eol - buf) + 1;
		lineno++;

		for (k = line; k < eol && is_blank(*k); k++)
			;
		if (k == eol || *k == '#')
			continue;
		eq = memchr(k, '=', (size_t)(eol - k));
		if (eq == NULL) {
			seterr(err, errlen, "line %zu: expected KEY=VALUE", lineno);
			rc = CONFIG_ERR_SYNTAX;
			break;
		}
		for (ke = eq; ke > k && is_blank(ke[-1]); ke--)
			;
		for (v = eq + 1; v < eol && is_blank(*v); v++)
			;
		for (ve = eol; ve > v && is_blank(ve[-1]); ve--)
			;
		if (ve - v >= 2 && (*v == '"' || *v == '\'') && ve[-1] == *v) {
			v++;
			ve--;
		}
		if (memchr(v, '\0', (size_t)(ve - v)) != NULL ||
		    memchr(k, '\0', (size_t)(ke - k)) != NULL) {
			seterr(err, errlen, "line %zu: NUL byte", lineno);
			rc = CONFIG_ERR_SYNTAX;
			break;
		}
		s = setting_find(k, (size_t)(ke - k));
		if (s == NULL) {
			seterr(err, errlen, "line %zu: unknown setting", lineno);
			rc = CONFIG_ERR_UNKNOWN;
			break;
		}
		if ((size_t)(ve - v) >= sizeof(value)) {
			seterr(err, errlen, "line %zu: %s is longer than %zu bytes",
			    lineno, s->name, sizeof(value) - 1);
			rc = CONFIG_ERR_VALUE;
			break;
		}
		memcpy(value, v, (size_t)(ve - v));
		value[ve - v] = '\0';
		if (s->secret && value[0] != '\0')
			*has_secret = 1;
		rc = setting_apply(c, s, value, err, errlen);
		if (rc != CONFIG_OK && err != NULL) {
			char reason[CONFIG_STR_MAX];

			snprintf(reason, sizeof(reason), "%s", err);
			seterr(err, errlen, "line %zu: %s", lineno, reason);
		}
	}
	crypto_wipe(value, sizeof(value));
	return rc;
}

static enum config_err
config_file(struct config *c, const char *path, char *err, size_t errlen)
{
	char *buf = NULL;
	struct stat st;
	size_t used = 0;
	ssize_t n;
	int fd, has_secret = 0;
	enum config_err rc = CONFIG_ERR_FILE;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		seterr(err, errlen, "cannot open config file %s: %s", path,
		    strerror(errno));
		return CONFIG_ERR_FILE;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONFIG_FILE_MAX) {
		seterr(err, errlen, "config file %s is not a regular file under %d bytes",
		    path, CONFIG_FILE_MAX);
		goto fail;
	}
	/* Whoever can write the file can point the service at a rogue
	 * database, with or without a secret in it: only its owner may, and
	 * the owner must be root or the user the service runs as. */
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
	    (st.st_uid != 0 && st.st_uid != geteuid())) {
		seterr(err, errlen, "config file %s is writable by group or others or "
		    "owned by another user (chmod 600; owner root or uid %lu)", path,
		    (unsigned long)geteuid());
		rc = CONFIG_ERR_UNSAFE;
		goto fail;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		seterr(err, errlen, "out of memory");
		goto fail;
	}
	while (used < (size_t)st.st_size &&
	    (n = read(fd, buf + used, (size_t)st.st_size - used)) > 0)
		used += (size_t)n;
	rc = config_parse(c, buf, used, &has_secret, err, errlen);
	if (rc != CONFIG_OK) {
		char reason[CONFIG_STR_MAX];

		snprintf(reason, sizeof(reason), "%s", err);
		seterr(err, errlen, "config file %s: %s", path, reason);
		goto fail;
	}
	if (has_secret && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		seterr(err, errlen, "config file %s holds a secret but group or others "
		    "can read it (chmod 600 or 400)", path);
		rc = CONFIG_ERR_PERMS;
		goto fail;
	}
	rc = CONFIG_OK;
fail:
	if (buf != NULL) {
		crypto_wipe(buf, used);
		free(buf);
	}
	close(fd);
	return rc;
}

enum config_err
config_load(struct config *c, int need_pepper, char *err, size_t errlen)
{
	const char *path, *value;
	enum config_err rc;
	size_t i;

	config_defaults(c);
	path = getenv("APIKEYS_CONFIG");
	if (path != NULL && *path != '\0' &&
	    (rc = config_file(c, path, err, errlen)) != CONFIG_OK)
		return rc;
	for (i = 0; i < NSETTINGS; i++) {
		if ((value = getenv(settings[i].name)) == NULL)
			continue;
		if ((rc = setting_apply(c, &settings[i], value, err, errlen)) != CONFIG_OK)
			return rc;
	}
	if (need_pepper && !c->insecure_dev && strlen(c->pepper) < PEPPER_MIN) {
		seterr(err, errlen, "APIKEYS_PEPPER must be set to at least %d bytes "
		    "(or APIKEYS_INSECURE_DEV=1 for development only)", PEPPER_MIN);
		return CONFIG_ERR_PEPPER;
	}
	return CONFIG_OK;
}

/* 1 when the database is reached without a network: socket, or loopback. */
static int
db_is_local(const struct config *c)
{
	return c->db_socket[0] != '\0' || c->db_host[0] == '\0' ||
	    strcmp(c->db_host, "localhost") == 0 || strcmp(c->db_host, "127.0.0.1") == 0 ||
	    strcmp(c->db_host, "::1") == 0;
}

const char *
config_warning(const struct config *c, unsigned i, char *buf, size_t len)
{
	unsigned n = 0;

	if (c->verify_token[0] == '\0' && n++ == i) {
		snprintf(buf, len, "APIKEYS_VERIFY_TOKEN is not set: verify answers "
		    "anyone who reaches it; set one and give it to the payment API");
		return buf;
	}
	if (!db_is_local(c) && c->db_ssl_ca[0] == '\0' && c->db_ssl_cert[0] == '\0' &&
	    n++ == i) {
		snprintf(buf, len, "APIKEYS_DB_HOST=%.100s is not local and is reached "
		    "without TLS (no APIKEYS_DB_SSL_CA or APIKEYS_DB_SSL_CERT): the "
		    "password and keys cross the network in clear", c->db_host);
		return buf;
	}
	if (c->db_ssl_key[0] != '\0' && c->db_ssl_cert[0] == '\0' && n++ == i) {
		snprintf(buf, len, "APIKEYS_DB_SSL_KEY is set without APIKEYS_DB_SSL_CERT: "
		    "the key is not used");
		return buf;
	}
	return NULL;
}

void
config_wipe(struct config *c)
{
	crypto_wipe(c->db_password, sizeof(c->db_password));
	crypto_wipe(c->pepper, sizeof(c->pepper));
	crypto_wipe(c->verify_token, sizeof(c->verify_token));
}

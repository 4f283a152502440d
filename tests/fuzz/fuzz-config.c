/* fuzz-config.c: libFuzzer target for the config file parser (KEY=VALUE lines). */
#include "ac-config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

#define ERR_MAX 256

static const size_t str_fields[] = {
	offsetof(struct config, db_host),
	offsetof(struct config, db_socket),
	offsetof(struct config, db_user),
	offsetof(struct config, db_password),
	offsetof(struct config, db_name),
	offsetof(struct config, base_path),
	offsetof(struct config, pepper),
	offsetof(struct config, verify_token),
};

/* The ranges of config.c's table, restated so that a change there shows. */
static const struct {
	size_t		off;
	unsigned	min, max;
} num_fields[] = {
	{ offsetof(struct config, db_port), 1, 65535 },
	{ offsetof(struct config, db_timeout), 1, 3600 },
	{ offsetof(struct config, db_sync_wait), 0, 15 },
	{ offsetof(struct config, insecure_dev), 0, 1 },
	{ offsetof(struct config, max_body), 16, 16777216 },
	{ offsetof(struct config, max_keys), 1, 100000 },
	{ offsetof(struct config, require_verified_email), 0, 1 },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void
check_config(const struct config *c)
{
	const char *s;
	unsigned v;
	size_t i, n;

	for (i = 0; i < NELEM(str_fields); i++)
		if (memchr((const char *)c + str_fields[i], '\0', CONFIG_STR_MAX) == NULL)
			abort();
	for (i = 0; i < NELEM(num_fields); i++) {
		memcpy(&v, (const char *)c + num_fields[i].off, sizeof(v));
		if (v < num_fields[i].min || v > num_fields[i].max)
			abort();
	}
	/* The router compares the base as a prefix: "" or "/x", never "/x/". */
	s = c->base_path;
	n = strlen(s);
	if (n > 0 && (s[0] != '/' || s[n - 1] == '/'))
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct config c, again;
	char err[ERR_MAX], small[8];
	int secret = -1, secret2 = -1;
	enum config_err rc, rc2;
	size_t i;

	/* data is passed as it is, not NUL-terminated: config_parse takes a
	 * length, and AddressSanitizer sees any read past it. */
	config_defaults(&c);
	check_config(&c);
	memset(err, 0x7f, sizeof(err));
	rc = config_parse(&c, (const char *)data, size, &secret, err, sizeof(err));
	check_config(&c);

	switch (rc) {
	case CONFIG_OK:
		break;
	case CONFIG_ERR_SYNTAX:
	case CONFIG_ERR_UNKNOWN:
	case CONFIG_ERR_VALUE:
		/* One line of reason, terminated inside the buffer. */
		if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0' ||
		    strchr(err, '\n') != NULL || strchr(err, '\r') != NULL)
			abort();
		break;
	default:
		abort();	/* file, permission and pepper errors are not the parser's */
	}
	if (secret != 0 && secret != 1)
		abort();
	/* config_file refuses a readable file only when told it holds a
	 * secret: any secret that came out of the file must have said so. */
	if (!secret && (c.db_password[0] != '\0' || c.pepper[0] != '\0' ||
	    c.verify_token[0] != '\0'))
		abort();

	/* The answer does not depend on the room given for the reason. */
	config_defaults(&again);
	rc2 = config_parse(&again, (const char *)data, size, &secret2, NULL, 0);
	if (rc2 != rc || secret2 != secret || memcmp(&c, &again, sizeof(c)) != 0)
		abort();
	config_defaults(&again);
	rc2 = config_parse(&again, (const char *)data, size, &secret2,
	    small, 1 + size % sizeof(small));
	if (rc2 != rc || secret2 != secret || memcmp(&c, &again, sizeof(c)) != 0)
		abort();
	if (rc2 != CONFIG_OK && memchr(small, '\0', 1 + size % sizeof(small)) == NULL)
		abort();

	config_wipe(&c);
	for (i = 0; i < CONFIG_STR_MAX; i++)
		if (c.db_password[i] != '\0' || c.pepper[i] != '\0' ||
		    c.verify_token[i] != '\0')
			abort();
	return 0;
}

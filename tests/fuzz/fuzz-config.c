/* fuzz-config.c: libFuzzer target for the config file parser. */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void
check_str(const char *s)
{
	if (memchr(s, '\0', CONFIG_STR_MAX) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct config c;
	char err[256];
	int secret = 0;

	config_defaults(&c);
	(void)config_parse(&c, (const char *)data, size, &secret, err, sizeof(err));
	check_str(c.db_host);
	check_str(c.db_socket);
	check_str(c.db_user);
	check_str(c.db_password);
	check_str(c.db_name);
	check_str(c.base_path);
	check_str(c.pepper);
	check_str(c.verify_token);
	if (c.db_port < 1 || c.db_port > 65535 || c.max_body < 16 || c.db_timeout < 1)
		abort();
	if (c.base_path[0] != '\0' && c.base_path[0] != '/')
		abort();
	return 0;
}

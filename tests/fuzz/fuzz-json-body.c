/* fuzz-json-body.c: libFuzzer target for request bodies through the create endpoint's field table. */
#include "ac-config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "response.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

struct input {
	char			name[204];
	struct valid_time	expires_at;
	json_t			*permissions;
};

static const struct field_rule rules[] = {
	{ "name", "name", validate_text, offsetof(struct input, name), 204, 50, 0, NULL },
	{ "expires_at", "expires at", validate_future_time,
	    offsetof(struct input, expires_at), 0, 5, 0, NULL },
	{ "permissions", "permissions", validate_string_set,
	    offsetof(struct input, permissions), 0, 32, 64,
	    "abcdefghijklmnopqrstuvwxyz0123456789_.:-" },
};

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct response r;
	struct input in;
	json_t *errors = NULL, *back;
	char *out;
	const char *body;
	size_t len;
	enum valid_result v;

	memset(&in, 0, sizeof(in));
	memset(&r, 0, sizeof(r));
	v = validate_body((const char *)data, size, rules, 3, &in, 1768478400, &errors);
	if (v == VALID_OK) {
		if (strlen(in.name) == 0 || utf8_length(in.name, strlen(in.name)) > 50 ||
		    !json_is_array(in.permissions) || json_array_size(in.permissions) > 32)
			abort();
	}
	if (v == VALID_INVALID) {
		if (!json_is_object(errors) || json_object_size(errors) == 0)
			abort();
		response_invalid(&r, "The given data was invalid.", errors);
		if ((out = response_render(&r, &len)) == NULL)
			abort();
		body = strstr(out, "\r\n\r\n");
		if (body == NULL || (back = json_loads(body + 4, 0, NULL)) == NULL)
			abort();	/* the 422 body must be valid JSON */
		json_decref(back);
		free(out);
		response_clear(&r);
	} else if (errors != NULL)
		abort();
	validate_release(rules, 3, &in);
	return 0;
}

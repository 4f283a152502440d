/* fuzz-json-body.c: libFuzzer target for request bodies through the create endpoint's field table and the envelopes they get. */
#include "ac-config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "response.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);
void LLVMFuzzerInitialize(int *, char ***);

/* The create endpoint's table (keys.c), as tests/unit/test-validate.c has it. */
struct input {
	char			name[204];
	struct valid_time	expires_at;
	json_t			*permissions;
};

#define PERM_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_.:-"

static const struct field_rule rules[] = {
	{ "name", "name", validate_text, offsetof(struct input, name), 204, 50, 0, NULL },
	{ "expires_at", "expires at", validate_future_time,
	    offsetof(struct input, expires_at), 0, 5, 0, NULL },
	{ "permissions", "permissions", validate_string_set,
	    offsetof(struct input, permissions), 0, 32, 64, PERM_CHARS },
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* 2026-01-15T12:00:00Z, a fixed now so that runs repeat. */
#define NOW		1768478400
#define FIVE_YEARS	(5 * 366 * 86400)	/* an upper bound, leap days or not */

/* The name as stored: no control character, no white space at either end. */
static void
check_name(const char *name)
{
	size_t len;
	const unsigned char *p;

	if (memchr(name, '\0', sizeof(((struct input *)0)->name)) == NULL)
		abort();
	len = strlen(name);
	if (len == 0 || utf8_length(name, len) > 50)
		abort();
	for (p = (const unsigned char *)name; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
	if (name[0] == ' ' || name[len - 1] == ' ')
		abort();
}

static void
check_permissions(const json_t *perms)
{
	const char *s;
	size_t i, j, len;

	if (!json_is_array(perms) || json_array_size(perms) > 32)
		abort();
	for (i = 0; i < json_array_size(perms); i++) {
		json_t *item = json_array_get(perms, i);

		if (!json_is_string(item))
			abort();
		s = json_string_value(item);
		len = json_string_length(item);
		if (len == 0 || len > 64 || strspn(s, PERM_CHARS) != len)
			abort();
		for (j = 0; j < i; j++)
			if (json_equal(item, json_array_get(perms, j)))
				abort();
	}
}

/* Keys are the fields, or "permissions.N" for an item there is. */
static void
check_errors(json_t *errors, const unsigned char *body, size_t len)
{
	json_t *root, *perms, *msgs;
	const char *key;
	char *end;
	unsigned long n;

	if (!json_is_object(errors) || json_object_size(errors) == 0)
		abort();
	/* Parsed again, as validate_body did, to count the items. */
	if ((root = json_loadb((const char *)body, len,
	    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL)) == NULL)
		abort();
	perms = json_object_get(root, "permissions");
	json_object_foreach(errors, key, msgs) {
		if (!json_is_array(msgs) || json_array_size(msgs) != 1 ||
		    !json_is_string(json_array_get(msgs, 0)))
			abort();
		if (strcmp(key, "name") == 0 || strcmp(key, "expires_at") == 0 ||
		    strcmp(key, "permissions") == 0)
			continue;
		if (strncmp(key, "permissions.", 12) != 0 || key[12] < '0' ||
		    key[12] > '9')
			abort();
		n = strtoul(key + 12, &end, 10);
		if (*end != '\0' || !json_is_array(perms) || n >= json_array_size(perms))
			abort();
	}
	json_decref(root);
}

/*
 * Renders r and parses it back: a CGI head whose Content-Length is the
 * body's, then one JSON document.  Returns the document (caller decrefs).
 */
static json_t *
render_and_parse(const struct response *r, int status)
{
	json_t *doc;
	char *out, head[32];
	const char *body, *cl;
	size_t len, bodylen;

	if ((out = response_render(r, &len)) == NULL)
		abort();
	if (strlen(out) != len)
		abort();	/* a NUL would cut the answer short */
	snprintf(head, sizeof(head), "Status: %d ", status);
	if (strncmp(out, head, strlen(head)) != 0)
		abort();
	if ((body = strstr(out, "\r\n\r\n")) == NULL)
		abort();
	body += 4;
	bodylen = len - (size_t)(body - out);
	if ((cl = strstr(out, "\r\nContent-Length: ")) == NULL || cl > body ||
	    strtoul(cl + 18, NULL, 10) != bodylen)
		abort();
	/* What a client gets must be JSON, and ASCII only. */
	for (cl = body; *cl != '\0'; cl++)
		if ((unsigned char)*cl < 0x20 || (unsigned char)*cl > 0x7e)
			abort();
	if ((doc = json_loadb(body, bodylen, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		abort();
	free(out);
	return doc;
}

void
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	response_library_init();	/* as main does: jansson wipes what it frees */
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct response r;
	struct input in;
	json_t *errors = (json_t *)&in, *doc;
	enum valid_result v;

	memset(&in, 0, sizeof(in));
	memset(&r, 0, sizeof(r));
	/* data is exactly sized and not NUL-terminated, as a body is not
	 * trusted to be. */
	v = validate_body((const char *)data, size, rules, NRULES, &in, NOW, &errors);
	switch (v) {
	case VALID_OK:
		if (errors != NULL)
			abort();
		check_name(in.name);
		check_permissions(in.permissions);
		if (in.expires_at.set && (in.expires_at.value <= NOW ||
		    in.expires_at.value > NOW + FIVE_YEARS))
			abort();
		/* The 201 carries the name and permissions back: they must
		 * come out of the renderer as they went in. */
		json_incref(in.permissions);
		response_success(&r, 201, "API key created successfully",
		    json_pack("{s:s, s:o}", "name", in.name,
		    "permissions", in.permissions));
		doc = render_and_parse(&r, 201);
		if (!json_is_string(json_object_get(json_object_get(doc, "data"), "name")) ||
		    strcmp(json_string_value(json_object_get(json_object_get(doc, "data"),
		    "name")), in.name) != 0 ||
		    !json_equal(json_object_get(json_object_get(doc, "data"), "permissions"),
		    in.permissions))
			abort();
		json_decref(doc);
		break;
	case VALID_NOT_OBJECT:
		if (errors != NULL)
			abort();
		break;
	case VALID_INVALID:
		check_errors(errors, data, size);
		json_incref(errors);
		response_invalid(&r, "The given data was invalid.", errors);
		doc = render_and_parse(&r, 422);
		if (json_object_size(doc) != 3 ||
		    !json_is_false(json_object_get(doc, "success")) ||
		    !json_equal(json_object_get(doc, "errors"), errors))
			abort();
		json_decref(doc);
		json_decref(errors);
		break;
	default:
		abort();	/* out of memory does not happen here */
	}
	response_clear(&r);
	validate_release(rules, NRULES, &in);
	if (in.permissions != NULL)
		abort();
	return 0;
}

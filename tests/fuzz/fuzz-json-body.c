/* fuzz-json-body.c: libFuzzer target for request bodies through the create endpoint's real field table and the envelopes they get. */
#include "ac-config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_keys.h"
#include "jsonr.h"
#include "key_input.h"
#include "response.h"
#include "timeutil.h"
#include "utf8.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);
void LLVMFuzzerInitialize(int *, char ***);

/* What a permission may hold (docs/openapi.yaml). */
#define PERM_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_.:-"

/* 2026-01-15T12:00:00Z in microseconds, a fixed now so that runs repeat. */
#define NOW		(1768478400 * TIME_US)
#define FIVE_YEARS	(5 * 366 * 86400 * TIME_US)	/* an upper bound, leap days or not */

/* 1 if s (n bytes) starts with the UTF-8 of one of the blanks trimmed. */
static int
starts_blank(const unsigned char *s, size_t n)
{
	unsigned cp;

	if (n == 0)
		return 0;
	utf8_decode(s, n, &cp);
	return cp == ' ' || cp == 0xa0 || cp == 0x3000 || cp == 0xfeff ||
	    (cp >= 0x2000 && cp <= 0x200b) || cp == 0x2028 || cp == 0x2029;
}

/* The name as stored: 1..50 code points, no control character (C0, DEL,
 * C1), no white space at either end. */
static void
check_name(const char *name)
{
	const unsigned char *p, *last;
	size_t len, n;
	unsigned cp;

	if (memchr(name, '\0', sizeof(((struct key_input *)0)->name)) == NULL)
		abort();
	len = strlen(name);
	if (len == 0 || utf8_length(name, len) > 50)
		abort();
	for (p = (const unsigned char *)name; *p != '\0'; p += n) {
		n = utf8_decode(p, len - (size_t)(p - (const unsigned char *)name), &cp);
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			abort();
	}
	if (starts_blank((const unsigned char *)name, len))
		abort();
	last = (const unsigned char *)name + len;
	do
		last--;
	while (last > (const unsigned char *)name && (*last & 0xc0) == 0x80);
	if (starts_blank(last, (size_t)((const unsigned char *)name + len - last)))
		abort();
}

/* The set as stored: at most 32 distinct items of 1..64 allowed bytes, and
 * exactly the body's array when it gave one. */
static void
check_permissions(const struct valid_set *set, const json_t *given)
{
	size_t len;
	unsigned i, j;

	if (set->n > 32)
		abort();
	if (given == NULL || json_is_null(given)) {
		if (set->n != 0)
			abort();
	} else if (!json_is_array(given) || json_array_size(given) != set->n)
		abort();
	for (i = 0; i < set->n; i++) {
		len = strnlen(set->item[i], sizeof(set->item[i]));
		if (len == 0 || len > 64 || strspn(set->item[i], PERM_CHARS) != len)
			abort();
		if (strcmp(json_string_value(json_array_get(given, i)), set->item[i]) != 0)
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(set->item[i], set->item[j]) == 0)
				abort();
	}
}

/* The order of an item or member key "field.N" / "rate_limit.limit" of
 * rule r, or -1 if it is not one of that field's. */
static long
sub_key(const struct field_rule *r, const char *sub, json_t *given)
{
	char *end;
	unsigned long n;

	if (r->kind == FIELD_RATE)
		return strcmp(sub, "limit") == 0 ? 0 : strcmp(sub, "window_seconds") == 0 ? 1 : -1;
	if ((r->kind != FIELD_STRING_SET && r->kind != FIELD_IP_LIST) || sub[0] < '0' ||
	    sub[0] > '9' || (sub[0] == '0' && sub[1] != '\0'))
		return -1;
	n = strtoul(sub, &end, 10);
	if (*end != '\0' || !json_is_array(given) || n >= json_array_size(given))
		return -1;
	return (long)n;
}

/*
 * Keys are the fields in table order, each followed by its items by index
 * ("permissions.N", "allowed_ips.N") or its members ("rate_limit.limit",
 * then ".window_seconds"); one message each.  A field with its own message
 * has none for its items, except a list over its cap: its kept items
 * (the first JR_ITEMS_KEPT) still get theirs.
 */
static void
check_errors(const struct valid_errors *errs, const unsigned char *body, size_t len)
{
	json_t *root;
	unsigned i;
	long last_field = -1, last_sub = -1, sub;
	int field_failed = 0;
	size_t r, mlen;

	if (errs->n == 0 || errs->n > VALID_ERRORS_MAX)
		abort();
	/* Parsed again, as validate_body did, to count the items. */
	if ((root = json_loadb((const char *)body, len,
	    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL)) == NULL)
		abort();
	for (i = 0; i < errs->n; i++) {
		const char *key = errs->e[i].key;

		if (memchr(key, '\0', sizeof(errs->e[i].key)) == NULL ||
		    memchr(errs->e[i].message, '\0', sizeof(errs->e[i].message)) == NULL ||
		    errs->e[i].message[0] == '\0')
			abort();
		for (r = 0; r < keys_create_nrules; r++) {
			mlen = strlen(keys_create_rules[r].member);
			if (strncmp(key, keys_create_rules[r].member, mlen) == 0 &&
			    (key[mlen] == '\0' || key[mlen] == '.'))
				break;
		}
		if (r == keys_create_nrules)
			abort();
		if (key[mlen] == '\0') {
			/* A field: after the fields (and items) before it. */
			if ((long)r <= last_field)
				abort();
			last_field = (long)r;
			last_sub = -1;
			field_failed = strstr(errs->e[i].message, "must not have more than") == NULL;
			continue;
		}
		sub = sub_key(&keys_create_rules[r], key + mlen + 1,
		    json_object_get(root, keys_create_rules[r].member));
		if (sub < 0 || sub >= JR_ITEMS_KEPT || (long)r < last_field ||
		    ((long)r == last_field && (field_failed || sub <= last_sub)))
			abort();
		if ((long)r > last_field)
			field_failed = 0;
		last_field = (long)r;
		last_sub = sub;
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
	validate_library_init();	/* as main does: jansson wipes what it frees */
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct valid_errors errs;
	struct key_input in;
	struct response r;
	struct jw *w;
	json_t *doc, *root, *data_, *e, *m;
	enum valid_result v;
	unsigned i;

	memset(&in, 0, sizeof(in));
	memset(&r, 0, sizeof(r));
	memset(&errs, 0x5a, sizeof(errs));	/* validate_body must set n */
	/* data is exactly sized and not NUL-terminated, as a body is not
	 * trusted to be. */
	v = validate_body((const char *)data, size, keys_create_rules, keys_create_nrules,
	    &in, NOW, &errs);
	switch (v) {
	case VALID_OK:
		if (errs.n != 0)
			abort();
		check_name(in.name);
		root = json_loadb((const char *)data, size,
		    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
		if (!json_is_object(root))
			abort();
		check_permissions(&in.permissions, json_object_get(root, "permissions"));
		json_decref(root);
		if (in.expires_at.set && (in.expires_at.value <= NOW ||
		    in.expires_at.value > NOW + FIVE_YEARS))
			abort();
		/* The 201 carries the name and permissions back: they must
		 * come out of the renderer as they went in. */
		w = response_open(&r, 201, 1, "API key created successfully");
		jw_key(w, "data");
		jw_object_begin(w);
		jw_key(w, "name");
		jw_string(w, in.name);
		jw_key(w, "permissions");
		jw_array_begin(w);
		for (i = 0; i < in.permissions.n; i++)
			jw_string(w, in.permissions.item[i]);
		jw_array_end(w);
		jw_key(w, "expires_at");
		jw_time(w, in.expires_at.set ? in.expires_at.value : NOW);
		jw_object_end(w);
		response_close(&r);
		doc = render_and_parse(&r, 201);
		data_ = json_object_get(doc, "data");
		if (!json_is_string(json_object_get(data_, "name")) ||
		    strcmp(json_string_value(json_object_get(data_, "name")), in.name) != 0 ||
		    json_array_size(json_object_get(data_, "permissions")) != in.permissions.n ||
		    !json_is_string(json_object_get(data_, "expires_at")))
			abort();
		for (i = 0; i < in.permissions.n; i++)
			if (strcmp(json_string_value(json_array_get(json_object_get(data_,
			    "permissions"), i)), in.permissions.item[i]) != 0)
				abort();
		json_decref(doc);
		break;
	case VALID_NOT_OBJECT:
	case VALID_TOO_COMPLEX:
		if (errs.n != 0)
			abort();
		break;
	case VALID_INVALID:
		check_errors(&errs, data, size);
		w = response_open(&r, 422, 0, "The given data was invalid.");
		jw_key(w, "errors");
		validate_errors_write(w, &errs);
		response_close(&r);
		doc = render_and_parse(&r, 422);
		e = json_object_get(doc, "errors");
		if (json_object_size(doc) != 3 ||
		    !json_is_false(json_object_get(doc, "success")) ||
		    json_object_size(e) != errs.n)
			abort();
		for (i = 0; i < errs.n; i++) {
			m = json_object_get(e, errs.e[i].key);
			if (json_array_size(m) != 1 ||
			    !json_is_string(json_array_get(m, 0)) ||
			    strcmp(json_string_value(json_array_get(m, 0)),
			    errs.e[i].message) != 0)
				abort();
		}
		json_decref(doc);
		break;
	default:
		abort();	/* out of memory does not happen here */
	}
	response_clear(&r);
	if (r.body.p != NULL)
		abort();
	return 0;
}

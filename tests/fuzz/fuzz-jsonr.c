/* fuzz-jsonr.c: libFuzzer target: the body reader accepts exactly what jansson's decoder accepts (duplicates refused, NUL allowed) within its limits (64 members, 32 levels), with the same values. */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonr.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

/* Nesting deeper than this is not compared: the two limits are counted
 * from different places. */
#define COMPARE_DEPTH 1000

static int
depth_of(const unsigned char *s, size_t n)
{
	size_t i;
	int d = 0, max = 0, in_str = 0;

	for (i = 0; i < n; i++) {
		if (in_str) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_str = 0;
		} else if (s[i] == '"')
			in_str = 1;
		else if (s[i] == '[' || s[i] == '{') {
			if (++d > max)
				max = d;
		} else if (s[i] == ']' || s[i] == '}')
			d--;
	}
	return max;
}

static void
same(const json_t *j, const struct jr_value *r)
{
	const struct jr_value *item;
	size_t i;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		if (r->type != JR_OBJECT || r->len != json_object_size(j))
			abort();
		for (item = r->first; item != NULL; item = item->next) {
			json_t *m = json_object_getn(j, item->key, item->key_len);

			if (m == NULL)
				abort();
			same(m, item);
		}
		break;
	case JSON_ARRAY:
		if (r->type != JR_ARRAY || r->len != json_array_size(j))
			abort();
		for (i = 0, item = r->first; item != NULL; i++, item = item->next)
			same(json_array_get(j, i), item);
		if (i != (r->len < JR_ITEMS_KEPT ? r->len : JR_ITEMS_KEPT))
			abort();
		break;
	case JSON_STRING:
		if (r->type != JR_STRING || r->len != json_string_length(j) ||
		    memcmp(r->str, json_string_value(j), r->len) != 0 || r->str[r->len] != '\0')
			abort();
		break;
	case JSON_INTEGER:
		if (r->type != JR_INT || r->i != json_integer_value(j))
			abort();
		break;
	case JSON_REAL:
		if (r->type != JR_REAL || r->r != json_real_value(j))
			abort();
		break;
	case JSON_TRUE:
		if (r->type != JR_TRUE)
			abort();
		break;
	case JSON_FALSE:
		if (r->type != JR_FALSE)
			abort();
		break;
	case JSON_NULL:
		if (r->type != JR_NULL)
			abort();
		break;
	}
}

/* The deepest level (the root is 1) and the largest object of a document. */
static void
measure(const json_t *j, int depth, int *levels, size_t *members)
{
	const char *key;
	json_t *v;
	size_t i;

	if (!json_is_object(j) && !json_is_array(j))
		return;
	if (depth > *levels)
		*levels = depth;
	if (json_is_object(j)) {
		if (json_object_size(j) > *members)
			*members = json_object_size(j);
		json_object_foreach((json_t *)j, key, v)
			measure(v, depth + 1, levels, members);
	} else
		json_array_foreach(j, i, v)
			measure(v, depth + 1, levels, members);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct jr_doc doc;
	struct jr_value *r;
	json_t *j;

	memset(&doc, 0, sizeof(doc));
	doc.allow_nul = 1;
	r = jr_parse(&doc, (const char *)data, size);
	/* jansson takes a raw NUL byte right after a number or a literal for
	 * the end of its text and then accepts "[1\0]"; RFC 8259 does not, and
	 * neither does the reader: texts with a raw NUL are not compared. */
	if (depth_of(data, size) > COMPARE_DEPTH || memchr(data, 0, size) != NULL) {
		jr_free(&doc);
		return 0;
	}
	j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
	if (j != NULL) {
		int levels = 0;
		size_t members = 0;

		measure(j, 1, &levels, &members);
		/* Over a limit: refused as too complex, whatever jansson says. */
		if ((levels > JR_DEPTH_MAX || members > JR_MEMBERS_MAX) != (r == NULL && doc.too_complex))
			abort();
		if (r == NULL && doc.too_complex) {
			json_decref(j);
			jr_free(&doc);
			return 0;
		}
	}
	/* Refused as too complex, a text jansson refuses too: the reader met
	 * the limit before the fault (or there is none but a duplicate). */
	if ((r == NULL) != (j == NULL) && !(j == NULL && doc.too_complex))
		abort();
	if (r != NULL)
		same(j, r);
	json_decref(j);
	jr_free(&doc);
	return 0;
}

/* stored.c: JSON texts kept in the database (permissions, address lists, event details) re-encoded as PHP would, and jansson's wiping allocator (the only jansson user). */
#include "ac-config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crypto.h"
#include "stored.h"
#include "validate.h"

/* A parsed value through the writer, PHP's way. */
static void
write_value(struct jw *w, json_t *v)
{
	const char *k;
	json_t *item;
	size_t i;
	char real[32];
	int n;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		jw_object_begin(w);
		json_object_foreach(v, k, item) {
			jw_key(w, k);
			write_value(w, item);
		}
		jw_object_end(w);
		break;
	case JSON_ARRAY:
		jw_array_begin(w);
		json_array_foreach(v, i, item)
			write_value(w, item);
		jw_array_end(w);
		break;
	case JSON_STRING:
		jw_stringn(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		jw_int(w, (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		n = snprintf(real, sizeof(real), "%.17g%s", json_real_value(v), "");
		if (n > 0 && (size_t)n < sizeof(real) - 2) {
			if (strpbrk(real, ".eE") == NULL)
				strcat(real, ".0");
			jw_raw(w, real, strlen(real));
		}
		break;
	case JSON_TRUE:
		jw_bool(w, 1);
		break;
	case JSON_FALSE:
		jw_bool(w, 0);
		break;
	case JSON_NULL:
		jw_null(w);
		break;
	}
}

void
validate_stored_write(struct jw *w, const char *text)
{
	json_t *v;

	/* What generate stores, so what most keys hold: no parser needed. */
	if (strcmp(text, "[]") == 0) {
		jw_array_begin(w);
		jw_array_end(w);
		return;
	}
	v = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	if (json_is_array(v))
		write_value(w, v);
	else {
		jw_array_begin(w);
		jw_array_end(w);
	}
	json_decref(v);
}

int
validate_stored_set(const char *text, struct valid_set *out)
{
	json_t *v, *item;
	size_t i;
	int rc = -1;

	out->n = 0;
	out->present = 0;
	if (text == NULL || text[0] == '\0' || strcmp(text, "[]") == 0)
		return 0;
	v = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	if (json_is_array(v)) {
		out->present = 1;
		rc = json_array_size(v) < VALID_SET_MAX ? (int)json_array_size(v) : VALID_SET_MAX;
		json_array_foreach(v, i, item) {
			size_t len = json_is_string(item) ? json_string_length(item) : 0;

			if (!json_is_string(item))
				rc = -1;
			else if (out->n < VALID_SET_MAX && len <= VALID_ITEM_MAX &&
			    memchr(json_string_value(item), '\0', len) == NULL)
				memcpy(out->item[out->n++], json_string_value(item), len + 1);
		}
	}
	json_decref(v);
	return rc;
}

void
validate_stored_object_write(struct jw *w, const char *text)
{
	json_t *v = text != NULL ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;

	if (json_is_object(v))
		write_value(w, v);
	else
		jw_null(w);
	json_decref(v);
}

/* jansson's free does not wipe: a secret placed in a JSON string would stay
 * in freed heap memory.  Wipe every block it frees. */
static void
json_wiping_free(void *p)
{
	if (p != NULL) {
		crypto_wipe(p, malloc_usable_size(p));
		free(p);
	}
}

void
validate_library_init(void)
{
	json_set_alloc_funcs(malloc, json_wiping_free);
}
